"""Validated records share what they repeat: equal strings, and equal sets of given fields, become one object.

A large catalog repeats provider ids, SDK names and source hosts in every record, and
pydantic gives each model object its own set of the fields its data named. Render workers
are forked and copy every memory page whose objects they read (CPython writes reference
counts in place), so each byte the catalog saves is saved once per process.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class Sharing:
    """One validation run's table of shared objects; records are frozen, so sharing is safe."""

    def __init__(self) -> None:
        self._strings: dict[str, str] = {}
        self._field_sets: dict[frozenset[str], set[str]] = {}

    def record(self, model: BaseModel) -> BaseModel:
        """`model`, its strings and those of the models in it swapped for equal shared ones."""
        given = model.__pydantic_fields_set__
        # A set per field combination: model_copy copies it before adding to it, and frozen models never add.
        object.__setattr__(model, "__pydantic_fields_set__", self._field_sets.setdefault(frozenset(given), given))
        values = model.__dict__
        for name, value in values.items():
            values[name] = self._value(value)
        return model

    def _value(self, value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return self._strings.setdefault(value, value)
        if kind is list:
            value[:] = [self._value(item) for item in value]
        elif kind is tuple:
            return tuple(self._value(item) for item in value)
        elif kind is dict:
            items = [(self._value(key), self._value(item)) for key, item in value.items()]
            value.clear()
            value.update(items)
        elif isinstance(value, BaseModel):
            self.record(value)
        return value
