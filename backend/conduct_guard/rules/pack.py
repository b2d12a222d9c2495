"""Policy packs as data: the pack model, its loading and its validation.

The model says *what* a post looks like (nine category scores with spans).  Whether that is a
problem, how bad, and which rule says so depends on whose conduct rules apply: a Pakistani
federal servant, an AIOU employee, a Bangladeshi public servant, an IAS officer, a Gujarat
revenue official.  A *pack* holds that mapping as data (``packs/*.json``) so IT can review it
against the source documents and write their own without touching code. Applying a pack to a
post's evidence is ``policy.py``.

A pack file is validated twice at load: against ``packs/pack.schema.json`` (shape, enums,
ranges) and by semantic checks the schema cannot express (every ``source`` is one of the
pack's ``sources``, context-rule ids are unique, a finding rule has something to trigger on,
every declared language has every text: see ``i18n.py``).
Every error is a :class:`PackError` whose message names the file and the field path, e.g.
``pk-federal.json: categories.privacy.severity: 'sever' is not one of ['info', 'warn', 'block']``.

See ``docs/PACKS.md`` for the file format and the built-in packs. (About 500 lines: the pack's
dataclasses and the two validations describe one file format and change together.)
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Sequence

from jsonschema import Draft202012Validator

from .i18n import BASE_LANG, localized, translation_problems
from .moderation import ModerationRule, parse_moderation
from ..categories import CATEGORIES

__all__ = [
    "DEFAULT_PACK",
    "ACCOUNTS",
    "DEFAULT_ACCOUNT",
    "SEVERITIES",
    "BUILTIN_DIR",
    "SCHEMA_PATH",
    "PackError",
    "Source",
    "Rule",
    "ContextRule",
    "Pack",
    "load_pack",
    "load_packs",
]

# The one home of these facts; the JSON schemas (pack.schema.json, settings_schema.json) must
# repeat the accounts, and tests/test_one_home.py fails when they drift apart.
DEFAULT_PACK = "pk-federal"
ACCOUNTS: tuple[str, ...] = ("personal", "official")
DEFAULT_ACCOUNT = "personal"
SEVERITIES: tuple[str, ...] = ("info", "warn", "block")
_DEFAULT_MODEL_THRESHOLD = 0.5

BUILTIN_DIR = Path(__file__).resolve().parent / "packs"
SCHEMA_PATH = BUILTIN_DIR / "pack.schema.json"


class PackError(ValueError):
    """A pack file is missing, unreadable or invalid.

    ``file`` is the pack file's name, ``path`` the dotted field path of the first problem
    ("" for the whole file), ``problems`` every "file: path: message" line found.
    """

    def __init__(self, message: str, *, file: str = "", path: str = "", problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.file = file
        self.path = path
        self.problems: tuple[str, ...] = tuple(problems) or (message,)


@dataclass(frozen=True)
class Source:
    """A source document, named by its file name in shared/seeds.

    ``date`` is the document's date as the seed states it (``YYYY``, ``YYYY-MM`` or
    ``YYYY-MM-DD``).  One seed file may hold several documents (001 holds the AIOU circular and
    the Establishment Division O.M.): each is then its own source with an ``id``, and a rule
    names the one it quotes with ``document``.  ``id`` defaults to the file name.
    """

    file: str
    title: str
    date: str
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", self.file)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "file": self.file, "title": self.title, "date": self.date}


@dataclass(frozen=True)
class Rule:
    """The rule a pack maps one category to."""

    category: str
    ref: str
    title: str
    source: str
    quote: str
    message: str
    severity: str
    threshold: float | None
    instead: str = ""  # what to do instead, one short sentence
    document: str | None = None  # the source id, where the file holds several documents
    note: str | None = None  # e.g. "the source has no specific rule on this; nearest general rule"
    # {"ur": {"title": ..., "message": ..., "quote": ..., "instead": ..., "note": ...}}: see i18n.py
    i18n: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)

    def text(self, key: str, lang: str) -> str | None:
        """``key`` ("title", "message", "quote", "instead", "note") in ``lang``, else English."""
        return localized(getattr(self, key), self.i18n, key, lang)


@dataclass(frozen=True)
class ContextRule:
    """A rule that depends on where the post goes (account, site) or on the text itself.

    ``effect == "finding"`` adds a finding (an ``info`` tip unless the source says otherwise);
    ``effect == "set_severity"`` changes the severity of ``categories``' findings.
    """

    id: str
    effect: str
    ref: str
    source: str
    quote: str
    title: str | None = None
    message: str | None = None
    instead: str | None = None
    document: str | None = None
    note: str | None = None
    category: str | None = None
    categories: tuple[str, ...] = ()
    severity: str | None = None
    account: str | None = None
    sites: tuple[str, ...] = ()
    categories_any: tuple[str, ...] = ()
    min_score: float | None = None
    text_any: tuple[str, ...] = ()
    text_none: tuple[str, ...] = ()
    i18n: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)  # as Rule.i18n

    def text(self, key: str, lang: str) -> str | None:
        """``key`` in ``lang``, else English (as :meth:`Rule.text`)."""
        return localized(getattr(self, key), self.i18n, key, lang)

    def to_dict(self) -> dict[str, Any]:
        """The rule as it appears in a pack file."""
        when: dict[str, Any] = {}
        if self.account is not None:
            when["account"] = self.account
        if self.sites:
            when["sites"] = list(self.sites)
        if self.categories_any:
            when["categories_any"] = list(self.categories_any)
        if self.min_score is not None:
            when["min_score"] = self.min_score
        if self.text_any:
            when["text_any"] = list(self.text_any)
        if self.text_none:
            when["text_none"] = list(self.text_none)
        out: dict[str, Any] = {"id": self.id, "effect": self.effect, "when": when, "ref": self.ref}
        for key in ("title", "source", "document", "quote", "note", "instead", "message", "category"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.categories:
            out["categories"] = list(self.categories)
        if self.severity is not None:
            out["severity"] = self.severity
        if self.i18n:
            out["i18n"] = {lang: dict(texts) for lang, texts in self.i18n.items()}
        return out


@dataclass(frozen=True)
class Pack:
    """One set of conduct rules as data.  Immutable: packs are shared between requests."""

    id: str
    title: str
    jurisdiction: str
    description: str
    default_account: str
    sources: tuple[Source, ...]
    rules: tuple[Rule, ...]  # one per category, in CATEGORIES order
    context_rules: tuple[ContextRule, ...] = ()
    file: str = ""  # file name it was loaded from
    builtin: bool = True
    languages: tuple[str, ...] = (BASE_LANG,)  # the languages it has every text in
    # the pack's own texts per other language: {"ur": {"title": ..., "quote_note": ...}}
    i18n: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)
    # what an admin should do about other people's messages (moderation.py); () = not offered
    moderation: tuple[ModerationRule, ...] = ()

    def rule(self, category: str) -> Rule:
        """The rule for ``category`` (KeyError for an unknown category)."""
        for r in self.rules:
            if r.category == category:
                return r
        raise KeyError(f"pack {self.id!r} has no rule for category {category!r}")

    def source_title(self, file: str, document: str | None = None) -> str:
        """The readable title of a source document (the file name where the pack has none)."""
        src = self.source_of(file, document)
        return src.title if src is not None else file

    def source_of(self, file: str, document: str | None = None) -> Source | None:
        """The source a rule cites: by ``document`` id where given, else by file name."""
        if document:
            return next((s for s in self.sources if s.id == document), None)
        return next((s for s in self.sources if s.file == file), None)

    def rule_source(self, rule: "Rule | ContextRule | ModerationRule") -> dict[str, str]:
        """``source_title`` and ``source_date`` of the document a rule quotes."""
        src = self.source_of(rule.source, rule.document)
        return {"source_title": src.title if src else rule.source, "source_date": src.date if src else ""}

    def threshold(self, category: str, model_thresholds: Mapping[str, float] | None = None) -> float:
        """The score at or above which ``category`` becomes a finding.

        A pack ``threshold`` of null means "trust the model's calibrated threshold" (from
        models/model.json); a number overrides it, e.g. where a rule is strict enough that a
        weaker signal should already warn.
        """
        rule = self.rule(category)
        if rule.threshold is not None:
            return float(rule.threshold)
        if model_thresholds is not None:
            value = model_thresholds.get(category)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
                return float(value)
        return _DEFAULT_MODEL_THRESHOLD

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description for ``GET /v1/packs`` and ``conduct-guard packs``."""
        return {
            "id": self.id,
            "title": self.title,
            "jurisdiction": self.jurisdiction,
            "description": self.description,
            "default_account": self.default_account,
            "builtin": self.builtin,
            "languages": list(self.languages),
            "i18n": {lang: dict(texts) for lang, texts in self.i18n.items()},
            "sources": [s.to_dict() for s in self.sources],
            "categories": {
                r.category: {
                    "ref": r.ref,
                    "title": r.title,
                    "source": r.source,
                    **({"document": r.document} if r.document else {}),
                    **self.rule_source(r),
                    "quote": r.quote,
                    **({"note": r.note} if r.note else {}),
                    "instead": r.instead,
                    "message": r.message,
                    "severity": r.severity,
                    "threshold": r.threshold,
                    **({"i18n": {lang: dict(texts) for lang, texts in r.i18n.items()}} if r.i18n else {}),
                }
                for r in self.rules
            },
            "context_rules": [{**c.to_dict(), **self.rule_source(c)} for c in self.context_rules],
            "moderation": {r.category: {**r.to_dict(), **self.rule_source(r)} for r in self.moderation},
        }


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _path_str(parts: Iterable[Any]) -> str:
    return ".".join(str(p) for p in parts)


def _fail(file: str, problems: list[tuple[str, str]]) -> PackError:
    lines = [f"{file}: {path or '(top level)'}: {msg}" for path, msg in problems]
    return PackError("\n".join(lines), file=file, path=problems[0][0], problems=lines)


def _schema_problems(data: Any) -> list[tuple[str, str]]:
    errors = sorted(_validator().iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    problems: list[tuple[str, str]] = []
    for err in errors:
        path = _path_str(err.absolute_path)
        if err.validator == "required" and err.instance is not None:
            # "'quote' is a required property" at categories.privacy -> name the missing field
            missing = re.match(r"'(.+)' is a required property", err.message)
            if missing:
                path = _path_str([*err.absolute_path, missing.group(1)])
        elif err.validator == "additionalProperties":
            extra = re.search(r"\('(.+?)' (?:was|were) unexpected\)", err.message)
            if extra:
                path = _path_str([*err.absolute_path, extra.group(1)])
        problems.append((path, err.message))
    return problems


def _semantic_problems(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Checks the schema cannot express."""
    problems: list[tuple[str, str]] = []
    files = [s["file"] for s in data["sources"]]
    seen_files: set[str] = set()
    source_ids: dict[str, str] = {}  # id -> file
    for i, s in enumerate(data["sources"]):
        f = s["file"]
        sid = s.get("id", f)
        if sid in source_ids:
            what = f"source id {sid!r}" if "id" in s else f"{f!r}"
            hint = "" if "id" in s else " (a file holding several documents needs an 'id' on each entry)"
            problems.append((f"sources.{i}.{'id' if 'id' in s else 'file'}", f"{what} is listed twice{hint}"))
        source_ids[sid] = f
        seen_files.add(f)
    several = {f for f in files if files.count(f) > 1}

    def check_source(base: str, rule: Mapping[str, Any]) -> None:
        src = rule["source"]
        if src not in seen_files:
            problems.append((f"{base}.source", f"{src!r} is not one of the pack's sources {files}"))
            return
        doc = rule.get("document")
        if doc is not None:
            if source_ids.get(doc) != src:
                ids_of_file = [k for k, v in source_ids.items() if v == src]
                problems.append((f"{base}.document", f"{doc!r} is not the id of a source with file {src!r} {ids_of_file}"))
        elif src in several:
            ids_of_file = [k for k, v in source_ids.items() if v == src]
            problems.append((f"{base}.document", f"{src!r} holds several documents; name the one quoted, one of {ids_of_file}"))

    for cat in CATEGORIES:
        check_source(f"categories.{cat}", data["categories"][cat])
    ids: set[str] = set()
    for i, cr in enumerate(data.get("context_rules", [])):
        base = f"context_rules.{i}"
        if cr["id"] in ids:
            problems.append((f"{base}.id", f"duplicate context rule id {cr['id']!r}"))
        ids.add(cr["id"])
        check_source(base, cr)
        when = cr["when"]
        if cr["effect"] == "finding":
            if "categories" in cr:
                problems.append((f"{base}.categories", "only a set_severity rule takes 'categories'; a finding rule takes 'category'"))
            if not when.get("categories_any") and not when.get("text_any"):
                problems.append((f"{base}.when", "a finding rule needs 'categories_any' or 'text_any' to trigger on"))
            if "category" not in cr and not when.get("categories_any"):
                problems.append((f"{base}.category", "required when 'when.categories_any' is absent"))
        else:
            if "category" in cr:
                problems.append((f"{base}.category", "a set_severity rule takes 'categories', not 'category'"))
            for key in ("title", "message", "instead"):
                if key in cr:
                    problems.append((f"{base}.{key}", "a set_severity rule keeps the category rule's text; remove this"))
    for cat, rule in ((data.get("moderation") or {}).get("categories") or {}).items():
        check_source(f"moderation.categories.{cat}", rule)
    problems.extend(translation_problems(data))
    return problems


def _frozen(i18n: Mapping[str, Mapping[str, str]]) -> Mapping[str, Mapping[str, str]]:
    """Read-only translations: a Pack is shared between requests and must not change."""
    return MappingProxyType({lang: MappingProxyType(dict(texts)) for lang, texts in i18n.items()})


def _build(data: Mapping[str, Any], file: str, builtin: bool) -> Pack:
    rules = tuple(
        Rule(
            category=cat,
            ref=c["ref"],
            title=c["title"],
            source=c["source"],
            quote=c["quote"],
            message=c["message"],
            severity=c["severity"],
            threshold=None if c["threshold"] is None else float(c["threshold"]),
            instead=c["instead"],
            document=c.get("document"),
            note=c.get("note"),
            i18n=_frozen(c.get("i18n", {})),
        )
        for cat in CATEGORIES
        for c in (data["categories"][cat],)
    )
    ctx = []
    for cr in data.get("context_rules", []):
        when = cr["when"]
        ctx.append(
            ContextRule(
                id=cr["id"],
                effect=cr["effect"],
                ref=cr["ref"],
                source=cr["source"],
                quote=cr["quote"],
                title=cr.get("title"),
                message=cr.get("message"),
                instead=cr.get("instead"),
                document=cr.get("document"),
                note=cr.get("note"),
                category=cr.get("category"),
                categories=tuple(cr.get("categories", ())),
                severity=cr.get("severity"),
                account=when.get("account"),
                sites=tuple(s.strip().lower() for s in when.get("sites", ())),
                categories_any=tuple(when.get("categories_any", ())),
                min_score=None if when.get("min_score") is None else float(when["min_score"]),
                text_any=tuple(when.get("text_any", ())),
                text_none=tuple(when.get("text_none", ())),
                i18n=_frozen(cr.get("i18n", {})),
            )
        )
    return Pack(
        id=data["id"],
        title=data["title"],
        jurisdiction=data["jurisdiction"],
        description=data["description"],
        default_account=data["default_account"],
        sources=tuple(Source(s["file"], s["title"], s["date"], s.get("id", "")) for s in data["sources"]),
        rules=rules,
        context_rules=tuple(ctx),
        file=file,
        builtin=builtin,
        languages=tuple(data.get("languages") or (BASE_LANG,)),
        i18n=_frozen(data.get("i18n", {})),
        moderation=parse_moderation(data.get("moderation"), _frozen),
    )


def load_pack(path: Path | str, *, builtin: bool = False) -> Pack:
    """Load and validate one pack file; :class:`PackError` names the file and field."""
    path = Path(path)
    name = path.name
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PackError(f"{name}: cannot read: {exc.strerror or exc}", file=name) from exc
    except UnicodeDecodeError as exc:
        raise PackError(f"{name}: not UTF-8 text: {exc.reason} at byte {exc.start}", file=name) from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise PackError(f"{name}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", file=name) from exc
    problems = _schema_problems(data)
    if problems:
        raise _fail(name, problems)
    problems = _semantic_problems(data)
    if problems:
        raise _fail(name, problems)
    return _build(data, name, builtin)


def _load_dir(directory: Path, builtin: bool) -> dict[str, Pack]:
    if not directory.is_dir():
        raise PackError(f"{directory}: pack directory does not exist", file=str(directory))
    packs: dict[str, Pack] = {}
    for path in sorted(directory.glob("*.json")):
        if path.name.endswith(".schema.json"):
            continue
        pack = load_pack(path, builtin=builtin)
        if pack.id in packs:
            other = packs[pack.id].file
            raise PackError(
                f"{path.name}: id: duplicate pack id {pack.id!r}, also used by {other} in {directory}",
                file=path.name,
                path="id",
            )
        packs[pack.id] = pack
    return packs


def load_packs(extra_dirs: Iterable[Path | str] = ()) -> dict[str, Pack]:
    """Built-in packs, then each of ``extra_dirs`` (e.g. IT's) in order.

    A pack in an extra directory whose id already exists replaces it, so IT can tighten a
    built-in pack without forking the code.  Two files with one id in the same directory are
    an error: which one wins would depend on file names.
    """
    packs = _load_dir(BUILTIN_DIR, builtin=True)
    for directory in extra_dirs:
        packs.update(_load_dir(Path(directory), builtin=False))
    return packs
