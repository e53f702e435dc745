"""`build.py new model <id> --maker <provider>`: a record with every field, each explained.

The skeleton loads, and deliberately does not validate until an editor has
filled in the facts: the required ones (`limits.context`, `modalities`,
`open_weights`, `last_verified`) are left empty, so `build.py check` names each
with its line. The required editorial text (`tagline`, `description`) starts as
an obvious TODO; the schema cannot tell TODO text from prose, so replacing it is
the editor's job (search for "TODO"). Optional fields are written out empty so
that every key is there to fill, and can be deleted if unknown.
"""

from __future__ import annotations

import json

SKELETON = """\
# yaml-language-server: $schema=../../schema/model.json
# New model record. Fill in the facts, replace every TODO, delete what stays unknown,
# then run `python build.py check`. The example to follow: content/models/o4-mini.yaml.
name: {name}  # display name, as the maker writes it
maker: {maker}  # provider id of the maker (a file in content/providers/)
family: null  # optional: model family, e.g. o-mini
status: active  # preview, active or deprecated
released: null  # YYYY-MM-DD, the public release date
knowledge_cutoff: null  # YYYY-MM or YYYY-MM-DD
retired: null  # YYYY-MM-DD: required once status is deprecated
successor: null  # optional: id of the model that replaces this one
license: null  # e.g. Proprietary, Apache 2.0, MIT
open_weights: null  # REQUIRED: true or false
tagline: "TODO: one line on what this model is for"  # text, or {{en: ..., es: ...}}
description: |  # Markdown, two short paragraphs; or a map of locale to text
  TODO: what the model is, and when to pick it.
pricing:  # the maker's own list price, USD per million tokens
  input: null  # USD per million input tokens
  output: null  # USD per million output tokens
  cached_input: null  # price of a cached input token
  cache_write: null  # price of writing the cache, if billed
  batch_discount: null  # percent off with the batch API, e.g. 50
  image_input_per_1k: null  # USD per 1,000 input images
  free_tier: null  # true if the maker has a free tier
  tiers: []  # long-prompt prices: [{{above_tokens: 200000, input: ..., output: ...}}]
limits:  # in tokens
  context: null  # REQUIRED: context window in tokens, e.g. 200000
  max_input: null  # optional: largest prompt, if below the context
  max_output: null  # largest answer in tokens
modalities:  # what the model reads and writes
  input: []  # REQUIRED: some of [text, image, audio, video, pdf]
  output: []  # REQUIRED: usually [text]
speed:  # measurements with their source and date, or leave empty
  output_tokens_per_second: null  # {{value: 50, source: https://..., date: YYYY-MM-DD}}
  time_to_first_token_seconds: null  # same shape
capabilities:  # true, false, or null for unknown (never shown as "no")
  tool_calling: null  # calls functions you define
  structured_output: null  # can be held to a JSON schema
  prompt_caching: null  # repeated prompt prefixes billed at a discount
  reasoning: null  # thinks before it answers
  reasoning_efforts: []  # e.g. [low, medium, high]
  vision: null  # reads images
  audio_input: null  # takes audio
  audio_output: null  # produces audio
  fine_tuning: null  # the maker lets you fine-tune it
  streaming: null  # streams its answer
deployment:  # true, false, or null for unknown
  on_prem: null  # can run in your own data centre
  hipaa_eligible: null  # the maker signs a BAA for it
  zero_data_retention: null  # prompts can be kept unstored
  regions: []  # e.g. [us, eu]
benchmarks: []  # - {{name: GPQA Diamond, score: 81.4, unit: percent, source: https://..., date: YYYY-MM-DD}}
ratings: []  # - {{name: ..., score: 4.5, out_of: 5, source: https://...}}
price_history: []  # - {{date: YYYY-MM-DD, input: 1.1, output: 4.4}}
strengths: []  # short phrases; a list, or {{en: [...], es: [...]}}
tradeoffs: []  # short phrases, same shape
best_for: []  # a few use cases, same shape
works_with: []  # SDKs and tools, e.g. [OpenAI SDK, LangChain]
alternatives: []  # ids of other model records
faq: []  # - {{question: ..., answer: ...}}
sources: []  # - {{name: ..., url: https://...}}: where the facts come from
last_verified: null  # REQUIRED: YYYY-MM-DD, the day you checked the facts
pinned: []  # dotted paths an import must not overwrite, e.g. [pricing.input, offerings.poe]
offerings: []  # - {{provider: openrouter, model_id: vendor/model, input: ..., output: ..., context: ...}}
"""


def skeleton(model_id: str, maker: str) -> str:
    return SKELETON.format(name=json.dumps(model_id), maker=json.dumps(maker))
