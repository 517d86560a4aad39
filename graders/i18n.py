"""The learner's language, and the harness's sentences in it.

English is written in the code itself; other languages live in graders/messages.<lang>.toml,
keyed by the English template, so an untranslated sentence simply stays English. The choice
comes from AIOLINGS_LANG (set by `aiolings --lang`, and inherited by the pytest process that
grades), else from the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), as gettext reads it. A
piece of work that must keep one language whatever the environment does meanwhile (grading a
class, in threads of its own) fixes it with `keep`.
"""

from __future__ import annotations

import contextvars
import functools
import os
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources

LANGUAGES = ("en", "zh")
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_KEPT: contextvars.ContextVar[str | None] = contextvars.ContextVar("aiolings_language", default=None)


def language() -> str:
    """"zh" for Simplified Chinese, else "en"."""
    return _KEPT.get() or _chosen(os.environ)


def _chosen(environ: Mapping[str, str]) -> str:
    chosen = environ.get("AIOLINGS_LANG") or next((environ[v] for v in LOCALE_VARIABLES if environ.get(v)), "")
    return "zh" if chosen.lower().replace("-", "_").startswith("zh") else "en"


def keep(environ: Mapping[str, str] | None = None) -> None:
    """From now on, in this context (and in copies of it: contextvars.copy_context), the language
    chosen now (or the one `environ` chooses), whatever happens to the environment meanwhile."""
    _KEPT.set(language() if environ is None else _chosen(environ))


@functools.cache
def _catalog(lang: str) -> dict[str, str]:
    if lang == "en":
        return {}
    text = resources.files("graders").joinpath(f"messages.{lang}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def preload() -> None:
    """Read the learner's language's sentences now. Read first inside the time limit's alarm, which
    runs on top of the learner's frames, the file read would count as a blocking call of theirs."""
    _catalog(language())


def listed(items: Iterable[object]) -> str:
    """Items in a row, as the learner's language lists them: "a, b, c" in English, "a、b、c" in Chinese."""
    return ("、" if language() == "zh" else ", ").join(map(str, items))


def sentences(first: str, second: str) -> str:
    """Two sentences in a row, `second` left out when empty: a space apart in English, none in Chinese."""
    return tr("{first} {second}", first=first, second=second) if second else first


def tr(template: str, /, **values: object) -> str:
    """`template` in the learner's language, with `values` filled in (str.format).

    Where English needs a plural ("3 jobs", filled in by the caller), the caller also passes
    `count`, so a language without plurals can write "{count} 个任务" instead.
    """
    translated = _catalog(language()).get(template, template)
    try:
        return translated.format(**values)
    except (KeyError, IndexError, ValueError):  # a slip in a translation must not cost the learner the message
        return template.format(**values)
