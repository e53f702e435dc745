"""schema.org JSON-LD for each page type, from catalog entries and already-translated text."""

from __future__ import annotations

from typing import Callable


def breadcrumb_list(crumbs: list[tuple[str, str]], absolute: Callable[[str], str]) -> dict:
    """`crumbs`: (label, route path) from the site root to the page itself."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index, "name": label, "item": absolute(path)}
            for index, (label, path) in enumerate(crumbs, 1)
        ],
    }


def model_product(model, url: str, description: str, unit_input: str, unit_output: str,
                  provider_url: Callable[[str], str]) -> dict:
    """The model as a product; each priced offering as two unit-priced offers (input, output)."""
    offers = []
    for entry in model.offerings:
        offering = entry.offering
        for price, unit in ((offering.input, unit_input), (offering.output, unit_output)):
            if price is None:
                continue
            offers.append({
                "@type": "Offer",
                "seller": {"@type": "Organization", "name": entry.provider.name, "url": provider_url(entry.provider_id)},
                "priceCurrency": "USD",
                "price": f"{price:.4f}".rstrip("0").rstrip("."),
                "priceSpecification": {"@type": "UnitPriceSpecification", "price": price, "priceCurrency": "USD",
                                       "unitText": unit},
            })
    product = {
        "@type": "Product",
        "name": model.name,
        "url": url,
        "description": description,
        "brand": {"@type": "Organization", "name": model.maker.name},
        "category": "Large language model",
    }
    if model.record.released:
        product["releaseDate"] = model.record.released.isoformat()
    if offers:
        product["offers"] = offers
    return product


def faq_page(entries) -> dict:
    return {
        "@type": "FAQPage",
        "mainEntity": [
            {"@type": "Question", "name": entry.question,
             "acceptedAnswer": {"@type": "Answer", "text": entry.answer}}
            for entry in entries
        ],
    }


def website(name: str, url: str, description: str) -> dict:
    return {"@type": "WebSite", "name": name, "url": url, "description": description}
