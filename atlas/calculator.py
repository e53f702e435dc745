"""The cost calculator's figures: what static/js/calculator.js needs, and the same sum in Python.

A model page ships these numbers in a JSON data block; the browser does the arithmetic of
`monthly_cost` below for whatever workload the reader types. The prices are the catalog's
(the headline price: the maker's list price, or the cheapest host's); the cached-input
price and the batch discount apply only where the one charging the headline price publishes them.
"""

from __future__ import annotations

from .catalog import PER_MILLION, ModelEntry
from .schema import SiteConfig

DAYS_PER_MONTH = 30


def calculator_prices(model: ModelEntry) -> dict | None:
    """USD per million tokens (cached input: None when not published) and the batch saving, 0..1."""
    headline = model.headline
    if headline is None:
        return None
    if headline.provider_id == model.maker.id:
        cached, batch = model.record.pricing.cached_input, model.batch_saving
    else:
        host = model.headline_offering
        cached, batch = (host.offering.cached_input if host else None), None
    return {"id": model.id, "name": model.name, "input": headline.input, "output": headline.output,
            "cached_input": cached, "batch_saving": batch}


def calculator_data(model: ModelEntry, site: SiteConfig) -> dict:
    """Default workload (the site's first scenario) and the prices of the model and its alternatives."""
    if site.scenarios:
        first = site.scenarios[0]
        defaults = {"input_tokens": first.input_tokens, "output_tokens": first.output_tokens,
                    "requests_per_day": first.volume}
    else:
        workload = site.typical_workload
        defaults = {"input_tokens": workload.input_tokens, "output_tokens": workload.output_tokens,
                    "requests_per_day": max(1, round(workload.requests_per_month / DAYS_PER_MONTH))}
    models = [calculator_prices(m) for m in (model, *model.alternatives)]
    return {"days_per_month": DAYS_PER_MONTH, "defaults": {**defaults, "cached_share": 0, "batch": False},
            "models": [m for m in models if m is not None]}


def monthly_cost(prices: dict, input_tokens: int, output_tokens: int, requests_per_day: float,
                 cached_share: float = 0.0, batch: bool = False) -> float:
    """USD a month: cached_share (0..1) of the input is billed at the cached price when there is one,
    and the batch saving comes off the whole request when asked for and published."""
    cached_price = prices["cached_input"] if prices["cached_input"] is not None else prices["input"]
    per_request = (input_tokens * (1 - cached_share) * prices["input"] + input_tokens * cached_share * cached_price
                   + output_tokens * prices["output"]) / PER_MILLION
    if batch and prices["batch_saving"] is not None:
        per_request *= 1 - prices["batch_saving"]
    return per_request * requests_per_day * DAYS_PER_MONTH
