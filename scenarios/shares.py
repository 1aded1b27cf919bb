"""Pupils placed in neighbouring planning areas' public schools: the scenario's ``share`` actions, checked."""

from typing import TYPE_CHECKING

from .errors import ScenarioError
from .loading import Loaded

if TYPE_CHECKING:
    from .inputs import StageInputs


def read_shares(loaded: Loaded, stages: "list[StageInputs]") -> None:
    """``share`` actions on their stages, checked: two different planning areas of the stage, within the run."""
    by_name = {stage.name: stage for stage in stages}
    scenario = loaded.scenario
    for name, action in scenario.actions.items():
        if action.action != "share":
            continue
        where = loaded.where("actions", name)
        if action.stage not in by_name:
            raise ScenarioError(f"{where}.stage: {action.stage!r} is not a stage; stages: {', '.join(by_name)}")
        stage = by_name[action.stage]
        areas = list(dict.fromkeys(stage.area_of))
        for key in ("area", "to"):
            if getattr(action, key) not in areas:
                raise ScenarioError(
                    f"{where}.{key}: {getattr(action, key)!r} is not a planning area of {stage.name}; "
                    f"areas: {', '.join(areas)}"
                )
        if action.area == action.to:
            raise ScenarioError(f"{where}.to: pupils of area {action.area} are shared with the area itself")
        for key in ("year", "until"):
            value = getattr(action, key)
            if not scenario.base_year <= value <= scenario.end_year:
                raise ScenarioError(
                    f"{where}.{key}: {value} is outside the run; actions take effect from base_year "
                    f"{scenario.base_year} to end_year {scenario.end_year}"
                )
        stage.shares.append((action.area, action.to, action.year, action.until, float(action.pupils)))  # type: ignore[arg-type]
