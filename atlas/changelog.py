"""What the changelog and the feeds say about each data change."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from .history import Change
from .i18n import N_
from .messages import Money, Msg, Tokens

_PRICE_FIELDS = {
    "pricing.input": N_("%(name)s: input price changed from %(old)s to %(new)s per million tokens"),
    "pricing.output": N_("%(name)s: output price changed from %(old)s to %(new)s per million tokens"),
    "pricing.cached_input": N_("%(name)s: cached input price changed from %(old)s to %(new)s per million tokens"),
}
_STATUS = {
    "preview": N_("%(name)s is now in preview"),
    "active": N_("%(name)s is now generally available"),
    "deprecated": N_("%(name)s is now deprecated"),
}


@dataclass(frozen=True)
class ChangeEntry:
    change: Change
    model_id: str
    model_name: str
    exists: bool  # the model still has a page
    message: Msg

    @property
    def anchor(self) -> str:
        return f"{self.change.commit[:12]}-{self.model_id}-{self.change.field or self.change.kind}".replace(".", "-")


def describe(change: Change, name: str) -> Msg:
    params = {"name": name}
    if change.kind == "added":
        return Msg(N_("%(name)s added to the catalog"), params)
    if change.kind == "removed":
        return Msg(N_("%(name)s removed from the catalog"), params)
    if change.kind == "price":
        if change.old is None or change.new is None:
            return Msg(N_("%(name)s: list price published or withdrawn"), params)
        return Msg(_PRICE_FIELDS[change.field], {**params, "old": Money(float(change.old)), "new": Money(float(change.new))})
    if change.kind in ("context", "max_output") and isinstance(change.old, int) and isinstance(change.new, int):
        text = (N_("%(name)s: context window changed from %(old)s to %(new)s tokens") if change.kind == "context"
                else N_("%(name)s: maximum output changed from %(old)s to %(new)s tokens"))
        return Msg(text, {**params, "old": Tokens(change.old), "new": Tokens(change.new)})
    if change.kind == "status" and change.new in _STATUS:
        return Msg(_STATUS[change.new], params)
    return Msg(N_("%(name)s: record updated"), params)


def feed_updated(changes: list[ChangeEntry], fallback: dt.date) -> dt.datetime:
    """The feed's own date: the newest change, else SOURCE_DATE_EPOCH, else the newest verified date."""
    if changes:
        return max(entry.change.when for entry in changes)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return dt.datetime.combine(fallback, dt.time(), tzinfo=dt.timezone.utc)
