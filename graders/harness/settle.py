"""Real-clock records read without the machine's jitter, so the same code gets the same feedback every run.

Jobs in real threads start and end a few milliseconds off, differently on every run, and a
chart or a figure drawn straight from those times would change between two gradings of the
same file. Each recorded moment is read as the moment it evidently is: a start within
TOLERANCE of a known moment (the call's start, another job's start or end), or at most LATE
after one, is the nearest such moment (a thread or a task starts when the OS gets round to it);
a job that ran for its nominal length, give or take STRETCH, ends at its start plus that
length; any other end snaps to a moment within TOLERANCE. What matches nothing keeps its
measured time. Every figure shown is thus within LATE of what was measured.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import timeline

# Two moments this close are one: above a thread's wake-up jitter, below the gaps the graders
# leave between distinct moments (a wider reach chains a start to an unrelated earlier end).
TOLERANCE = 0.01
# A job in a thread may overrun its length by a few switch intervals of the GIL (5 ms each).
STRETCH = 0.02
# How late a start may come after the moment that caused it on a busy machine.
LATE = 0.03


@dataclass(frozen=True)
class SettledSpan:
    label: str
    start: float
    end: float | None
    state: str


class Settled:
    """`spans` measured from `origin` (the call's start), with times relative to it.

    `beside` are spans not drawn whose moments explain the drawn ones (an upload starts when
    its item's prepare ends).
    """

    def __init__(
        self, spans: Sequence[timeline.SpanLike], *, origin: float, nominal: Mapping[str, float],
        beside: Sequence[timeline.SpanLike] = (),
    ) -> None:
        self.origin = origin
        drawn, spans = len(spans), [*spans, *beside]
        self._moments: list[tuple[float, float]] = [(origin, 0.0)]  # (measured, settled)
        starts: dict[int, float] = {}
        ends: dict[int, float] = {}
        events = sorted(
            [(s.start, 0, i) for i, s in enumerate(spans)] + [(s.end, 1, i) for i, s in enumerate(spans) if s.end is not None]
        )
        for measured, is_end, i in events:
            span = spans[i]
            if not is_end:
                starts[i] = self._add(measured, self.at(measured, late=LATE))
                length = nominal.get(span.label)
                if span.end is not None and length is not None and abs(span.end - span.start - length) <= STRETCH:
                    ends[i] = self._add(span.end, starts[i] + length)  # known now, for later moments to snap to
            elif i not in ends:
                ends[i] = self._add(measured, self.at(measured))
        self.spans = [SettledSpan(s.label, starts[i], ends.get(i), s.state) for i, s in enumerate(spans[:drawn])]

    def _add(self, measured: float, settled: float) -> float:
        self._moments.append((measured, settled))
        return settled

    def at(self, measured: float, *, late: float = TOLERANCE) -> float:
        """A measured time, settled: the nearest known moment from `late` before it to TOLERANCE after, else as measured."""
        near = [m for m in self._moments if -TOLERANCE <= measured - m[0] <= max(late, TOLERANCE)]
        if not near:
            return measured - self.origin
        return min(near, key=lambda moment: abs(moment[0] - measured))[1]

    def timeline(self, *, ordered: bool = True, now: float | None = None) -> str:
        """The chart; `ordered` puts rows by start, then by label, since threads start in no fixed order."""
        rows = sorted(self.spans, key=lambda s: (round(s.start, 6), natural(s.label))) if ordered else self.spans
        return timeline.render(rows, origin=0.0, now=None if now is None else self.at(now))


def natural(label: str) -> list[object]:
    """Sort key putting "job 2" before "job 10"."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", label)]
