"""What an importer hands to the sync: models, offerings and providers in our schema's terms.

Facts are plain dicts shaped like the schema (`{"pricing": {"input": 1.1}}`), with
unknown values left out rather than set to None: the sync never erases a value
because a source is silent about it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from .ids import ParsedId


@dataclass
class ImportedOffering:
    provider: str  # our provider id
    parsed: ParsedId
    fields: dict  # Offering fields: model_id, input, output... (known values only)
    model: dict  # model-level facts this provider gives, for models built from offerings
    status: str | None = None  # "deprecated" or "preview", if the provider says so
    retired: dt.date | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.provider, self.fields["model_id"]

    @property
    def label(self) -> str:
        return f"{self.provider} {self.fields['model_id']}"


@dataclass
class ImportedModel:
    id: str
    maker: str
    facts: dict
    offerings: list[ImportedOffering]
    origin: str  # where it came from, for the report: "models.dev openai/o4-mini"
    authoritative: bool  # True: facts update a record; False: they only fill its gaps
    catalog: bool = False  # the source lists the model itself (not only offerings of it)


@dataclass(frozen=True)
class Skipped:
    what: str  # "offering nano-gpt yi-large", "model openai/foo"
    reason: str


@dataclass
class ImportResult:
    source: str  # "models.dev", "OpenRouter"
    command: str  # "models-dev", "openrouter": the import subcommand
    models: list[ImportedModel] = field(default_factory=list)
    providers: dict[str, dict] = field(default_factory=dict)  # id -> ProviderRecord fields
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    upstream_providers: set[str] = field(default_factory=set)  # providers the file lists in full
    upstream_offerings: set[tuple[str, str]] = field(default_factory=set)  # every (provider, model id) read
    offerings_read: int = 0
    catalog_models_read: int = 0
    data_date: dt.date | None = None  # a date the data carries for itself, if any

    def skip(self, what: str, reason: str) -> None:
        self.skipped.append(Skipped(what, reason))

    def skipped_by_reason(self) -> list[tuple[str, list[str]]]:
        counts = Counter(s.reason for s in self.skipped)
        return [(reason, [s.what for s in self.skipped if s.reason == reason]) for reason, _ in counts.most_common()]

    @property
    def offering_count(self) -> int:
        return sum(len(model.offerings) for model in self.models)
