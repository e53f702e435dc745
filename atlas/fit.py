"""Fit scores 0–100 from the rubric in content/fit-scores.yaml.

They reward declared capabilities, limits, price and availability; they are
not benchmark results, and every page that shows them says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from .schema import FitCategory, FitCriterion, FitRubric


class CriterionScore(NamedTuple):
    """A tuple: 32 criteria of 10,000 models are 320,000 of them, made in a third of a dataclass's time and memory."""

    criterion: FitCriterion
    earned: float


@dataclass(frozen=True)
class FitScore:
    category: FitCategory
    score: int  # 0..100
    breakdown: tuple[CriterionScore, ...]


def fit_scores(model, rubric: FitRubric | None) -> list[FitScore]:
    if rubric is None:
        return []
    scores = []
    for category in rubric.categories:
        breakdown = tuple(CriterionScore(c, round(c.points * _share(model, c), 1)) for c in category.criteria)
        total = sum(c.points for c in category.criteria)
        scores.append(FitScore(category, round(100 * sum(b.earned for b in breakdown) / total), breakdown))
    return scores


def _share(model, criterion: FitCriterion) -> float:
    """How much of the criterion's points the model earns, 0..1."""
    record = model.record
    rule = criterion.rule
    if rule == "capability":
        return 1.0 if getattr(record.capabilities, criterion.field) else 0.0
    if rule == "modality":
        return 1.0 if criterion.field in record.modalities.input else 0.0
    if rule == "open_weights":
        return 1.0 if record.open_weights else 0.0
    if rule == "has_price":
        return 1.0 if model.headline else 0.0
    if rule == "has_cached_price":
        return 1.0 if record.pricing.cached_input is not None or any(
            o.offering.cached_input is not None for o in model.offerings) else 0.0
    value = _metric(model, criterion.metric)
    if value is None:
        return 0.0
    return _log_position(value, criterion.low, criterion.high, criterion.invert)


METRICS = {  # looked up per criterion, so only the metric asked for is worked out
    "context": lambda model: model.record.limits.context,
    "max_output": lambda model: model.record.limits.max_output,
    "providers": lambda model: len(model.offerings),
    "blended_price": lambda model: model.blended,
    "inconsistencies": lambda model: len(model.inconsistencies),
}


def _metric(model, metric: str) -> float | None:
    return METRICS[metric](model)


def _log_position(value: float, low: float, high: float, invert: bool) -> float:
    """Where `value` sits between low and high on a log scale, clamped to 0..1."""
    if invert:
        if value <= low:
            return 1.0
        if value >= high:
            return 0.0
        return 1 - math.log(value / low) / math.log(high / low)
    if value <= low:
        return 0.0
    if value >= high:
        return 1.0
    return math.log(value / low) / math.log(high / low)
