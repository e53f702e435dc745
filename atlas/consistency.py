"""Where providers disagree with each other or with the maker about one model.

Listed on the page as data inconsistencies, never silently averaged away.
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import N_
from .messages import Day, Money, Msg, Names, Share, Tokens

PRICE_TOLERANCE = 0.25  # a host more than 25 % away from the maker's list price is worth flagging


@dataclass(frozen=True)
class Inconsistency:
    kind: str  # context | released | modalities | price
    message: Msg


def find_inconsistencies(record, offerings) -> list[Inconsistency]:
    found: list[Inconsistency] = []
    contexts = {o.offering.context for o in offerings if o.offering.context}
    if contexts and contexts != {record.limits.context}:
        found.append(Inconsistency("context", Msg(
            N_("Providers report different context windows: %(values)s tokens (the maker's figure is %(ours)s)."),
            {"values": Names(tuple(Tokens(value) for value in sorted(contexts))), "ours": Tokens(record.limits.context)})))
    dates = sorted({o.offering.released for o in offerings if o.offering.released})
    if len(dates) > 1 or (dates and record.released and dates != [record.released]):
        every = sorted(set(dates) | ({record.released} if record.released else set()))
        found.append(Inconsistency("released", Msg(
            N_("Release dates differ across providers, spanning %(days)s days: %(dates)s."),
            {"days": Tokens((every[-1] - every[0]).days), "dates": Names(tuple(Day(d) for d in every))})))
    declared = set(record.modalities.input)
    differing = sorted({o.provider.name for o in offerings
                        if o.offering.input_modalities is not None and set(o.offering.input_modalities) != declared})
    if differing:
        found.append(Inconsistency("modalities", Msg(
            N_("Input modalities differ from the maker's list at %(providers)s."),
            {"providers": Names(tuple(differing))})))
    list_price = record.pricing.input
    if list_price:
        for entry in offerings:
            price = entry.offering.input
            if price is not None and not entry.is_maker and abs(price - list_price) / list_price > PRICE_TOLERANCE:
                found.append(Inconsistency("price", Msg(
                    N_("%(provider)s charges %(price)s per million input tokens, %(share)s away from the maker's "
                       "list price of %(list)s."),
                    {"provider": entry.provider.name, "price": Money(price),
                     "share": Share(abs(price - list_price) / list_price), "list": Money(list_price)})))
    return found

