"""The generated FAQ of a model page: questions answered from the record's facts only.

A question whose answer is unknown is left out; nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .i18n import N_
from .messages import Day, Money, Month, Msg, Names, Paragraph, Share, Tokens


@dataclass(frozen=True)
class GeneratedQuestion:
    id: str
    question: Msg
    answer: Paragraph


def generate_faq(model) -> list[GeneratedQuestion]:
    """`model` is a catalog ModelEntry (typed loosely to keep the import graph one-way)."""
    builders = (_cost, _context, _tool_calling, _structured_output, _vision, _reasoning, _open_weights,
                _deployment, _release, _alternatives)
    return [question for build in builders if (question := build(model)) is not None]


def _ask(question_id: str, question: str, model, *answer: Msg) -> GeneratedQuestion:
    return GeneratedQuestion(question_id, Msg(question, {"name": model.name}), Paragraph(tuple(answer)))


def _cost(model):
    price = model.headline
    if price is None:
        return None
    record = model.record
    if price.provider_id == model.maker.id:
        sentences = [Msg(N_("%(name)s costs %(input)s per million input tokens and %(output)s per million "
                            "output tokens at %(maker)s's list price."),
                         {"name": model.name, "input": Money(price.input), "output": Money(price.output),
                          "maker": model.maker.name})]
    else:
        host = model.headline_offering.provider.name
        sentences = [Msg(N_("%(maker)s publishes no per-token price for %(name)s; the cheapest provider, "
                            "%(host)s, charges %(input)s per million input tokens and %(output)s per million "
                            "output tokens."),
                         {"name": model.name, "maker": model.maker.name, "host": host,
                          "input": Money(price.input), "output": Money(price.output)})]
    if record.pricing.cached_input is not None and model.cached_saving:
        sentences.append(Msg(N_("Cached input reads cost %(cached)s per million tokens, %(share)s less than "
                                "fresh input."),
                             {"cached": Money(record.pricing.cached_input), "share": Share(model.cached_saving)}))
    if model.batch_saving:
        sentences.append(Msg(N_("The batch API takes %(share)s off for work that can wait."),
                             {"share": Share(model.batch_saving)}))
    return _ask("cost", N_("How much does %(name)s cost?"), model, *sentences)


def _context(model):
    limits = model.record.limits
    sentences = [Msg(N_("%(name)s has a context window of %(context)s tokens."),
                     {"name": model.name, "context": Tokens(limits.context)})]
    if limits.max_output:
        sentences.append(Msg(N_("One reply can be up to %(output)s tokens long."),
                             {"output": Tokens(limits.max_output)}))
    return _ask("context", N_("What is the context window of %(name)s?"), model, *sentences)


def _yes_no(question_id: str, flag_of: Callable[[Any], bool | None], question: str, yes: str, no: str):
    """A builder for a yes/no question, left out when the flag is unknown."""

    def build(model):
        flag = flag_of(model)
        if flag is None:
            return None
        return _ask(question_id, question, model, Msg(yes if flag else no, {"name": model.name}))

    return build


_tool_calling = _yes_no(
    "tool-calling", lambda m: m.record.capabilities.tool_calling,
    N_("Does %(name)s support tool calling?"),
    N_("Yes. %(name)s can call functions and tools that you define, which agents and automations rely on."),
    N_("No. %(name)s does not support tool calling."))
_structured_output = _yes_no(
    "structured-output", lambda m: m.record.capabilities.structured_output,
    N_("Does %(name)s support structured output?"),
    N_("Yes. %(name)s can be held to a JSON schema, so its replies parse reliably."),
    N_("No. %(name)s has no structured output mode; ask for JSON in the prompt and validate it yourself."))
_vision = _yes_no(
    "vision", lambda m: m.record.capabilities.vision,
    N_("Can %(name)s read images?"),
    N_("Yes. %(name)s accepts images as input alongside text."),
    N_("No. %(name)s does not take image input."))
_reasoning = _yes_no(
    "reasoning", lambda m: m.record.capabilities.reasoning,
    N_("Is %(name)s a reasoning model?"),
    N_("Yes. %(name)s works through a problem step by step before it answers, which helps on hard tasks "
       "and costs extra output tokens and time."),
    N_("No. %(name)s answers directly, without a separate reasoning phase."))


def _open_weights(model):
    record = model.record
    if record.open_weights:
        answer = (Msg(N_("Yes. The weights of %(name)s are published under the %(license)s license, so you "
                         "can run it on your own hardware."), {"name": model.name, "license": record.license})
                  if record.license else
                  Msg(N_("Yes. The weights of %(name)s are published, so you can run it on your own hardware."),
                      {"name": model.name}))
    else:
        answer = Msg(N_("No. %(name)s is only available through an API; its weights are not published."),
                     {"name": model.name})
    return _ask("open-weights", N_("Is %(name)s open weights?"), model, answer)


def _deployment(model):
    deployment = model.record.deployment
    sentences = []
    if deployment.hipaa_eligible is not None:
        sentences.append(Msg(N_("It is eligible for HIPAA workloads.") if deployment.hipaa_eligible
                             else N_("It is not offered for HIPAA workloads.")))
    if deployment.regions:
        sentences.append(Msg(N_("It is served in these regions: %(regions)s."),
                             {"regions": Names(tuple(r.upper() for r in deployment.regions))}))
    if deployment.on_prem is not None:
        sentences.append(Msg(N_("It can be run on premises.") if deployment.on_prem
                             else N_("It cannot be run on premises.")))
    if deployment.zero_data_retention is not None:
        sentences.append(Msg(N_("Zero data retention is available.") if deployment.zero_data_retention
                             else N_("Zero data retention is not available.")))
    if not sentences:
        return None
    return _ask("deployment", N_("Where can %(name)s be deployed?"), model, *sentences)


def _release(model):
    record = model.record
    if record.released is None:
        return None
    sentences = [Msg(N_("%(maker)s released %(name)s on %(date)s."),
                     {"maker": model.maker.name, "name": model.name, "date": Day(record.released)})]
    if record.knowledge_cutoff:
        sentences.append(Msg(N_("Its training data runs to %(month)s; later events need a search tool."),
                             {"month": Month(record.knowledge_cutoff)}))
    return _ask("release", N_("When was %(name)s released?"), model, *sentences)


def _alternatives(model):
    if not model.alternatives:
        return None
    return _ask("alternatives", N_("What can I use instead of %(name)s?"), model,
                Msg(N_("Consider %(models)s; each has its own page with prices and limits to compare."),
                    {"models": Names(tuple(m.name for m in model.alternatives))}))
