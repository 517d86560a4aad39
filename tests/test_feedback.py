"""Failure messages wrap to the terminal's columns, in English and in Chinese."""

from __future__ import annotations

import textwrap
import unicodedata
from types import SimpleNamespace

import pytest

from graders import plugin
from graders.harness.feedback import CLOSING, TookTooLong, fill

CHINESE = (
    "时间一到，`asyncio.wait_for` 会替你取消工作。`asyncio.wait(..., timeout=...)` 和 `asyncio.shield` 不会："
    "用它们时你必须自己调用 `task.cancel()`。事后再比较时间，什么也停不下来；每个步骤各用一个 wait_for，又会让每一步重新拿到完整的超时时间。"
)


def columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def test_chinese_lines_fit_the_width_and_lose_nothing() -> None:
    lines = fill(CHINESE, width=60, indent="    ").splitlines()
    assert len(lines) > 3 and all(columns(line) <= 60 for line in lines)
    assert not any(line.strip()[0] in CLOSING for line in lines)
    assert "".join(line.strip() for line in lines).replace(" ", "") == CHINESE.replace(" ", "")


def test_english_is_wrapped_as_textwrap_does() -> None:
    english = "Start every job before you wait for any of them: `await asyncio.gather(*jobs)`. " * 3
    assert fill(english, width=60, indent="  ") == textwrap.fill(english, width=60, initial_indent="  ", subsequent_indent="  ")


def test_a_quantity_is_never_split_from_its_unit() -> None:
    from graders.learn.cli import wrap

    english = "It took 0.71 s; all at once takes about 0.13 s, one by one 1.07 s (40 ms each). " * 2
    chinese = "它耗时 0.71 s，而同时运行只需 0.13 s。每个 40 ms。" * 3
    for width in range(20, 70):
        for text in (english, chinese):
            for lines in (fill(text, width=width, indent="  "), wrap(text, width)):
                assert not any(line.rstrip().endswith(("0.71", "0.13", "1.07", "40")) for line in lines.splitlines()), lines


def test_values_are_shown_whole_or_cut_between_items() -> None:
    import asyncio

    from graders.harness.feedback import shown

    assert shown([1, 2, 3]) == "[1, 2, 3]"
    long = shown(list(range(100, 200)), 30)
    assert long.startswith("[100, 101,") and long.endswith(", …]") and len(long) <= 30

    async def job() -> None:
        pass

    coroutine = job()
    assert shown([coroutine]) == "[<coroutine object>]"  # not the probe's name, which means nothing to a learner
    coroutine.close()
    loop = asyncio.new_event_loop()
    assert shown(loop.create_future()) == "<Future pending>"
    loop.close()
    assert shown("word " * 30, 20) == "'word word word …"  # cut between words, marked


def test_spaces_in_a_row_are_kept_and_a_line_break_is_a_space() -> None:
    # A repr of the learner's values shows its spaces as they are; a template's line break is prose.
    observed = "['    delta', 'india  ', '']"
    assert fill(observed, width=60, indent="    ") == "    " + observed
    assert fill("one\ntwo", width=60, indent="") == "one two"


@pytest.mark.parametrize(("hook", "words"), [
    (plugin.pytest_runtest_setup, "could not get ready within 5 s of real time, before any of your code ran"),
    (plugin.pytest_runtest_teardown, "passed while the grader was cleaning up after your code"),
])
def test_a_limit_rung_while_the_harness_sets_up_or_cleans_up_is_told_in_words(hook, words: str) -> None:  # type: ignore[no-untyped-def]
    """A machine stalled for the whole limit outside the learner's code: words, not the harness's traceback.
    Outside a grader (a test of the project's own) the error goes on as it is."""
    for target, outcome in ((object(), plugin.Verdict), (None, TookTooLong)):
        steps = hook(SimpleNamespace(getparent=lambda kind, target=target: target, stash=pytest.Stash()))
        next(steps)
        with pytest.raises(outcome) as raised:
            steps.throw(TookTooLong(5.0, "in the harness"))
        if outcome is plugin.Verdict:
            assert words in " ".join(str(raised.value).split()) and "harness" not in str(raised.value)
