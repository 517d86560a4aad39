"""Draw recorded jobs as a small text Gantt chart for failure messages."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Protocol

from ..i18n import tr

WIDTH = 40
ENDINGS = {"done": "", "failed": "!", "cancelled": "x", "running": ">"}
LEGEND = "█ running   ! raised   x cancelled   > still running when checked"


class SpanLike(Protocol):
    label: str
    start: float
    end: float | None
    state: str


def width(text: str) -> int:
    """The columns `text` takes in a terminal: two for each wide (W) or full-width (F) character, as in Chinese."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def padded(text: str, columns: int) -> str:
    """`text` with spaces after it to fill `columns` columns of a terminal (counted by `width`, not by characters)."""
    return text + " " * max(columns - width(text), 0)


def render(spans: Sequence[SpanLike], *, now: float | None = None, origin: float | None = None) -> str:
    """One row per span on a shared time axis, e.g.

        job 0 |████████████                            | 0.00 → 1.00 s
        job 1 |            ████████████████████████████| 1.00 → 3.00 s

    `now` closes spans that were still running when the grader looked; `origin` is time zero.
    """
    if not spans:
        return tr("(no jobs ran)")
    t0 = min(s.start for s in spans) if origin is None else origin
    ends = [s.end for s in spans if s.end is not None]
    t1 = max([*ends, *(s.start for s in spans), now if now is not None else t0])
    # Bars are drawn from the times as printed (to 0.01 s): two gradings whose times differ by less
    # than that, as real-thread times do, draw the same chart.
    total = max(round(t1 - t0, 2), 1e-9)
    label_width = max(width(s.label) for s in spans)  # columns, so that Chinese labels line up too
    rows = []
    for span in spans:
        end = span.end if span.end is not None else t1
        first = min(int(round(span.start - t0, 2) / total * WIDTH), WIDTH - 1)
        last = max(first + 1, round(round(end - t0, 2) / total * WIDTH))
        bar = " " * first + "█" * (last - first)
        mark = ENDINGS.get(span.state, "?")
        if mark:
            bar = bar[:-1] + mark
        until = "…" if span.end is None else f"{span.end - t0:.2f}"
        rows.append(f"{padded(span.label, label_width)} |{bar:<{WIDTH}}| {span.start - t0:.2f} → {until} s")
    if any(s.state != "done" for s in spans):
        rows.append(f"{'':<{label_width}}  {tr(LEGEND)}")
    return "\n".join(rows)
