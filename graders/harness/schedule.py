"""Bounded concurrency, judged by its rule rather than by one schedule, and inputs that tell right from wrong."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from .probes import Span

TOLERANCE = 0.01  # seconds of loop time: what separates two moments that virtual time makes exact


@dataclass(frozen=True)
class IdleSlot:
    """A stretch of time when fewer than `limit` units ran although `waiting` had not started yet."""

    start: float
    end: float
    running: int
    waiting: int
    ended: int  # units that ended at its start
    started: int  # units that started at its start: fewer than ended, a slot freed and not filled


def idle_slot(spans: Sequence[Span], limit: int, origin: float) -> IdleSlot | None:
    """The first stretch after `origin` (when every unit was handed over) in which a slot stood
    idle while a unit still waited to start; None if there was none.

    This is the rule of a limit of `limit` kept busy, whatever order the units start in: at
    every moment before the last unit starts, `limit` of them are running. Moments when one
    unit ends and the next starts at the same loop time count as busy.
    """
    starts = [s.start for s in spans]
    if not starts:
        return None
    last_start = max(starts)
    moments = sorted({origin, *starts, *(s.end for s in spans if s.end is not None)})
    moments = [t for t in moments if origin - TOLERANCE <= t <= last_start + TOLERANCE]
    for begin, end in zip(moments, moments[1:]):
        if end - begin <= TOLERANCE:
            continue
        running = sum(1 for s in spans if s.start <= begin + TOLERANCE and (s.end is None or s.end >= end - TOLERANCE))
        waiting = sum(1 for s in spans if s.start >= end - TOLERANCE)
        if running < limit and waiting:
            ended = sum(1 for s in spans if s.end is not None and abs(s.end - begin) <= TOLERANCE)
            started = sum(1 for s in spans if abs(s.start - begin) <= TOLERANCE)
            return IdleSlot(begin - origin, end - origin, running, waiting, ended, started)
    return None


def in_fixed_batches(spans: Sequence[Span], limit: int) -> bool:
    """Whether the units started in groups of `limit`, each group once the one before had all ended."""
    groups: list[list[Span]] = []
    for span in sorted(spans, key=lambda s: s.start):
        if groups and abs(span.start - groups[-1][0].start) <= TOLERANCE:
            groups[-1].append(span)
        else:
            groups.append([span])
    if len(groups) < 2 or any(len(g) != limit for g in groups[:-1]):
        return False
    return all(
        all(s.end is not None for s in before) and abs(max(s.end for s in before if s.end is not None) - after[0].start) <= TOLERANCE
        for before, after in zip(groups, groups[1:])
    )


def uneven_durations(rng: random.Random, count: int) -> list[float]:
    """Distinct durations whose first is longer than all the others together.

    Every way of sharing the units out in advance then loses, on every draw: fixed batches (the
    first batch waits for the long one), stripes or chunks per worker (the worker with the long
    unit still has units queued when the others run dry). Only taking the next unit the moment
    a slot frees keeps every slot busy. The rest are shuffled, so finishing order is not argument order.
    """
    rest = rng.sample([0.5 * k for k in range(1, 13)], count - 1)
    if rest == sorted(rest):
        rest.reverse()
    return [sum(rest) + 0.5 * rng.randint(1, 4), *rest]
