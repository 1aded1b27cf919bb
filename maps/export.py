"""The gap layer for GIS users: a GeoPackage with one layer per stage and one column per year."""

from pathlib import Path

import xarray as xr

from .choropleth import area_frame
from .style import figure_values


def gap_layers(result: xr.Dataset, path: Path, figure: str = "gap") -> Path:
    """Write ``path`` (.gpkg): layer ``STAGE`` with ``area, name, name_en`` and ``gap_YEAR`` columns."""
    values = figure_values(result, figure)
    for stage in result["stage"].values:
        frame = area_frame(result, str(stage), "zh")
        frame.insert(2, "name_en", result["area_name_en"].sel(area=frame["area"].values).values)
        for year in result["year"].values:
            frame[f"{figure}_{year}"] = values.sel(stage=stage, year=year).sel(area=frame["area"].values).values
        frame.to_file(path, layer=str(stage), driver="GPKG", engine="pyogrio")
    return path
