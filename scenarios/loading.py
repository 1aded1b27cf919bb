"""Read a scenario file: YAML, ``extends:`` chains, named ``overrides:`` and validation.

Merge order, from weakest to strongest (docs/scenario-format.md):

1. the files named by ``extends:`` (each merged the same way, in list order),
2. the named overrides listed in ``options:``, in order (two options setting
   the same key is an error),
3. the file's own keys.

Mappings merge key by key; lists and scalars replace; ``null`` removes a key.
Table paths are resolved relative to the file that names them.
"""

import difflib
import json
import os
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from . import safe_yaml
from .errors import ScenarioError
from .schema import Scenario

SHIPPED = Path(os.path.abspath(Path(__file__).parent))
TABLE_SUFFIXES = (".csv", ".xlsx", ".geojson", ".gpkg", ".shp", ".json")
MERGE_KEYS = ("extends", "options", "overrides")

Origins = dict[tuple[str, ...], Path]


def shown(path: Path | str) -> str:
    """A path as the user knows it: relative to the working folder or the shipped scenarios."""
    path = Path(os.path.abspath(path))
    for root in (Path(os.path.abspath(Path.cwd())), SHIPPED):
        if path.is_relative_to(root):
            return str(path.relative_to(root))
    return str(path)


def absolute(path: Path) -> Path:
    """``path`` made absolute and normal, but symbolic links kept: messages name what the user wrote."""
    return Path(os.path.abspath(path))


def resolve(scenario: str | Path) -> Path:
    """A scenario file from a path, or a shipped name: ``taiyuan`` or ``taiyuan/public_kindergarten``."""
    path = Path(scenario)
    if path.suffix in (".yaml", ".yml"):
        if not path.is_file():
            raise ScenarioError(f"{scenario}: no such scenario file")
        return absolute(path)
    name = str(scenario).strip("/")
    folder, _, option = name.partition("/")
    candidate = SHIPPED / folder / f"{option or 'baseline'}.yaml"
    if candidate.is_file():
        return candidate
    if (path / "results.nc").is_file():
        raise ScenarioError(
            f"{scenario}: a results folder (placeplan run writes them); give a scenario file, or read the folder "
            "with placeplan map, chart, compare or report"
        )
    files = sorted(str(p) for p in path.glob("*.y*ml") if p.suffix in (".yaml", ".yml")) if path.is_dir() else []
    if files:
        raise ScenarioError(f"{scenario}: a folder; give one of its scenario files: {', '.join(files)}")
    known = sorted(f"{p.parent.name}/{p.stem}" for p in SHIPPED.glob("*/*.yaml"))
    raise ScenarioError(f"{scenario}: not a scenario file (.yaml) nor a shipped scenario; shipped: {', '.join(known)}")


def read_yaml(path: Path) -> dict[str, Any]:
    """One YAML file as a mapping, with file and line in any error (safe_yaml's limits apply)."""
    try:
        document = safe_yaml.load(safe_yaml.text_of(path))
    except OSError as error:
        raise ScenarioError(f"{shown(path)}: cannot read ({error.strerror})") from None
    except safe_yaml.Refused as error:
        mark = error.problem_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}:" if mark else ""
        raise ScenarioError(f"{shown(path)}:{where} {error.problem}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ScenarioError(f"{shown(path)}:{where}: malformed YAML: {problem}") from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ScenarioError(
            f"{shown(path)}: must be a mapping of keys (name:, base_year:, ...), not a {type(document).__name__}"
        )
    return document


def _absolute_paths(value: Any, folder: Path) -> Any:
    if isinstance(value, dict):
        return {key: _absolute_paths(item, folder) for key, item in value.items()}
    if isinstance(value, list):
        return [_absolute_paths(item, folder) for item in value]
    if isinstance(value, str) and value.lower().endswith(TABLE_SUFFIXES):
        return str(absolute(folder / value))
    return value


def _leaves(value: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(value, dict) and value:
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*prefix, str(key)))]
    return [prefix]


def merge(
    base: dict[str, Any], top: dict[str, Any], origins: Origins, source: Path, prefix: tuple[str, ...] = ()
) -> None:
    """Merge ``top`` into ``base`` in place: mappings key by key, ``null`` removes."""
    for key, value in top.items():
        path = (*prefix, str(key))
        if value is None:
            base.pop(key, None)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value, origins, source, path)
        else:
            base[key] = value.copy() if isinstance(value, dict) else value
            for leaf in _leaves(value, path):
                origins[leaf] = source


def compose(
    path: Path, chain: tuple[Path, ...] = ()
) -> tuple[dict[str, Any], Origins, dict[str, tuple[dict[str, Any], Path]]]:
    """Merge a file with what it extends and the options it names.

    Returns the merged keys, the file each key came from, and the named
    overrides visible from this file.
    """
    if path in chain:
        cycle = " -> ".join(shown(p) for p in (*chain, path))
        raise ScenarioError(f"{shown(path)}: extends itself ({cycle})")
    document = _absolute_paths(read_yaml(path), path.parent)
    merged: dict[str, Any] = {}
    origins: Origins = {}
    overrides: dict[str, tuple[dict[str, Any], Path]] = {}
    for parent in _names(document, "extends", "a file name", path):
        parent_path = absolute(path.parent / str(parent))
        if not parent_path.is_file():
            raise ScenarioError(f"{shown(path)}: extends: {parent}: no such file")
        keys, where, named = compose(parent_path, (*chain, path))
        for key in ("name", "title"):
            keys.pop(key, None)
        merge(merged, keys, origins, path)
        origins.update(where)
        overrides.update(named)
    own = document.get("overrides") or {}
    if not isinstance(own, dict) or not all(isinstance(v, dict) for v in own.values()):
        raise ScenarioError(f"{shown(path)}: overrides: must map option names to mappings of keys")
    overrides.update({name: (keys, path) for name, keys in own.items()})
    options = _names(document, "options", "an option name", path)
    set_by: dict[tuple[str, ...], str] = {}
    for option in options:
        if option not in overrides:
            hint = _did_you_mean(option, overrides)
            raise ScenarioError(
                f"{shown(path)}: options: unknown option {option!r}{hint}; "
                f"defined: {', '.join(sorted(overrides)) or 'none'}"
            )
        keys, source = overrides[option]
        for leaf in _leaves(keys):
            clash = next((key for key in set_by if key[: len(leaf)] == leaf or leaf[: len(key)] == key), None)
            if clash is not None:
                shorter = min(clash, leaf, key=len)
                raise ScenarioError(
                    f"{shown(path)}: options {set_by[clash]!r} and {option!r} both set {'.'.join(shorter)}; "
                    "combine them in one override or set the key in the file itself"
                )
        for leaf in _leaves(keys):
            set_by[leaf] = option
        merge(merged, keys, origins, source)
    merged["options"] = [*merged.get("options", []), *options]
    merge(merged, {k: v for k, v in document.items() if k not in MERGE_KEYS}, origins, path)
    return merged, origins, overrides


def _names(document: dict[str, Any], key: str, what: str, path: Path) -> list[str]:
    """``document[key]``: one name or a list of names (none when absent)."""
    value = document.get(key) or []
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        written = json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, list | dict) else value
        raise ScenarioError(f"{shown(path)}: {key}: {written} is not {what} or a list of them")
    return names


def _did_you_mean(word: str, allowed: Any) -> str:
    """`` (did you mean 'x'?)`` for the allowed word closest to ``word``, whatever its case."""
    spelled = {str(a).lower(): str(a) for a in allowed}
    close = difflib.get_close_matches(str(word).lower(), spelled, n=1)
    return f" (did you mean {spelled[close[0]]!r}?)" if close else ""


def _unwrap(annotation: Any) -> Any:
    """``X | None`` as ``X``."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _members(annotation: Any) -> tuple[Any, ...]:
    """The types a union allows (itself when it is not one), without None."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return tuple(a for a in typing.get_args(annotation) if a is not type(None))
    return (annotation,)


def _walk(loc: tuple[Any, ...]) -> tuple[tuple[str, ...], Any]:
    """A pydantic error location as the planner's key path (without the names pydantic gives the members of
    a union, such as ``str`` or ``Titles``), and the type the schema has there (None when unknown)."""
    current: Any = Scenario
    keys: list[str] = []
    for part in loc:
        member = next((m for m in _members(current) if getattr(m, "__name__", None) == part), None)
        if member is not None and len(_members(current)) > 1:
            current = member
            continue
        keys.append(str(part))
        current = _unwrap(current)
        if _is_model(current) and str(part) in current.model_fields:
            current = current.model_fields[str(part)].annotation
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        else:
            current = None
    return tuple(keys), current


def _what(annotation: Any) -> str:
    """A type as a planner reads it: ``a text``, ``a mapping of en, zh``."""
    names = {str: "a text", int: "a whole number", float: "a number", bool: "true or false", list: "a list"}
    if _is_model(annotation):
        return f"a mapping of {', '.join(annotation.model_fields)}"
    return names.get(annotation, "a mapping" if typing.get_origin(annotation) is dict else str(annotation))


def _written(value: Any) -> str:
    """A value as the planner wrote it (a date as 2020-01-01, not datetime.date(2020, 1, 1))."""
    return repr(value) if isinstance(value, str) else str(value)


def _origin(origins: Origins, loc: tuple[str, ...], default: Path) -> Path:
    for end in range(len(loc), 0, -1):
        if loc[:end] in origins:
            return origins[loc[:end]]
    below = [source for key, source in origins.items() if key[: len(loc)] == loc]
    return below[0] if below else default


def describe(error: ValidationError, origins: Origins, path: Path) -> str:
    """One message for the first schema error: file, key path, what is wrong and what is allowed.

    An unknown key comes first: a misspelled required key is reported as the misspelling, not as missing.
    """
    errors = error.errors()
    at_union = [bool(e["loc"]) and _walk(e["loc"])[0] == _walk(e["loc"][:-1])[0] for e in errors]  # at a member
    inside = [e for e, tag in zip(errors, at_union, strict=True) if not tag]  # within the member that fits
    first = next((e for e in errors if e["type"] == "extra_forbidden"), inside[0] if inside else errors[0])
    keys, expected = _walk(first["loc"])
    where = f"{shown(_origin(origins, keys, path))}: {'.'.join(keys) or '(top level)'}"
    if not inside:  # no member of a union fits
        _, union = _walk(first["loc"][:-1])
        alternatives = " or ".join(_what(member) for member in _members(union))
        return f"{where}: must be {alternatives} (got {_written(first['input'])})"
    if first["type"] == "extra_forbidden":
        _, parent = _walk(first["loc"][:-1])
        allowed = list(_unwrap(parent).model_fields) if _is_model(_unwrap(parent)) else []
        allowed = [key for key in allowed if key != "options"] + (list(MERGE_KEYS) if len(keys) == 1 else [])
        return f"{where}: unknown key{_did_you_mean(keys[-1], allowed)}; allowed: {', '.join(allowed)}"
    if first["type"] == "missing":
        return f"{where}: missing; this key is required"
    if first["type"] in TYPES:
        wanted = _unwrap(expected) if first["type"] in ("model_type", "dict_type") else TYPES[first["type"]]
        return f"{where}: must be {_what(wanted)} (got {_written(first['input'])})"
    if first["type"] == "finite_number":
        return f"{where}: must be a finite number (got {_written(first['input'])})"
    if first["type"] in BOUNDS:
        (bound,) = first["ctx"].values()
        return f"{where}: must be {BOUNDS[first['type']]} {bound:g} (got {_written(first['input'])})"
    message = first["msg"].removeprefix("Value error, ")
    value = first.get("input")
    quiet = isinstance(value, dict | list) or first["type"] == "value_error"  # the message names the value
    return f"{where}: {message}" + ("" if quiet else f" (got {_written(value)})")


TYPES = {
    "string_type": str,
    "int_type": int,
    "int_parsing": int,
    "int_from_float": int,
    "float_type": float,
    "float_parsing": float,
    "bool_type": bool,
    "bool_parsing": bool,
    "model_type": dict,
    "dict_type": dict,
    "list_type": list,
    "tuple_type": list,
}
"""pydantic's errors of a value of the wrong kind, and the kind wanted (a mapping: the schema's, there)."""
BOUNDS = {
    "greater_than": "more than",
    "greater_than_equal": "at least",
    "less_than": "less than",
    "less_than_equal": "at most",
}
"""pydantic's errors of a value out of bounds, in words."""


@dataclass(frozen=True)
class Loaded:
    """A validated scenario with the file it was read from and where each key came from."""

    scenario: Scenario
    path: Path
    origins: Origins

    def where(self, *keys: str) -> str:
        """``file: key.path`` for messages about a key."""
        return f"{shown(_origin(self.origins, keys, self.path))}: {'.'.join(keys)}"


def load(scenario: str | Path) -> Loaded:
    """Load and validate a scenario by path or shipped name."""
    path = resolve(scenario)
    keys, origins, _ = compose(path)
    keys.setdefault("name", path.stem)
    try:
        return Loaded(Scenario.model_validate(keys), path, origins)
    except ValidationError as error:
        raise ScenarioError(describe(error, origins, path)) from None
