"""Head-to-head pairs: which pairs get a page, each row with its better side, and a verdict.

Each model picks at most K partners (declared alternatives first, then its
nearest neighbours), so the number of pages grows with N·K, never with N².
"""

from __future__ import annotations

import bisect
import functools
import math
import pickle
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable, NamedTuple

from .charts import BarChart, price_bars
from .i18n import N_
from .incremental import digest, save_pickle
from .messages import Count, Label, Money, Msg, Names, Paragraph, Tokens


# "Cheaper by N×" is said only where it means something: not for near-free prices or noise.
MIN_PRICE_FOR_RATIO = 0.001
MIN_RATIO = 1.1
MAX_RATIO = 1000


@dataclass(frozen=True)
class Row:
    label: str  # msgid
    kind: str  # money | tokens | flag | text | score | speed | seconds
    a: Any
    b: Any
    better: str | None  # "a", "b" or None (equal, unknown or not comparable)


@dataclass
class Pair:
    """Two models, a.id < b.id. Rows, verdict and chart are worked out when a page first needs
    them (an incremental build renders a handful of the thousands of pairs), and forgotten once
    its page is rendered in every locale."""

    a: Any  # ModelEntry
    b: Any

    @property
    def slug(self) -> str:
        return f"{self.a.id}-vs-{self.b.id}"

    @cached_property
    def rows(self) -> list[Row]:
        return _rows(self.a, self.b)

    @cached_property
    def verdict(self) -> Paragraph:
        return _verdict(self.a, self.b)

    @cached_property
    def price_chart(self) -> BarChart | None:
        return price_bars([self.a, self.b], PRICE_CHART_METRICS)

    def forget_page_figures(self) -> None:
        for name in ("rows", "verdict", "price_chart"):
            self.__dict__.pop(name, None)


def pair_slug(first_id: str, second_id: str) -> str:
    a, b = sorted((first_id, second_id))
    return f"{a}-vs-{b}"


@dataclass
class PairMemo:
    """What pair selection keeps for the next build (in a long-lived builder's memory, and in the
    cache folder for the next run): what each model's neighbours were chosen from, and the neighbours."""

    per_model: int = 0
    traits: dict[str, "_Traits"] = field(default_factory=dict)
    by_price: list[str] = field(default_factory=list)
    heads: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # see _Candidates.heads
    nearest: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)  # id -> (declared, nearest)

    @classmethod
    def load(cls, path: Path) -> "PairMemo":
        """The memo a builder saved, when this code saved it; an empty one (every model scored) otherwise."""
        try:
            with path.open("rb") as handle:
                version, memo = pickle.load(handle)
            if version == _code_version() and isinstance(memo, cls):
                return memo
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            pass
        return cls()

    def save(self, path: Path) -> None:
        save_pickle(path, (_code_version(), self))


@functools.cache
def _code_version() -> str:
    """A saved memo is only as good as the similarity that chose it: this file's digest."""
    return digest(Path(__file__).read_bytes())


def choose_pairs(models: dict[str, Any], per_model: int, extra_pairs: list[tuple[str, str]],
                 memo: PairMemo | None = None) -> list[tuple[str, str]]:
    """Canonical (a < b) id pairs: each model's declared alternatives, then nearest neighbours.

    `memo`, kept by a long-lived builder, is brought up to this call's models. A model keeps
    the neighbours it had when neither its traits, nor its candidates, nor theirs changed, or
    when its candidates did not and the changed ones among them neither were nor now would be
    among its nearest (`_unsure` finds the models to look at without looking at every model's
    candidates), so a price edit scores the candidates of a few models, not of ten thousand.
    """
    chosen: set[tuple[str, str]] = set()
    traits = {model_id: _Traits.of(model) for model_id, model in models.items()}
    candidates = _Candidates(traits, per_model)
    heads = candidates.heads()
    reusable = memo is not None and memo.per_model == per_model
    rescore, recheck, changed = _unsure(memo, traits, candidates, heads) if reusable else (set(), set(), set())
    kept = memo.nearest if reusable else {}
    now: dict[str, tuple[list[str], list[str]]] = {}
    for model_id, model in models.items():
        partners = [alt.id for alt in model.alternatives][:per_model]
        if len(partners) < per_model:
            nearest = _neighbours(model_id, partners, kept.get(model_id), candidates, rescore, recheck, changed, per_model)
            now[model_id] = (partners[:], nearest)
            partners += nearest
        chosen.update((model_id, partner) if model_id < partner else (partner, model_id) for partner in partners)
    for first, second in extra_pairs:
        if first in models and second in models and first != second:
            chosen.add(tuple(sorted((first, second))))
    if memo is not None:
        memo.per_model, memo.traits, memo.by_price = per_model, traits, candidates.by_price
        memo.heads, memo.nearest = heads, now
    return sorted(chosen)


def pairs_stay(models: dict[str, Any], edited: Iterable[str], per_model: int, memo: PairMemo) -> bool:
    """Whether `choose_pairs` would choose what it chose last (the memo's), when the `edited` models
    are the only ones whose traits may differ, and the models, their order, families, makers and
    declared alternatives are as they were (catalog_patch). When they stay the memo is brought up
    to date, without going through every model as choose_pairs does (0.12 s at 10,000 models)."""
    if memo.per_model != per_model or not memo.traits or memo.traits.keys() != models.keys():
        return False
    moved = {model_id: _Traits.of(models[model_id]) for model_id in edited}
    moved = {model_id: found for model_id, found in moved.items() if found != memo.traits[model_id]}
    if not moved:
        return True
    traits = {**memo.traits, **moved}
    by_price = [model_id for model_id in memo.by_price if model_id not in moved]
    for model_id in moved:
        bisect.insort(by_price, model_id, key=_price_order(traits))
    candidates = _Candidates(traits, per_model, by_price)
    heads = candidates.heads()
    rescore, recheck, changed = _unsure(memo, traits, candidates, heads)
    for model_id in rescore | recheck:
        found = memo.nearest.get(model_id)
        if found is None:
            continue  # its declared alternatives are all its partners
        partners = [alt.id for alt in models[model_id].alternatives][:per_model]
        if _neighbours(model_id, partners, found, candidates, rescore, recheck, changed, per_model) != found[1]:
            return False
    memo.traits, memo.by_price, memo.heads = traits, by_price, heads
    return True


def _neighbours(model_id: str, partners: list[str], found: tuple[list[str], list[str]] | None,
                candidates: "_Candidates", rescore: set[str], recheck: set[str], changed: set[str],
                per_model: int) -> list[str]:
    """A model's nearest neighbours besides its declared `partners`: the memo's (`found`) while they hold (_unsure)."""
    traits, count = candidates.traits, per_model - len(partners)
    if (found is not None and model_id not in rescore and found[0] == partners
            and (model_id not in recheck or _still_nearest(traits[model_id], found[1], changed, traits, count))):
        return found[1]
    others = [other for other in candidates.near(model_id) if other not in partners]
    return _nearest(traits[model_id], others, traits, count)


def _unsure(memo: PairMemo, traits: dict[str, "_Traits"], candidates: "_Candidates",
            heads: dict[tuple[str, str], tuple[str, ...]]) -> tuple[set[str], set[str], set[str]]:
    """The models to score again (their traits or their candidates may differ from the memo's),
    those whose candidates are as they were but may include models whose traits changed (to
    check with `_still_nearest`), and the models whose traits changed (or that are gone).

    A model's candidates are its window of the price order and the heads of its family's and
    its maker's lists. Its window is as it was when it lies wholly in the part of the price
    order both builds share at the start, or wholly in the part they share at the end.
    """
    before, after = memo.traits, traits
    changed = {model_id for model_id, found in after.items() if before.get(model_id) != found}
    changed |= before.keys() - after.keys()
    rescore = {model_id for model_id in changed if model_id in after}
    recheck: set[str] = set()
    old, new, window = memo.by_price, candidates.by_price, candidates.window
    if old != new:
        start = _common_length(old, new)
        end = len(new) - min(_common_length(old[::-1], new[::-1]), min(len(old), len(new)) - start)
        rescore.update(new[max(0, start - window): end + window])
    for model_id in changed:  # a model whose candidates include a changed one
        if model_id in candidates.position:
            index = candidates.position[model_id]
            recheck.update(new[max(0, index - window): index + window + 1])
    for key in heads.keys() | memo.heads.keys():
        head, previous = heads.get(key, ()), memo.heads.get(key, ())
        if head != previous:
            rescore.update(candidates.members(key))
        elif not changed.isdisjoint(head):
            recheck.update(candidates.members(key))
    return rescore, recheck, changed


def _still_nearest(mine: "_Traits", nearest: list[str], changed: set[str], traits: dict[str, "_Traits"],
                   count: int) -> bool:
    """Whether a model whose candidates are as they were keeps its `nearest` when the traits of the
    `changed` models (some of them among its candidates, or none) are all that moved: none of them
    was among its nearest, and none now ranks above the last of them (_nearest's order)."""
    if not changed.isdisjoint(nearest):
        return False
    if len(nearest) < count:
        return True  # it took every candidate it had, and none of those changed
    last = nearest[-1]
    bar = (-mine.similarity(traits[last]), last)
    return all((-mine.similarity(traits[other]), other) > bar for other in changed if other in traits)


def _common_length(first: list[str], second: list[str]) -> int:
    length = 0
    for a, b in zip(first, second):
        if a != b:
            break
        length += 1
    return length


def _nearest(mine: "_Traits", others: list[str], traits: dict[str, "_Traits"], count: int) -> list[str]:
    ranked = sorted((-mine.similarity(traits[other]), other) for other in others)
    return [other for _, other in ranked[:count]]


class _Traits(NamedTuple):
    """What pair selection weighs of a model, read once: ten thousand models score 1.5 million neighbours,
    so the logarithms are taken here and the capabilities are bits. A tuple, so a memo compares them in C."""

    family: str
    maker: str
    blended: float | None
    log_price: float | None  # log10 of the blended price, when it is above zero
    capabilities: int  # one bit per capability
    log_context: float  # log2 of the context window

    @classmethod
    def of(cls, model) -> "_Traits":
        record = model.record
        blended = model.blended
        return cls(record.family or "", model.maker.id, blended, math.log10(blended) if blended else None,
                   model.capability_bits, math.log2(record.limits.context))

    def similarity(self, other: "_Traits") -> float:
        """Higher for models a reader would weigh against each other: family, price band, capabilities."""
        score = 0.0
        if self.family and self.family == other.family:
            score += 3
        if self.maker == other.maker:
            score += 1
        if self.log_price is not None and other.log_price is not None:
            gap = abs(self.log_price - other.log_price)  # in tenfolds: up to 2 points within one
            if gap < 1:
                score += 2 - gap * 2
        either = self.capabilities | other.capabilities
        if either:
            score += 2 * (self.capabilities & other.capabilities).bit_count() / either.bit_count()
        gap = abs(self.log_context - other.log_context)  # in doublings: up to 1 point within three
        if gap < 3:
            score += 1 - gap / 3
        return score


def _price_order(traits: dict[str, _Traits]) -> Callable[[str], tuple]:
    """The sort key of the price order: unpriced models last, ties by id."""
    return lambda m: (traits[m].blended is None, traits[m].blended or 0, m)


class _Candidates:
    """Who may be a model's neighbour: its family, its maker's models and those nearest in price.

    Scoring only these (a few dozen) instead of the whole catalog keeps pair
    selection linear in the number of models.
    """

    def __init__(self, traits: dict[str, _Traits], per_model: int, by_price: list[str] | None = None):
        """`by_price`: the models in price order (_price_order), when known."""
        self.window = max(4 * per_model, 8)
        self.by_price = by_price if by_price is not None else sorted(traits, key=_price_order(traits))
        self.position = {model_id: index for index, model_id in enumerate(self.by_price)}
        self.traits = traits
        self.by_family: dict[str, list[str]] = {}
        self.by_maker: dict[str, list[str]] = {}
        for model_id, found in traits.items():
            if found.family:
                self.by_family.setdefault(found.family, []).append(model_id)
            self.by_maker.setdefault(found.maker, []).append(model_id)

    def near(self, model_id: str) -> list[str]:
        index = self.position[model_id]
        mine = self.traits[model_id]
        found = dict.fromkeys(self.by_price[max(0, index - self.window): index + self.window + 1])
        for group in (self.by_family.get(mine.family, []), self.by_maker[mine.maker]):
            found.update(dict.fromkeys(group[: self.head_length]))
        found.pop(model_id, None)
        return list(found)

    @property
    def head_length(self) -> int:
        return 4 * self.window

    def heads(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """The candidates every member of a family ("family", name) or of a maker's list ("maker", id) shares."""
        found = {("family", name): tuple(group[: self.head_length]) for name, group in self.by_family.items()}
        found.update({("maker", name): tuple(group[: self.head_length]) for name, group in self.by_maker.items()})
        return found

    def members(self, key: tuple[str, str]) -> list[str]:
        kind, name = key
        return (self.by_family if kind == "family" else self.by_maker).get(name, [])


PRICE_CHART_METRICS = [(N_("Input"), "input_price"), (N_("Output"), "output_price"), (N_("Blended"), "blended")]


def build_pair(a, b) -> Pair:
    return Pair(a, b)


def _lower(x, y) -> str | None:
    if x is None or y is None or x == y:
        return None
    return "a" if x < y else "b"


def _higher(x, y) -> str | None:
    if x is None or y is None or x == y:
        return None
    return "a" if x > y else "b"


def _present(x, y) -> str | None:
    if x is True and y is False:
        return "a"
    if y is True and x is False:
        return "b"
    return None


def _row(label: str, kind: str, a, b, judge: Callable[[Any, Any], str | None] | None) -> Row:
    return Row(label, kind, a, b, judge(a, b) if judge else None)


def _rows(a, b) -> list[Row]:
    ra, rb = a.record, b.record
    price = lambda m, side: getattr(m.headline, side) if m.headline else None  # noqa: E731
    tps = lambda m: m.record.speed.output_tokens_per_second.value if m.record.speed.output_tokens_per_second else None  # noqa: E731
    ttft = lambda m: m.record.speed.time_to_first_token_seconds.value if m.record.speed.time_to_first_token_seconds else None  # noqa: E731
    rows = [
        _row(N_("Maker"), "text", a.maker.name, b.maker.name, None),
        _row(N_("Input / 1M tokens"), "money", price(a, "input"), price(b, "input"), _lower),
        _row(N_("Output / 1M tokens"), "money", price(a, "output"), price(b, "output"), _lower),
        _row(N_("Blended / 1M tokens"), "money", a.blended, b.blended, _lower),
        _row(N_("Cached input / 1M tokens"), "money", ra.pricing.cached_input, rb.pricing.cached_input, _lower),
        _row(N_("Estimated monthly cost"), "money", a.monthly_cost, b.monthly_cost, _lower),
        _row(N_("Context window"), "tokens", ra.limits.context, rb.limits.context, _higher),
        _row(N_("Max output"), "tokens", ra.limits.max_output, rb.limits.max_output, _higher),
        _row(N_("Output speed (tokens/s)"), "speed", tps(a), tps(b), _higher),
        _row(N_("Time to first token (s)"), "seconds", ttft(a), ttft(b), _lower),
        _row(N_("Released"), "date", ra.released, rb.released, None),
        _row(N_("Knowledge cutoff"), "month", ra.knowledge_cutoff, rb.knowledge_cutoff, None),
        _row(N_("Providers"), "count", len(a.offerings), len(b.offerings), _higher),
    ]
    for label, field_name in _FLAGS:
        rows.append(_row(label, "flag", getattr(ra.capabilities, field_name), getattr(rb.capabilities, field_name),
                         _present))
    rows.append(_row(N_("Open weights"), "flag", ra.open_weights, rb.open_weights, _present))
    rows.append(_row(N_("HIPAA eligible"), "flag", ra.deployment.hipaa_eligible, rb.deployment.hipaa_eligible, _present))
    rows.append(_row(N_("Zero data retention"), "flag", ra.deployment.zero_data_retention,
                     rb.deployment.zero_data_retention, _present))
    scores_b = {bm.name: bm for bm in rb.benchmarks}
    for benchmark in ra.benchmarks:
        other = scores_b.get(benchmark.name)
        if other is not None and other.unit == benchmark.unit:
            rows.append(Row(benchmark.name, "score:" + benchmark.unit, benchmark.score, other.score,
                            _higher(benchmark.score, other.score)))
    return rows


_FLAGS = (
    (N_("Tool calling"), "tool_calling"),
    (N_("Structured output"), "structured_output"),
    (N_("Reasoning"), "reasoning"),
    (N_("Vision (image input)"), "vision"),
    (N_("Audio input"), "audio_input"),
    (N_("Prompt caching"), "prompt_caching"),
    (N_("Fine-tuning"), "fine_tuning"),
)

_FLAG_NAMES = {
    "tool_calling": N_("tool calling"),
    "structured_output": N_("structured output"),
    "reasoning": N_("reasoning"),
    "vision": N_("vision"),
    "audio_input": N_("audio input"),
    "prompt_caching": N_("prompt caching"),
    "fine_tuning": N_("fine-tuning"),
}


def _verdict(a, b) -> Paragraph:
    sentences: list[Msg] = []
    if a.headline and b.headline:
        for side, text in (("input", N_("%(cheaper)s is cheaper on input by %(ratio)s× (%(low)s against %(high)s per million tokens).")),
                           ("output", N_("%(cheaper)s is cheaper on output by %(ratio)s× (%(low)s against %(high)s per million tokens)."))):
            low, high = sorted(((getattr(a.headline, side), a), (getattr(b.headline, side), b)), key=lambda t: t[0])
            if low[0] < high[0]:
                ratio = high[0] / low[0] if low[0] >= MIN_PRICE_FOR_RATIO else None
                if ratio and MIN_RATIO <= ratio <= MAX_RATIO:
                    sentences.append(Msg(text, {"cheaper": low[1].name, "ratio": _ratio(ratio),
                                                "low": Money(low[0]), "high": Money(high[0])}))
    elif a.headline or b.headline:
        priced = a if a.headline else b
        sentences.append(Msg(N_("Only %(name)s has a published per-token price."), {"name": priced.name}))
    ca, cb = a.record.limits.context, b.record.limits.context
    if ca != cb:
        larger, smaller = (a, b) if ca > cb else (b, a)
        sentences.append(Msg(N_("%(larger)s reads more at once: %(big)s tokens of context against %(small)s."),
                             {"larger": larger.name, "big": Tokens(max(ca, cb)), "small": Tokens(min(ca, cb))}))
    for model, other in ((a, b), (b, a)):
        only = [Label(_FLAG_NAMES[f]) for f in _FLAG_NAMES
                if getattr(model.record.capabilities, f) is True and getattr(other.record.capabilities, f) is False]
        if only:
            sentences.append(Msg(N_("Only %(name)s offers %(features)s."), {"name": model.name, "features": Names(tuple(only))}))
    if a.record.open_weights != b.record.open_weights:
        open_model = a if a.record.open_weights else b
        sentences.append(Msg(N_("%(name)s has open weights, so it can also run on your own hardware."),
                             {"name": open_model.name}))
    if not sentences:
        sentences.append(Msg(N_("The two are closely matched on price, context and declared capabilities.")))
    return Paragraph(tuple(sentences))


def _ratio(value: float) -> Count:
    return Count(round(value, 1))
