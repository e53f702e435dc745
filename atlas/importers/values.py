"""Values in records: reading and writing a path, comparing old and new, showing them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap

from ..schema import ModelRecord
from . import yamlio


def record_problems(doc: Any) -> list[str]:
    """What the validator would say about this record on its own (references aside)."""
    data = yamlio.plain(doc)
    try:
        model = ModelRecord.model_validate(data)
    except ValidationError as error:
        return [first_error(error)]
    found = []
    if model.limits.max_output and model.limits.max_output > model.limits.context:
        found.append("limits.max_output is above limits.context")
    if model.limits.max_input and model.limits.max_input > model.limits.context:
        found.append("limits.max_input is above limits.context")
    pricing = model.pricing
    if (pricing.input is None) != (pricing.output is None):
        found.append("pricing has only one of input and output")
    if pricing.input is not None and pricing.cached_input is not None and pricing.cached_input > pricing.input:
        found.append("pricing.cached_input is above pricing.input")
    if model.status == "deprecated" and model.retired is None:
        found.append("a deprecated model needs a retirement date")
    return found


def first_error(error: ValidationError) -> str:
    detail = error.errors(include_url=False)[0]
    return f"{'.'.join(str(p) for p in detail['loc'])}: {detail['msg']}"


def as_list(value) -> list:
    return list(value) if isinstance(value, list) else []


def dig(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def put(doc: CommentedMap, path: tuple[str, ...], value: Any) -> None:
    mapping = doc
    for depth, key in enumerate(path[:-1]):
        inner = mapping.get(key)
        if not isinstance(inner, dict):
            inner = CommentedMap()
            yamlio.set_key(mapping, key, inner, yamlio.order_of(path[:depth]))
        mapping = inner
    old = mapping.get(path[-1])
    yamlio.set_key(mapping, path[-1], yamlio.node(value, path, like=old), yamlio.order_of(path[:-1]))


def same(old: Any, new: Any) -> bool:
    if old is None or new is None:
        return old is None and new is None
    if isinstance(old, bool) or isinstance(new, bool):
        return isinstance(old, bool) and isinstance(new, bool) and old == new
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return float(old) == float(new)
    if isinstance(old, (dt.date, str)) and isinstance(new, (dt.date, str)):
        old, new = str(old), str(new)
        # "2025-02" and "2025-02-28" are one month: a more precise date is not a change
        return old == new or (_is_partial_date(old) and _is_partial_date(new) and
                              (old.startswith(new + "-") or new.startswith(old + "-")))
    if isinstance(old, list) and isinstance(new, list):
        if all(isinstance(v, str) for v in [*old, *new]):  # modalities, efforts: order is the editor's
            return sorted(map(str, old)) == sorted(new)
        return len(old) == len(new) and all(same(a, b) for a, b in zip(old, new))
    if isinstance(old, dict) and isinstance(new, dict):
        return set(map(str, old)) == set(new) and all(same(old[k], new[k]) for k in old)
    return False


def _is_partial_date(text: str) -> bool:
    return len(text) in (7, 10) and text[:4].isdigit() and text[4] == "-"


def show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return str(yamlio.plain(value)).replace("'", "")
    if isinstance(value, float):
        return repr(float(value))
    return str(value)
