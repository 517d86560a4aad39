"""Failure messages written for the learner: what happened, what was expected, what to try."""

from __future__ import annotations

import asyncio
import inspect
import os
import re
import textwrap
import unicodedata
from typing import NoReturn

from ..i18n import tr


class GraderFailure(AssertionError):
    """A grader's verdict. The plugin renders it without any traceback of the harness."""

    def __init__(
        self,
        summary: str,
        *,
        observed: str | None = None,
        expected: str | None = None,
        timeline: str | None = None,
        advice: str | None = None,
        details: str | None = None,
        cause: str | None = None,
    ) -> None:
        super().__init__(summary)
        # Failures of one file with the same cause (it cannot load, a function is still a TODO,
        # raises the same error) are told in full once, then only named (see plugin.py).
        self.cause = cause
        self.summary = summary
        self.observed = observed
        self.expected = expected
        self.timeline = timeline
        self.advice = advice
        self.details = details

    def render(self) -> str:
        facts = [*_field(tr("what your code did:"), self.observed), *_field(tr("what we expected:"), self.expected)]
        sections = [
            self.summary,
            "\n".join(facts),
            self.timeline and "  " + tr("your jobs over time (seconds):") + "\n" + textwrap.indent(self.timeline, "    "),
            self.details and textwrap.indent(self.details, "  "),
            "\n".join(_field(tr("try this:"), self.advice)),
        ]
        return without_run_details("\n\n".join(s for s in sections if s))


class TookTooLong(BaseException):
    """Raised by the grader's alarm; a BaseException so `except Exception` in learner code cannot swallow it."""

    def __init__(self, seconds: float, where: str) -> None:
        super().__init__(f"still running after {seconds:g} s")
        self.seconds, self.where = seconds, where
        self.cause: str | None = None  # "time limit NAME" once the plugin knows which function of the learner's ran

    def render(self) -> str:
        return (
            tr("Your code was still running after {seconds:g} s of real time, so the grader stopped it.", seconds=self.seconds)
            + f"\n\n  {self.where}\n\n  "
            + tr("A loop that never ends (`while True:` with no way out), a blocking call that never returns,\n"
                 "  or an await on something that never happens (an Event nobody sets) all look like this.")
        )


class NotRun(GraderFailure):
    """A grader that did not run the learner's code, and why, in a few words ("stopped after the first
    time limit"): it counts as failed everywhere, and `aiolings check` lists it as not run."""

    def __init__(self, summary: str, *, reason: str, cause: str) -> None:
        super().__init__(summary, cause=cause)
        self.reason = reason


def _field(title: str, text: str | None) -> list[str]:
    if not text:
        return []
    return [f"  {title}", fill(text, width=text_width(), indent="    ")]


def text_width() -> int:
    """Columns to fill paragraphs to: 88, or the learner's terminal when narrower (`aiolings check` passes it on)."""
    given = os.environ.get("AIOLINGS_WIDTH", "")
    return max(min(int(given), 88), 40) if given.isdigit() else 88


WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"  # CJK characters and punctuation: two columns each
CLOSING = "，。：；、！？）」》"  # never at the start of a line
# What a line may break between: spaces, each Chinese character (with the punctuation that closes
# it), words; and a quantity with its unit ("1.07 s", "40 ms") is one, so that it is never split.
UNITS = re.compile(rf"[^\s\w{WIDE}]*\d+(?:\.\d+)? (?:ms|s)(?![A-Za-z0-9_])[^\s{WIDE}]*[{CLOSING}]*|\s+|[{WIDE}][{CLOSING}]*|[^\s{WIDE}]+[{CLOSING}]*")


def fill(text: str, *, width: int, indent: str) -> str:
    """textwrap.fill, but by display width (a Chinese character takes two columns, and a line may
    break between two of them), never splitting a quantity from its unit, nor cutting a long word."""
    lines, line, used = [], "", 0
    for unit in UNITS.findall(text):
        size = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in unit)
        if unit.isspace() and unit.strip(" "):  # a line break or a tab is one space; spaces in a row are kept (a repr's)
            unit, size = " ", 1
        if line and used + size > width - len(indent) and not unit.isspace():
            lines.append(line.rstrip())
            line, used = "", 0
        if line or not unit.isspace():
            line, used = line + unit, used + size
    lines.append(line.rstrip())
    return "\n".join(indent + row for row in lines)


def fail(summary: str, **parts: str | None) -> NoReturn:
    """Fail the current grader with a message for humans (see GraderFailure for the parts and the cause)."""
    __tracebackhide__ = True
    raise GraderFailure(summary, **parts)


def shown(value: object, width: int = 80) -> str:
    """A value as a learner should see it in a message: whole, never cut mid-word.

    Tasks, futures and coroutines appear as what they are, without the code locations their
    reprs carry; a long list or tuple shows its first items and "…" before its closing bracket.
    """
    text = _brief(value)
    if len(text) <= width:
        return text
    if isinstance(value, (list, tuple)) and value:
        opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
        items: list[str] = []
        for item in value:
            brief = _brief(item)
            if len(opening) + len(", ".join([*items, brief])) + len(", …" + closing) > width:
                break
            items.append(brief)
        return opening + ", ".join([*items, "…"]) + closing
    cut = text[: width - 2].rsplit(" ", 1)[0]
    return f"{cut} …"


def _brief(value: object) -> str:
    if isinstance(value, asyncio.Task):
        return f"<Task {'cancelled' if value.cancelled() else 'finished' if value.done() else 'pending'}>"
    if isinstance(value, asyncio.Future):
        return f"<Future {'finished' if value.done() else 'pending'}>"
    if inspect.iscoroutine(value):
        return "<coroutine object>"  # its name would be the grader's probe, not the learner's code
    if isinstance(value, list):
        return "[" + ", ".join(map(_brief, value)) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(map(_brief, value)) + ("," if len(value) == 1 else "") + ")"
    return without_run_details(repr(value))


def without_run_details(text: str) -> str:
    """`text` without what reprs carry of one run: memory addresses ("<object object at 0x7f...>",
    "<coroutine object AsyncJob._run at 0x7f...>", the name being the grader's) and the name each
    grader's fresh import gives the learner's module ("aiolings_learner_3_gather.Outcome"). The same
    code must get the same words on every run, and none of it means anything to a learner."""
    text = re.sub(r"<coroutine object [\w.<>]+ at 0x[0-9a-f]+>", "<coroutine object>", text)
    return re.sub(r"\baiolings_learner_\d+_", "", re.sub(r" at 0x[0-9a-f]+", "", text))


# A port the OS picked for a server on loopback, as aiohttp and the socket module write it
# ("127.0.0.1:43211", "('127.0.0.1', 43211)"): shown as <port>, so that the same code gets the
# same words on every run.
LOOPBACK_PORT = re.compile(r"((?:127\.0\.0\.1|localhost)'?(?::|,\s*))\d{1,5}\b")


def without_ports(text: str) -> str:
    return LOOPBACK_PORT.sub(r"\1<port>", text)


def seconds(value: float) -> str:
    # Two decimals; three for a few milliseconds, which two would show as "0 s" (a runner 4 ms late is late).
    digits = 3 if 0.0005 <= abs(value) < 0.005 else 2
    return f"{value:.{digits}f} s".replace(".00 s", " s")


def plural(n: int, word: str) -> str:
    """ "1 job", "3 jobs", in the learner's language when the catalog has the word ("1 job", "{count} jobs")."""
    return tr(f"1 {word}", count=n) if n == 1 else tr(f"{{count}} {word}s", count=n)
