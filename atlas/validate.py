"""Stage 2, validate: typed records from loaded documents, and the rules across records.

Every problem names its file and the line of the offending key, with a hint of the
fix. Validation never stops at the first problem: an editor sees them all at once.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from pydantic import BaseModel, ValidationError

from .compact import Sharing
from .importers.pins import pin_problem
from .incremental import record_name
from .load import ContentFiles, Document, KeyPath
from .problems import Problem
from .schema import MAX_PRICE_PER_MILLION, SLUG_PATTERN, FitRubric, ModelRecord, ProviderRecord, SiteConfig

# Editorial fields: text in the default locale, or a map of locale to text.
LOCALIZED_MODEL_FIELDS = ("tagline", "description", "strengths", "tradeoffs", "best_for")


@dataclass(frozen=True)
class ValidContent:
    site: SiteConfig
    providers: dict[str, ProviderRecord]
    models: dict[str, ModelRecord]
    documents: dict[str, Document]  # "models/o4-mini" -> its document, for later line look-ups
    rubric: FitRubric | None = None


# What a long-running builder keeps, by file digest: (schema, digest) -> the validated record;
# (OWN_RULES, digest) -> the (model id, locales) under which the model file broke no rule of its own;
# (REFERENCES, digest) -> the (model id, KNOWN_IDS entry) under which every id it names was known.
# And (KNOWN_IDS, "") -> the model and provider ids of the last build, as one object while they stay.
# And (LAST, "") -> the last valid content, with the files it came from.
Memo = dict[tuple[Any, str], Any]
OWN_RULES = "own rules"
REFERENCES = "references"
KNOWN_IDS = "known ids"
LAST = "last"  # (LAST, "") -> the last valid content and the files it came from: _validate_again


def validate_content(files: ContentFiles, memo: Memo | None = None) -> tuple[ValidContent | None, list[Problem]]:
    """Every problem of every file; `memo` (kept by a long-running builder) holds records already
    validated, by schema and file digest, so a rebuild validates only the files that changed.
    The rules across records always run on the whole catalog."""
    problems: list[Problem] = []
    if memo is None:
        memo = {}  # one build: kept for this run only
    else:
        again = _validate_again(files, memo)
        if again is not None:
            return again, []
        _forget_other_files(memo, files)
    typed = functools.partial(_typed, memo=memo, sharing=Sharing())
    site = typed(SiteConfig, files.site, problems) if files.site else None
    providers = _typed_all(typed, ProviderRecord, files.providers, "provider", problems)
    models = _typed_all(typed, ModelRecord, files.models, "model", problems)
    rubric = typed(FitRubric, files.rubric, problems) if files.rubric else None
    if site is not None:
        problems += _site_rules(site, files.site)
    problems += _model_rules(models, providers, files.models, site, memo)
    if site is None or problems:
        return None, problems
    documents = {record_name("models", k): v for k, v in files.models.items()}
    documents.update({record_name("providers", k): v for k, v in files.providers.items()})
    content = ValidContent(site, providers, models, documents, rubric)
    memo[LAST, ""] = (files, content)
    return content, problems


def _validate_again(files: ContentFiles, memo: Memo) -> ValidContent | None:
    """The last valid content with the model files loaded anew since validated again, when only
    model files changed, none came or went, and the changed ones break no rule: a long-lived
    builder's load keeps the documents of the files it did not read again (load.LoadMemo), so
    `is` tells them apart. Else None, and the whole content is validated (the memo still spares
    every record already validated): at 10,000 models that pass took 30-50 ms of a rebuild.

    The rules across records hold for the rest as they did: the ids are the same, and each
    changed model is checked against all of them; the duplicate-name check runs on the whole catalog."""
    last = memo.get((LAST, ""))
    if last is None:
        return None
    before, content = last
    if (files.site is not before.site or files.rubric is not before.rubric or files.providers != before.providers
            or files.models.keys() != before.models.keys()):
        return None
    changed = [model_id for model_id, document in files.models.items() if before.models[model_id] is not document]
    problems: list[Problem] = []
    models = dict(content.models)
    documents = dict(content.documents)
    typed = functools.partial(_typed, memo=memo, sharing=Sharing())
    for model_id in changed:
        document, old = files.models[model_id], before.models[model_id]
        if old.digest != document.digest:
            _forget_digest(memo, old.digest)
        models[model_id] = typed(ModelRecord, document, problems)
        documents[record_name("models", model_id)] = document
    if problems:
        return None  # told with every other problem, in order, by the whole pass
    problems += _model_rules(models, content.providers, files.models, content.site, memo, only=changed)
    if problems:
        return None
    again = ValidContent(content.site, content.providers, models, documents, content.rubric)
    memo[LAST, ""] = (files, again)
    return again


def _forget_digest(memo: Memo, digest: str) -> None:
    """A model file's entries of the memo, once the file changed (the whole pass forgets them in
    _forget_other_files): a long editing session leaves no record of each version behind."""
    for kind in (ModelRecord, OWN_RULES, REFERENCES):
        memo.pop((kind, digest), None)


def _forget_other_files(memo: Memo, files: ContentFiles) -> None:
    """Keep only records of files loaded now: an edited or deleted file's old record goes."""
    documents = [files.site, files.rubric, *files.providers.values(), *files.models.values()]
    current = {document.digest for document in documents if document is not None}
    for key in [key for key in memo if key[1] not in current and key[0] not in (KNOWN_IDS, LAST)]:
        del memo[key]


def _typed_all(typed: Callable, schema: type[BaseModel], documents: dict[str, Document], kind: str,
               problems: list[Problem]) -> dict[str, Any]:
    records = {}
    for record_id, document in documents.items():
        if not _is_slug(record_id):
            problems.append(Problem(document.display, None, None,
                                    f"'{record_id}' is not a valid {kind} id",
                                    "a file name is the id: lowercase letters, digits, '-' and '.', "
                                    "like 'gpt-4.1-mini.yaml'"))
            continue
        record = typed(schema, document, problems)
        if record is not None:
            records[record_id] = record
    return records


def _is_slug(value: str) -> bool:
    return bool(re.match(SLUG_PATTERN, value)) and len(value) <= 80


def _typed(schema: type[BaseModel], document: Document, problems: list[Problem], memo: Memo, sharing: Sharing):
    key = (schema, document.digest)
    if document.digest and key in memo:
        return memo[key]  # records are frozen: one object can serve every build
    data = document.data  # made anew for a cached file: asked once
    if not isinstance(data, dict):
        problems.append(Problem(document.display, 1, None, "a record must be a mapping of keys to values",
                                "start the file with 'name: ...' style keys"))
        return None
    try:
        record = sharing.record(schema.model_validate(data))
    except ValidationError as error:
        problems.extend(_schema_problems(schema, document, error))
        return None
    if document.digest:
        memo[key] = record
    return record


def _schema_problems(schema: type[BaseModel], document: Document, error: ValidationError) -> Iterator[Problem]:
    reported: set[KeyPath] = set()
    data = document.data
    for detail in error.errors(include_url=False):
        if _other_union_branch(data, detail["loc"]):
            continue
        path = _data_path(data, detail["loc"])
        if path in reported:  # a union reports once per member; one message is enough
            continue
        reported.add(path)
        message, hint = _explain(schema, data, path, detail)
        yield Problem(document.display, document.line_of(path), None, message, hint)


def _data_path(data: Any, loc: tuple) -> KeyPath:
    """Pydantic's error location, less the union-member labels it inserts."""
    path: list = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and not _looks_like_type_label(part):
            path.append(part)  # a missing key: name it
            node = None
        elif node is None or isinstance(part, int):
            break
    return tuple(path)


def _other_union_branch(data: Any, loc: tuple) -> bool:
    """True for an error from the union member that does not match the data's own shape.

    A `tagline` map with a bad entry also fails as a plain string; only the map's
    error helps the editor.
    """
    node = data
    for part in loc:
        if isinstance(part, str) and _looks_like_type_label(part):
            if part.startswith(("list", "str")) and isinstance(node, dict):
                return True
            if part.startswith("dict") and not isinstance(node, dict):
                return True
            continue
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return False
    return False


def _looks_like_type_label(part: str) -> bool:
    return any(c in part for c in "[]-") or part in {"str", "int", "float", "bool", "list", "dict", "tuple"}


def _explain(schema: type[BaseModel], data: Any, path: KeyPath, detail: dict) -> tuple[str, str | None]:
    kind = detail["type"]
    where = _dotted(path)
    if "[key]" in detail["loc"]:
        return (f"'{path[-1]}' in '{_dotted(path[:-1])}' is not a locale code",
                "keys of a text map are locale codes like en or es; a comma inside {...} starts "
                "a new key, so quote text that has one")
    if kind == "extra_forbidden":
        known = _field_names(schema, path[:-1])
        guess = difflib.get_close_matches(str(path[-1]), known, n=1)
        hint = f"did you mean '{guess[0]}'?" if guess else f"known keys here: {', '.join(known)}"
        return f"unknown key '{where}'", hint
    if kind == "missing":
        return f"missing required key '{where}'", "add it; see the example record in content/models/o4-mini.yaml"
    if kind in {"union_tag_invalid", "string_type", "dict_type"} and path and path[-1] in (
            *LOCALIZED_MODEL_FIELDS, "name", "assumption", "unit", "question", "answer", "sdk_notes"):
        return f"'{where}' must be text, or a map of locale to text", "write it as a string, or as {en: ..., es: ...}"
    if kind == "less_than_equal" and _is_price_path(path):
        return (f"'{where}' is {_value_at(data, path)}, above {MAX_PRICE_PER_MILLION:g} USD per million tokens",
                "prices are USD per million tokens: a per-token price must be multiplied by 1,000,000")
    if kind in {"finite_number", "value_error"} and "finite" in detail["msg"]:
        return f"'{where}' must be a finite number", "remove .nan / .inf"
    if kind == "string_pattern_mismatch" and "a-z0-9" in str(detail.get("ctx", {}).get("pattern", "")):
        return (f"'{where}': '{_value_at(data, path)}' is not a valid id",
                "ids are lowercase slugs like 'gpt-4.1-mini': letters, digits, '-' and '.' only")
    message = detail["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    hint = {
        "date_from_datetime_parsing": "write dates as YYYY-MM-DD, like 2025-04-16",
        "date_parsing": "write dates as YYYY-MM-DD, like 2025-04-16",
        "date_type": "write dates as YYYY-MM-DD, like 2025-04-16",
        "string_pattern_mismatch": "ids are lowercase slugs like 'gpt-4.1-mini'",
        "bool_type": "write true or false",
        "bool_parsing": "write true or false",
        "int_parsing": "write a whole number, like 200000",
        "int_type": "write a whole number, like 200000",
        "float_parsing": "write a number, like 1.25",
        "greater_than_equal": "use a value of 0 or more",
        "literal_error": None,
    }.get(kind)
    return f"'{where}': {message[0].lower() + message[1:]}", hint


def _is_price_path(path: KeyPath) -> bool:
    return any(part in ("pricing", "offerings", "price_history") for part in path)


def _value_at(data: Any, path: KeyPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(record)"


def _field_names(schema: type[BaseModel], path: KeyPath) -> list[str]:
    """Field names of the sub-model at `path`, for "did you mean" hints."""
    current: Any = schema
    for part in path:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _inner_model(field.annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


# --- rules across fields and files ---------------------------------------------


def _site_rules(site: SiteConfig, document: Document) -> list[Problem]:
    problems = []
    ids = [scenario.id for scenario in site.scenarios]
    for index, scenario_id in enumerate(ids):
        if ids.index(scenario_id) != index:
            problems.append(Problem(document.display, document.line_of(("scenarios", index, "id")), None,
                                    f"duplicate scenario id '{scenario_id}'", "give each scenario its own id"))
    return problems


def _model_rules(models: dict[str, ModelRecord], providers: dict[str, ProviderRecord],
                 documents: dict[str, Document], site: SiteConfig | None, memo: Memo,
                 only: list[str] | None = None) -> list[Problem]:
    """The rules across records for every model (or those `only` names); each record's own rules
    for those not known to pass them."""
    problems: list[Problem] = []
    default_locale = site.default_locale if site else "en"
    locales = set(site.locales) if site else {default_locale}
    known_ids = _known_ids(memo, models, providers)
    for model_id, model in models.items() if only is None else ((model_id, models[model_id]) for model_id in only):
        document = documents[model_id]
        referred, passed = (REFERENCES, document.digest), (OWN_RULES, document.digest)
        references_known = bool(document.digest) and memo.get(referred) == (model_id, known_ids)
        own_rules_kept = bool(document.digest) and memo.get(passed) == (model_id, default_locale, locales)
        if references_known and own_rules_kept:
            continue  # 10,000 models: the rest of this loop took 50 ms of each rebuild

        def report(path: KeyPath, message: str, hint: str | None = None) -> None:
            problems.append(Problem(document.display, document.line_of(path), None, message, hint))

        found = len(problems)
        if not references_known:
            _check_references(report, model_id, model, models, providers)
            if document.digest and len(problems) == found:
                memo[referred] = (model_id, known_ids)
        if own_rules_kept:
            continue
        found = len(problems)
        _own_model_rules(report, model_id, model, default_locale, locales)
        if document.digest and len(problems) == found:
            memo[passed] = (model_id, default_locale, locales)
    problems += _duplicate_names(models, documents)
    return problems


def _known_ids(memo: Memo, models: dict[str, ModelRecord], providers: dict[str, ProviderRecord]) -> tuple:
    """The model and provider ids, as the memo's very object while they are the same: a record whose
    references were all known under it still has them all known."""
    now = (frozenset(models), frozenset(providers))
    kept = memo.get((KNOWN_IDS, ""))
    if kept != now:
        memo[KNOWN_IDS, ""] = kept = now
    return kept


def _check_references(report: Callable, model_id: str, model: ModelRecord, models: dict[str, ModelRecord],
                      providers: dict[str, ProviderRecord]) -> None:
    """Every provider and model a record names exists."""
    _check_reference(report, ("maker",), model.maker, providers, "provider", "content/providers/")
    for index, offering in enumerate(model.offerings):
        _check_reference(report, ("offerings", index, "provider"), offering.provider, providers,
                         "provider", "content/providers/")
    for index, alternative in enumerate(model.alternatives):
        if alternative != model_id:
            _check_reference(report, ("alternatives", index), alternative, models, "model", "content/models/")
    if model.successor:
        _check_reference(report, ("successor",), model.successor, models, "model", "content/models/")


def _own_model_rules(report: Callable, model_id: str, model: ModelRecord, default_locale: str,
                     locales: set[str]) -> None:
    """What one record must be, whatever the others say."""
    for index, alternative in enumerate(model.alternatives):
        if alternative == model_id:
            report(("alternatives", index), f"'{model_id}' lists itself as an alternative", "remove it")
    if model.limits.max_output and model.limits.max_output > model.limits.context:
        report(("limits", "max_output"),
               f"max_output ({model.limits.max_output:,}) is above the context window ({model.limits.context:,})",
               "max output counts inside the context window: check both figures")
    if model.limits.max_input and model.limits.max_input > model.limits.context:
        report(("limits", "max_input"),
               f"max_input ({model.limits.max_input:,}) is above the context window ({model.limits.context:,})",
               "check both figures")
    if model.status == "deprecated" and model.retired is None:
        report(("status",), "a deprecated model needs a retirement date",
               "add 'retired: YYYY-MM-DD' (the date it stops, or stopped, serving)")
    pricing = model.pricing
    if pricing.input is not None and pricing.cached_input is not None and pricing.cached_input > pricing.input:
        report(("pricing", "cached_input"), "cached input costs more than plain input",
               "cached reads are a discount on input: check the two prices")
    if (pricing.input is None) != (pricing.output is None):
        report(("pricing",), "pricing has only one of input and output", "give both, or neither")
    for field_name in LOCALIZED_MODEL_FIELDS:
        _check_locales(report, (field_name,), getattr(model, field_name), default_locale, locales)
    for locale, text in _texts(model.description):
        if tag := _raw_html(text):
            report(("description", locale) if isinstance(model.description, dict) else ("description",),
                   f"raw HTML {tag} in the description", "write Markdown instead: **bold**, [link](https://...); "
                   "HTML is shown as text, never run")
    for index, item in enumerate(model.faq):
        _check_locales(report, ("faq", index, "question"), item.question, default_locale, locales)
        _check_locales(report, ("faq", index, "answer"), item.answer, default_locale, locales)
    seen_offerings: dict[tuple[str, str], int] = {}
    for index, offering in enumerate(model.offerings):
        key = (offering.provider, offering.model_id)
        if key in seen_offerings:
            report(("offerings", index), f"offering {offering.provider} / {offering.model_id} is listed twice",
                   f"it is also item {seen_offerings[key] + 1} of offerings")
        seen_offerings.setdefault(key, index)
    for index, path in enumerate(model.pinned):
        if pin := pin_problem(path):
            report(("pinned", index), *pin)


def _texts(value: Any) -> list[tuple[str | None, str]]:
    return list(value.items()) if isinstance(value, dict) else [(None, value)]


RAW_HTML = re.compile(r"<(/?[a-zA-Z][a-zA-Z0-9-]*)(?:\s[^>]*)?/?>|<!--")
CODE_SPAN = re.compile(r"`[^`]*`")


def _raw_html(text: str) -> str | None:
    """The first HTML tag in Markdown text, outside `code spans`, as written."""
    match = RAW_HTML.search(CODE_SPAN.sub("", text))
    return match.group(0)[:40] if match else None


def _check_reference(report, path: KeyPath, value: str, known: dict, kind: str, folder: str) -> None:
    if value in known:
        return
    guess = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    hint = f"did you mean '{guess[0]}'?" if guess else f"add {folder}{value}.yaml, or fix the id"
    report(path, f"unknown {kind} '{value}'", hint)


def _check_locales(report, path: KeyPath, value: Any, default_locale: str, locales: set[str]) -> None:
    if not isinstance(value, dict):
        return
    if default_locale not in value:
        report(path, f"the '{default_locale}' text is missing",
               f"every editorial text needs its {default_locale} version; other locales fall back to it")
    for locale in value:
        if locale not in locales:
            report(path + (locale,), f"'{locale}' is not one of the site's locales ({', '.join(sorted(locales))})",
                   "fix the locale code, or add the locale to content/site.yaml")


def _duplicate_names(models: dict[str, ModelRecord], documents: dict[str, Document]) -> list[Problem]:
    """Two files describing one model (same maker and name) are a duplicate id in disguise."""
    problems: list[Problem] = []
    if len({(model.maker, model.name.casefold()) for model in models.values()}) == len(models):
        return problems  # the usual answer, found without sorting ten thousand records
    first: dict[tuple[str, str], str] = {}
    for model_id, model in sorted(models.items()):
        key = (model.maker, model.name.casefold())
        if key in first:
            other = documents[first[key]]
            document = documents[model_id]
            problems.append(Problem(document.display, document.line_of(("name",)), None,
                                    f"model '{model.name}' by {model.maker} is also described in {other.display}",
                                    "keep one record per model; merge the two files"))
        else:
            first[key] = model_id
    return problems
