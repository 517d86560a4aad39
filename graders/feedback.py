"""Failure messages written for the learner: what happened, what was expected, what to try."""

from __future__ import annotations

import textwrap
from typing import NoReturn

from .i18n import tr


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
    ) -> None:
        super().__init__(summary)
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
        return "\n\n".join(s for s in sections if s)


class TookTooLong(BaseException):
    """Raised by the grader's alarm; a BaseException so `except Exception` in learner code cannot swallow it."""

    def __init__(self, seconds: float, where: str) -> None:
        super().__init__(f"still running after {seconds:g} s")
        self.seconds, self.where = seconds, where

    def render(self) -> str:
        return (
            tr("Your code was still running after {seconds:g} s of real time, so the grader stopped it.", seconds=self.seconds)
            + f"\n\n  {self.where}\n\n  "
            + tr("A loop that never ends (`while True:` with no way out), a blocking call that never returns,\n"
                 "  or an await on something that never happens (an Event nobody sets) all look like this.")
        )


def _field(title: str, text: str | None) -> list[str]:
    if not text:
        return []
    body = textwrap.fill(text, width=88, initial_indent="    ", subsequent_indent="    ")
    return [f"  {title}", body]


def fail(summary: str, **parts: str | None) -> NoReturn:
    """Fail the current grader with a message for humans (see GraderFailure for the parts)."""
    __tracebackhide__ = True
    raise GraderFailure(summary, **parts)


def seconds(value: float) -> str:
    return f"{value:.2f} s".replace(".00 s", " s")


def plural(n: int, word: str) -> str:
    """ "1 job", "3 jobs", in the learner's language when the catalog has the word ("1 job", "{count} jobs")."""
    return tr(f"1 {word}", count=n) if n == 1 else tr(f"{{count}} {word}s", count=n)
