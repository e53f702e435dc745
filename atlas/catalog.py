"""Stage 3, catalog: cross-referenced entries and every derived figure, computed once.

Templates only display what is here; nothing downstream recomputes a price.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from operator import attrgetter
from typing import Callable

from .changelog import ChangeEntry, describe
from .charts import LineChart, PricePoint, Scatter, price_history_chart, price_quality_scatter
from .compare import Pair, PairMemo, build_pair, choose_pairs, pair_slug
from .consistency import Inconsistency, find_inconsistencies
from .fit import FitScore, fit_scores
from .faq import GeneratedQuestion, generate_faq
from .history import Change
from .i18n import N_
from .incremental import record_name
from .schema import FitRubric, ModelRecord, Offering, ProviderRecord, Scenario, SiteConfig
from .validate import ValidContent

PER_MILLION = 1_000_000
FAST_TOKENS_PER_SECOND = 150
MEDIUM_TOKENS_PER_SECOND = 60
RELATED_LIST_LENGTH = 5


@dataclass(frozen=True)
class Capability:
    """A capability listing page: which models qualify, and how it is named."""

    id: str
    title: str  # msgid, translated at render time
    summary: str  # msgid
    test: Callable[[ModelRecord], bool | None]


CAPABILITIES: tuple[Capability, ...] = (
    Capability("reasoning", N_("Reasoning"), N_("Models that think step by step before they answer."),
               lambda m: m.capabilities.reasoning),
    Capability("tool-calling", N_("Tool calling"), N_("Models that can call functions and tools you define."),
               lambda m: m.capabilities.tool_calling),
    Capability("structured-output", N_("Structured output"),
               N_("Models that can be held to a JSON schema in their replies."),
               lambda m: m.capabilities.structured_output),
    Capability("vision", N_("Vision"), N_("Models that read images as input."),
               lambda m: m.capabilities.vision or "image" in m.modalities.input),
    Capability("audio", N_("Audio"), N_("Models that take or produce audio."),
               lambda m: m.capabilities.audio_input or m.capabilities.audio_output
               or "audio" in m.modalities.input or "audio" in m.modalities.output),
    Capability("prompt-caching", N_("Prompt caching"),
               N_("Models whose repeated prompt prefixes are billed at a discount."),
               lambda m: m.capabilities.prompt_caching),
    Capability("open-weights", N_("Open weights"), N_("Models whose weights you can download and run yourself."),
               lambda m: m.open_weights),
    Capability("long-context", N_("Long context"), N_("Models with a context window of one million tokens or more."),
               lambda m: m.limits.context >= 1_000_000),
    Capability("fine-tuning", N_("Fine-tuning"), N_("Models the maker lets you fine-tune."),
               lambda m: m.capabilities.fine_tuning),
)


@dataclass(frozen=True)
class Price:
    """Input and output USD per million tokens, and who charges it."""

    input: float
    output: float
    provider_id: str


@dataclass(frozen=True)
class ScenarioCost:
    scenario: Scenario
    per_request: float
    total: float  # for the scenario's whole volume


@dataclass
class OfferingEntry:
    offering: Offering
    provider_id: str
    provider: ProviderRecord
    blended: float | None
    is_maker: bool
    is_cheapest: bool = False

    @property
    def openai_compatible(self) -> bool:
        return self.provider.api_base_url is not None

    @property
    def api_base(self) -> str:
        return (self.provider.api_base_url or "").rstrip("/")


@dataclass
class ModelEntry:
    id: str
    record: ModelRecord
    maker: "ProviderEntry"
    headline: Price | None
    blended: float | None
    monthly_cost: float | None
    cached_saving: float | None  # share of the input price saved on a cached read, 0..1
    batch_saving: float | None  # share saved with the batch API, 0..1
    offerings: list[OfferingEntry]
    scenario_costs: list[ScenarioCost]
    capabilities: list[Capability]
    alternatives: list["ModelEntry"] = field(default_factory=list)
    successor: "ModelEntry | None" = None
    inconsistencies: list[Inconsistency] = field(default_factory=list)
    fit_scores: list[FitScore] = field(default_factory=list)
    compare_with: list[tuple["ModelEntry", str]] = field(default_factory=list)  # (other model, pair slug)
    more_from_maker: list["ModelEntry"] = field(default_factory=list)
    same_family: list["ModelEntry"] = field(default_factory=list)
    price_history: LineChart | None = None
    capability_ids: frozenset[str] = frozenset()
    capability_bits: int = 0  # bit i: CAPABILITIES[i], for pair selection's similarity
    shown_records: frozenset[str] = frozenset()  # what its own figures come from: its record, its maker's, its hosts'
    # Text made from the figures above alone (the API index's line, by base URL; the fingerprint of
    # its hosts' rows, routes.offerings_dependency). It goes to the next build with the figures, so
    # it is made again only for an edited record.
    made_from_figures: dict[tuple, str] = field(default_factory=dict)

    @cached_property
    def generated_faq(self) -> list[GeneratedQuestion]:
        """Worked out when the model's page is rendered (an incremental build renders few), and
        forgotten once it is rendered in every locale."""
        return generate_faq(self)

    def forget_page_figures(self) -> None:
        self.__dict__.pop("generated_faq", None)

    @property
    def speed_tier(self) -> str | None:
        """fast / medium / slow from measured throughput; None when unmeasured."""
        measured = self.record.speed.output_tokens_per_second
        if measured is None:
            return None
        return "fast" if measured.value >= FAST_TOKENS_PER_SECOND else (
            "medium" if measured.value >= MEDIUM_TOKENS_PER_SECOND else "slow")

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def input_price(self) -> float | None:
        return self.headline.input if self.headline else None

    @property
    def output_price(self) -> float | None:
        return self.headline.output if self.headline else None

    @property
    def headline_offering(self) -> OfferingEntry | None:
        """The offering whose price is the headline (the maker's own, or the cheapest host's)."""
        if self.headline is None:
            return None
        return next((o for o in self.offerings if o.provider_id == self.headline.provider_id), None)

    @property
    def cheapest_offering(self) -> OfferingEntry | None:
        return next((o for o in self.offerings if o.is_cheapest), None)

    @property
    def code_offerings(self) -> list[OfferingEntry]:
        return [o for o in self.offerings if o.openai_compatible]


@dataclass
class ProviderEntry:
    id: str
    record: ProviderRecord
    made: list[ModelEntry] = field(default_factory=list)
    served: list[tuple[ModelEntry, OfferingEntry]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.record.name


@dataclass
class CapabilityEntry:
    capability: Capability
    models: list[ModelEntry]

    @property
    def id(self) -> str:
        return self.capability.id


_LAST_VERIFIED = attrgetter("record.last_verified")


@dataclass
class Catalog:
    site: SiteConfig
    models: dict[str, ModelEntry]  # in display order
    providers: dict[str, ProviderEntry]  # by name
    capabilities: list[CapabilityEntry]
    changes: list[ChangeEntry] | None = None  # newest first; None outside a git checkout
    pairs: list[Pair] = field(default_factory=list)
    featured_pairs: list[Pair] = field(default_factory=list)  # on the compare index: the newest models' and declared
    rubric: FitRubric | None = None
    price_quality: Scatter | None = None
    modalities: list[str] = field(default_factory=list)  # every input or output modality of a model, sorted
    # A long-lived builder brings its last catalog up to date in place when it can (catalog_patch.py):
    # `revision` counts those patches, `patched` says what the last one changed (None: built anew).
    revision: int = 0
    patched: "Patch | None" = None

    @property
    def makers(self) -> list[ProviderEntry]:
        return [p for p in self.providers.values() if p.made]

    @property
    def newest_verified(self) -> date | None:
        """The newest last-verified date of any model (None for an empty catalog): the site's own date."""
        return max(map(_LAST_VERIFIED, self.models.values()), default=None)  # in C: every patch asks


@dataclass(frozen=True)
class Patch:
    """What a patch of the catalog changed (catalog_patch.py): figures of these models, nothing that
    orders, relates or lists them."""

    models: frozenset[str]
    dates_moved: bool  # a changed model's last-verified date: the sitemaps' dates, the feed's


@dataclass
class CatalogMemo:
    """What a long-lived builder's catalog stage keeps from one build to the next.

    Per model, the figures its own record yields (given the providers, the site configuration
    and the rubric), and the neighbours pair selection chose (compare.PairMemo). An unchanged
    file validates to the very same frozen record (validate.Memo), so `is` tells an input
    that did not change, and a rebuild works out figures for the edited records only.
    The neighbours are plain data, so a builder of one build also starts from the last
    build's, read from the cache folder; it keeps no figures.
    """

    partners: PairMemo = field(default_factory=PairMemo)  # each model's neighbours, and what they were chosen from
    keeps_figures: bool = True
    inputs: tuple = ()  # (site, rubric, providers) the figures were worked out with
    figures: dict[str, tuple[ModelRecord, dict]] = field(default_factory=dict)  # id -> (record, ModelEntry fields)
    # The last catalog, with the content and history it was made from, for the next build to patch
    # (catalog_patch.py); only in a builder that builds again.
    last: tuple[Catalog, ValidContent, list[Change] | None] | None = None


def build_catalog(content: ValidContent, history: list[Change] | None = None,
                  memo: CatalogMemo | None = None) -> Catalog:
    site = content.site
    providers = {pid: ProviderEntry(pid, record) for pid, record in content.providers.items()}
    entries = _model_entries(content, providers, memo)
    ordered = dict(sorted(entries.items(), key=lambda item: _display_order(item[1])))
    for entry in ordered.values():  # in display order, so each provider's lists are too
        entry.alternatives = [entries[a] for a in entry.record.alternatives]
        entry.successor = entries.get(entry.record.successor or "")
        entry.maker.made.append(entry)
        for offering in entry.offerings:
            providers[offering.provider_id].served.append((entry, offering))
    families: dict[str, list[ModelEntry]] = {}
    for entry in ordered.values():
        if entry.record.family:
            families.setdefault(entry.record.family, []).append(entry)
    for entry in ordered.values():
        entry.more_from_maker = [m for m in entry.maker.made[: RELATED_LIST_LENGTH + 1] if m is not entry][:RELATED_LIST_LENGTH]
        family = families.get(entry.record.family or "", [])
        entry.same_family = [m for m in family[: RELATED_LIST_LENGTH + 1] if m is not entry][:RELATED_LIST_LENGTH]
    changes_by_model: dict[str, list[Change]] = {}
    for change in history or []:
        changes_by_model.setdefault(change.model_id, []).append(change)
    for entry in ordered.values():
        entry.price_history = price_history_of(entry, changes_by_model.get(entry.id, []))
    chosen = choose_pairs(ordered, site.compare.per_model, site.compare.pairs, memo.partners if memo else None)
    pairs = [build_pair(entries[a], entries[b]) for a, b in chosen]
    for pair in pairs:
        pair.a.compare_with.append((pair.b, pair.slug))
        pair.b.compare_with.append((pair.a, pair.slug))
    capable: dict[str, list[ModelEntry]] = {c.id: [] for c in CAPABILITIES}
    for entry in ordered.values():
        for capability in entry.capabilities:
            capable[capability.id].append(entry)
    capabilities = [CapabilityEntry(c, capable[c.id]) for c in CAPABILITIES]
    by_name = dict(sorted(providers.items(), key=lambda item: item[1].name.casefold()))
    return Catalog(site, ordered, by_name, capabilities, _change_entries(history, entries), pairs,
                   _featured_pairs(pairs, list(ordered)[: site.compare.index_models], site.compare.pairs),
                   content.rubric, price_quality_scatter(list(ordered.values()), site.listings.chart_points),
                   sorted({modality for m in ordered.values() for modality in (*m.record.modalities.input,
                                                                                 *m.record.modalities.output)}))


def _featured_pairs(pairs: list[Pair], newest: list[str], declared: list[tuple[str, str]]) -> list[Pair]:
    """The compare index's list: every pair of a catalog of thousands is tens of thousands of links,
    so it lists the newest models' pairs and those the editors declared; each model's page lists its own."""
    newest_ids = set(newest)
    declared_slugs = {pair_slug(a, b) for a, b in declared}
    return [pair for pair in pairs
            if pair.a.id in newest_ids or pair.b.id in newest_ids or pair.slug in declared_slugs]


def price_history_of(entry: ModelEntry, changes: list[Change]) -> LineChart | None:
    """The chart of a model's prices over time, from its record and its `changes` in the history."""
    return price_history_chart(_price_points(entry, changes))


def _price_points(entry: ModelEntry, changes: list[Change]) -> list[PricePoint]:
    """The record's own price history, the list prices in the content's git history (its `changes`), and today's."""
    points = [PricePoint(p.date, p.input, p.output) for p in entry.record.price_history]
    prices: dict[str, float] = {}
    for change in changes:
        if change.kind not in ("added", "price"):
            continue
        if change.kind == "price" and change.field in ("pricing.input", "pricing.output") and change.new is not None:
            prices[change.field.split(".")[1]] = float(change.new)
            if {"input", "output"} <= prices.keys():
                points.append(PricePoint(change.when.date(), prices["input"], prices["output"]))
    pricing = entry.record.pricing
    if pricing.input is not None and pricing.output is not None and points:
        points.append(PricePoint(entry.record.last_verified, pricing.input, pricing.output))
    return points


def _change_entries(history: list[Change] | None, entries: dict[str, ModelEntry]) -> list[ChangeEntry] | None:
    if history is None:
        return None
    result = []
    for change in reversed(history):
        model = entries.get(change.model_id)
        name = model.name if model else change.model_id
        result.append(ChangeEntry(change, change.model_id, name, model is not None, describe(change, name)))
    return result


def _display_order(entry: ModelEntry) -> tuple:
    """Newest first, so the home table opens on what readers are likeliest to be weighing."""
    released = entry.record.released.toordinal() if entry.record.released else 0
    return (-released, entry.record.name.casefold())


def _model_entries(content: ValidContent, providers: dict[str, ProviderEntry],
                   memo: CatalogMemo | None) -> dict[str, ModelEntry]:
    """An entry per model, with the figures of its own record; from `memo` for a record seen before."""
    inputs = figure_inputs(content)
    memo = memo if memo is not None and memo.keeps_figures else None
    kept = memo.figures if memo is not None and same_inputs(memo.inputs, inputs) else {}
    figures: dict[str, tuple[ModelRecord, dict]] = {}
    entries = {}
    for model_id, record in content.models.items():
        found = kept.get(model_id)
        if found is None or found[0] is not record:
            entry = own_entry(model_id, record, providers, content)
            found = (record, own_figures(entry))
        else:
            entry = ModelEntry(model_id, record, providers[record.maker], **found[1])
        figures[model_id] = found
        entries[model_id] = entry
    if memo is not None:
        memo.inputs, memo.figures = inputs, figures
    return entries


# The ModelEntry fields worked out from the model's record alone, given the providers, site and rubric.
_OWN_FIGURES = ("headline", "blended", "monthly_cost", "cached_saving", "batch_saving", "offerings",
                "scenario_costs", "capabilities", "capability_ids", "capability_bits", "shown_records",
                "inconsistencies", "fit_scores", "made_from_figures")


def own_entry(model_id: str, record: ModelRecord, providers: dict[str, ProviderEntry],
              content: ValidContent) -> ModelEntry:
    """A model's entry with the figures of its own record (_OWN_FIGURES), unrelated to other models yet."""
    entry = _model_entry(model_id, record, providers, content.site)
    entry.inconsistencies = find_inconsistencies(record, entry.offerings)
    entry.fit_scores = fit_scores(entry, content.rubric)
    return entry


def own_figures(entry: ModelEntry) -> dict:
    return {name: getattr(entry, name) for name in _OWN_FIGURES}


def figure_inputs(content: ValidContent) -> tuple:
    """What a model's own figures are worked out with besides its record: the site, the rubric, the providers."""
    return content.site, content.rubric, content.providers


def same_inputs(before: tuple, now: tuple) -> bool:
    """Whether two `figure_inputs` are the very same records (validation hands back the very record
    for an unchanged file)."""
    if not before:
        return False
    site, rubric, providers = before
    return (site is now[0] and rubric is now[1] and providers.keys() == now[2].keys()
            and all(record is now[2][pid] for pid, record in providers.items()))


def _model_entry(model_id: str, record: ModelRecord, providers: dict[str, ProviderEntry],
                 site: SiteConfig) -> ModelEntry:
    offerings = [_offering_entry(o, record, providers, site) for o in record.offerings]
    offerings.sort(key=lambda o: (not o.is_maker, o.blended is None, o.blended or 0, o.provider.name.casefold()))
    priced = [o for o in offerings if o.blended is not None]
    if priced:
        min(priced, key=lambda o: (o.blended, not o.is_maker)).is_cheapest = True
    headline = _headline_price(record, priced)
    blended = blended_price(headline.input, headline.output, site) if headline else None
    workload = site.typical_workload
    monthly = (request_cost(headline, workload.input_tokens, workload.output_tokens) * workload.requests_per_month
               if headline else None)
    pricing = record.pricing
    cached_saving = (1 - pricing.cached_input / pricing.input
                     if pricing.cached_input is not None and pricing.input else None)
    batch_saving = pricing.batch_discount / 100 if pricing.batch_discount is not None else None
    scenario_costs = [_scenario_cost(s, headline) for s in site.scenarios] if headline else []
    capabilities = [c for c in CAPABILITIES if c.test(record)]
    shown = frozenset({record_name("models", model_id), record_name("providers", record.maker),
                       *(record_name("providers", o.provider_id) for o in offerings)})
    return ModelEntry(model_id, record, providers[record.maker], headline, blended, monthly, cached_saving,
                      batch_saving, offerings, scenario_costs, capabilities,
                      capability_ids=frozenset(c.id for c in capabilities),
                      capability_bits=sum(1 << i for i, c in enumerate(CAPABILITIES) if c in capabilities),
                      shown_records=shown)


def _offering_entry(offering: Offering, record: ModelRecord, providers: dict[str, ProviderEntry],
                    site: SiteConfig) -> OfferingEntry:
    blended = None
    if offering.input is not None and offering.output is not None:
        blended = blended_price(offering.input, offering.output, site)
    provider = providers[offering.provider]
    return OfferingEntry(offering, provider.id, provider.record, blended, offering.provider == record.maker)


def _headline_price(record: ModelRecord, priced: list[OfferingEntry]) -> Price | None:
    """The maker's list price; for a model the maker does not sell, the cheapest host's."""
    if record.pricing.input is not None and record.pricing.output is not None:
        return Price(record.pricing.input, record.pricing.output, record.maker)
    cheapest = next((o for o in priced if o.is_cheapest), None)
    if cheapest is None:
        return None
    return Price(cheapest.offering.input, cheapest.offering.output, cheapest.provider_id)


def blended_price(input_price: float, output_price: float, site: SiteConfig) -> float:
    return input_price * site.blended_mix.input + output_price * site.blended_mix.output


def request_cost(price: Price, input_tokens: int, output_tokens: int) -> float:
    return (input_tokens * price.input + output_tokens * price.output) / PER_MILLION


def _scenario_cost(scenario: Scenario, price: Price) -> ScenarioCost:
    per_request = request_cost(price, scenario.input_tokens, scenario.output_tokens)
    return ScenarioCost(scenario, per_request, per_request * scenario.volume)
