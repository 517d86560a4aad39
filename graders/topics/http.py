"""Graders for topic 06: HTTP with aiohttp.

The learner's functions fetch URLs from a real aiohttp.web server on 127.0.0.1 that runs in
the test's own event loop, with virtual delays: loop time is exact and no test touches any
other network.
"""

from __future__ import annotations

import random

import aiohttp

import pytest

from graders.harness import checks, naps
from graders.harness.feedback import fail, plural, seconds, shown, without_ports
from graders.harness.http_server import Server, client_watch, closed_port_url
from graders.i18n import tr
from graders.harness.learner import Learner, Outcome
from graders.harness.probes import Recorder, loop_clock
from graders.harness.schedule import uneven_durations

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]

WORDS = ["apple", "birch", "cedar", "daisy", "elder", "fern", "ginkgo", "hazel", "iris", "juniper", "kale", "lotus"]
LEAK_BODY = "x" * 2_000_000  # too big to arrive unread: an unreleased response keeps its connection busy


class Site:
    """The pages one grader serves: their URLs, bodies and delays, and what the server saw."""

    def __init__(self, server: Server, delays: list[float], rng: random.Random) -> None:
        names = [f"page{n}" for n in rng.sample(range(10, 99), len(delays))]
        self.bodies = [f"{word} {rng.randint(100, 999)}" for word in rng.sample(WORDS, len(delays))]
        self.delays = delays
        self.urls = [server.url(n, delay=d, body=b) for n, d, b in zip(names, delays, self.bodies)]


def shuffled_delays(rng: random.Random, count: int) -> list[float]:
    """Distinct delays out of order, so that responses finish in another order than the URLs."""
    delays = rng.sample([0.5 * k for k in range(1, 13)], count)
    if delays == sorted(delays):
        delays.reverse()
    return delays


def succeeded(learner: Learner, name: str, outcome: Outcome) -> object:
    __tracebackhide__ = True
    if outcome.error is not None:
        learner.fail_raised(name, outcome.error)
    return outcome.value


def requests_together(name: str, recorder: Recorder, elapsed: float, expected: float, count: int) -> None:
    __tracebackhide__ = True
    if abs(elapsed - expected) <= checks.TOLERANCE and recorder.max_in_flight == count:
        return
    blanks = {"name": name, "elapsed": seconds(elapsed), "expected": seconds(expected), "count": count,
              "most": recorder.max_in_flight, "requests": plural(len(recorder.spans), "request")}
    one_by_one = recorder.max_in_flight <= 1
    fail(
        tr("`{name}` sent the requests one after another: it took {elapsed} instead of {expected}.", **blanks)
        if one_by_one
        else tr("`{name}` sent the requests at most {most} at a time: it took {elapsed} instead of {expected}.", **blanks),
        observed=tr("the server received {requests}, one after another; the call took {elapsed} of loop time.", **blanks)
        if one_by_one
        else tr("the server received {requests}, at most {most} at a time; the call took {elapsed} of loop time.",
                **blanks),
        expected=tr("all {count} requests in flight at once, so the call takes as long as the slowest page: "
                    "{expected}.", **blanks),
        timeline=recorder.timeline(),
        advice=tr("Start every request before awaiting any: a small `async def fetch(url)` using the shared session, "
                  "then `await asyncio.gather(*(fetch(url) for url in urls))`. `await` inside a for loop waits for "
                  "each response before sending the next request."),
    )


# fetch_all


async def test_fetch_all_returns_bodies_in_order(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    async with Server(recorder) as server:
        site = Site(server, shuffled_delays(rng, rng.randint(3, 6)), rng)
        got = succeeded(learner, "fetch_all", await learner.outcome("fetch_all", site.urls))
    checks.returned("fetch_all", got, list, tr("a list of response bodies"))
    checks.same_results("fetch_all", got, site.bodies, recorder, given=tr("the URLs you were given"))


async def test_fetch_all_uses_one_session(learner: Learner, rng: random.Random) -> None:
    await uses_one_session(learner, rng, "fetch_all")


async def uses_one_session(learner: Learner, rng: random.Random, name: str, *args: object) -> None:
    """`name(urls, *args)` fetches all its URLs through one ClientSession."""
    __tracebackhide__ = True
    recorder = Recorder()
    async with Server(recorder) as server:
        site = Site(server, shuffled_delays(rng, rng.randint(3, 6)), rng)
        with client_watch() as watch:
            succeeded(learner, name, await learner.outcome(name, site.urls, *args))
    sessions = len(watch.sessions)
    unclosed = [s for s in watch.sessions if not s.closed]
    for session in unclosed:
        await session.close()
    if sessions == 1 and unclosed:
        fail(
            tr("`{name}` left its ClientSession open.", name=name),
            observed=tr("the session was still open when `{name}` returned: its connections stay open, and aiohttp "
                        "warns \"Unclosed client session\".", name=name),
            expected=tr("the session closed before the function returns."),
            advice=tr("`async with aiohttp.ClientSession() as session:` closes it when the block ends; or "
                      "`await session.close()` in a `finally:`."),
        )
    if sessions == 1:
        return
    if sessions == 0:
        fail(
            tr("`{name}` did not use aiohttp.ClientSession.", name=name),
            expected=tr("one `aiohttp.ClientSession()` for all the requests."),
            advice=tr("`async with aiohttp.ClientSession() as session:`, then `session.get(url)` for each URL."),
        )
    fail(
        tr("`{name}` created {sessions} for {requests}.",
           name=name, sessions=plural(sessions, "ClientSession"), requests=plural(len(site.urls), "request")),
        observed=tr("{count} sessions: each one opens its own connections and closes them again, so no connection is "
                    "ever reused.", count=sessions),
        expected=tr("ONE session for all the requests: a session keeps a pool of open connections and reuses them, "
                    "which saves a new TCP (and TLS) handshake per request."),
        advice=tr("Create the session once, outside the per-URL code: `async with aiohttp.ClientSession() as session:` "
                  "around the gather, and pass `session` to the coroutine that fetches one URL."),
    )


async def test_fetch_all_sends_requests_together(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    async with Server(recorder) as server:
        site = Site(server, shuffled_delays(rng, rng.randint(3, 6)), rng)
        outcome, elapsed = await checks.timed_outcome(learner, "fetch_all", site.urls)
        succeeded(learner, "fetch_all", outcome)
    requests_together("fetch_all", recorder, elapsed, max(site.delays), len(site.urls))


# fetch_statuses


async def test_fetch_statuses_reports_each_status_or_none(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    async with Server(recorder) as server:
        statuses = [200, rng.choice([404, 410]), rng.choice([500, 503]), 200]
        rng.shuffle(statuses)
        dead = rng.randrange(len(statuses) + 1)
        expected: list[int | None] = [*statuses]
        expected.insert(dead, None)
        # Distinct delays, drawn again until the statuses in the order they arrive (the unreachable
        # URL's None first) differ from the order of the URLs: on every seed, an answer that
        # collects them as they arrive shows it.
        delays = rng.sample([0.5, 1.0, 1.5, 2.0, 2.5], len(statuses))
        while [None, *(s for _, s in sorted(zip(delays, statuses)))] == expected:
            rng.shuffle(delays)
        urls = [server.url(f"page{i}", delay=d, body=f"status {s}", status=s)
                for i, (s, d) in enumerate(zip(statuses, delays))]
        urls.insert(dead, closed_port_url(f"page{len(urls)}"))
        outcome = await learner.outcome("fetch_statuses", urls)
    if outcome.error is not None and not isinstance(outcome.error, aiohttp.ClientConnectionError):
        learner.fail_raised("fetch_statuses", outcome.error)
    if outcome.error is not None:
        fail(
            tr("`fetch_statuses` raised {kind}: one unreachable URL spoiled all the others.",
               kind=type(outcome.error).__name__),
            observed=tr("`urls[{dead}]` points where no server listens, and the error escaped.", dead=dead),
            expected=tr("{expected}: None for the unreachable URL, a status code for every other one.",
                        expected=repr(expected)),
            details=without_ports(learner.format_error(outcome.error)),
            advice=tr("Catch it for each URL separately: `try:` around one request, `except "
                      "aiohttp.ClientConnectionError: return None`. HTTP errors like 404 are not exceptions in aiohttp."),
        )
    got = outcome.value
    checks.returned("fetch_statuses", got, list, tr("a list of status codes and Nones"))
    if got == expected:
        return
    if len(got) == len(expected) and sorted(map(repr, got)) == sorted(map(repr, expected)):
        fail(
            tr("`fetch_statuses` returned the right statuses in the wrong order."),
            observed=shown(got, width=400),
            expected=tr("{expected}: the same order as the URLs you were given.", expected=repr(expected)),
            advice=tr("Results must follow the order of the URLs, not the order the responses arrive in. "
                      "`asyncio.gather` keeps argument order for you; `asyncio.as_completed` does not."),
        )
    hidden = [e for g, e in zip(got, expected) if g is None and e is not None]
    if len(got) == len(expected) and all(g is None for g in got):
        fail(
            tr("`fetch_statuses` returned None for every URL, those that answered too."),
            observed=shown(got, width=400),
            expected=tr("{expected}: None only for the unreachable URL, `urls[{dead}]`.", expected=repr(expected), dead=dead),
            advice=tr("One unreachable URL made the whole gather raise, and the except around it replaced every status. "
                      "Catch the error for each URL on its own: `try:` around one request, inside the coroutine that "
                      "fetches that URL."),
        )
    if hidden and len(got) == len(expected):
        fail(
            tr("`fetch_statuses` returned None for HTTP status {statuses}.",
               statuses=", ".join(map(str, sorted(set(hidden))))),
            observed=shown(got, width=400),
            expected=tr("{expected}: a server that answers 404 or 500 did answer; that status is the result. "
                        "None is only for a URL where nobody answered at all.", expected=repr(expected)),
            advice=tr("Catch `aiohttp.ClientConnectionError` only, not `aiohttp.ClientError` (which includes the "
                      "error raise_for_status() raises), and return `response.status` for every answer."),
        )
    fail(tr("`fetch_statuses` returned the wrong list."), observed=shown(got, width=400), expected=repr(expected))


async def test_fetch_statuses_uses_one_session(learner: Learner, rng: random.Random) -> None:
    await uses_one_session(learner, rng, "fetch_statuses")


async def test_fetch_statuses_releases_every_response(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    async with Server(recorder) as server:
        count = rng.randint(2, 4)
        urls = [server.url(f"big{i}", delay=rng.choice([0.5, 1.0]), body=LEAK_BODY) for i in range(count)]
        with client_watch() as watch:
            succeeded(learner, "fetch_statuses", await learner.outcome("fetch_statuses", urls))
        leaked = watch.unreleased()
        for response in leaked:
            response.close()
    if leaked:
        fail(
            tr("`fetch_statuses` left {responses} of {count} unreleased.",
               responses=plural(len(leaked), "response"), count=len(urls)),
            observed=tr("it read their status but neither read their bodies to the end nor released them, so each held "
                        "on to its connection: the pool runs dry, and aiohttp warns \"Unclosed response\"."),
            expected=tr("every response released as soon as you are done with it."),
            advice=tr("`async with session.get(url) as response:` releases the response when the block ends, even "
                      "if you never read the body. `response = await session.get(url)` does not."),
        )


# fetch_limited


def limited_delays(rng: random.Random) -> tuple[list[float], int]:
    """Delays where every way of sharing the URLs out in advance leaves a slot idle (see uneven_durations)."""
    limit = rng.randint(2, 3)
    return uneven_durations(rng, rng.randint(limit * 2 + 1, limit * 3)), limit


async def test_fetch_limited_never_exceeds_the_limit(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    delays, limit = limited_delays(rng)
    async with Server(recorder) as server:
        site = Site(server, delays, rng)
        got = succeeded(learner, "fetch_limited", await learner.outcome("fetch_limited", site.urls, limit))
    if recorder.max_in_flight > limit:
        blanks = {"most": recorder.max_in_flight, "limit": limit, "count": len(site.urls)}
        # Never over the limit until the headers came: the slot was let go before the body was read.
        early = server.heads.max_in_flight <= limit
        fail(
            tr("`fetch_limited` had {most} requests in flight at once; the limit was {limit}.", **blanks),
            observed=tr("each request gave up its slot as soon as the response's headers arrived, so up to {most} "
                        "responses were still sending their bodies at the same moment.", **blanks)
            if early
            else tr("the server was handling up to {most} of the {count} requests at the same moment.", **blanks),
            expected=tr("never more than {limit} at once: a limit protects a server (and your connection) from a "
                        "flood.", **blanks),
            timeline=recorder.timeline(),
            advice=tr("A request is in flight until its body is read: read `await response.text()` inside "
                      "`async with seats:`, not after it.")
            if early
            else tr("Share one `asyncio.Semaphore(limit)` and hold it around each request: `async with seats:` then "
                    "`async with session.get(url) as response:`."),
        )
    checks.returned("fetch_limited", got, list, tr("a list of response bodies"))
    checks.same_results("fetch_limited", got, site.bodies, recorder, given=tr("the URLs you were given"))


async def test_fetch_limited_uses_one_session(learner: Learner, rng: random.Random) -> None:
    await uses_one_session(learner, rng, "fetch_limited", 2)


async def test_fetch_limited_keeps_every_slot_busy(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    delays, limit = limited_delays(rng)
    async with Server(recorder) as server:
        site = Site(server, delays, rng)
        origin = loop_clock()
        async with naps.Watch(learner.path, lambda: len(recorder.spans) < len(delays)) as watch:  # a URL still waits
            outcome = await learner.outcome("fetch_limited", site.urls, limit)
        succeeded(learner, "fetch_limited", outcome)
    if watch.nap is not None and checks.idle_slot_of(recorder, origin, limit):
        fail(
            tr("`fetch_limited` let a slot stand idle while a Task of yours slept."),
            observed=tr("at {at}, while URLs waited for a request, a Task of yours was asleep at line {line} "
                        "(`{source}`), and a slot stood idle.", at=seconds(watch.nap.at - origin), line=watch.nap.line,
                        source=watch.nap.source),
            expected=tr("a new request the moment a running one finishes, so {limit} are busy while any are left.",
                        limit=limit),
            timeline=recorder.timeline(),
            advice=tr("Hold a seat of the semaphore only while a request is in flight: a pause inside `async with "
                      "semaphore:` keeps the seat from the next URL, and a loop that sleeps until a seat is free "
                      "leaves it idle until the next look. Take the seat with `async with semaphore:` around the "
                      "request and the reading of its body, and nothing else."),
        )
    checks.kept_slots_busy(
        "fetch_limited", recorder, origin, limit, units=tr("requests"),
        advice=tr("Start a fetch for every URL at once with gather, and let the shared semaphore decide which may "
                  "send its request. Sharing the URLs out in advance (fixed batches, a fixed list per worker) leaves "
                  "slots idle."),
    )
