"""Graders for topic 07: async generators and `async for`."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Sequence

import pytest

from graders import checks, timeline
from graders.feedback import fail, plural, seconds
from graders.learner import Learner, Stream
from graders.probes import Span, loop_clock

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]

INTERVALS = [0.5, 1.0, 1.5, 2.0]
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]


def arrivals(stream: Stream, start: float) -> str:
    """The consumer's wait for each item, drawn as a timeline."""
    spans, previous = [], start
    for i, arrived in enumerate(stream.arrivals):
        spans.append(Span(f"waiting for item {i}", previous, 0, arrived, "done"))
        previous = arrived
    return timeline.render(spans, origin=start)


def late_first(name: str, stream: Stream, start: float, ready: float, produced: str, advice: str) -> None:
    """Fails when the first item reached the consumer later than the moment it was ready."""
    __tracebackhide__ = True
    first = stream.arrivals[0] - start
    if first <= ready + checks.TOLERANCE:
        return
    fail(
        f"`{name}` held its first item back until {seconds(first)}; it was ready at {seconds(ready)}.",
        observed=f"the consumer got nothing until {seconds(first)}, then {plural(len(stream.items), 'item')} "
        f"almost at once: {produced}",
        expected="each item handed over with `yield` as soon as it is ready, so the consumer can start on it.",
        timeline=arrivals(stream, start),
        advice=advice,
    )


async def closed_early(learner: Learner, name: str, stream: Stream) -> None:
    """Closes the learner's generator as `async with contextlib.aclosing(...)` would after a `break`."""
    __tracebackhide__ = True
    try:
        await stream.generator.aclose()
    except RuntimeError as error:
        if "ignored GeneratorExit" not in str(error):
            raise
        fail(
            f"`{name}` kept going after its consumer closed it.",
            observed=f"the consumer stopped after {plural(len(stream.items), 'item')} and closed the generator, "
            "but it caught the GeneratorExit and yielded again (Python: \"async generator ignored GeneratorExit\").",
            expected="a closed generator stops: its `finally:` blocks run and it yields nothing more.",
            advice="Do not catch GeneratorExit (or BaseException); put cleanup in `finally:` and let the generator end.",
        )
    except Exception as error:  # noqa: BLE001 - the learner's cleanup raised
        learner.fail_raised(name, error)
    learner.check_not_blocked(name)


# ticker


async def test_ticker_yields_the_numbers(learner: Learner, rng: random.Random) -> None:
    n, interval = rng.randint(3, 8), rng.choice(INTERVALS)
    stream = await learner.stream("ticker", n, interval)
    if stream.items != list(range(n)):
        fail(f"`ticker({n}, {interval:g})` yielded {stream.items!r:.80}.", expected=f"{list(range(n))!r}")


async def test_ticker_waits_before_each_number(learner: Learner, rng: random.Random) -> None:
    n, interval = rng.randint(3, 8), rng.choice(INTERVALS)
    start = loop_clock()
    stream = await learner.stream("ticker", n, interval)
    got = [round(t - start, 2) for t in stream.arrivals]
    expected = [round((i + 1) * interval, 2) for i in range(n)]
    if got != expected:
        fail(
            f"`ticker({n}, {interval:g})` did not keep its pace: one number every {seconds(interval)}.",
            observed=f"the numbers arrived at {', '.join(seconds(t) for t in got)}.",
            expected=f"number i at (i + 1) × {seconds(interval)}: {', '.join(seconds(t) for t in expected)}.",
            timeline=arrivals(stream, start),
            advice="Wait first, then yield: `await asyncio.sleep(interval)` and then `yield i`, inside the loop.",
        )


async def test_ticker_hands_over_each_number_at_once(learner: Learner, rng: random.Random) -> None:
    n, interval = rng.randint(4, 8), rng.choice(INTERVALS)
    start = loop_clock()
    stream = await learner.stream("ticker", n, interval)
    late_first(
        "ticker", stream, start, interval, f"all {n} numbers were made before the first was handed over.",
        advice="Yield inside the loop, right after each sleep. Collecting the numbers in a list and yielding them "
        "afterwards makes the consumer wait for all of them.",
    )


# read_lines


class Source:
    """The `source` read_lines receives: `await readline()` takes `delay` seconds; `await close()` counts."""

    def __init__(self, lines: Sequence[str], delay: float) -> None:
        self.lines = [f"{line}\n" for line in lines]
        self.delay = delay
        self.reads = 0
        self.closes = 0
        self.read_after_close = False

    async def readline(self) -> str:
        if self.closes:
            self.read_after_close = True
        await asyncio.sleep(self.delay)
        self.reads += 1
        return self.lines[self.reads - 1] if self.reads <= len(self.lines) else ""

    async def close(self) -> None:
        self.closes += 1


def make_source(rng: random.Random) -> tuple[Source, list[str]]:
    lines = rng.sample(WORDS, rng.randint(4, 7))
    return Source(lines, rng.choice(INTERVALS)), lines


def closed_once(source: Source, when: str) -> None:
    __tracebackhide__ = True
    if source.closes != 1:
        fail(
            f"`read_lines` closed its source {plural(source.closes, 'time')} {when}.",
            expected="exactly one `await source.close()`, however the reading ends.",
            advice="Wrap the reading loop in `try:` and put `await source.close()` in its `finally:` block: it runs "
            "when the lines run out and when the consumer stops early.",
        )
    if source.read_after_close:
        fail("`read_lines` read from its source after closing it.", expected="no readline() after close().")


async def test_read_lines_yields_every_line(learner: Learner, rng: random.Random) -> None:
    source, lines = make_source(rng)
    stream = await learner.stream("read_lines", source)
    if stream.items != lines:
        newline = any(isinstance(i, str) and i.endswith("\n") for i in stream.items)
        fail(
            "`read_lines` yielded the wrong lines.",
            observed=f"{stream.items!r:.200}",
            expected=f"{lines!r}",
            advice="Strip the trailing newline: `yield line.rstrip(\"\\n\")`." if newline else None,
        )
    closed_once(source, "after reading every line")


async def test_read_lines_hands_over_each_line_at_once(learner: Learner, rng: random.Random) -> None:
    source, lines = make_source(rng)
    start = loop_clock()
    stream = await learner.stream("read_lines", source)
    late_first(
        "read_lines", stream, start, source.delay, "every line was read before the first was handed over.",
        advice="Yield each line inside the reading loop, as soon as readline() returns it, instead of collecting them "
        "in a list first.",
    )


async def test_read_lines_closes_the_source_when_stopped_early(learner: Learner, rng: random.Random) -> None:
    source, lines = make_source(rng)
    take = rng.randint(1, len(lines) - 2)
    stream = await learner.stream("read_lines", source, take=take)
    await closed_early(learner, "read_lines", stream)
    closed_once(source, f"when its consumer stopped after {plural(take, 'line')} and closed it")


# transform


class Produced:
    """What the grader's source generator did: when it produced each item, and whether it was closed."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.finished = False
        self.closed = False


async def numbers(values: Sequence[int], interval: float, log: Produced) -> AsyncIterator[int]:
    try:
        for value in values:
            await asyncio.sleep(interval)
            log.times.append(loop_clock())
            yield value
        log.finished = True
    finally:
        log.closed = True


def make_numbers(rng: random.Random) -> tuple[AsyncIterator[int], list[int], float, Produced]:
    values = rng.sample(range(1, 100), rng.randint(4, 7))
    interval, log = rng.choice(INTERVALS), Produced()
    return numbers(values, interval, log), values, interval, log


def square(x: int) -> int:
    return x * x


async def test_transform_yields_func_of_each_item(learner: Learner, rng: random.Random) -> None:
    source, values, _, _ = make_numbers(rng)
    func = rng.choice([square, str, abs, float])
    stream = await learner.stream("transform", source, func)
    await source.aclose()
    expected = [func(v) for v in values]
    if stream.items != expected:
        fail(
            f"`transform(source, {func.__name__})` yielded the wrong items.",
            observed=f"{stream.items!r:.200}",
            expected=f"{expected!r}: {func.__name__}(item) for each item, in order.",
        )


async def test_transform_streams_each_item_at_once(learner: Learner, rng: random.Random) -> None:
    source, values, interval, log = make_numbers(rng)
    start = loop_clock()
    stream = await learner.stream("transform", source, square)
    await source.aclose()
    late_first(
        "transform", stream, start, interval, f"the source had produced all {len(values)} items first.",
        advice="`async for item in source: yield func(item)` passes each item on as it comes. Collecting the "
        "source into a list first (also with `[x async for x in source]`) waits for the whole source.",
    )


async def test_transform_closes_its_source_when_closed_early(learner: Learner, rng: random.Random) -> None:
    source, values, _, log = make_numbers(rng)
    take = rng.randint(1, len(values) - 2)
    stream = await learner.stream("transform", source, square, take=take)
    await closed_early(learner, "transform", stream)
    closed = log.closed
    await source.aclose()
    if not closed:
        fail(
            "`transform` was closed early, but its source was left open.",
            observed=f"the consumer took {plural(take, 'item')} and closed transform; the source generator was never "
            "closed, so its cleanup (`finally:`) had not run.",
            expected="closing the pipeline closes every stage: transform closes its source.",
            advice="`async for` does not close what it reads from when it is interrupted. Wrap the loop: "
            "`async with contextlib.aclosing(source):` (or `try:` ... `finally: await source.aclose()`).",
        )
