"""Problems found in content: one shape for every stage, three ways to print them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Iterable


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int | None
    column: int | None
    message: str
    hint: str | None = None

    def location(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def as_text(self) -> str:
        text = f"{self.location()}: error: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def as_github(self) -> str:
        # GitHub workflow command; its message must be on one line.
        props = [f"file={self.file}"]
        if self.line is not None:
            props.append(f"line={self.line}")
        if self.column is not None:
            props.append(f"col={self.column}")
        message = self.message + (f" (hint: {self.hint})" if self.hint else "")
        message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error {','.join(props)}::{message}"


class ContentError(Exception):
    """Raised when content problems stop a build; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems), key=_sort_key)
        super().__init__(f"{len(self.problems)} content problem(s)")


def _sort_key(problem: Problem) -> tuple:
    return (problem.file, problem.line or 0, problem.column or 0, problem.message)


def format_problems(problems: Iterable[Problem], style: str = "text") -> str:
    problems = sorted(set(problems), key=_sort_key)
    if style == "json":
        return json.dumps([asdict(p) for p in problems], indent=2, ensure_ascii=False)
    if style == "github":
        return "\n".join(p.as_github() for p in problems)
    return "\n".join(p.as_text() for p in problems)
