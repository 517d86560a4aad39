"""The timeline draws recorded jobs on one time axis."""

from graders.probes import Span
from graders.timeline import WIDTH, render


def test_sequential_spans_line_up_end_to_start() -> None:
    chart = render([Span("job 0", 0, 1, end=1, state="done"), Span("job 1", 1, 1, end=3, state="done")])
    first, second = chart.splitlines()
    assert first == f"job 0 |{'█' * 13:<{WIDTH}}| 0.00 → 1.00 s"
    assert second.startswith("job 1 |" + " " * 13 + "█" * 27)
    assert second.endswith("| 1.00 → 3.00 s")


def test_unfinished_spans_are_marked_and_explained() -> None:
    chart = render(
        [Span("a", 0, 1, end=2, state="cancelled"), Span("b", 0, 1, end=1, state="failed"), Span("c", 1, 1)], now=4
    )
    rows = chart.splitlines()
    assert rows[0].startswith("a |" + "█" * 19 + "x ")
    assert "!" in rows[1]
    assert rows[2].endswith(">| 1.00 → … s")
    assert "cancelled" in rows[3]


def test_nothing_to_draw() -> None:
    assert render([]) == "(no jobs ran)"
