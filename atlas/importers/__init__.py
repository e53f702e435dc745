"""Importers: model facts from models.dev and OpenRouter data, synced into content/.

    python build.py import models-dev catalog.json [--dry-run] [--date YYYY-MM-DD]
    python build.py import openrouter models.json [--dry-run]
    python build.py new model <id> --maker <provider>

One module per job:

    ids.py          upstream ids -> our slugs; the suffixes that mark a variant
    facts.py        upstream values checked and converted to schema fields
    models_dev.py   parse models.dev catalog.json / api.json
    openrouter.py   parse the OpenRouter models API
    grouping.py     which offerings are one model
    assemble.py     one model's facts from its group
    providers.py    provider records the import needs and the data lacks
    placeholders.py factual stand-ins for the required tagline and description
    matching.py     which existing record each imported model and offering lands in
    sync.py         apply an import to content/ without touching editors' work
    values.py       read, write, compare and show values in a record
    report.py       what a sync did, file by file
    pins.py         the `pinned:` paths a sync must leave alone
    yamlio.py       comment-preserving YAML (ruamel.yaml round-trip)
    skeleton.py     the `new model` record
    command.py      the CLI commands and their report

How model variants land (the same model is listed under many ids):

* `o4-mini`, `openai/o4-mini`, `openai/o4-mini:free`, `anthropic/claude-opus-4.7`
  vs `claude-opus-4-7`: one model. The organisation part, `:tags` and the
  difference between `.` and `-` in versions are not part of a model's identity.
* Reasoning-effort variants (`openai/o4-mini-high`, `-low`, `-minimal`...) are
  offerings of their base model, kept under their own `model_id`, when the base
  model is listed; otherwise they are a model of their own.
* Dated snapshots (`-2025-04-16`, `-20250514`) are offerings of their base model,
  unless the models.dev catalog lists the snapshot as a model of its own under
  another name ("GPT-4o (2024-05-13)" is a named variant with its own record;
  "Claude Opus 4.5" listed as both `claude-opus-4-5` and `claude-opus-4-5-20251101`
  is one model). Short version suffixes (`-2507`, `-0309`, `-001`) are part of the
  model's id: makers use them for different models.
* Gateways' routers (`openrouter/auto`, `kilo-auto/...`) and moving aliases
  (`~anthropic/claude-sonnet-latest`) are not models: reported and skipped.

Makers are the models.dev key prefix (`openai/o4-mini` -> openai), mapped to our
provider ids (`zhipuai` -> zai, `llama` -> meta, `meta-llama` -> meta, `qwen` ->
alibaba, `x-ai` -> xai...). Every upstream record that cannot be mapped (no
context window, no maker we can describe, an id that is not a slug...) is
counted and reported with its reason; nothing is dropped silently.

`last_verified` is the import date: `--date`, else a date the data carries for
itself (neither format carries one today), else today. A sync sets it only on
records it changes, so re-importing unchanged data writes nothing.

This package's `__init__` stays empty of imports: the validator imports `pins`,
and the CLI imports `command`, on every run.
"""
