"""Graders for topic 06: HTTP with aiohttp.

The learner's functions fetch URLs from a real aiohttp.web server on 127.0.0.1 that runs in
the test's own event loop, with virtual delays: loop time is exact and no test touches any
other network.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from typing import Any

import aiohttp

import pytest

from graders.harness import checks, naps
from graders.harness.feedback import GraderFailure, fail, plural, seconds, shown, without_ports
from graders.harness.http_server import Server, client_watch, connectors_made
from graders.i18n import listed, sentences, tr
from graders.harness.made_tasks import ranked
from graders.harness.learner import Learner, Outcome
from graders.harness.probes import Recorder, loop_clock
from graders.harness.schedule import idle_slot, uneven_durations

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]

WORDS = ["apple", "birch", "cedar", "daisy", "elder", "fern", "ginkgo", "hazel", "iris", "juniper", "kale", "lotus"]
MORE_WORDS = ["maple", "nettle", "olive", "poppy"]  # for the graders that send more requests than a connector's cap
LEAK_BODY = "x" * 2_000_000  # too big to arrive unread: an unreleased response keeps its connection busy


class Site:
    """The pages one grader serves: their URLs, bodies and delays, and what the server saw."""

    def __init__(self, server: Server, delays: list[float], rng: random.Random, *, an_error_page: bool = False) -> None:
        names = [f"page{n}" for n in rng.sample(range(10, 99), len(delays))]
        words = WORDS if len(delays) <= len(WORDS) else WORDS + MORE_WORDS
        # Each ends with a line break, as a page's text does: `.strip()` on what `response.text()` gives changes it.
        self.bodies = [f"{word} {rng.randint(100, 999)}\n" for word in rng.sample(words, len(delays))]
        self.delays = delays
        # `an_error_page`: one page answers 404 or 500, with a body all the same, which is what a GET of it gives.
        self.statuses = [200] * len(delays)
        if an_error_page:
            self.statuses[rng.randrange(len(delays))] = rng.choice([404, 500])
        self.urls = [server.url(n, delay=d, body=b, status=c) for n, d, b, c in zip(names, delays, self.bodies, self.statuses)]
        self.names = names
        self.twice: tuple[int, int] | None = None  # the places of a URL listed twice, once `repeat` has put it there

    def repeat(self, rng: random.Random) -> None:
        """List one URL a second time, later in the list: each place gets the body of its own request."""
        first = rng.randrange(len(self.urls))
        at = rng.randint(first + 1, len(self.urls))
        for values in (self.urls, self.bodies, self.delays, self.statuses, self.names):
            values.insert(at, values[first])
        self.twice = (first, at)


SLOW_PAGE = 40.0  # seconds: the slowest page of some graders takes 40 to 50, its status coming halfway


def with_a_slow_page(rng: random.Random, delays: list[float]) -> list[float]:
    """`delays` with the slowest made 40 to 50 s: the README promises every page fetched however slowly it answers
    (a timeout shorter than tens of seconds of loop time fails), and on every seed one page shows it."""
    slow = list(delays)
    slow[slow.index(max(slow))] = SLOW_PAGE + 0.5 * rng.randint(0, 20)
    return slow


def shuffled_delays(rng: random.Random, count: int, steps: int = 12) -> list[float]:
    """Distinct delays (multiples of 0.5 s up to `steps` of them) out of order, so that responses finish in another
    order than the URLs."""
    delays = rng.sample([0.5 * k for k in range(1, steps + 1)], count)
    if delays == sorted(delays):
        delays.reverse()
    return delays


async def fetched(learner: Learner, name: str, slowest: float, *args: object) -> tuple[object, float]:
    """`name(*args)`'s value and how long it took on the loop's clock; fails if it raised (`slowest`: the delay
    of the slowest page it was given)."""
    __tracebackhide__ = True
    outcome, elapsed = await outcome_of(learner, name, *args)
    if outcome.error is not None:
        raised(learner, name, outcome.error, elapsed, slowest)
    return outcome.value, elapsed


async def outcome_of(learner: Learner, name: str, *args: object) -> tuple[Outcome, float]:
    """`checks.timed_outcome(learner, name, *args)`; fails first if the call sent anything but GET requests."""
    __tracebackhide__ = True
    # Tasks and Futures hashed by the order they were made: bodies read in the order of asyncio.wait's `done` come out
    # the same on every run of a file and seed (by memory addresses, a wrong order sometimes passed).
    with client_watch() as watch, ranked(asyncio.get_running_loop()):
        outcome, elapsed = await checks.timed_outcome(learner, name, *args)
    others = [r for r in watch.responses if r.method != "GET"]
    if others:
        for response in watch.unreleased():
            response.close()
        methods = sorted({r.method for r in others})
        fail(
            tr("`{name}` sent {method} requests, not GET.", name=name, method=listed(methods)),
            observed=tr("{requests} went out with the method {method}; the task asks for GET.",
                        requests=plural(len(others), "request"), method=listed(methods)),
            expected=tr("a GET request for each URL (`session.get(url)`), as the task asks: a server may answer a HEAD "
                        "otherwise than a GET, or refuse it."),
            advice=tr("Use `async with session.get(url) as response:` and return `response.status` without reading "
                      "the body: leaving the block releases the response unread."),
            cause="method",
        )
    return outcome, elapsed


ERROR_PAGE_ADVICE = ("A server that answers 404 or 500 did answer, and its page has a body: return `await "
                     "response.text()` whatever the status. aiohttp raises for such an answer only when asked to "
                     "(`raise_for_status=True`, or `response.raise_for_status()`).")


def raised(learner: Learner, name: str, error: BaseException, elapsed: float, slowest: float) -> None:
    """Fails with what `name` raised; a TimeoutError with the pages' delays, which the learner cannot see."""
    __tracebackhide__ = True
    if isinstance(error, aiohttp.ClientResponseError) and name != "fetch_statuses":
        fail(
            tr("`{name}` raised {error} for the page that answered {status}.", name=name, error=type(error).__name__,
               status=error.status),
            observed=tr("a page answered {status}, with a body, and your code turned that answer into an exception.",
                        status=error.status),
            expected=tr("the body of every page, whatever its status."),
            details=without_ports(learner.format_error(error)),
            advice=tr(ERROR_PAGE_ADVICE),
        )
    if not isinstance(error, TimeoutError):
        learner.fail_raised(name, error)
    # aiohttp's own default timeout (5 minutes a request) is longer than any page served here: the timeout is theirs.
    fail(
        tr("`{name}` raised TimeoutError after {elapsed} of loop time; its slowest page takes {slowest} to answer.",
           name=name, elapsed=seconds(elapsed), slowest=seconds(slowest)),
        observed=tr("the graders' pages answer slowly on purpose, up to {slowest} each (on a virtual clock: it costs "
                    "no real time), and a timeout in your code gave up on a page before it answered.",
                    slowest=seconds(slowest)),
        expected=tr("every page fetched, however long it takes to answer."),
        details=without_ports(learner.format_error(error)),
        advice=tr("Leave the timeout out (aiohttp's default allows 5 minutes a request), or allow more than the slowest "
                  "page: `aiohttp.ClientTimeout(total=...)`, a request's `timeout=` and `asyncio.timeout(...)` each end "
                  "a request that would have answered."),
        cause="timeout",
    )


def connector_advice(connectors: Sequence[aiohttp.BaseConnector], most: int) -> str | None:
    """Advice naming the connector whose limit was the cap of `most` requests at once, if one was."""
    for connector in connectors:
        # Every page is on one host, 127.0.0.1: either limit caps them all (0 means none).
        for setting in ("limit", "limit_per_host"):
            if getattr(connector, setting, 0) == most:
                return tr("Your session's connector, `aiohttp.TCPConnector({setting}={most})`, opens at most {most} "
                          "connections at a time, so the other requests waited for one to free up. This function sends "
                          "every request at once: leave the connector out (aiohttp's default allows 100 connections) or "
                          "give it a higher limit.", setting=setting, most=most)
    return None


TOGETHER = (11, 14)  # URLs in a grader of requests sent together: more than a connector's usual caps (5, 10)


async def sent_at_once(learner: Learner, name: str, rng: random.Random) -> tuple[Server, float, float,
                                                                                 list[aiohttp.BaseConnector],
                                                                                 naps.Nap | None]:
    """One call of `name` on more URLs than a connector's usual caps: the server (closed), the slowest page's delay,
    how long the call took, the connectors it made, and a sleep of the learner's while some request was unsent."""
    __tracebackhide__ = True
    recorder = Recorder()
    async with Server(recorder) as server:
        site = Site(server, shuffled_delays(rng, rng.randint(*TOGETHER), steps=16), rng)
        with connectors_made() as connectors:
            # In a Task of its own, so that a pause in the learner's function itself is heard too.
            async with naps.Watch(learner.path, lambda: len(recorder.spans) < len(site.urls)) as watch:
                origin = loop_clock()
                _, elapsed = await asyncio.create_task(fetched(learner, name, max(site.delays), site.urls))
    nap = watch.nap and naps.Nap(watch.nap.at - origin, watch.nap.line, watch.nap.source)
    return server, max(site.delays), elapsed, connectors, nap


def spread_out(name: str, server: Server, count: int, nap: naps.Nap | None, shown_as: Recorder) -> None:
    """Fails when the requests reached the server at different moments, some of them not as another request ended
    or was answered: no connection limit and no awaited response held those back (`shown_as`: the timeline's
    record)."""
    __tracebackhide__ = True
    starts = sorted(span.start for span in server.recorder.spans)
    if len(starts) < 2 or starts[-1] - starts[0] <= checks.TOLERANCE:
        return
    ends = [span.end for spans in (server.recorder.spans, server.heads.spans) for span in spans if span.end is not None]
    unprompted = [t for t in starts if t > starts[0] + checks.TOLERANCE
                  and all(abs(t - end) > checks.TOLERANCE for end in ends)]
    if not unprompted:
        return  # each late one came as another ended: a cap or awaits in a loop, told by the caller
    blanks = {"name": name, "count": count, "spread": seconds(starts[-1] - starts[0]),
              "gap": seconds(max(b - a for a, b in zip(starts, starts[1:]))),
              "late": plural(len(unprompted), "request")}
    if nap is not None:
        advice = tr("At {at}, before every request had been sent, your code paused at line {line} (`{source}`): the "
                    "requests started after that pause went out late. Start them all at the same moment: "
                    "`await asyncio.gather(*(fetch(url) for url in urls))`, with no pause between one request and "
                    "the next.", at=seconds(nap.at), line=nap.line, source=nap.source)
    else:
        advice = tr("Start every request at the same moment, awaiting nothing between one and the next: "
                    "`await asyncio.gather(*(fetch(url) for url in urls))`, or create every Task in a loop with no "
                    "`await` in it and await them afterwards.")
    fail(
        tr("`{name}` did not send the requests all at once: they reached the server over {spread}.", **blanks),
        observed=tr("the server received the {count} requests at different moments, up to {gap} apart; {late} "
                    "arrived when no other request had just ended or been answered, so no connection limit and no "
                    "awaited response held them back.", **blanks),
        expected=tr("all {count} requests reaching the server at the same moment, before any answer comes back.",
                    **blanks),
        timeline=shown_as.timeline(),
        advice=advice,
    )


def requests_together(name: str, server: Server, elapsed: float, expected: float, count: int,
                      connectors: Sequence[aiohttp.BaseConnector], nap: naps.Nap | None) -> None:
    """All `count` requests in flight together, the call as long as the slowest page."""
    __tracebackhide__ = True
    recorder = server.recorder
    spread_out(name, server, count, nap, recorder)
    blanks = {"name": name, "elapsed": seconds(elapsed), "expected": seconds(expected), "count": count,
              "most": recorder.max_in_flight, "requests": plural(len(recorder.spans), "request"),
              "extra": seconds(elapsed - expected)}
    if recorder.max_in_flight == count:
        if elapsed <= expected + checks.TOLERANCE:
            return  # sooner than the slowest page is the bodies' grader's business
        fail(
            tr("`{name}` took {elapsed} instead of {expected}, the time of its slowest page.", **blanks),
            observed=tr("all {count} requests reached the server at the same moment, and the last page was sent at "
                        "{expected}; the call returned {extra} after that.", **blanks),
            expected=tr("the call returning as soon as the slowest page is read: {expected}.", **blanks),
            timeline=recorder.timeline(),
            advice=tr("Return the bodies as soon as every response is read: nothing is left to wait for once the "
                      "gather is done."),
        )
    one_by_one = recorder.max_in_flight <= 1
    slower = elapsed > expected + checks.TOLERANCE  # with slow pages first, a few at a time may take no longer
    fail(
        (tr("`{name}` sent the requests one after another: it took {elapsed} instead of {expected}.", **blanks)
         if slower else tr("`{name}` sent the requests one after another.", **blanks))
        if one_by_one
        else tr("`{name}` sent the requests at most {most} at a time: it took {elapsed} instead of {expected}.", **blanks)
        if slower else tr("`{name}` sent the requests at most {most} at a time.", **blanks),
        observed=tr("the server received {requests}, one after another; the call took {elapsed} of loop time.", **blanks)
        if one_by_one
        else tr("the server received {requests}, at most {most} at a time; the call took {elapsed} of loop time.",
                **blanks),
        expected=tr("all {count} requests in flight at once, so the call takes as long as the slowest page: "
                    "{expected}.", **blanks),
        timeline=recorder.timeline(),
        advice=connector_advice(connectors, recorder.max_in_flight) or together_advice(),
    )


def together_advice() -> str:
    return tr("Start every request before awaiting any: a small `async def fetch(url)` using the shared session, "
              "then `await asyncio.gather(*(fetch(url) for url in urls))`. `await` inside a for loop waits for "
              "each response before sending the next request.")


def answered_together(name: str, server: Server, count: int, connectors: Sequence[aiohttp.BaseConnector],
                      nap: naps.Nap | None) -> None:
    """All `count` requests reached the server at one moment, before it answered any (`server.heads`: each request
    until its headers)."""
    __tracebackhide__ = True
    spread_out(name, server, count, nap, server.heads)
    heads = server.heads
    most = heads.max_in_flight
    if most == count:
        return
    blanks = {"name": name, "most": most, "count": count, "requests": plural(len(heads.spans), "request")}
    fail(
        tr("`{name}` sent the requests one after another.", **blanks) if most <= 1
        else tr("`{name}` sent the requests at most {most} at a time.", **blanks),
        observed=tr("the server received {requests}, each only once it had answered the one before.", **blanks)
        if most <= 1
        else tr("the server received {requests}; at most {most} of them were waiting for their answer at the same "
                "moment.", **blanks),
        expected=tr("all {count} requests sent before any answer comes back.", **blanks),
        timeline=heads.timeline(),
        advice=connector_advice(connectors, most) or together_advice(),
    )


# fetch_all


async def test_fetch_all_returns_bodies_in_order(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    async with Server(recorder) as server:
        site = Site(server, with_a_slow_page(rng, shuffled_delays(rng, rng.randint(3, 6))), rng, an_error_page=True)
        site.repeat(rng)  # a URL listed twice, on every draw
        got, _ = await fetched(learner, "fetch_all", max(site.delays), site.urls)
    bodies_in_order("fetch_all", got, site, recorder)


def bodies_in_order(name: str, got: object, site: Site, recorder: Recorder) -> None:
    __tracebackhide__ = True
    checks.returned(name, got, list, tr("a list of response bodies"))
    assert isinstance(got, list)
    if got and all(isinstance(body, bytes) for body in got):
        fail(
            tr("`{name}` returned the bodies as bytes, not as text.", name=name),
            observed=shown(got, width=400),
            expected=tr("{expected}: each body as a str, in the order of the URLs.", expected=repr(site.bodies)),
            advice=tr("`await response.read()` gives the body's raw bytes; `await response.text()` decodes them "
                      "into a str."),
        )
    if len(got) == len(site.bodies) and got != site.bodies and all(
            isinstance(body, str) and body.strip() == whole.strip() for body, whole in zip(got, site.bodies)):
        fail(
            tr("`{name}` changed the bodies: the line break at their end is gone.", name=name),
            observed=shown(got, width=400),
            expected=tr("{expected}: each body as the server sent it, in the order of the URLs.", expected=repr(site.bodies)),
            advice=tr("Return what `await response.text()` gives, as it is: `.strip()` (or `.rstrip()`) takes away "
                      "the whitespace at the ends of a page, which is part of its body."),
        )
    errors = [i for i, status in enumerate(site.statuses) if status != 200]
    if (len(got) == len(site.bodies) and errors and all(got[i] != site.bodies[i] for i in errors)
            and all(got[i] == site.bodies[i] for i in range(len(got)) if i not in errors)):
        fail(
            tr("`{name}` did not return the body of the page that answered {status}.", name=name,
               status=site.statuses[errors[0]]),
            observed=tr("{got}: entry {i} is {value}.", got=shown(got, width=400), i=errors[0], value=repr(got[errors[0]])),
            expected=tr("{expected}: the page at `urls[{i}]` answered {status} with the body {body}, which is what a GET "
                        "of it gives.", expected=repr(site.bodies), i=errors[0], status=site.statuses[errors[0]],
                        body=repr(site.bodies[errors[0]])),
            advice=tr(ERROR_PAGE_ADVICE),
        )
    cut = [i for i, (body, whole) in enumerate(zip(got, site.bodies))
           if isinstance(body, str) and body != whole and whole.startswith(body)]
    if len(got) == len(site.bodies) and cut and all(i in cut or got[i] == site.bodies[i] for i in range(len(got))):
        fail(
            tr("`{name}` returned bodies cut short.", name=name),
            observed=tr("{got}: {first} is the beginning of {whole}, and {count} of the {total} bodies are cut short "
                        "like it.", got=shown(got, width=400), first=repr(got[cut[0]]), whole=repr(site.bodies[cut[0]]),
                        count=len(cut), total=len(got)),
            expected=tr("{expected}: each whole body, in the order of the URLs.", expected=repr(site.bodies)),
            timeline=recorder.timeline(),
            advice=tr("Read the whole body: `await response.text()` reads it to its end. A single "
                      "`response.content.read(n)` (or `readany()`) gives what has arrived so far, and the test server "
                      "sends its bodies in parts."),
        )
    if site.twice is not None and len(got) == len(site.bodies):
        wrong = {i for i, (body, right) in enumerate(zip(got, site.bodies)) if body != right}
        if wrong and wrong <= set(site.twice):
            first, again = site.twice
            fail(
                tr("`{name}` did not return the body of a URL listed twice at both its places.", name=name),
                observed=tr("`urls[{a}]` and `urls[{b}]` are the same URL; the call returned {got}.", a=first, b=again,
                            got=shown(got, width=400)),
                expected=tr("{expected}: one body for each entry of the list, in its order, also for a URL that is "
                            "there twice.", expected=repr(site.bodies)),
                advice=tr("Keep each body with its place in the list (`asyncio.gather` does that for you), not with "
                          "the URL: `urls.index(url)` finds only its first place, and a dict keyed by the URL holds "
                          "one entry."),
            )
    if site.twice is not None:
        name_twice = site.names[site.twice[0]]
        asked = sum(1 for span in recorder.spans if span.label.endswith(name_twice))
        if asked < 2:
            fail(
                tr("`{name}` sent one request for a URL listed twice.", name=name),
                observed=tr("`urls[{a}]` and `urls[{b}]` are the same URL; the server got {count} for it.",
                            a=site.twice[0], b=site.twice[1], count=plural(asked, "request")),
                expected=tr("a GET for each entry of the list: a URL listed twice is asked twice, and each of its "
                            "places gets the body of its own request."),
                advice=tr("Send one request per entry of `urls`, as they come: a page may answer differently the "
                          "second time, and a set or a dict of URLs keeps only one of them."),
            )
    checks.same_results(name, got, site.bodies, recorder, given=tr("the URLs you were given"),
                        distinct=len(set(site.urls)))


async def test_fetch_all_uses_one_session(learner: Learner, rng: random.Random) -> None:
    await uses_one_session(learner, rng, "fetch_all")


async def uses_one_session(learner: Learner, rng: random.Random, name: str, *args: object) -> None:
    """`name(urls, *args)` fetches all its URLs through one ClientSession."""
    __tracebackhide__ = True
    recorder = Recorder()
    async with Server(recorder) as server:
        site = Site(server, shuffled_delays(rng, rng.randint(3, 6)), rng)
        with client_watch() as watch:
            await fetched(learner, name, max(site.delays), site.urls, *args)
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
    server, slowest, elapsed, connectors, nap = await sent_at_once(learner, "fetch_all", rng)
    requests_together("fetch_all", server, elapsed, slowest, len(server.routes), connectors, nap)


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
        # The slowest page made slower still (the order they arrive in is kept): its status comes tens of seconds
        # after the request, so a timeout of a few seconds, which would return None for it, shows on every seed.
        delays = with_a_slow_page(rng, delays)
        urls = [server.url(f"page{i}", delay=d, body=f"status {s}", status=s)
                for i, (s, d) in enumerate(zip(statuses, delays))]
        urls.insert(dead, server.unreachable_url(f"page{len(urls)}"))
        origin = loop_clock()
        outcome, elapsed = await outcome_of(learner, "fetch_statuses", urls)
    if outcome.error is not None and not isinstance(outcome.error, aiohttp.ClientConnectionError):
        raised(learner, "fetch_statuses", outcome.error, elapsed, max(delays))
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
    if hidden and len(got) == len(expected):
        gave_up(learner, got, expected, dead, recorder, delays, origin, elapsed)
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
            advice=hidden_status_advice(learner),
        )
    fail(tr("`fetch_statuses` returned the wrong list."), observed=shown(got, width=400), expected=repr(expected))


def gave_up(learner: Learner, got: list[Any], expected: list[int | None], dead: int, recorder: Recorder,
            delays: list[float], origin: float, elapsed: float) -> None:
    """Fails when fetch_statuses returned None for a URL whose status the server had not yet sent: it stopped
    waiting for that answer; named a timeout when the learner's code sets one."""
    __tracebackhide__ = True
    ended = origin + elapsed
    pending = []  # (index in urls, when its status was due) of the URLs the call gave up on
    for i, (g, e) in enumerate(zip(got, expected)):
        if g is not None or e is None:
            continue
        page = i - (i > dead)  # the server's page number: the unreachable URL has none
        span = next((s for s in recorder.spans if s.label == f"GET /page{page}"), None)
        # The server sends the status halfway through the page's delay.
        if span is not None and span.start + delays[page] / 2 > ended + checks.TOLERANCE:
            pending.append((i, span.start + delays[page] / 2))
    if not pending:
        return
    last, due = max(pending, key=lambda p: p[1])
    blanks = {"elapsed": seconds(elapsed), "got": shown(got, width=400), "url": f"urls[{last}]",
              "due": seconds(due - origin), "expected": repr(expected), "dead": dead,
              "urls": listed(f"`urls[{i}]`" for i, _ in pending)}
    timeout = any("timeout" in word.lower() or word == "wait_for" for word in learner.names_reached("fetch_statuses"))
    if not timeout and all(g is None for g in got):
        return  # every URL None at once, no timeout set: an except around the whole gather, told below
    fail(
        tr("`fetch_statuses` returned None for {urls} before the server had sent its status: it stopped waiting "
           "for it.", **blanks) if len(pending) == 1
        else tr("`fetch_statuses` returned None for {urls} before the server had sent their status: it stopped waiting "
                "for them.", **blanks),
        observed=tr("it returned {got} after {elapsed} of loop time; the server sent the status of `{url}` only at "
                    "{due} (its pages answer slowly on purpose, on a virtual clock: it costs no real time).", **blanks),
        expected=tr("{expected}: every status, however long its server takes to answer; None only for the unreachable "
                    "URL, `urls[{dead}]`.", **blanks),
        advice=tr("Your code sets a timeout, and it gave up on servers that were going to answer. Leave it out "
                  "(aiohttp's default allows 5 minutes a request), or allow more than the slowest page: "
                  "`aiohttp.ClientTimeout(...)`, a request's `timeout=`, `asyncio.timeout(...)` and `asyncio.wait_for` "
                  "each end a request that would have answered. (aiohttp's connect and read timeouts raise "
                  "ClientConnectionErrors, so an `except` for those turns them into None too.)")
        if timeout
        else tr("Wait for every answer before returning: gather the coroutines that fetch each URL and return what "
                "they all returned. None is only for a URL where nobody answered at all."),
    )


def hidden_status_advice(learner: Learner) -> str:
    """What to try when HTTP statuses came back as None, from what the learner's code uses to look at them."""
    names = learner.names_reached("fetch_statuses")
    if "raise_for_status" in names:
        return tr("Catch `aiohttp.ClientConnectionError` only, not `aiohttp.ClientError` (which includes the "
                  "error raise_for_status() raises), and return `response.status` for every answer.")
    if "ok" in names:
        return tr("`response.ok` is False for a 404 or a 500, yet those servers did answer: return `response.status` "
                  "for every response, whatever its value. None is only for `except aiohttp.ClientConnectionError:`.")
    return tr("Return `response.status` for every response, whatever its value. None is only for `except "
              "aiohttp.ClientConnectionError:`, where nobody answered.")


async def test_fetch_statuses_uses_one_session(learner: Learner, rng: random.Random) -> None:
    await uses_one_session(learner, rng, "fetch_statuses")


async def test_fetch_statuses_sends_requests_together(learner: Learner, rng: random.Random) -> None:
    server, _, _, connectors, nap = await sent_at_once(learner, "fetch_statuses", rng)
    # Only until the headers: a status needs no body, and a response released unread ends before its page does.
    answered_together("fetch_statuses", server, len(server.routes), connectors, nap)


async def test_fetch_statuses_releases_every_response(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    async with Server(recorder) as server:
        count = rng.randint(3, 4)
        delays = [rng.choice([0.5, 1.0]) for _ in range(count)]
        # Every response, whatever its status: one 404 and one 500 among them, each with a body too big to be
        # taken in with the headers (code that releases only the 200s, or only the others, leaves some held).
        statuses = [200] * (count - 2) + [404, 500]
        rng.shuffle(statuses)
        urls = [server.url(f"big{i}", delay=d, body=LEAK_BODY, status=status)
                for i, (d, status) in enumerate(zip(delays, statuses))]
        with client_watch() as watch:
            await fetched(learner, "fetch_statuses", max(delays), urls)
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


REFILL_EVERY_SEAT = ("When several requests end at the same moment, fill every seat that freed, not just one: after "
                     "`asyncio.wait(..., return_when=asyncio.FIRST_COMPLETED)`, start one new request per finished "
                     "one (or let a shared `asyncio.Semaphore(limit)` decide, which does it for you).")


def limited_delays(rng: random.Random) -> tuple[list[float], int]:
    """Delays where every way of sharing the URLs out in advance leaves a slot idle (see uneven_durations)."""
    limit = rng.randint(2, 3)
    return uneven_durations(rng, rng.randint(limit * 2 + 1, limit * 3)), limit


async def test_fetch_limited_returns_bodies_in_order(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    delays, limit = limited_delays(rng)
    delays = with_a_slow_page(rng, delays)
    async with Server(recorder) as server:
        site = Site(server, delays, rng, an_error_page=True)
        site.repeat(rng)  # a URL listed twice, on every draw, as in fetch_all's
        got, _ = await fetched(learner, "fetch_limited", max(site.delays), site.urls, limit)
    bodies_in_order("fetch_limited", got, site, recorder)


async def test_fetch_limited_never_exceeds_the_limit(learner: Learner, rng: random.Random) -> None:
    # Two calls, one after the other in the same process, the second with a lower limit: a semaphore kept from one
    # call to the next (made once, outside the function or on its first call) lets the second exceed its limit.
    limit = rng.randint(2, 3)
    first = rng.randint(limit + 1, 4)  # 4 at most: uneven_durations draws 3 × 4 delays at most
    await stays_within(learner, rng, first, Recorder())
    recorder = Recorder()
    try:
        await stays_within(learner, rng, limit, recorder)
    except GraderFailure as failure:
        if recorder.max_in_flight == first:  # the first call's limit, kept
            failure.observed = sentences(failure.observed or "", tr(
                "This was the second of two calls of fetch_limited, one after the other; the first, with limit "
                "{first}, was right, and this one kept that limit.", first=first))
            failure.advice = tr("Make the semaphore inside fetch_limited, from this call's `limit`, at each call: "
                                "`seats = asyncio.Semaphore(limit)` there. One made outside it, or only on the first "
                                "call, keeps the first call's limit.")
        raise


async def stays_within(learner: Learner, rng: random.Random, limit: int, recorder: Recorder) -> None:
    """One call of fetch_limited with `limit`: never more requests in flight than that."""
    __tracebackhide__ = True
    delays = uneven_durations(rng, rng.randint(limit * 2 + 1, limit * 3))
    async with Server(recorder) as server:
        site = Site(server, delays, rng)
        await fetched(learner, "fetch_limited", max(delays), site.urls, limit)
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


async def test_fetch_limited_uses_one_session(learner: Learner, rng: random.Random) -> None:
    await uses_one_session(learner, rng, "fetch_limited", 2)


async def limited_call(learner: Learner, recorder: Recorder, rng: random.Random, delays: list[float],
                       limit: int) -> tuple[float, naps.Watch]:
    """One call of fetch_limited on pages of `delays`: when it began on the loop's clock, and the Watch of its naps
    while a URL waited; fails if it raised."""
    __tracebackhide__ = True
    async with Server(recorder) as server:
        site = Site(server, delays, rng)
        origin = loop_clock()
        async with naps.Watch(learner.path, lambda: len(recorder.spans) < len(delays)) as watch:  # a URL still waits
            outcome, elapsed = await outcome_of(learner, "fetch_limited", site.urls, limit)
        if outcome.error is not None:
            raised(learner, "fetch_limited", outcome.error, elapsed, max(delays))
    return origin, watch


def slept(watch: naps.Watch, recorder: Recorder, origin: float, limit: int) -> None:
    """Fails when a Task of the learner's slept while a URL waited and a slot stood idle."""
    __tracebackhide__ = True
    if watch.nap is None or not checks.idle_slot_of(recorder, origin, limit):
        return
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


def one_short(recorder: Recorder, origin: float, limit: int) -> bool:
    """Whether a call kept exactly `limit - 1` requests in flight while URLs waited, never more: a limit one too
    small, not work shared out in advance (which leaves a changing number of slots idle)."""
    return limit >= 2 and recorder.max_in_flight == limit - 1 and idle_slot(recorder.spans, limit - 1, origin) is None


def refilled_fewer(recorder: Recorder, origin: float, limit: int) -> bool:
    """Whether the first idle slot began when `limit` requests had been in flight and several ended together, but
    fewer new ones started then: one new request per wake-up, however many ended."""
    idle = idle_slot(recorder.spans, limit, origin)
    return idle is not None and recorder.max_in_flight == limit and idle.ended >= 2 and idle.started < idle.ended


async def test_fetch_limited_keeps_every_slot_busy(learner: Learner, rng: random.Random) -> None:
    recorder = Recorder()
    delays, limit = limited_delays(rng)
    origin, watch = await limited_call(learner, recorder, rng, delays, limit)
    slept(watch, recorder, origin, limit)
    # A second call, with a higher limit and fewer than twice as many URLs as seats, all pages of one delay: the
    # first `second` requests end at the same moment while URLs still wait, so every seat that frees must be filled
    # at once (a loop that starts one request per wake-up of asyncio.wait leaves the others idle).
    again = Recorder()
    second = limit + 2
    count = rng.randint(second + 2, 2 * second - 1)
    length = 0.5 * rng.randint(1, 8)
    again_origin, again_watch = await limited_call(learner, again, rng, [length] * count, second)
    if one_short(recorder, origin, limit) and one_short(again, again_origin, second):
        blanks = {"limit": limit, "most": plural(limit - 1, "request"), "second": second, "again": second - 1}
        fail(
            tr("`fetch_limited` kept one slot fewer busy than its limit, in both calls.", **blanks),
            observed=tr("with a limit of {limit}, it had {most} in flight at a time, steadily, never {limit}; with a "
                        "limit of {second}, {again} at a time, never {second}.", **blanks),
            expected=tr("as many requests in flight as the limit allows while URLs wait: {limit} in the first call, "
                        "{second} in the second.", **blanks),
            timeline=again.timeline(),
            advice=tr("Your limit is one too small: `asyncio.Semaphore(limit - 1)`, `limit - 1` workers or a range "
                      "that ends one early. Give it `limit` itself: `asyncio.Semaphore(limit)`, or `limit` workers."),
        )
    checks.kept_slots_busy(
        "fetch_limited", recorder, origin, limit, units=tr("requests"),
        advice=tr(REFILL_EVERY_SEAT) if refilled_fewer(recorder, origin, limit)
        else tr("Start a fetch for every URL at once with gather, and let the shared semaphore decide which may "
                "send its request. Sharing the URLs out in advance (fixed batches, a fixed list per worker) leaves "
                "slots idle."),
    )
    slept(again_watch, again, again_origin, second)
    if again.most_at_once() > second:
        return  # going over the limit is another grader's business
    idle = idle_slot(again.spans, second, again_origin)
    if idle is None:
        return
    most = again.max_in_flight
    blanks = {"count": count, "length": seconds(length), "limit": second, "first": limit, "most": most,
              "start": seconds(idle.start), "end": seconds(idle.end), "running": idle.running,
              "waiting": idle.waiting, "ended": idle.ended, "started": idle.started, "units": tr("requests")}
    if refilled_fewer(again, again_origin, second):
        observed = tr("in a second call ({count} pages of {length} each, a limit of {limit}), {ended} requests ended "
                      "at {start} but only {started} started then: from {start} to {end} some slots stood idle while "
                      "URLs were waiting: slots busy, {running} of {limit}; URLs waiting, {waiting}.", **blanks)
        advice = tr(REFILL_EVERY_SEAT)
    elif most == limit:
        observed = tr("in a second call ({count} pages of {length} each, a limit of {limit}), after a first call with "
                      "a limit of {first}, at most {most} requests were in flight at once while URLs waited.", **blanks)
        advice = tr("This call kept the first call's limit: make the `asyncio.Semaphore(limit)` inside "
                    "`fetch_limited`, so that each call gets its own, with the limit it was given.")
    else:
        observed = tr("in a second call ({count} pages of {length} each, a limit of {limit}), from {start} to {end} "
                      "some slots stood idle while URLs were waiting: slots busy, {running} of {limit}; URLs "
                      "waiting, {waiting}.", **blanks)
        advice = tr("Start a new request the moment a seat frees, as many as freed: a shared "
                    "`asyncio.Semaphore(limit)` around each request does it for you.")
    fail(
        tr("`{name}` let a slot stand idle while {units} were waiting.", name="fetch_limited", units=tr("requests")),
        observed=observed,
        expected=tr("one of the waiting {units} starting the moment a running one finishes, so {limit} are busy "
                    "while any are left.", units=tr("requests"),
                    limit=second),
        timeline=again.timeline(),
        advice=advice,
    )
