"""YAML in and out with ruamel.yaml's round-trip mode, so an editor's file survives a sync.

Comments, key order, quoting, flow lists and number spellings (`1.10`) are kept;
with these settings every record in content/ reads and writes back byte for byte.
New keys go where the schema puts them; lists of short values are written inline
(`input: [text, image]`) like the hand-written records.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..schema import (Benchmark, Capabilities, Limits, Modalities, ModelRecord, Offering, PriceTier, Pricing,
                      ProviderRecord, Source)

SCHEMA_HEADER = "yaml-language-server: $schema=../../schema/{kind}.json"

# The schema class of each part of a record, for key order.
_PARTS: dict[tuple[str, ...], type[BaseModel]] = {
    (): ModelRecord,
    ("pricing",): Pricing,
    ("pricing", "tiers"): PriceTier,
    ("limits",): Limits,
    ("modalities",): Modalities,
    ("capabilities",): Capabilities,
    ("benchmarks",): Benchmark,
    ("sources",): Source,
    ("offerings",): Offering,
    ("provider",): ProviderRecord,  # the root of a provider file
}


def _yaml() -> YAML:
    handler = YAML()  # round-trip
    handler.preserve_quotes = True
    handler.width = 4096
    handler.indent(mapping=2, sequence=4, offset=2)
    handler.representer.ignore_aliases = lambda data: True  # content/ forbids anchors: write values out
    return handler


def load(text: str) -> Any:
    return _yaml().load(text)


def dump(document: Any) -> str:
    stream = io.StringIO()
    _yaml().dump(document, stream)
    return stream.getvalue()


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def order_of(part: tuple[str, ...]) -> list[str]:
    schema = _PARTS.get(part)
    return list(schema.model_fields) if schema else []


def set_key(mapping: CommentedMap, key: str, value: Any, order: list[str]) -> None:
    """Set `key`, keeping its place if it exists, else inserting it where the schema puts it."""
    if key in mapping:
        mapping[key] = value
        return
    rank = {name: index for index, name in enumerate(order)}
    position = len(mapping)
    if key in rank:
        for index, existing in enumerate(mapping):
            if rank.get(existing, len(rank)) > rank[key]:
                position = index
                break
    mapping.insert(position, key, value)


def node(value: Any, part: tuple[str, ...] = (), like: Any = None) -> Any:
    """Plain data as ruamel nodes: maps in schema order, short lists inline (or styled like `like`)."""
    if isinstance(value, dict):
        mapping = CommentedMap()
        order = order_of(part)
        for key in sorted(value, key=lambda k: order.index(k) if k in order else len(order)):
            mapping[key] = node(value[key], part + (key,))
        return mapping
    if isinstance(value, list):
        sequence = CommentedSeq(node(item, part) for item in value)
        scalars = all(not isinstance(item, (dict, list)) for item in value)
        inline = like.fa.flow_style() if isinstance(like, CommentedSeq) else scalars
        if inline and scalars:
            sequence.fa.set_flow_style()
        else:
            sequence.fa.set_block_style()
        return sequence
    return value


def new_document(record: dict, part: tuple[str, ...], kind: str, comments: list[str]) -> CommentedMap:
    document = node(record, part)
    document.yaml_set_start_comment("\n".join([SCHEMA_HEADER.format(kind=kind), *comments]))
    return document


def containers(value: Any) -> Any:
    """Plain data (a quick PyYAML read) in ruamel's containers, so the same edits apply to it."""
    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = containers(item)
        return mapping
    if isinstance(value, list):
        return CommentedSeq(containers(item) for item in value)
    return value


def plain(value: Any) -> Any:
    """ruamel data as what the content loader would give: plain types, dates as text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value

