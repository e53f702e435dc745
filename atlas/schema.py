"""The content model: what an editor may write in `content/`, checked by pydantic.

Only the *shape* of one file is checked here. Rules that span fields or files
(max output above context, unknown provider ids...) live in `validate.py`, where
they can name the exact key and the other file involved.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

SLUG_PATTERN = r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$"
LOCALE_PATTERN = r"^[a-z]{2,3}(?:_[A-Z]{2})?$"
ENV_VAR_PATTERN = r"^[A-Z][A-Z0-9_]*$"

# Most expensive list prices in the field are a few hundred USD per million
# tokens; a figure above this is almost certainly a per-token price typed as
# per-million, or a typo.
MAX_PRICE_PER_MILLION = 1000.0


def _check_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        raise ValueError("must be an http:// or https:// address")
    return value


def _check_partial_date(value: str) -> str:
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value)
    if not match:
        raise ValueError("must be a date written YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month), int(day or 1))
    except ValueError as error:
        raise ValueError(f"is not a real date ({error})") from None
    return value


def _check_finite(value: float) -> float:
    if math.isnan(value) or math.isinf(value):
        raise ValueError("must be a finite number")
    return value


Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=80)]
ModelId = Slug
ProviderId = Slug
LocaleCode = Annotated[str, Field(pattern=LOCALE_PATTERN)]
Url = Annotated[str, AfterValidator(_check_url)]
PartialDate = Annotated[str, AfterValidator(_check_partial_date)]
Price = Annotated[float, Field(ge=0, le=MAX_PRICE_PER_MILLION), AfterValidator(_check_finite)]
Percent = Annotated[float, Field(ge=0, le=100)]
TokenCount = Annotated[int, Field(gt=0, le=100_000_000)]
Modality = Literal["text", "image", "audio", "video", "pdf"]
Status = Literal["preview", "active", "deprecated"]

# Editorial text: either the text itself (written in the site's default
# locale) or a map from locale to text. Lists work the same way.
Text = str | dict[LocaleCode, str]
TextList = list[str] | dict[LocaleCode, list[str]]


class Strict(BaseModel):
    """Base of every record part: unknown keys are errors, NaN/inf are refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


# --- providers ------------------------------------------------------------


class ProviderRecord(Strict):
    name: str = Field(min_length=1, max_length=80)
    website: Url
    docs_url: Url | None = None
    api_base_url: Url | None = Field(
        default=None, description="Base URL of an OpenAI-compatible API, if the provider has one."
    )
    api_key_env: Annotated[str, Field(pattern=ENV_VAR_PATTERN)] | None = None
    sdk_notes: Text | None = None
    description: Text | None = None


# --- models ---------------------------------------------------------------


class PriceTier(Strict):
    above_tokens: TokenCount = Field(description="Prompt size above which these prices apply.")
    input: Price
    output: Price
    cached_input: Price | None = None


class Pricing(Strict):
    """The maker's own list price, USD per million tokens."""

    input: Price | None = None
    output: Price | None = None
    cached_input: Price | None = None
    cache_write: Price | None = None
    batch_discount: Percent | None = Field(default=None, description="Percent off with the batch API.")
    image_input_per_1k: Price | None = Field(default=None, description="USD per 1,000 input images.")
    free_tier: bool | None = None
    tiers: list[PriceTier] = []


class Limits(Strict):
    context: TokenCount
    max_input: TokenCount | None = None
    max_output: TokenCount | None = None


class Modalities(Strict):
    input: list[Modality] = Field(min_length=1)
    output: list[Modality] = Field(min_length=1)


class Measurement(Strict):
    value: Annotated[float, Field(gt=0)]
    source: Url
    date: dt.date


class Speed(Strict):
    output_tokens_per_second: Measurement | None = None
    time_to_first_token_seconds: Measurement | None = None


class Capabilities(Strict):
    """Each flag is yes, no, or unknown (left out); unknown is never shown as no."""

    tool_calling: bool | None = None
    structured_output: bool | None = None
    prompt_caching: bool | None = None
    reasoning: bool | None = None
    reasoning_efforts: list[Annotated[str, Field(pattern=r"^[a-z]+$")]] = []
    vision: bool | None = None
    audio_input: bool | None = None
    audio_output: bool | None = None
    fine_tuning: bool | None = None
    streaming: bool | None = None


class Deployment(Strict):
    on_prem: bool | None = None
    hipaa_eligible: bool | None = None
    zero_data_retention: bool | None = None
    regions: list[Annotated[str, Field(pattern=r"^[a-z]{2,12}(?:-[a-z0-9]+)*$")]] = []


class Benchmark(Strict):
    name: str = Field(min_length=1, max_length=80)
    score: Annotated[float, Field(ge=0)]
    unit: Literal["percent", "points", "elo"] = "percent"
    source: Url
    date: dt.date | None = None


class Rating(Strict):
    name: str = Field(min_length=1, max_length=80)
    score: Annotated[float, Field(ge=0)]
    out_of: Annotated[float, Field(gt=0)] = 5
    source: Url
    date: dt.date | None = None

    @model_validator(mode="after")
    def _score_within_scale(self) -> "Rating":
        if self.score > self.out_of:
            raise ValueError(f"score {self.score} is above its scale of {self.out_of}")
        return self


class FaqItem(Strict):
    question: Text
    answer: Text


class Source(Strict):
    name: str = Field(min_length=1, max_length=120)
    url: Url


class PricePoint(Strict):
    date: dt.date
    input: Price
    output: Price


class Offering(Strict):
    """One provider serving the model, with that provider's own figures."""

    provider: ProviderId
    model_id: str = Field(min_length=1, max_length=200)
    input: Price | None = None
    output: Price | None = None
    cached_input: Price | None = None
    context: TokenCount | None = None
    max_output: TokenCount | None = None
    released: dt.date | None = None
    input_modalities: list[Modality] | None = None


class ModelRecord(Strict):
    # identity
    name: str = Field(min_length=1, max_length=80)
    maker: ProviderId
    family: str | None = Field(default=None, max_length=80)
    status: Status = "active"
    released: dt.date | None = None
    knowledge_cutoff: PartialDate | None = None
    retired: dt.date | None = Field(default=None, description="Retirement date, for deprecated models.")
    successor: ModelId | None = None
    license: str | None = Field(default=None, max_length=80)
    open_weights: bool
    tagline: Text
    description: Text = Field(description="Markdown.")
    # facts
    pricing: Pricing = Pricing()
    limits: Limits
    modalities: Modalities
    speed: Speed = Speed()
    capabilities: Capabilities = Capabilities()
    deployment: Deployment = Deployment()
    benchmarks: list[Benchmark] = []
    ratings: list[Rating] = []
    price_history: list[PricePoint] = []
    # editorial
    strengths: TextList = []
    tradeoffs: TextList = []
    best_for: TextList = []
    works_with: list[str] = []
    alternatives: list[ModelId] = []
    faq: list[FaqItem] = []
    sources: list[Source] = []
    last_verified: dt.date
    pinned: list[Annotated[str, Field(min_length=1, max_length=120)]] = Field(
        default=[],
        description="Dotted paths an import must never overwrite, e.g. pricing.input, limits.context, "
                    "offerings.<provider>.input, or a whole part: pricing, benchmarks, offerings.<provider>.",
    )
    # where to run it
    offerings: list[Offering] = []


# --- site -----------------------------------------------------------------


class BlendedMix(Strict):
    input: Annotated[float, Field(ge=0, le=1)] = 0.7
    output: Annotated[float, Field(ge=0, le=1)] = 0.3

    @model_validator(mode="after")
    def _adds_up(self) -> "BlendedMix":
        if abs(self.input + self.output - 1) > 1e-9:
            raise ValueError("input and output shares must add up to 1")
        return self


class Workload(Strict):
    input_tokens: TokenCount
    output_tokens: TokenCount
    requests_per_month: TokenCount


class Scenario(Strict):
    id: Slug
    name: Text
    assumption: Text
    input_tokens: TokenCount
    output_tokens: TokenCount
    volume: TokenCount = Field(description="How many requests the costed batch holds.")
    unit: Text = Field(description="What one request is, plural: answers, tickets...")


class CompareSettings(Strict):
    per_model: Annotated[int, Field(ge=0, le=20)] = 5
    pairs: list[tuple[ModelId, ModelId]] = []
    index_models: Annotated[int, Field(ge=0, description="The compare index lists the comparisons of this many "
                                       "of the newest models, and every pair in `pairs`.")] = 50


class ListingSettings(Strict):
    page_size: Annotated[int, Field(ge=1, description="Rows per page of a model list (the home page's, a "
                                    "capability's, a provider's); a longer list continues on /page/2/ and on.")] = 200
    chart_points: Annotated[int, Field(ge=3, description="Most models the home page's price-against-quality "
                                       "chart plots: the newest with the benchmark. Thousands of dots are "
                                       "unreadable, and weigh megabytes on a phone.")] = 100


class SearchSettings(Strict):
    pages_per_index: Annotated[int, Field(ge=1, description="Most pages one search index holds. A language with "
                                          "more gets several, each built by its own Pagefind run (whose memory "
                                          "grows with the words it indexes: ~0.2 GB per 2,500 model pages) and "
                                          "searched together in the browser, one request more each.")] = 2500


class SiteConfig(Strict):
    title: str
    tagline: Text
    base_url: Url = Field(description="Public address, with a trailing path for a sub-folder site.")
    default_locale: LocaleCode = "en"
    locales: list[LocaleCode] = Field(default=["en", "es"], min_length=1)
    blended_mix: BlendedMix = BlendedMix()
    typical_workload: Workload = Workload(input_tokens=2000, output_tokens=600, requests_per_month=100_000)
    scenarios: list[Scenario] = []
    compare: CompareSettings = CompareSettings()
    listings: ListingSettings = ListingSettings()
    search: SearchSettings = SearchSettings()

    @model_validator(mode="after")
    def _default_locale_listed(self) -> "SiteConfig":
        if self.default_locale not in self.locales:
            raise ValueError(f"default_locale '{self.default_locale}' is not in locales")
        return self


# --- fit-score rubric (content/fit-scores.yaml) -------------------------------

FitMetric = Literal["context", "max_output", "providers", "blended_price", "inconsistencies"]


class FitCriterion(Strict):
    """One line of a fit score: points earned by a capability, or along a log-scaled range."""

    label: Text
    points: Annotated[float, Field(gt=0, le=100)]
    rule: Literal["capability", "modality", "log_range", "has_price", "has_cached_price", "open_weights"]
    field: str | None = Field(default=None, description="Capability flag name, or input modality, for those rules.")
    metric: FitMetric | None = None
    low: Annotated[float, Field(gt=0)] | None = Field(default=None, description="No points at or below (above, if inverted).")
    high: Annotated[float, Field(gt=0)] | None = Field(default=None, description="Full points at or above (below, if inverted).")
    invert: bool = Field(default=False, description="Fewer is better (price, inconsistencies).")

    @model_validator(mode="after")
    def _rule_has_its_settings(self) -> "FitCriterion":
        if self.rule in ("capability", "modality") and not self.field:
            raise ValueError(f"rule '{self.rule}' needs 'field'")
        if self.rule == "log_range" and (self.metric is None or self.low is None or self.high is None):
            raise ValueError("rule 'log_range' needs 'metric', 'low' and 'high'")
        if self.rule == "log_range" and self.low >= self.high:
            raise ValueError("'low' must be below 'high'")
        if self.rule == "capability" and self.field not in Capabilities.model_fields:
            raise ValueError(f"unknown capability '{self.field}'; known: {', '.join(Capabilities.model_fields)}")
        return self


class FitCategory(Strict):
    id: Slug
    name: Text
    criteria: list[FitCriterion] = Field(min_length=1)


class FitRubric(Strict):
    categories: list[FitCategory] = Field(min_length=1)
