"""The building blocks of the scenario schema: parameters checked by kind, table paths, strict models."""

from functools import partial
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema

from . import params
from .params import Param


def _param(kind: str) -> object:
    return Annotated[Param, PlainValidator(partial(params.parse, kind=kind)), WithJsonSchema(params.json_schema(kind))]


Share = _param("share")
Rate = _param("rate")
Positive = _param("positive")
SexRatio = _param("sex_ratio")
Table = Annotated[str, Field(description="path of a CSV (UTF-8 or GB18030) or .xlsx table, relative to this file")]


class Strict(BaseModel):
    """Frozen, and unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False)
