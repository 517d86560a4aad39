"""Real-clock records settle to the same chart whatever the jitter, and never far from what was measured."""

from __future__ import annotations

import random

from graders.harness.probes import Span
from graders.harness.settle import LATE, TOLERANCE, Settled

NOMINAL = {"job 0": 0.05, "job 1": 0.08, "job 2": 0.06}


def one_after_another(rng: random.Random) -> list[Span]:
    """The three jobs run one by one from t=100, each start and end a few ms off."""
    spans, t = [], 100.0
    for label, length in NOMINAL.items():
        start = t + rng.uniform(0, 0.008)
        end = start + length + rng.uniform(0, 0.008)
        spans.append(Span(label, start, 1, end, "done"))
        t = end
    return spans


def test_jitter_does_not_change_the_chart() -> None:
    charts = {Settled(one_after_another(random.Random(seed)), origin=100.0, nominal=NOMINAL).timeline() for seed in range(20)}
    assert len(charts) == 1
    assert "job 2 |" in (chart := charts.pop()) and "0.13 → 0.19 s" in chart


def test_settled_times_are_the_nominal_ones_in_a_chain() -> None:
    settled = Settled(one_after_another(random.Random(1)), origin=100.0, nominal=NOMINAL)
    assert [(s.start, s.end) for s in settled.spans] == [(0.0, 0.05), (0.05, 0.13), (0.13, 0.19)]


def test_a_moment_that_matches_nothing_keeps_its_measured_time() -> None:
    # job 1 starts 0.2 s after job 0 ended (the learner's code waited): no moment explains that.
    spans = [Span("job 0", 100.0, 1, 100.05, "done"), Span("job 1", 100.25, 1, 100.33, "done")]
    settled = Settled(spans, origin=100.0, nominal=NOMINAL)
    assert abs(settled.spans[1].start - 0.25) < 1e-9 and abs(settled.spans[1].end - 0.33) < 1e-9


def test_a_job_that_overran_its_length_keeps_its_measured_end() -> None:
    spans = [Span("job 0", 100.0, 1, 100.2, "done")]
    assert abs(Settled(spans, origin=100.0, nominal=NOMINAL).spans[0].end - 0.2) < 1e-9


def test_a_start_snaps_only_to_a_moment_shortly_before_it() -> None:
    spans = [Span("job 0", 100.0, 1, 100.05, "done"), Span("job 1", 100.05 + LATE / 2, 1, None)]
    assert Settled(spans, origin=100.0, nominal=NOMINAL).spans[1].start == 0.05
    early = [Span("job 0", 100.0, 1, 100.05, "done"), Span("job 1", 100.05 - 2 * TOLERANCE, 1, None)]
    assert abs(Settled(early, origin=100.0, nominal=NOMINAL).spans[1].start - (0.05 - 2 * TOLERANCE)) < 1e-9


def test_spans_beside_the_chart_explain_its_starts() -> None:
    prepare = Span("prepare a", 100.0, 1, 100.05, "done")
    upload = Span("upload a", 100.05 + 0.015, 2, 100.075, "done")
    alone = Settled([upload], origin=100.0, nominal={})
    beside = Settled([upload], origin=100.0, nominal={"prepare a": 0.05}, beside=[prepare])
    assert abs(alone.spans[0].start - 0.065) < 1e-9
    assert beside.spans[0].start == 0.05


def test_rows_go_by_start_then_by_label() -> None:
    spans = [Span(f"job {n}", 100.0 + 0.001 * (n % 3), 1, 100.05, "done") for n in (10, 2, 1)]
    chart = Settled(spans, origin=100.0, nominal={}).timeline()
    assert [row.split()[1] for row in chart.splitlines()] == ["1", "2", "10"]
