"""Graders for topic 07: async generators and `async for`."""

from __future__ import annotations

import ast
import asyncio
import random
from collections.abc import AsyncGenerator, Coroutine, Sequence
from typing import Any

import pytest

from graders import syntax
from graders.harness import checks, timeline
from graders.harness.clocks import loop_clock_told
from graders.harness.feedback import GraderFailure, fail, plural, seconds, shown
from graders.i18n import sentences, tr
from graders.harness.learner import Learner, Stream
from graders.harness.probes import IN_LOOP_TIME, Span, loop_clock

pytestmark = [pytest.mark.asyncio, IN_LOOP_TIME]

INTERVALS = [0.5, 0.75, 1.25, 1.5, 2.5]  # never whole seconds: an interval rounded to an int shows on every seed
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
CLOSE_BUDGET = 60.0  # seconds of loop time for the learner's cleanup when the generator is closed
AFTER_CLOSE = 3  # read intervals to wait after a close, for work that outlives it to show
FINISH_OFF = 1000  # items read from a generator that ignored its closing, to run it to its end
SLOW_LINE = [6.5, 8.5, 12.5]  # one line of every source takes this long to come: a slow line is not the end


def arrivals(stream: Stream, start: float) -> str:
    """The consumer's wait for each item, drawn as a timeline."""
    spans, previous = [], start
    for i, arrived in enumerate(stream.arrivals):
        spans.append(Span(tr("waiting for item {i}", i=i), previous, 0, arrived, "done"))
        previous = arrived
    return timeline.render(spans, origin=start)


def made_and_held(stream: Stream, start: float, made: Sequence[tuple[float, float]], noun: str) -> str:
    """For each item: when it was being made, then how long it waited before the consumer got it."""
    spans = []
    for i, ((began, ready), arrived) in enumerate(zip(made, stream.arrivals)):
        spans.append(Span(tr("making {noun} {i}", noun=tr(noun), i=i), began, 0, ready, "done"))
        spans.append(Span(tr("{noun} {i} held back", noun=tr(noun), i=i), ready, 0, arrived, "done"))
    return timeline.render(spans, origin=start)


def ready_by(made: Sequence[tuple[float, float]], stream: Stream) -> int:
    """How many items had been made (read, produced) by the time the consumer got the first one."""
    if not stream.arrivals:
        return 0
    return sum(1 for _, ready in made if ready <= stream.arrivals[0] + checks.TOLERANCE)


def late_first(
    name: str, stream: Stream, start: float, ready: float, produced: str, advice: str, drawn: str | None = None
) -> None:
    """Fails when the first item reached the consumer later than the moment it was ready."""
    __tracebackhide__ = True
    first = stream.arrivals[0] - start
    if first <= ready + checks.TOLERANCE:
        return
    fail(
        tr("`{name}` held its first item back until {first}; it was ready at {ready}.",
           name=name, first=seconds(first), ready=seconds(ready)),
        observed=tr("the consumer got nothing until {first}, then {items} almost at once: {produced}",
                    first=seconds(first), items=plural(len(stream.items), "item"),
                    count=len(stream.items), produced=produced)
        if stream.arrivals[-1] - stream.arrivals[0] <= checks.TOLERANCE
        else tr("the consumer got nothing until {first}: {produced}", first=seconds(first), produced=produced),
        expected=tr("each item handed over with `yield` as soon as it is ready, so the consumer can start on it."),
        timeline=drawn or arrivals(stream, start),
        advice=advice,
    )


async def closed_early(learner: Learner, name: str, stream: Stream, noun: str) -> None:
    """Closes the learner's generator as `async with contextlib.aclosing(...)` would after a `break`."""
    __tracebackhide__ = True
    try:
        async with asyncio.timeout(CLOSE_BUDGET) as budget:
            await stream.generator.aclose()
    except TimeoutError as error:
        if not budget.expired():
            learner.fail_raised(name, error)
        learner.check_not_blocked(name)
        fail(
            tr("Closing `{name}` never finished: its cleanup was still running after {budget} of loop time.",
               name=name, budget=seconds(CLOSE_BUDGET)),
            observed=tr("the consumer stopped after {taken} and closed the generator; the code in its `finally:` never "
                        "got to the end.", taken=plural(len(stream.items), noun), count=len(stream.items)),
            expected=tr("cleanup that finishes quickly, such as one `await source.close()`."),
            advice=tr("Keep `finally:` short: release what the generator holds, and do not wait for more items there."),
        )
    except RuntimeError as error:
        if "ignored GeneratorExit" not in str(error):
            learner.fail_raised(name, error)
        await finish_off(stream.generator)
        learner.check_not_blocked(name)
        fail(
            tr("`{name}` kept going after its consumer closed it.", name=name),
            observed=tr("the consumer stopped after {taken} and closed the generator, but it yielded again instead of "
                        "stopping (Python: \"async generator ignored GeneratorExit\").",
                        taken=plural(len(stream.items), noun), count=len(stream.items)),
            expected=tr("a closed generator stops: its `finally:` blocks run and it yields nothing more."),
            advice=tr("Do not catch GeneratorExit (or BaseException), and do not `yield` inside `finally:`. Put only "
                      "cleanup in `finally:` and let the generator end."),
        )
    except Exception as error:  # noqa: BLE001 - the learner's cleanup raised
        learner.fail_raised(name, error)
    learner.check_not_blocked(name)


async def finish_off(generator: AsyncGenerator[object, None]) -> None:
    """Runs to its end a generator that yielded again after being closed.

    Python marks it closed anyway, so a second aclose() does nothing; left suspended, it would be
    finalized later by the loop or the garbage collector, running the learner's code with no loop.
    Reading on lets it end by itself, as the wrong answers that catch GeneratorExit do.
    """
    try:
        async with asyncio.timeout(CLOSE_BUDGET):
            for _ in range(FINISH_OFF):
                await anext(generator)
    # StopAsyncIteration when it ends, GeneratorExit from a `yield` inside `finally:`, or anything it raises:
    # the grader has its verdict already.
    except (Exception, GeneratorExit):  # noqa: BLE001
        return


# ticker


async def test_ticker_yields_the_numbers(learner: Learner, rng: random.Random) -> None:
    # Two calls, one after the other in the same process: a count kept from one call to the next (at module level)
    # goes on where the first call left it.
    first, interval = rng.randint(3, 8), rng.choice(INTERVALS)
    counted(first, interval, await learner.stream("ticker", first, interval))
    n, interval = rng.randint(3, 8), rng.choice(INTERVALS)
    stream = await learner.stream("ticker", n, interval)
    try:
        counted(n, interval, stream)
    except GraderFailure as failure:
        if stream.items[:1] == [first]:  # it went on from where the first call stopped
            failure.observed = sentences(failure.observed or "", second_call("ticker"))
            failure.advice = tr("Keep the count inside ticker: `for i in range(n):` starts again from 0 at each call. "
                                "A variable outside it keeps its value from the call before.")
        elif stream.items[:first] == list(range(first)) and len(stream.items) == first + n:  # the first call's again
            failure.observed = sentences(failure.observed or "", second_call("ticker"))
            failure.advice = tr("The numbers of the call before came out again first: something outside ticker (a list "
                                "at module level, a mutable default argument) kept them. Make the numbers inside "
                                "ticker, in each call: `for i in range(n):`, each one yielded once.")
        raise
    # n = 0: no number at all, which a count tested only after each `yield` misses, and no wait for none.
    interval = rng.choice(INTERVALS)
    start = loop_clock()
    counted(0, interval, await learner.stream("ticker", 0, interval))
    if loop_clock() - start > checks.TOLERANCE:
        fail(
            tr("`ticker(0, {interval})` yielded nothing, as it should, but only after {took}.", interval=f"{interval:g}",
               took=seconds(loop_clock() - start)),
            expected=tr("nothing, at once: with no number to yield there is nothing to wait for."),
            advice=tr("Sleep inside the loop, before each `yield i`: a sleep before the loop waits even when n is 0."),
        )
    # A consumer slower than the pace, on every draw: each number still comes, none skipped for being late.
    n, interval = rng.randint(4, 7), rng.choice(INTERVALS)
    pause = interval * rng.choice([1.5, 2.5])
    try:
        stream = await learner.stream("ticker", n, interval, pause=pause)
    except GraderFailure as failure:
        failure.observed = sentences(failure.observed or "", tr(
            "This call's consumer spent {pause} on each number before it asked for the next, as a slow one does.",
            pause=seconds(pause)))
        if "TimeoutError" in failure.summary:
            failure.advice = tr("A timeout around the whole loop, yields included, counts the consumer's time between "
                                "numbers too, which is none of ticker's business. Put a timeout around a wait of "
                                "ticker's own, or none: its pace needs none.")
        raise
    if stream.items != list(range(n)) and set(stream.items) < set(range(n)) and stream.items == sorted(stream.items):
        fail(
            tr("`ticker({n}, {interval})` skipped numbers for a consumer slower than its pace.", n=n,
               interval=f"{interval:g}"),
            observed=tr("the consumer spent longer than {every} on each number; it got {items}.",
                        every=seconds(interval), items=shown(stream.items)),
            expected=tr("{expected}: every number, each after a pause of `interval`, however long the consumer takes.",
                        expected=repr(list(range(n)))),
            advice=tr("Yield every i of `range(n)`: a number whose moment has passed while the consumer was busy is "
                      "still due. Skipping the late ones (as a metronome does) loses them."),
        )
    counted(n, interval, stream)


def counted(n: int, interval: float, stream: Stream) -> None:
    __tracebackhide__ = True
    if stream.items == list(range(n)):
        return
    if not stream.items:
        nothing_from_ticker(n, interval)
    fail(tr("`ticker({n}, {interval})` yielded {items}.", n=n, interval=f"{interval:g}", items=shown(stream.items)),
         expected=repr(list(range(n))),
         advice=tr("With n = 0 there is no number to yield, but ticker yielded 0 before it looked at n. Test the count "
                   "before each number, not after it: `for i in range(n):` runs no times for n = 0.")
         if n == 0 and stream.items == [0]
         else tr("`for i in range(n):` gives 0, 1, ..., n - 1: yield each i once, in that order."))


def nothing_from_ticker(n: int, interval: float) -> None:
    """Fails for a ticker that yielded no number, for every grader of it alike (one message for the cause)."""
    __tracebackhide__ = True
    fail(tr("`ticker({n}, {interval})` yielded nothing.", n=n, interval=f"{interval:g}"),
         observed=tr("the consumer read it to its end and got no number."),
         expected=repr(list(range(n))),
         advice=tr("`for i in range(n):` gives 0, 1, ..., n - 1: yield each i once, in that order."),
         cause="ticker yielded nothing")


def second_call(name: str) -> str:
    return tr("This was the second of two calls of {name}, one after the other; the first was right. Whatever it "
              "keeps from one call to the next (a variable outside the function, say) must start afresh with each "
              "call.", name=name)


TICKER_CLOCK_ADVICE = (
    "Keep the pace by the event loop's clock, by which asyncio's sleeps run: `await asyncio.sleep(interval)` before "
    "each number, or deadlines from `loop.time()` (on an ordinary loop, `loop.time()` is `time.monotonic()`)."
)


@loop_clock_told("ticker", lambda: tr(TICKER_CLOCK_ADVICE), "ticker keeps time by the real clock")
async def test_ticker_waits_before_each_number(learner: Learner, rng: random.Random) -> None:
    await keeps_its_pace(learner, rng.randint(3, 8), rng.choice(INTERVALS))
    # Again, started at an odd moment of loop time: a pace kept from the loop's time 0, or from the first call's
    # start, shows then.
    await asyncio.sleep(rng.choice([3.3, 5.7, 7.1]))
    began = loop_clock()
    n, interval = rng.randint(3, 8), rng.choice([0.75, 1.25])  # hundredths, on every draw: rounded to tenths shows
    try:
        await keeps_its_pace(learner, n, interval)
    except GraderFailure as failure:
        failure.observed = sentences(failure.observed or "", tr(
            "This was a second call, started {at} into the loop's time; the first call kept its pace.",
            at=seconds(began)))
        if failure.cause == "ticker's first number off its own start":
            failure.advice = tr("Time each call from its own start: sleep `interval` before each number (or wait "
                                "until `start + (i + 1) * interval`, with `start = loop.time()` read as this call "
                                "begins), not from the loop's time 0 or from an earlier call.")
        raise
    # And an interval of 0, on every draw: every number at once (`interval or 1` pauses a second instead).
    try:
        await keeps_its_pace(learner, rng.randint(2, 4), 0)
    except GraderFailure as failure:
        failure.observed = sentences(failure.observed or "", tr("This was a call with an interval of 0."))
        failure.advice = tr("Pass the interval on as it is, `await asyncio.sleep(interval)`: `interval or 1` (or `if "
                            "not interval:`) turns 0 into a pause of its own.")
        raise


async def keeps_its_pace(learner: Learner, n: int, interval: float) -> None:
    """One call of ticker: number i at (i + 1) × interval from the call's start. A failure whose numbers did not come
    at one steady pace, or all at once, has the cause "ticker's first number off its own start"."""
    __tracebackhide__ = True
    start = loop_clock()
    stream = await learner.stream("ticker", n, interval)
    if not stream.items:
        nothing_from_ticker(n, interval)
    got = [round(t - start, 2) for t in stream.arrivals]
    expected = [round((i + 1) * interval, 2) for i in range(n)]
    if got != expected:
        gaps = [round(b - a, 2) for a, b in zip([0.0, *got], got)]
        if got == [round(i * interval, 2) for i in range(n)]:
            advice = tr("Wait first, then yield: `await asyncio.sleep(interval)` and then `yield i`, inside the loop.")
        elif len(set(gaps)) == 1:  # a steady pace, but not the one asked for
            advice = (tr("Every number came at once, without a pause: sleep for `interval` itself, as it is given "
                         "(`int(interval)` turns {interval} into 0).", interval=f"{interval:g}") if interval < 1
                      else tr("Every number came at once, without a pause: `await asyncio.sleep(interval)` before each "
                              "`yield i`.")) if gaps[0] == 0 \
                else tr("The numbers came every {gap} instead of every {every}: sleep for `interval` itself, as it is "
                        "given, not a rounded or fixed number.", gap=seconds(gaps[0]), every=seconds(interval))
        elif len(set(got)) == 1:
            advice = tr("Yield inside the loop, right after each sleep. Collecting the numbers in a list and yielding "
                        "them afterwards makes the consumer wait for all of them.")
        else:
            advice = tr("One `await asyncio.sleep(interval)` before each `yield i`, and no other pause.")
        # Not one steady pace of another length (a rounded interval): numbers anchored to some other moment, those
        # already due coming at once (all of them, when that moment is long past), the rest on time.
        origin = len(set(gaps)) > 1 or gaps[0] == 0
        fail(
            tr("`ticker({n}, {interval})` did not keep its pace: one number every {every}.",
               n=n, interval=f"{interval:g}", every=seconds(interval)),
            observed=tr("the numbers arrived at {times}.", times=", ".join(seconds(t) for t in got)),
            cause="ticker's first number off its own start" if origin else None,
            expected=tr("number i at (i + 1) × {every}: {times}.",
                        every=seconds(interval), times=", ".join(seconds(t) for t in expected)),
            timeline=arrivals(stream, start),
            advice=advice,
        )


async def test_ticker_hands_over_each_number_at_once(learner: Learner, rng: random.Random) -> None:
    n, interval = rng.randint(4, 8), rng.choice(INTERVALS)
    start = loop_clock()
    stream = await learner.stream("ticker", n, interval)
    if not stream.items:
        nothing_from_ticker(n, interval)
    # Held back: the first number came only once the second was due too. A first number a little late (a pace of
    # its own, 0.8 s for 0.75) is the pacing grader's to tell.
    made = min(n, int((stream.arrivals[0] - start + checks.TOLERANCE) // interval))
    if made < 2:
        return
    late_first(
        "ticker", stream, start, interval,
        tr("all {n} numbers were made before the first was handed over.", n=n) if made >= n
        else tr("{made} numbers were due before the first was handed over.", made=made),
        advice=tr("Yield inside the loop, right after each sleep. Collecting the numbers in a list and yielding them "
                  "afterwards makes the consumer wait for all of them."),
    )


# read_lines


class Source:
    """The `source` read_lines receives: `await readline()` takes `delay` seconds, `slow[1]` for line `slow[0]`;
    `await close()` counts."""

    def __init__(self, lines: Sequence[str], delay: float, slow: tuple[int, float] | None = None) -> None:
        # As in a file: every line ends with a newline but the last, which may not.
        self.lines = [f"{line}\n" for line in lines[:-1]] + [lines[-1]]
        self.delay = delay
        self.delays = [delay] * len(self.lines)
        if slow is not None:
            self.delays[slow[0]] = slow[1]
        self.reads: list[tuple[float, float]] = []  # (asked, returned) on the loop clock, one per readline()
        self.abandoned: list[tuple[int, float]] = []  # (line, seconds waited) for each readline() cancelled meanwhile
        self.closes = 0  # close() calls run to their end
        self.close_calls = 0  # awaited or not
        self.closes_begun = 0  # close() coroutines that began to run, awaited or handed to a task
        self.reads_after_close = 0
        self.reading = 0  # readline() calls under way now
        self.read_at_close = 0  # readline() calls under way when a close() began

    def delay_of(self, line: int) -> float:
        """How long the readline() that returns line `line` (or, past the last, "") takes."""
        return self.delays[line] if line < len(self.delays) else self.delay

    async def readline(self) -> str:
        if self.closes:
            self.reads_after_close += 1
        asked, line = loop_clock(), len(self.reads)
        self.reading += 1
        try:
            await asyncio.sleep(self.delay_of(line))
        except asyncio.CancelledError:
            self.abandoned.append((line, loop_clock() - asked))
            raise
        finally:
            self.reading -= 1
        self.reads.append((asked, loop_clock()))
        return self.lines[len(self.reads) - 1] if len(self.reads) <= len(self.lines) else ""

    def close(self) -> Coroutine[Any, Any, None]:
        """`await source.close()` closes it; a call that nobody awaits is counted too, to say so."""
        self.close_calls += 1
        return self._close()

    async def _close(self) -> None:
        self.closes_begun += 1
        self.read_at_close += self.reading
        await asyncio.sleep(0)  # a close takes a turn of the loop, as one that tells a server goodbye does
        self.closes += 1


def make_source(rng: random.Random) -> tuple[Source, list[str]]:
    """Lines as a file has them, on every seed: a blank one among them ("\n", not the end), one
    indented and one with spaces before its newline (spaces that belong to the line: only the
    newline goes), and a last one without a newline. One line, any of them, is slow to come
    (SLOW_LINE): a reader that gives up on a slow line takes it for the end."""
    lines = rng.sample(WORDS, rng.randint(4, 7))
    indented, spaced = rng.sample(range(len(lines) - 1), 2)  # not the last: its end is the missing newline's case
    lines[indented], lines[spaced] = "    " + lines[indented], lines[spaced] + "  "
    lines.insert(rng.randint(1, len(lines) - 1), "")
    delay, slow = rng.choice(INTERVALS), (rng.randrange(len(lines)), rng.choice(SLOW_LINE))
    return Source(lines, delay, slow), lines


def outlived_the_close(name: str, spawned: list[asyncio.Task[Any]], waited: float, reads_after: int = 0) -> None:
    """No task the generator had started (`spawned`, running when it was closed) went on after the
    close: still running `waited` seconds later, or reading from the source meanwhile."""
    __tracebackhide__ = True
    running = [t for t in spawned if not t.done()]
    if not running and not (spawned and reads_after):
        return
    fail(
        tr("`{name}` left a task of its own running after its consumer closed it.", name=name),
        observed=tr("{waited} after the close, a task it had started was still running: closing a generator ends the "
                    "generator, not the tasks it created.", waited=seconds(waited)) if running
        else tr("a task it had started went on after the close: it called readline() {reads} more times.",
                reads=reads_after),
        expected=tr("nothing of the generator still running once it is closed."),
        advice=tr("Do the reading in the generator itself, between its `yield`s; or cancel the tasks it started, "
                  "and await them, in its `finally:` block."),
    )


def closed_once(source: Source, when: str, cancelled: bool = False, waits_for_exit: bool = False,
                first_line: bool = False) -> None:
    """The source was closed exactly once, and not read from after that (`cancelled`: its consumer was cancelled,
    in the second call of a grader whose first closed its source; `waits_for_exit`: read_lines names GeneratorExit;
    `first_line`: cancelled while it waited for its first line, in the third call, the second having closed it)."""
    __tracebackhide__ = True
    if source.closes == 1 and not source.reads_after_close:
        return
    if source.close_calls > source.closes_begun:
        fail(
            tr("`read_lines` called `source.close()` without `await`, so the source was never closed."),
            observed=tr("{calls}, {closes} of them awaited.", calls=plural(source.close_calls, "close() call"),
                        closes=source.closes),
            expected=tr("exactly one `await source.close()`, after the last readline(), however the reading ends."),
            advice=tr("Write `await source.close()`: close() is a coroutine function, and calling it only creates a "
                      "coroutine, which does nothing until it is awaited."),
            cause="close not awaited",
        )
    if source.closes == 0:
        summary = tr("`read_lines` never closed its source {when}.", when=when)
    elif source.reads_after_close:
        summary = tr("`read_lines` went on reading from its source after closing it.")
    else:
        summary = tr("`read_lines` closed its source {times} {when}.", times=plural(source.closes, "time"),
                     count=source.closes, when=when)
    calls = {"reads": plural(len(source.reads), "readline() call"), "closes": plural(source.closes, "close() call"),
             "after": source.reads_after_close}
    observed = tr("{reads}, {after} of them after a close(); {closes}.", **calls) if source.reads_after_close \
        else tr("{reads}; {closes}.", **calls)
    if cancelled and source.closes == 0 and not waits_for_exit:
        observed = sentences(observed, tr("This was the second of two calls of read_lines; the first, closed by its "
                                          "consumer after a few lines, did close its source."))
    if first_line and source.closes == 0:
        observed = tr("cancelled while its first readline() was still waiting, read_lines ended without closing its "
                      "source; cancelled while it waited for a later line, it did close it.")
    fail(
        summary,
        observed=observed,
        expected=tr("exactly one `await source.close()`, after the last readline(), however the reading ends."),
        advice=tr("Begin the `try:` before the first readline(), so that its `finally:` covers every read, the first "
                  "one too: a cancellation at a read outside the `try:` skips the `finally:`.")
        if first_line and source.closes == 0
        else tr("A cancellation raises CancelledError at the `await` where the generator waits, not GeneratorExit: "
                  "`except GeneratorExit:` misses it. Call `await source.close()` in a `finally:` block around the "
                  "whole reading loop: it runs however the reading ends.")
        if cancelled and source.closes == 0 and waits_for_exit
        else tr("Wrap the whole reading loop in one `try:` and call `await source.close()` only in its `finally:` "
                "block: it runs once, when the lines run out or when the consumer stops early."),
    )


async def test_read_lines_yields_every_line(learner: Learner, rng: random.Random) -> None:
    source, lines = make_source(rng)
    stream = await learner.stream("read_lines", source)
    read_right(learner, source, lines, stream.items)


def read_right(learner: Learner, source: Source, lines: list[str], items: list[Any]) -> None:
    """Fails unless read_lines yielded `lines` from `source`, saying what the evidence shows went wrong."""
    __tracebackhide__ = True
    if items == lines:
        return
    blank = lines.index("")
    gave_up = source.abandoned[0] if source.abandoned else None  # nothing but read_lines cancels a read here
    if gave_up is not None and items == lines[:gave_up[0]]:
        line, waited = gave_up
        advice = tr("Line {i} took {slow} to come, and read_lines stopped waiting for it after {waited}, then ended: "
                    "a slow line is not the end of the source. Await readline() for as long as it takes; only \"\" "
                    "means the end.", i=line, slow=seconds(source.delay_of(line)), waited=seconds(waited))
    elif any(isinstance(i, str) and i.endswith("\n") for i in items):
        advice = tr("Strip the trailing newline: `yield line.rstrip(\"\\n\")`.")
    elif items == lines[:blank]:
        advice = tr("Line {i} is blank: readline() returns \"\\n\" for it, and \"\" only at the end. Test for the end "
                    "on what readline() returned, before taking anything off it: a line left empty once its newline "
                    "is gone is still a line.", i=blank)
    elif items == [*lines, ""]:
        advice = tr("After the last line, read_lines yielded one more item, \"\", from the `yield` in its `finally:` "
                    "block. Put only cleanup in `finally:`: it also runs when the generator is closed, and a closed "
                    "generator must not yield.") if checks.in_finally(learner, "read_lines", (ast.Yield, ast.YieldFrom)) \
            else tr("After the last line, read_lines yielded one more item, \"\": that is what readline() returns at "
                    "the end of the source, not a line. Test for it before yielding, and stop there.")
    elif not items and source.reads and source.lines[0]:
        advice = tr("readline() returned line 0, {line}, and read_lines ended without yielding it. Every non-empty "
                    "string from readline() is a line: keep reading while readline() returns one (`while line := "
                    "await source.readline():`), and yield each; only \"\" means the end.",
                    line=shown(source.lines[0]))
    elif items[:-1] == lines[:-1] and items[-1:] == [lines[-1][:-1]]:
        advice = tr("The last line has no newline at its end, so `line[:-1]` cut off its last letter. "
                    "`line.rstrip(\"\\n\")` removes a newline only where there is one.")
    elif items == lines[:-1]:
        advice = tr("The last line has no newline at its end, and it was dropped. Every non-empty string from "
                    "readline() is a line; only \"\" means the end.")
    elif all(isinstance(i, str) for i in items) and [i.strip() for i in items] == [line.strip() for line in lines]:
        changed = next(i for i, (item, line) in enumerate(zip(items, lines)) if item != line)
        advice = tr("Line {i} lost spaces of its own ({line!r} came out as {item!r}): strip() and rstrip() with no "
                    "argument remove every space at the ends, not just the newline. `line.rstrip(\"\\n\")` removes "
                    "only the newline.", i=changed, line=lines[changed], item=items[changed])
    else:
        advice = None
    if not items:
        fail(tr("`read_lines` yielded nothing."), observed=tr("the consumer read it to its end and got no line."),
             expected=repr(lines), advice=advice, cause="read_lines yielded nothing")
    fail(tr("`read_lines` yielded the wrong lines."), observed=shown(items, width=400), expected=repr(lines), advice=advice)


async def test_read_lines_hands_over_each_line_at_once(learner: Learner, rng: random.Random) -> None:
    source, lines = make_source(rng)
    start = loop_clock()
    stream = await learner.stream("read_lines", source)
    if not stream.items:
        read_right(learner, source, lines, stream.items)
    read = ready_by(source.reads, stream)
    everything = read >= len(lines)
    late_first(
        "read_lines", stream, start, source.delay_of(0),
        tr("every line was read before the first was handed over.") if everything
        else tr("the first line was handed over only once {count} lines had been read.", count=read),
        advice=tr("Yield each line inside the reading loop, as soon as readline() returns it, instead of collecting "
                  "them in a list first.") if everything
        else tr("Yield each line right after the readline() that returned it, before reading the next one."),
        drawn=made_and_held(stream, start, source.reads, "line"),
    )


async def test_read_lines_closes_the_source_once(learner: Learner, rng: random.Random) -> None:
    # Two calls, one after the other in the same process, each with a source of its own: a "closed already" flag
    # kept from one call to the next (at module level) leaves the second source open.
    await reads_all(learner, rng)
    try:
        await reads_all(learner, rng)
    except GraderFailure as failure:
        failure.observed = sentences(failure.observed or "", second_call("read_lines"))
        failure.advice = tr("Keep what read_lines needs inside it: `await source.close()` in the `finally:` of one "
                            "`try:` around the whole reading loop closes each source once, with no flag.")
        raise


async def reads_all(learner: Learner, rng: random.Random) -> None:
    __tracebackhide__ = True
    source, lines = make_source(rng)
    await learner.stream("read_lines", source)
    closed_then = source.closes
    for _ in range(3):  # a close handed to a task runs within a few turns
        await asyncio.sleep(0)
    closed_once(source, tr("after reading all {count} lines", count=len(lines)))
    closed_in_time("read_lines", closed_then, source.closes, tr("the generator had ended"))


def closed_in_time(name: str, then: int, now: int, ended: str) -> None:
    """Fails when the source, closed `now`, was not closed yet (`then`) when the generator's end (`ended`) came."""
    __tracebackhide__ = True
    if then or not now:
        return
    fail(
        tr("`{name}` closed its source only after {ended}.", name=name, ended=ended),
        observed=tr("when {ended}, the source was still open; the close ran later, from the event loop.", ended=ended),
        expected=tr("the source closed by the time the generator is done: whoever reads from it may count on that."),
        advice=tr("Close the source in the generator's `finally:` and await it there. Handing the close to a task "
                  "(`asyncio.create_task(...)`, `ensure_future`) runs it only after the generator is gone."),
    )


def read_at_close(source: Source, line: int) -> None:
    """Fails when a readline() was still under way when the source was closed (cancelled at line `line`)."""
    __tracebackhide__ = True
    if not source.read_at_close:
        return
    fail(
        tr("`read_lines` closed its source while one of its reads was still under way."),
        observed=tr("the consumer's task was cancelled while read_lines waited for line {n}; the source was closed, "
                    "and that readline() went on past the cancel.", n=line),
        expected=tr("the read stopped by the cancellation, and the source closed after it."),
        advice=tr("Await `source.readline()` itself, in the generator: a cancellation then stops the read. A read "
                  "shielded from it (`asyncio.shield(...)`) or run in a task of its own (with `asyncio.wait`, say) "
                  "goes on after the cancel, against a closed source."),
    )


async def test_read_lines_closes_the_source_when_stopped_early(learner: Learner, rng: random.Random) -> None:
    source, lines = make_source(rng)
    take = rng.randint(1, len(lines) - 2)
    before = asyncio.all_tasks()
    stream = await learner.stream("read_lines", source, take=take)
    spawned = checks.tasks_started_since(before)
    await closed_early(learner, "read_lines", stream, "line")
    closed_then = source.closes
    # Work that outlives the close shows only later: at its next read, or as a task still running.
    await asyncio.sleep(AFTER_CLOSE * source.delay)  # a task still running is caught whatever it reads
    outlived_the_close("read_lines", spawned, AFTER_CLOSE * source.delay, source.reads_after_close)
    closed_once(source, tr("when its consumer stopped after {taken} and closed it",
                           taken=plural(take, "line"), count=take))
    closed_in_time("read_lines", closed_then, source.closes, tr("its consumer's `aclose()` had returned"))
    # Another way to stop early: the consumer's task is cancelled while read_lines waits for a line.
    source, lines = make_source(rng)
    take = rng.randint(1, len(lines) - 2)
    stream = await learner.stream("read_lines", source, take=take)
    asking, early = await cancelled_mid_read(learner, stream, source.delay_of(take) / 2)
    closed_then = source.closes
    await asyncio.sleep(AFTER_CLOSE * source.delay_of(take))  # a read that goes on past the cancel ends meanwhile
    read_at_close(source, take + 1)
    closed_once(source, tr("when its consumer was cancelled while it waited for line {n}", n=take + 1),
                cancelled=True, waits_for_exit="GeneratorExit" in learner.names_reached("read_lines"))
    closed_in_time("read_lines", closed_then, source.closes, tr("its consumer's cancelled task had ended"))
    returns = checks.in_finally(learner, "read_lines", (ast.Return,))
    cancellation_went_through(asking, tr("while it waited for line {n}", n=take + 1), early, take + 1, returns)
    # And cancelled while it waits for its first line, before it has yielded anything: a first readline() before
    # the `try:` is outside its `finally:`.
    source, lines = make_source(rng)
    stream = Stream(learner.call_sync("read_lines", source, is_async=None))
    asking, early = await cancelled_mid_read(learner, stream, source.delay_of(0) / 2)
    closed_once(source, tr("when its consumer was cancelled while it waited for the first line"), first_line=True)
    cancellation_went_through(asking, tr("while it waited for the first line"), early, 1, returns)


def cancellation_went_through(asking: asyncio.Task[Any], when: str, early: bool, line: int,
                              returns_in_finally: bool = False) -> None:
    """The consumer's task, cancelled while read_lines waited for a line, ended cancelled. `early`: the line came
    before the cancel, sooner than the source gives it: read before it was asked for, nothing was left to cancel.
    `returns_in_finally`: read_lines has a `return` in a `finally:` block, which throws away the exception passing
    through it."""
    __tracebackhide__ = True
    if asking.cancelled():
        return
    if early and isinstance(asking.exception(), StopAsyncIteration):
        # The lines ended before the cancel came: there was no wait to cancel, and nothing was swallowed. Why they
        # ended (a blank line taken for the end, a timeout on a slow line) test_read_lines_yields_every_line tells.
        fail(
            tr("`read_lines` ended before line {n}, though the source had more lines.", n=line),
            observed=tr("the consumer asked for line {n}, and the lines ended before the source had run out.", n=line),
            expected=tr("every line of the source handed over, blank ones included, until readline() returns \"\"."),
        )
    if early and not isinstance(asking.exception(), StopAsyncIteration):
        fail(
            tr("`read_lines` handed over line {n} before the source could have given it.", n=line),
            observed=tr("the consumer asked for line {n} and got {item} sooner than the source gives a line: "
                        "read_lines had read it before it was asked for, so the cancellation meant for the wait found "
                        "nothing to cancel.", n=line, item=shown(asking.result())),
            expected=tr("each line read from the source only when the consumer asks for it, and a consumer cancelled "
                        "while it waits for one ending cancelled, the source closed."),
            advice=tr("Read one line per item: `line = await source.readline()`, then `yield` it, and only then read "
                      "the next. A line read ahead is a read the consumer may never have wanted."),
        )
    ended = asking.exception()  # only StopAsyncIteration gets here: cancelled_mid_read reports any other error
    fail(
        tr("`read_lines` swallowed the cancellation of its consumer."),
        observed=tr("the consumer's task was cancelled {when}; the CancelledError went no further than read_lines, "
                    "which ended, so the consumer saw the end of the lines and its task finished normally, not "
                    "cancelled.", when=when)
        if isinstance(ended, StopAsyncIteration) and returns_in_finally
        else tr("the consumer's task was cancelled {when}; read_lines caught the CancelledError and ended, so the "
                "consumer saw the end of the lines and its task finished normally, not cancelled.", when=when)
        if isinstance(ended, StopAsyncIteration)
        else tr("the consumer's task was cancelled {when}; read_lines caught the CancelledError and yielded {item}, "
                "so the consumer's task finished normally, not cancelled.", when=when, item=shown(asking.result())),
        expected=tr("the consumer's task ending cancelled: the source closed in `finally:`, then the CancelledError "
                    "travelling on out of read_lines. Whoever cancelled it depends on that: a timeout around the "
                    "consumer raises TimeoutError only when the CancelledError reaches it."),
        advice=tr("A `return` in a `finally:` block ends the generator quietly and throws away the exception on its "
                  "way out, CancelledError included. Leave `return` out of `finally:`: close the source there, and let "
                  "the block end by itself.") if returns_in_finally
        else tr("Close the source in `finally:` and do not catch CancelledError: if you must, end the except block "
                "with a bare `raise`. Returning from read_lines instead turns the cancellation into an ordinary end "
                "of the lines."),
    )


async def cancelled_mid_read(learner: Learner, stream: Stream, after: float) -> tuple[asyncio.Task[Any], bool]:
    """Asks for the next item, cancels the asking task `after` seconds later, then closes the iterator,
    as a consumer in `async with contextlib.aclosing(...)` does on its way out. Returns the asking task, and
    whether it was over before the cancel (an item already there)."""
    __tracebackhide__ = True

    async def next_item() -> object:
        return await anext(stream.generator)

    asking = asyncio.create_task(next_item())
    await asyncio.sleep(after)
    early = asking.done()
    asking.cancel()
    try:
        await asking
    except (asyncio.CancelledError, StopAsyncIteration):
        pass
    except Exception as error:  # noqa: BLE001 - the learner's code raised on its way out
        learner.fail_raised("read_lines", error)
    await closed_early(learner, "read_lines", stream, "line")
    return asking, early


# transform


class Produced:
    """What the grader's source generator did: when it made each item, and whether it was closed."""

    def __init__(self) -> None:
        self.made: list[tuple[float, float]] = []  # (began, ready) on the loop clock, one per item
        self.closed = False


async def numbers(values: Sequence[int], interval: float, log: Produced) -> AsyncGenerator[int, None]:
    try:
        for value in values:
            began = loop_clock()
            await asyncio.sleep(interval)
            log.made.append((began, loop_clock()))
            yield value
    finally:
        log.closed = True


def make_numbers(rng: random.Random) -> tuple[AsyncGenerator[int, None], list[int], float, Produced]:
    """Numbers, among them a 0 on every seed: an item like any other, which a loop that stops at a falsy item misses."""
    values = rng.sample(range(1, 100), rng.randint(4, 7))
    values.insert(rng.randint(0, len(values) - 1), 0)
    interval, log = rng.choice(INTERVALS), Produced()
    return numbers(values, interval, log), values, interval, log


def unawaited_aclose(learner: Learner, name: str) -> int | None:
    """The line where function `name` of the learner's file calls `something.aclose()` as a statement of its own,
    never awaited; None if it does not."""
    try:
        tree = syntax.parse(learner.path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and function.name == name:
            for node in ast.walk(function):
                if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) \
                        and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "aclose":
                    return node.lineno
    return None


def square(x: int) -> int:
    return x * x


FUNCS = [square, str, abs, float]


async def test_transform_yields_func_of_each_item(learner: Learner, rng: random.Random) -> None:
    # Two calls, one after the other in the same process, over the same items in another order and with another
    # func: results kept from one call to the next (a cache at module level) come back stale in the second.
    source, values, interval, log = make_numbers(rng)
    func = rng.choice([square, str])  # never the item itself, as abs and float give (3.0 == 3)
    await maps(learner, source, values, func, log)
    values = rng.sample(values, len(values))
    other = rng.choice([f for f in FUNCS if [f(v) for v in values] != [func(v) for v in values]])
    try:
        log = Produced()
        await maps(learner, numbers(values, interval, log), values, other, log)
    except GraderFailure as failure:
        if failure.observed == shown([func(v) for v in values], 200):  # the first call's results for these items
            failure.observed = tr("{items}: what the first call's func, {first}, gives for these items. This was the "
                                  "second of two calls of transform, one after the other, over the same items with "
                                  "another func.", items=failure.observed, first=func.__name__)
            failure.advice = tr("Call func on each item as it comes, in this call: `yield func(item)`. Results kept "
                                "from an earlier call (in a cache outside transform, say) belong to that call's func.")
        raise


async def maps(learner: Learner, source: AsyncGenerator[int, None], values: list[int], func: Any,
               log: Produced) -> None:
    __tracebackhide__ = True
    stream = await learner.stream("transform", source, func)
    await source.aclose()
    mapped_right(values, func, stream.items, log)


def mapped_right(values: list[int], func: Any, items: list[Any], log: Produced) -> None:
    """Fails unless transform yielded func(item) for each of `values`, the items its source (`log`) produced."""
    __tracebackhide__ = True
    expected = [func(v) for v in values]
    if items == expected:
        return
    zero = values.index(0)
    if items == expected[:zero] and len(log.made) == zero + 1:  # it took the 0 from its source and ended there
        advice = tr("Item {i} of the source is 0, and transform stopped there: 0 is an item like any other. A loop "
                    "that ends at a falsy item stops at 0 (or \"\", or None); `async for item in source:` reads every "
                    "item, until the source ends.", i=zero)
    elif items == expected[:zero] + expected[zero + 1:]:  # every item but the 0
        advice = tr("Item {i} of the source is 0, and transform passed on every item but that one: 0 is an item like "
                    "any other. A test such as `if item:` (or `if func(item):`) skips it; yield func(item) for every "
                    "item.", i=zero)
    elif not items and log.made:
        advice = tr("Every item the source gives is one to pass on: `async for item in source: yield func(item)`.")
    else:
        advice = None
    described = tr("{expected}: {func}(item) for each item, in order.", expected=repr(expected), func=func.__name__)
    if not items:
        fail(
            tr("`transform(source, {func})` yielded nothing.", func=func.__name__),
            observed=tr("the consumer read it to its end and got no item; transform had taken {items} from its source.",
                        items=plural(len(log.made), "item"), count=len(log.made)),
            expected=described, advice=advice, cause="transform yielded nothing",
        )
    fail(tr("`transform(source, {func})` yielded the wrong items.", func=func.__name__),
         observed=shown(items, 200), expected=described, advice=advice, cause="transform yielded the wrong items")


async def test_transform_streams_each_item_at_once(learner: Learner, rng: random.Random) -> None:
    source, values, interval, log = make_numbers(rng)
    start = loop_clock()
    stream = await learner.stream("transform", source, square)
    await source.aclose()
    if stream.items != [square(v) for v in values]:  # an item left out would pass for the first one held back
        mapped_right(values, square, stream.items, log)
    made = ready_by(log.made, stream)
    everything = made >= len(values)
    late_first(
        "transform", stream, start, interval,
        tr("the source had produced all {count} items first.", count=len(values)) if everything
        else tr("the first item was handed over only once the source had produced {count}.", count=made),
        advice=tr("`async for item in source: yield func(item)` passes each item on as it comes. Collecting the "
                  "source into a list first (also with `[x async for x in source]`) waits for the whole source.")
        if everything
        else tr("Yield each item as soon as it comes from the source, before asking for the next: "
                "`async for item in source: yield func(item)`."),
        drawn=made_and_held(stream, start, log.made, "item"),
    )


async def test_transform_closes_its_source_when_closed_early(learner: Learner, rng: random.Random) -> None:
    source, values, interval, log = make_numbers(rng)
    take = rng.randint(1, len(values) - 2)
    before = asyncio.all_tasks()
    stream = await learner.stream("transform", source, square, take=take)
    spawned = checks.tasks_started_since(before)
    await closed_early(learner, "transform", stream, "item")
    closed_then = log.closed
    await asyncio.sleep(AFTER_CLOSE * interval)
    outlived_the_close("transform", spawned, AFTER_CLOSE * interval)
    closed_in_time("transform", closed_then, log.closed, tr("its consumer's `aclose()` had returned"))
    closed = log.closed
    await source.aclose()
    if not closed:
        line = unawaited_aclose(learner, "transform")
        fail(
            tr("`transform` was closed early, but its source was left open."),
            observed=tr("the consumer took {taken} and closed transform; the source generator was never closed, so its "
                        "cleanup (`finally:`) had not run.", taken=plural(take, "item"), count=take),
            expected=tr("closing the pipeline closes every stage: transform closes its source."),
            advice=tr("Line {line} calls `aclose()` without `await`: that only makes the closing coroutine, and nothing "
                      "runs it. Write `await source.aclose()`.", line=line) if line
            else tr("`async for` does not close what it reads from when it is interrupted. Wrap the loop: "
                    "`async with contextlib.aclosing(source):` (or `try:` ... `finally: await source.aclose()`)."),
        )
