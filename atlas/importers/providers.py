"""Provider records the importers may need to create: from the data, else from what we know.

models.dev lists providers (the companies and gateways that serve models) but not
every maker: a model keyed `nvidia/...` may come with no `nvidia` provider entry.
A maker we know gets its name and home page from `KNOWN_MAKERS`; any other gets a
record built from its id and the links of its models, flagged for an editor.
"""

from __future__ import annotations

import re

from ..schema import ENV_VAR_PATTERN
from .facts import text
from .ids import site_of, url

# Makers that often come without a provider entry: display name and home page.
KNOWN_MAKERS = {
    "ai21": ("AI21 Labs", "https://www.ai21.com"),
    "alibaba": ("Alibaba Cloud", "https://www.alibabacloud.com"),
    "amazon": ("Amazon", "https://aws.amazon.com/bedrock"),
    "anthropic": ("Anthropic", "https://www.anthropic.com"),
    "baidu": ("Baidu", "https://yiyan.baidu.com"),
    "bytedance": ("ByteDance", "https://www.bytedance.com"),
    "bytedance-seed": ("ByteDance Seed", "https://seed.bytedance.com"),
    "cohere": ("Cohere", "https://cohere.com"),
    "deepseek": ("DeepSeek", "https://www.deepseek.com"),
    "google": ("Google", "https://ai.google.dev"),
    "ibm-granite": ("IBM Granite", "https://www.ibm.com/granite"),
    "meta": ("Meta", "https://www.llama.com"),
    "microsoft": ("Microsoft", "https://www.microsoft.com"),
    "minimax": ("MiniMax", "https://www.minimax.io"),
    "mistral": ("Mistral AI", "https://mistral.ai"),
    "moonshotai": ("Moonshot AI", "https://www.moonshot.ai"),
    "nousresearch": ("Nous Research", "https://nousresearch.com"),
    "nvidia": ("NVIDIA", "https://www.nvidia.com"),
    "openai": ("OpenAI", "https://openai.com"),
    "perplexity": ("Perplexity", "https://www.perplexity.ai"),
    "sakana": ("Sakana AI", "https://sakana.ai"),
    "sarvam": ("Sarvam AI", "https://www.sarvam.ai"),
    "stepfun": ("StepFun", "https://www.stepfun.com"),
    "tencent": ("Tencent", "https://hunyuan.tencent.com"),
    "xai": ("xAI", "https://x.ai"),
    "xiaomi": ("Xiaomi", "https://mimo.xiaomi.com"),
    "zai": ("Z.AI", "https://z.ai"),
}

PLACEHOLDER_WEBSITE = "https://models.dev"
_NOT_HOME_PAGES = {"https://huggingface.co", "https://github.com", "https://arxiv.org", "https://x.com"}


def from_models_dev(entry: dict) -> dict | None:
    """A models.dev provider entry as our ProviderRecord fields; None without a usable address."""
    doc = url(entry.get("doc"))
    api = url(entry.get("api"))
    website = site_of(doc) or site_of(api)
    name = text(entry.get("name"))
    if not website or not name:
        return None
    record = {"name": name, "website": website}
    if doc:
        record["docs_url"] = doc
    if api:
        record["api_base_url"] = api
    names = entry.get("env") if isinstance(entry.get("env"), list) else []
    env = [e for e in names if isinstance(e, str) and re.match(ENV_VAR_PATTERN, e)]
    if env:
        record["api_key_env"] = env[0]
    return record


def fallback(provider_id: str, links: list[str]) -> tuple[dict, bool]:
    """A record for a provider the data does not describe; True when its website is a guess."""
    if provider_id in KNOWN_MAKERS:
        name, website = KNOWN_MAKERS[provider_id]
        return {"name": name, "website": website}, False
    name = " ".join(part.capitalize() for part in re.split(r"[-.]", provider_id))[:80]
    for link in links:
        site = site_of(link)
        if site and site not in _NOT_HOME_PAGES:
            return {"name": name, "website": site}, True
    return {"name": name, "website": PLACEHOLDER_WEBSITE}, True
