"""The rule of a kept-busy limit, checked on records, whatever order the units started in."""

from __future__ import annotations

import random

from graders.harness.probes import Span
from graders.harness.schedule import idle_slot, in_fixed_batches, uneven_durations


def spans(*times: tuple[float, float]) -> list[Span]:
    return [Span(f"job {i}", start, 0, end, "done") for i, (start, end) in enumerate(times)]


def test_a_greedy_schedule_in_any_order_keeps_every_slot_busy() -> None:
    in_order = spans((0, 3), (0, 1), (1, 2), (2, 4), (3, 5))
    from_the_end = spans((2, 5), (0, 1), (1, 3), (0, 2), (3, 4))  # the last job first: another schedule, as good
    assert idle_slot(in_order, 2, 0) is None
    assert idle_slot(from_the_end, 2, 0) is None


def test_a_slot_idle_while_a_job_waits_is_found() -> None:
    batches = spans((0, 3), (0, 1), (3, 4), (3, 5), (5, 6))
    idle = idle_slot(batches, 2, 0)
    assert idle is not None and (idle.start, idle.end, idle.running, idle.waiting) == (1, 3, 1, 3)
    assert in_fixed_batches(batches, 2)
    assert not in_fixed_batches(spans((0, 3), (0, 1), (1, 4), (3, 5)), 2)


def test_a_slot_idle_after_the_last_start_is_no_fault() -> None:
    assert idle_slot(spans((0, 9), (0, 1), (1, 2)), 2, 0) is None


def test_uneven_durations_start_with_one_longer_than_all_the_rest() -> None:
    for seed in range(200):
        durations = uneven_durations(random.Random(seed), 7)
        assert durations[0] > sum(durations[1:]) and len(set(durations)) == 7
        assert durations[1:] != sorted(durations[1:])
