"""What a sync did, file by file: the report the import command prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FileReport:
    path: str
    origin: str = ""
    lines: list[str] = field(default_factory=list)  # "pricing.input: 1.1 -> 1.2", "+ offering poe x"
    held: list[str] = field(default_factory=list)  # pinned values upstream would have changed
    notes: list[str] = field(default_factory=list)


@dataclass
class SyncReport:
    added: list[FileReport] = field(default_factory=list)
    changed: list[FileReport] = field(default_factory=list)
    unchanged: list[FileReport] = field(default_factory=list)  # may still carry held values and notes
    providers_added: list[FileReport] = field(default_factory=list)
    not_written: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    skipped_models: list[tuple[str, str]] = field(default_factory=list)  # (imported model, why)
    offerings_added: int = 0
    offerings_updated: int = 0
    matched: int = 0  # existing records an imported model landed in
    files: dict[Path, str] = field(default_factory=dict)  # what to write

    @property
    def written(self) -> int:
        return len(self.files)
