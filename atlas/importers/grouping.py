"""Grouping: which offerings are one model, and under which of our ids.

models.dev's `catalog.json` lists its models: each becomes a group, and every
offering is linked to one by its id (see `ids.ParsedId`). Catalog entries of one
maker with the same name ("Claude Opus 4.5" is both `claude-opus-4-5` and
`claude-opus-4-5-20251101`) are one model. Offerings of models the catalog does
not list (and every offering, for `api.json` and OpenRouter, which list none)
are grouped by maker and id, as `build_groups` describes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .ids import ParsedId, _strip_effort, _strip_snapshot, clean_name, loose, slugify
from .records import ImportedOffering

NO_CATALOG_MATCH = "matches no model in the catalog's models section"
NO_MAKER = "no maker: the id names no organisation, the provider is not a maker, and no single listed model fits"
UNKNOWN_MAKER = ("its maker has no provider record and is not one we know: add content/providers/<maker>.yaml "
                 "and import again")
BAD_ID = "its id cannot be made a slug"


@dataclass
class Grouping:
    groups: list["Group"] = field(default_factory=list)
    unlinked: list[tuple[ImportedOffering, str]] = field(default_factory=list)  # offerings no model takes
    dropped: list[tuple["Group", str]] = field(default_factory=list)  # models that could not be kept
    notes: list[str] = field(default_factory=list)


@dataclass(eq=False)
class Group:
    id: str
    maker: str
    entry: dict | None = None  # the catalog's own entry for the model, if it lists one
    key: str | None = None  # that entry's catalog key, "openai/o4-mini"
    offerings: list[ImportedOffering] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)  # other catalog keys folded in


class _Index:
    def __init__(self) -> None:
        self.exact: dict[tuple[str, str], Group] = {}
        self.base: dict[tuple[str, str], Group | None] = {}  # None: more than one fits
        self.by_slug: dict[str, list[Group]] = {}

    def add(self, group: Group, slug: str) -> None:
        key = (group.maker, loose(slug))
        self.exact.setdefault(key, group)
        members = self.by_slug.setdefault(loose(slug), [])
        if group not in members:
            members.append(group)
        base_key = (group.maker, loose(_strip_effort(_strip_snapshot(slug))))
        if base_key != key:
            self.base[base_key] = group if self.base.get(base_key, group) is group else None

    def find(self, parsed: ParsedId, maker: str | None) -> Group | None:
        candidates = [loose(c) for c in parsed.candidates()]
        if maker:
            for slug in candidates:
                if (maker, slug) in self.exact:
                    return self.exact[(maker, slug)]
            for slug in candidates:
                if self.base.get((maker, slug)):
                    return self.base[(maker, slug)]
        for slug in candidates:
            members = self.by_slug.get(slug, [])
            if len(members) == 1:
                return members[0]
        return None


def offering_maker(offering: ImportedOffering, first_party: set[str]) -> str | None:
    if offering.parsed.org:
        return offering.parsed.org
    return offering.provider if offering.provider in first_party else None


def build_groups(entries: list[Group] | None, offerings: list[ImportedOffering], first_party: set[str],
                 known_makers: set[str]) -> Grouping:
    """Models and their offerings.

    1. Catalog entries (if any) are groups; same-named entries of one maker merge.
    2. Each offering links to the catalog group its id names.
    3. The rest are grouped by maker and id, for makers we can describe
       (`known_makers`): dated snapshots fold into their model, an effort variant
       into its model when that model is listed.
    4. An offering that names no maker, or a maker we cannot describe, joins the
       one model whose id fits it, or is reported.
    """
    result = Grouping()
    index = _Index()
    catalog = _catalog_groups(entries or [], index, result)
    leftovers: list[ImportedOffering] = []
    for offering in offerings:
        if offering.parsed.slug is None:
            result.unlinked.append((offering, BAD_ID))
            continue
        group = index.find(offering.parsed, offering_maker(offering, first_party)) if catalog else None
        if group is None:
            leftovers.append(offering)
        else:
            group.offerings.append(offering)
    derived, unplaced = _derived_groups(leftovers, first_party, known_makers | {g.maker for g in catalog})
    for group in derived:
        index.add(group, group.id)
    for offering in unplaced:
        group = index.find(offering.parsed, None)
        if group is not None:
            group.offerings.append(offering)
            continue
        reason = NO_MAKER if offering_maker(offering, first_party) is None else UNKNOWN_MAKER
        result.unlinked.append((offering, f"{NO_CATALOG_MATCH}, and {reason}" if catalog else reason))
    result.groups = _unique_ids(catalog + derived, result)
    return result


def _catalog_groups(entries: list[Group], index: _Index, result: Grouping) -> list[Group]:
    by_name: dict[tuple[str, str], Group] = {}
    groups = []
    for entry in sorted(entries, key=_preference):
        name = clean_name(str(entry.entry.get("name") or entry.id)).casefold()
        primary = by_name.get((entry.maker, name))
        if primary is None:
            by_name[(entry.maker, name)] = entry
            groups.append(entry)
            index.add(entry, entry.id)
        else:
            primary.merged.append(entry.key or entry.id)
            index.add(primary, entry.id)
            result.notes.append(f"{entry.key} has the same name as {primary.key}: one model, {primary.id}")
    order = {id(e): i for i, e in enumerate(entries)}
    return sorted(groups, key=lambda g: order[id(g)])


def _preference(group: Group) -> tuple:
    """Which of several same-named catalog entries names the model: plain, then shortest."""
    slug = group.id
    return (_strip_snapshot(slug) != slug, "latest" in slug, len(slug), slug)


def _derived_groups(offerings: list[ImportedOffering], first_party: set[str],
                    known_makers: set[str]) -> tuple[list[Group], list[ImportedOffering]]:
    """Groups built from offerings alone; and the offerings left without a maker we know."""
    keyed: dict[tuple[str, str], list[ImportedOffering]] = {}
    unplaced: list[ImportedOffering] = []
    for offering in offerings:
        maker = offering_maker(offering, first_party)
        if maker is None or maker not in known_makers:
            unplaced.append(offering)
            continue
        keyed.setdefault((maker, loose(_strip_snapshot(offering.parsed.slug))), []).append(offering)
    for maker, slug in list(keyed):
        base = loose(_strip_effort(slug))
        if base != slug and (maker, base) in keyed:
            keyed[(maker, base)].extend(keyed.pop((maker, slug)))
    groups = []
    for (maker, _), members in keyed.items():
        primary = min(members, key=lambda o: _primary_rank(o, maker))
        groups.append(Group(_strip_snapshot(primary.parsed.slug), maker, offerings=members))
    return groups, unplaced


def _primary_rank(offering: ImportedOffering, maker: str) -> tuple:
    parsed = offering.parsed
    return (offering.provider != maker, parsed.tag is not None, parsed.effort is not None,
            parsed.snapshot is not None)


def primary_offering(group: Group) -> ImportedOffering | None:
    """The offering whose figures speak for the model: the maker's own, plainest id first."""
    if not group.offerings:
        return None
    return min(group.offerings, key=lambda o: (*_primary_rank(o, group.maker),
                                               loose(o.parsed.slug or "") != loose(group.id)))


def _unique_ids(groups: list[Group], result: Grouping) -> list[Group]:
    """Two makers' models with one slug: the later one's id gets its maker's name in front."""
    seen: set[str] = set()
    kept = []
    for group in groups:
        model_id = group.id
        if model_id in seen:
            model_id = slugify(f"{group.maker}-{group.id}") or ""
        if not model_id or model_id in seen:
            result.dropped.append((group, f"model id '{group.id}' is taken by another maker's model"))
            continue
        group.id = model_id
        seen.add(model_id)
        kept.append(group)
    return kept
