"""The timeline draws recorded jobs on one time axis."""

from graders.harness.probes import Span
from graders.harness.timeline import WIDTH, render


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


def test_wide_labels_are_padded_by_display_width() -> None:
    """A Chinese character takes two columns: the bars of Chinese and mixed labels still line up."""
    chart = render([Span("发令员", 0, 1, end=1, state="done"), Span("选手 0：准备", 0, 1, end=2, state="done"),
                    Span("runner 0: run", 1, 1, end=2, state="done")])
    bars = [row.index("|") for row in chart.splitlines()]
    columns = [sum(2 if "\u2e80" <= c <= "\uffef" else 1 for c in row[:i]) for row, i in zip(chart.splitlines(), bars)]
    assert len(set(columns)) == 1, chart
    assert chart.splitlines()[1].startswith("选手 0：准备  |")  # 12 columns, padded to the 13 of "runner 0: run"


def test_times_that_print_alike_draw_alike() -> None:
    # Real-thread times differ by a few milliseconds between two gradings of one file: the charts
    # must not (seen: a bar one cell longer under the same printed times).
    def chart(last_end: float) -> str:
        return render([Span("job 0", 0, 1, end=last_end, state="done"), Span("job 1", 0.09, 1, end=0.17, state="done")])

    assert chart(0.600) == chart(0.603)
