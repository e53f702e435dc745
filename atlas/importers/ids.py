"""Ids: upstream model and provider ids turned into our slugs, and the keys offerings group on.

The same model is served under many spellings: `o4-mini`, `openai/o4-mini`,
`openai/o4-mini-high`, `openai/o4-mini:free`, `anthropic/claude-opus-4.7`,
`accounts/fireworks/models/kimi-k2p6`, `Qwen/Qwen3.5-397B-A17B`... `parse_id`
splits one into the organisation it names, the model part as a slug, and the
suffixes that mark a variant of a model rather than a model (a `:tag`, a dated
snapshot, a reasoning-effort level). `ParsedId.candidates` lists the slugs to try,
most specific first, so that a model the catalog lists on its own (GPT-4o
(2024-05-13)) wins over the base model it would otherwise fold into.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..schema import SLUG_PATTERN

_SLUG = re.compile(SLUG_PATTERN)
MAX_SLUG = 80

# models.dev ids (as providers, or as the maker prefix of a model key) that are
# called something else in content/providers/.
PROVIDER_ALIASES = {"zhipuai": "zai", "llama": "meta"}

# Organisation names in offering ids ("meta-llama/...", "Qwen/...") -> maker id.
ORG_ALIASES = {
    **PROVIDER_ALIASES,
    "meta-llama": "meta", "facebook": "meta",
    "mistralai": "mistral", "mistral-ai": "mistral",
    "qwen": "alibaba", "qwenlm": "alibaba", "alibaba-cloud": "alibaba",
    "z-ai": "zai", "zai-org": "zai", "thudm": "zai",
    "deepseek-ai": "deepseek",
    "x-ai": "xai",
    "minimaxai": "minimax",
    "xiaomimimo": "xiaomi",
    "moonshot": "moonshotai",
    "cohereforai": "cohere", "coherelabs": "cohere",
    "google-deepmind": "google",
}

# Path parts of an offering id that are routing or hosting, not an organisation.
NOT_ORGS = {"accounts", "fireworks", "models", "routers", "workers-ai", "@cf", "@hf", "tee", "hf", "api"}

# Organisations that are a gateway's own namespace: its routers ("openrouter/auto"), not models.
GATEWAY_ORGS = {"openrouter", "kilo-auto"}

EFFORTS = ("minimal", "low", "medium", "high", "xhigh")
_EFFORT_SUFFIX = re.compile(r"-(" + "|".join(EFFORTS) + r")$")
_DATE_SUFFIX = re.compile(r"-(20\d{2})-?(\d{2})-?(\d{2})$")


def slugify(text: str) -> str | None:
    """`Qwen3.5-397B-A17B` -> `qwen3.5-397b-a17b`; None when nothing usable is left."""
    slug = text.strip().lower()
    slug = re.sub(r"[^a-z0-9.]+", "-", slug)
    slug = re.sub(r"[-.]*\.[-.]*", ".", slug)  # "a-.b" or "a..b" -> "a.b"
    slug = re.sub(r"-{2,}", "-", slug).strip("-.")
    if not slug or len(slug) > MAX_SLUG or not _SLUG.match(slug):
        return None
    return slug


def loose(slug: str) -> str:
    """The key slugs match on: `claude-opus-4.7` and `claude-opus-4-7` are one model."""
    return slug.replace(".", "-")


def maker_id(name: str) -> str | None:
    """An organisation or models.dev provider id, as our provider id."""
    slug = slugify(name)
    if slug is None:
        return None
    return ORG_ALIASES.get(slug, slug)


def provider_id(upstream_id: str) -> str | None:
    slug = slugify(upstream_id)
    return PROVIDER_ALIASES.get(slug, slug) if slug else None


@dataclass(frozen=True)
class ParsedId:
    raw: str
    org: str | None  # maker id the id names ("meta-llama/..." -> meta), if any
    slug: str | None  # the model part as a slug, snapshot and effort included
    tag: str | None = None  # ":free", ":thinking"... a routing or price variant
    snapshot: str | None = None  # "2025-04-16" from "-2025-04-16" or "-20250416"
    effort: str | None = None  # "high" from "o4-mini-high"

    @property
    def base(self) -> str | None:
        """The slug without snapshot and effort suffixes."""
        return _strip_effort(_strip_snapshot(self.slug)) if self.slug else None

    def candidates(self) -> list[str]:
        """Slugs this id may be listed under, most specific first."""
        if not self.slug:
            return []
        found: list[str] = []
        for slug in (self.slug, _strip_snapshot(self.slug), _strip_effort(self.slug), self.base):
            for option in (slug, _strip_org_prefix(slug, self.org)):
                if option and option not in found:
                    found.append(option)
        return found


def parse_id(raw: str) -> ParsedId:
    text = raw.strip().lstrip("~")  # OpenRouter's "~vendor/x-latest" routers
    tag = None
    if ":" in text:
        text, _, tag_text = text.partition(":")
        tag = slugify(tag_text)
    fireworks = text.startswith("accounts/fireworks/")
    parts = [p for p in text.split("/") if p]
    if not parts:
        return ParsedId(raw, None, None, tag)
    name = parts[-1]
    org = None
    for part in reversed(parts[:-1]):
        if part.lower() not in NOT_ORGS:
            org = maker_id(part)
            break
    if fireworks:  # Fireworks spells versions with a "p": kimi-k2p6 is kimi-k2.6
        name = re.sub(r"(?<=\d)p(?=\d)", ".", name)
    slug = slugify(name)
    snapshot = effort = None
    if slug:
        effort_match = _EFFORT_SUFFIX.search(_strip_snapshot(slug))
        effort = effort_match.group(1) if effort_match else None
        date_match = _DATE_SUFFIX.search(slug)
        if date_match and is_date("-".join(date_match.groups())):
            snapshot = "-".join(date_match.groups())
    return ParsedId(raw, org, slug, tag, snapshot, effort)


def not_a_model(raw: str, parsed: ParsedId) -> str | None:
    """Why an id names something other than a model (a router, a moving alias), or None."""
    if raw.strip().startswith("~"):
        return "an alias that follows the newest model of a line, not a model"
    if parsed.org in GATEWAY_ORGS:
        return "a gateway's own router, not a model"
    return None


def clean_name(name: str) -> str:
    """A display name without a gateway's "Maker: " prefix or a "(latest)" / "(free)" marker."""
    cleaned = re.sub(r"^[^:]{1,40}:\s+", "", name.strip())
    cleaned = re.sub(r"\s*\((?:latest|alias|free)\)\s*$", "", cleaned, flags=re.IGNORECASE)
    return cleaned.strip() or name.strip()


def _strip_snapshot(slug: str) -> str:
    match = _DATE_SUFFIX.search(slug)
    if match and is_date("-".join(match.groups())) and match.start() > 0:
        return slug[: match.start()]
    return slug


def _strip_effort(slug: str) -> str:
    match = _EFFORT_SUFFIX.search(slug)
    return slug[: match.start()] if match and match.start() > 0 else slug


def _strip_org_prefix(slug: str, org: str | None) -> str | None:
    """`cohere-command-r-08-2024` under cohere is `command-r-08-2024`."""
    if org and slug.startswith(org + "-") and len(slug) > len(org) + 1:
        return slug[len(org) + 1:]
    return None


def is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return False
    return True


def full_date(value) -> dt.date | None:
    """A YYYY-MM-DD string as a date; None for anything else (YYYY-MM, junk)."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and is_date(value):
        return dt.date.fromisoformat(value)
    return None


def partial_date(value) -> str | None:
    """A YYYY-MM or YYYY-MM-DD string that is a real date, else None."""
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value.strip())
    if not match:
        return None
    year, month, day = match.groups()
    return value.strip() if is_date(f"{year}-{month}-{day or '01'}") else None


def url(value) -> str | None:
    if isinstance(value, str) and re.match(r"^https?://[^\s/$.?#][^\s]*$", value.strip()):
        return value.strip()
    return None


def site_of(address: str | None) -> str | None:
    """`https://docs.mistral.ai/getting-started/` -> `https://mistral.ai`: a provider's home."""
    if not url(address):
        return None
    host = (urlsplit(address).hostname or "").lower()
    labels = host.split(".")
    if len(labels) < 2:
        return None
    keep = 3 if len(labels) >= 3 and labels[-2] in {"co", "com", "ac", "org", "net"} and len(labels[-1]) == 2 else 2
    return "https://" + ".".join(labels[-keep:])
