"""Graders for topic 14: a polite crawler.

`crawl(start_url, *, max_in_flight, per_host, retries, backoff, timeout, deadline, rng)` crawls a
small web of pages that the grader serves from real aiohttp servers on 127.0.0.1, one server
(one port) per "host", inside the test's own event loop: every delay is virtual, loop time is
exact, and nothing leaves the machine. Each request the servers get is a span of one Recorder,
from its arrival until the last of its body is sent, or until the client went away; when its headers went
out is noted too.

Each grader checks one property, on a web drawn for it, and judges rules rather than one
schedule: the pages yielded and the requests the servers got (each URL once, through one session); the requests in
flight, overall and on each host, never over the limits, and never a slot idle while a URL
that could go waits (a URL waits from the moment a page linking to it was received); the
pause before each retry, within the bounds the backoff allows and not the same point of them
every time; the requests stopped at the deadline, even while the caller is busy with a page, and the
iteration ending then (or at the caller's next step) with nothing left running; a cancelled
consumer leaving no task, request or connection behind; and each page reaching the consumer
the moment its last request ended.
"""

from __future__ import annotations

import asyncio
import inspect
import linecache
import os
import random
from asyncio import selector_events
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from graders.harness import checks, timeline
from graders.harness.feedback import fail, plural, seconds, shown
from graders.harness.http_server import client_watch, connectors_made
from graders.i18n import listed, sentences, tr
from graders.harness.learner import Learner, Outcome
from graders.harness.probes import Recorder, Span, loop_clock
from graders.harness.schedule import TOLERANCE
from graders.harness.shared_random import shared_draws

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]

NAME = "crawl"
HOSTS = "ABC"
DELAYS = [0.5, 0.75, 1.0, 1.25, 1.5, 2.0]  # quarters of a second: every request starts and ends on a quarter
SLOW = 90.0  # seconds an attempt that "times out" would take to answer: far past any timeout
BUDGET = 600.0  # seconds of loop time a crawl may take before the grader stops it
STOP_WITHIN = 60.0  # seconds of loop time a cancelled crawl may take to stop
LINGER_AFTER = 1.0  # seconds of loop time a crawl may take to end once it has yielded its last page (closing up)
# The servers' own tasks: aiohttp's request handlers, and asyncio's accepting of a connection.
SERVERS_FILES = (os.path.join(os.path.dirname(aiohttp.__file__), "web_"), selector_events.__file__)


# The web the grader serves.


@dataclass(eq=False)
class Spec:
    """One page of the web: where it lives, how long it takes, what each attempt answers, what it links to.

    `plan[n]` is what attempt n + 1 answers: a status, or None for an attempt that would answer
    only after SLOW seconds (one the client must give up on); the last entry holds for later attempts.
    With `stall_body`, such an attempt sends its headers and half its body in time, and the rest only after SLOW
    seconds: a request is in flight until its body has been read, and its timeout covers that too.
    """

    host: str
    path: str
    delay: float
    plan: list[int | None] = field(default_factory=lambda: [200])
    links: list[Spec] = field(default_factory=list)
    stall_body: bool = False

    @property
    def label(self) -> str:
        return f"{self.host} /{self.path}"

    def answer(self, attempt: int) -> int | None:
        return self.plan[min(attempt, len(self.plan)) - 1]

    def attempts(self, retries: int) -> int:
        """How many attempts a crawl with `retries` makes: until one answers below 500, at most retries + 1."""
        for n in range(1, retries + 2):
            answer = self.answer(n)
            if answer is not None and answer < 500:
                return n
        return retries + 1

    def status(self, retries: int) -> int | None:
        return self.answer(self.attempts(retries))


@dataclass(eq=False)
class Hit:
    """One request a server got."""

    spec: Spec | None  # None for a path the web does not have
    host: str
    path: str
    answer: int | None
    span: Span
    headers: float | None = None  # when the server sent the response's headers

    def head(self) -> Span:
        """The request until its headers went out: what a client that lets its slots go at the headers keeps within
        its limits."""
        end = self.headers if self.headers is not None else self.span.end
        return Span(self.span.label, self.span.start, 0, end, self.span.state)


class Host:
    """One "host" of the web: an aiohttp server on 127.0.0.1 with a port of its own."""

    def __init__(self, web_: Web, name: str) -> None:
        self.web, self.name, self.port = web_, name, 0
        app = web.Application()
        app.router.add_get("/{path}", self._handle)
        # A client that gives up on a request closes its connection: the handler is cancelled then,
        # so the request's span ends when the client left. Closing must not wait for leaky clients.
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.1, access_log=None)

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        await self._runner.cleanup()

    def connections(self) -> int:
        server = self._runner.server
        return 0 if server is None else len(server.connections)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        spec = self.web.find(self.name, path)
        attempt = 1 + sum(1 for h in self.web.hits if h.host == self.name and h.path == path)
        answer = spec.answer(attempt) if spec is not None else 404
        label = f"{self.name} /{path}" if attempt == 1 else tr("{label} (try {n})", label=f"{self.name} /{path}", n=attempt)
        status = 200 if answer is None else answer
        body = (self.web.body(spec) if spec is not None and status == 200 else error_page(status)).encode()
        delay = spec.delay if spec is not None else DELAYS[0]
        stall = answer is None and spec is not None and spec.stall_body  # headers in time, then the body stalls
        # As in topic 06: the headers go out halfway through the delay and the body trickles in over
        # the rest, so a request is in flight until its body has been read.
        with self.web.recorder.span(label) as span:
            hit = Hit(spec, self.name, path, answer, span)
            self.web.hits.append(hit)
            if answer is None and not stall:
                await asyncio.sleep(SLOW)
            await asyncio.sleep(delay / 2)
            response = web.StreamResponse(status=status)
            response.content_type, response.charset, response.content_length = "text/html", "utf-8", len(body)
            await response.prepare(request)
            hit.headers = loop_clock()
            await response.write(body[: len(body) // 2])
            if stall:
                await asyncio.sleep(SLOW)
            await asyncio.sleep(delay / 2)
        await response.write(body[len(body) // 2 :])  # after the span: the client moves on once this is read
        await response.write_eof()
        return response


# Every error page links to a site map, as real ones do: a crawler that follows it reads the links
# of pages that did not answer 200, and its request for the map (which no page links to) shows it.
SITE_MAP = "sitemap"


def error_page(status: int) -> str:
    return f'<html><body><h1>{status}</h1><p><a href="/{SITE_MAP}">site map</a></p></body></html>'


class Web:
    """The pages and hosts one grader serves, and every request they got.

    `async with Web(rng, specs) as web_:` starts a server per host; `web_.url(spec)` is a page's URL.
    """

    def __init__(self, rng: random.Random, specs: Sequence[Spec]) -> None:
        self.specs = list(specs)
        self.start = self.specs[0]
        self.hosts = {name: Host(self, name) for name in sorted({s.host for s in self.specs})}
        self.recorder = Recorder()
        self.hits: list[Hit] = []
        self._by_path = {(s.host, s.path): s for s in self.specs}
        # How each page writes each of its links (relative, with a #fragment), drawn once for all learners.
        self._forms = {(id(spec), id(target)): (target.host == spec.host and rng.random() < 0.5, rng.random() < 0.25)
                       for spec in self.specs for target in spec.links}
        self._reached: list[Spec] | None = None

    async def __aenter__(self) -> Web:
        for host in self.hosts.values():
            await host.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        for host in self.hosts.values():
            await host.stop()

    def find(self, host: str, path: str) -> Spec | None:
        return self._by_path.get((host, path))

    def url(self, spec: Spec) -> str:
        return f"http://127.0.0.1:{self.hosts[spec.host].port}/{spec.path}"

    def name_of(self, url: object) -> str:
        """ "A /p12" for one of the web's URLs; the URL itself otherwise (see `shown`)."""
        for spec in self.specs:
            if url == self.url(spec):
                return spec.label
        return self.shown(url)

    def shown(self, value: object) -> str:
        """A value as feedback.shown gives it, with each host's port replaced by its name ("http://<A>/p12"):
        ports change from run to run, and a message must not."""
        text = shown(value)
        for name, host in self.hosts.items():
            text = text.replace(f"127.0.0.1:{host.port}", f"<{name}>")
        return text

    def body(self, spec: Spec) -> str:
        """The page's HTML: its links as a browser would meet them, relative or absolute, some with a #fragment."""
        anchors = []
        for target in spec.links:
            relative, fragment = self._forms[(id(spec), id(target))]
            href = (f"/{target.path}" if relative else self.url(target)) + ("#top" if fragment else "")
            anchors.append(f'<li><a href="{href}">{target.path}</a></li>')
        return f"<html><body><h1>{spec.path}</h1><ul>{''.join(anchors)}</ul></body></html>"

    # What the records say.

    def reachable(self) -> list[Spec]:
        """The pages a crawl visits, breadth-first from the start (links of pages that end in 200 only)."""
        if self._reached is None:
            order, queue = [self.start], [self.start]
            while queue:
                spec = queue.pop(0)
                for target in spec.links if spec.plan[-1] == 200 else []:
                    if target not in order:
                        order.append(target)
                        queue.append(target)
            self._reached = order
        return self._reached

    def hits_of(self, spec: Spec) -> list[Hit]:
        return [h for h in self.hits if h.spec is spec]

    def spans(self, host: str | None = None) -> list[Span]:
        return [h.span for h in self.hits if host is None or h.host == host]

    def heads(self, host: str | None = None) -> list[Span]:
        """Each request until its headers went out."""
        return [h.head() for h in self.hits if host is None or h.host == host]

    def timeline(self, spans: Iterable[Span] | None = None) -> str:
        chosen = list(self.recorder.spans if spans is None else spans)
        now = loop_clock() if any(s.end is None for s in chosen) else None
        return timeline.render(sorted(chosen, key=lambda s: (s.start, s.label)), now=now)

    def open_connections(self) -> int:
        return sum(host.connections() for host in self.hosts.values())


def most_at_once(spans: Sequence[Span]) -> tuple[int, float]:
    """The most spans running at one moment, and the first moment it happened (starts at an end's moment come after it)."""
    events = sorted([(s.start, 1) for s in spans] + [(s.end, -1) for s in spans if s.end is not None])
    running, most, when = 0, 0, 0.0
    for moment, step in events:
        running += step
        if running > most:
            most, when = running, moment
    return most, when


# Calling the learner's crawl.


@dataclass(frozen=True)
class Params:
    max_in_flight: int
    per_host: int
    retries: int
    backoff: float
    timeout: float
    deadline: float
    seed: int

    def kwargs(self) -> dict[str, Any]:
        return {"max_in_flight": self.max_in_flight, "per_host": self.per_host, "retries": self.retries,
                "backoff": self.backoff, "timeout": self.timeout, "deadline": self.deadline,
                "rng": random.Random(self.seed)}


@dataclass
class Crawl:
    """What the consumer got: each item and when it arrived, and how the iteration ended."""

    start: float
    pages: list[Any] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)
    ended: float | None = None  # when the iteration ended (StopAsyncIteration, an error or a cancellation)
    error: BaseException | None = None
    left: list[asyncio.Task[Any]] = field(default_factory=list)  # the crawl's tasks still running at that very moment
    before: set[asyncio.Task[Any]] = field(default_factory=set)  # the tasks there were before the crawl began
    # Seconds the caller spends (awaiting) on each page it gets before it asks for the next: the first entry for
    # the first page, and so on; the last entry for every later page.
    lingers: tuple[float, ...] = (0.0,)
    cancelled_while_busy: float | None = None  # when the caller's own await over a page got a CancelledError

    def linger(self, index: int) -> float:
        return self.lingers[min(index, len(self.lingers) - 1)]

    def asks(self) -> list[float]:
        """When the caller asked for each page: at the start, then once it was done with the page before."""
        return [self.start, *(a + self.linger(i) for i, a in enumerate(self.arrivals))]


def opened(learner: Learner, start_url: str, params: Params) -> AsyncIterator[Any] | Any:
    """The learner's crawl called: an async iterator, or a coroutine when crawl is an `async def` without `yield`."""
    __tracebackhide__ = True
    fn = learner.function(NAME, is_async=None)
    try:
        return fn(start_url, **params.kwargs())
    except Exception as error:  # noqa: BLE001 - a plain def that raises, or parameters the grader cannot pass
        learner._checked(NAME, Outcome(error=error))
        learner.fail_raised(NAME, error)
        raise  # fail_raised always fails; for type checkers


async def not_a_generator(learner: Learner, made: Any) -> AsyncIterator[Any]:
    """Fails as learner.stream does when crawl is not an async generator (awaiting a coroutine first)."""
    __tracebackhide__ = True
    if inspect.iscoroutine(made):
        try:
            async with asyncio.timeout(BUDGET):
                value = await made
        except Exception as error:  # noqa: BLE001 - its TODO, mostly
            learner._checked(NAME, Outcome(error=error))
            learner.fail_raised(NAME, error)
        learner.check_not_blocked(NAME)
        fail(
            tr("`{name}` must be an async generator, but it returned {kind} {value}.",
               name=NAME, kind=type(value).__name__, value=shown(value)),
            observed=tr("an `async def` without `yield` is a coroutine: it runs to its end and returns once."),
            expected=tr("items handed over one at a time with `yield`, each as soon as it is ready."),
            advice=tr("Put `yield item` inside the loop, where you would append to a list, and drop the return."),
            cause="not a generator",
        )
    if not hasattr(type(made), "__aiter__"):
        fail(tr("`{name}` must be an async generator: `async def {name}(...)` with `yield` inside.", name=NAME),
             cause="not a generator")
    return made


async def consume(iterator: AsyncIterator[Any], record: Crawl) -> None:
    """Read the crawl as a caller would, noting when each page arrived, when the iteration ended, and
    which of the crawl's tasks were still running then: before the loop turns again, so that a task
    cancelled on the way out but never awaited still counts. A caller with `record.lingers` awaits that
    long over each page, as one that writes each page somewhere would."""
    try:
        async for page in iterator:
            record.pages.append(page)
            record.arrivals.append(loop_clock())
            if linger := record.linger(len(record.pages) - 1):
                try:
                    await asyncio.sleep(linger)
                except asyncio.CancelledError:
                    record.cancelled_while_busy = loop_clock()
                    raise
    except BaseException as error:
        record.error = error
        raise
    finally:
        record.ended = loop_clock()
        record.left = learners_tasks(record.before)
        for task in record.left:
            # What becomes of them is the grader's to judge: asyncio need not log their errors on top.
            task.add_done_callback(_read)


def _read(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()


async def crawled(learner: Learner, web_: Web, params: Params, lingers: tuple[float, ...] = (0.0,)) -> Crawl:
    """Run the learner's crawl from the web's start page to its end; errors fail the grader as learner.stream's do.
    A caller that lingers over each page reads the crawl in a task of its own: what the crawl does to that task
    (a timeout left running across a `yield` cancels it) must not reach the grader's."""
    __tracebackhide__ = True
    record = Crawl(loop_clock(), before=asyncio.all_tasks(), lingers=lingers)
    iterator = await not_a_generator(learner, opened(learner, web_.url(web_.start), params))
    if any(lingers):
        reader = asyncio.create_task(consume(aiter(iterator), record))
        record.before.add(reader)
        await asyncio.wait([reader], timeout=BUDGET)
        if not reader.done():
            reader.cancel()
            await asyncio.wait([reader], timeout=STOP_WITHIN)
            never_ends(learner)
        if not reader.cancelled() and isinstance(error := reader.exception(), Exception):
            record.error = error
        if record.error is not None:  # the generator stands where the error left it: close it, as `async for` does not
            closing = asyncio.ensure_future(aclose(iterator))
            await asyncio.wait([closing], timeout=STOP_WITHIN)
        learner.check_not_blocked(NAME)
        return record
    try:
        async with asyncio.timeout(BUDGET) as budget:
            await consume(aiter(iterator), record)
    except TimeoutError as error:
        if budget.expired() and not learner._raised_by_learner(error):
            never_ends(learner)
        record.error = error
    except Exception as error:  # noqa: BLE001 - judged by the grader, or told as learner.stream tells it
        record.error = error
    learner.check_not_blocked(NAME)
    return record


async def aclose(iterator: Any) -> None:
    close = getattr(iterator, "aclose", None)
    if close is not None:
        try:
            await close()
        except Exception:  # noqa: BLE001 - the crawl's error was told already, or is told by the grader
            pass


def never_ends(learner: Learner) -> None:
    __tracebackhide__ = True
    learner.check_not_blocked(NAME)
    fail(
        tr("`{name}` was still running after {budget:g} s of loop time, so the grader stopped it.",
           name=NAME, budget=BUDGET),
        observed=tr("it never finished: a loop that never ends, or an await on something that never happens."),
        advice=tr("Check every `while` loop has a way out, and every await has something that completes it."),
        cause="never ends",
    )


def succeeded(learner: Learner, record: Crawl) -> None:
    """Fail, the usual way, when the crawl raised."""
    __tracebackhide__ = True
    if record.error is not None:
        learner._checked(NAME, Outcome(error=record.error))
        learner.fail_raised(NAME, record.error)


def learners_tasks(before: set[asyncio.Task[Any]]) -> list[asyncio.Task[Any]]:
    """Tasks started since `before`, still running, other than the grader's and the servers' own."""
    current = asyncio.current_task()
    return [t for t in asyncio.all_tasks() if t not in before and t is not current and not t.done()
            and not servers_own(t)]


def servers_own(task: asyncio.Task[Any]) -> bool:
    code = getattr(task.get_coro(), "cr_code", None)
    return code is not None and code.co_filename.startswith(SERVERS_FILES)


async def settle() -> None:
    """A few turns of the loop, in no loop time: closes sent on the way out reach the servers, and
    tasks cancelled on the way out take their last step."""
    for _ in range(10):
        await asyncio.sleep(0)


# Drawing webs.


def paths(rng: random.Random, count: int) -> list[str]:
    return [f"p{n}" for n in rng.sample(range(10, 100), count)]


def linked(spec: Spec, *targets: Spec) -> None:
    for target in targets:
        if target not in spec.links:
            spec.links.append(target)


def diamond_web(rng: random.Random) -> list[Spec]:
    """A start page; 3 or 4 pages it links to, which end within 1 s of each other; 2 pages that each
    of several of those link to, which take 2 s: a page found again while its first fetch is still
    in flight, on every draw. Back links, self links, a page that answers 404, and one more level, whose page has
    the path of a page on the other host."""
    names = iter(paths(rng, 9))
    start = Spec("A", next(names), rng.choice([0.5, 0.75]))
    middle = [Spec(rng.choice(HOSTS), next(names), d) for d in rng.sample([0.5, 0.75, 1.0, 1.25, 1.5], rng.randint(3, 4))]
    far = [Spec(rng.choice(HOSTS), next(names), 2.0) for _ in range(2)]
    missing = Spec(rng.choice(HOSTS), next(names), 0.5, plan=[404])
    # The same path as a page of the other host, on every draw: URLs, not paths, tell pages apart.
    twin = rng.choice(middle)
    deep = Spec(next(h for h in HOSTS if h != twin.host), twin.path, rng.choice([0.5, 1.0]))
    linked(start, *middle, start)
    for target in far:
        for page in rng.sample(middle, rng.randint(2, len(middle))):
            linked(page, target)
    for page in middle:
        linked(page, start, rng.choice(middle))
        rng.shuffle(page.links)
    linked(rng.choice(middle), missing)
    linked(far[0], deep, far[1], start)
    return [start, *middle, *far, missing, deep]


def crowded_web(rng: random.Random) -> list[Spec]:
    """A start page linking at once to more pages than any limit allows: 5 or 6 on its own host and
    2 on each other host, each of these linking on to one more page of its host."""
    names = iter(paths(rng, 15))
    start = Spec("A", next(names), rng.choice([0.5, 0.75]))
    own = [Spec("A", next(names), rng.choice(DELAYS)) for _ in range(rng.randint(5, 6))]
    others = [Spec(host, next(names), rng.choice(DELAYS[:3])) for host in "BC" for _ in range(2)]
    rng.shuffle(others)
    level = [*own, *others]  # its own host's first: one overall limit alone gives them every slot at once
    linked(start, *level)
    deeper = [Spec(page.host, next(names), rng.choice(DELAYS)) for page in others]
    for page, target in zip(others, deeper):
        linked(page, target)  # found the moment a page of that host is done, its connection free again
    for page in level:
        linked(page, start)
    return [start, *level, *deeper]


def busy_web(rng: random.Random) -> list[Spec]:
    """For an overall limit of 3: the start page links to a quick page on host C, two slow ones on its own
    host and one on B; when B's ends, the slow two still running, it links to a page on C and one more
    on B. A crawl that sends whatever it finds has 4 or more in flight then; so has one that relies on
    aiohttp's TCPConnector(limit=3), which hands the connections kept from C's and B's earlier requests
    straight out again without counting them."""
    names = iter(paths(rng, 9))
    start = Spec("A", next(names), rng.choice([0.5, 0.75]))
    quick = Spec("C", next(names), rng.choice([0.5, 0.75]))
    middle = Spec("B", next(names), rng.choice([0.5, 0.75, 1.0]))
    slow = [Spec("A", next(names), quick.delay + middle.delay + rng.choice([0.5, 1.0])) for _ in range(2)]
    later = [Spec("C", next(names), rng.choice(DELAYS)), Spec("B", next(names), rng.choice(DELAYS))]
    rng.shuffle(later)
    deeper = [Spec(rng.choice(HOSTS), next(names), rng.choice(DELAYS)) for _ in range(2)]
    linked(start, quick, *slow, middle)
    linked(middle, *later, start)
    for page, target in zip(slow, deeper):
        linked(page, target, start)
    return [start, quick, *slow, middle, *later, *deeper]


def queued_web(rng: random.Random) -> list[Spec]:
    """A start page linking first to 4 pages on its own host, then to pages on two others: a request
    that waits for its busy host while holding one of the overall slots leaves that slot idle while
    the other hosts' pages wait. One page of the first level takes 4 s or more, the others 1 s at most
    and link on: a crawl that goes level by level leaves slots idle too."""
    names = iter(paths(rng, 14))
    start = Spec("A", next(names), rng.choice([0.5, 0.75]))
    own = [Spec("A", next(names), rng.choice([0.5, 0.75, 1.0])) for _ in range(4)]
    others = [Spec(host, next(names), rng.choice([0.5, 0.75, 1.0])) for host in "BBC"]
    rng.choice(others).delay = 4.0 + 0.5 * rng.randint(0, 2)
    linked(start, *own, *others)
    deeper = [Spec(rng.choice(HOSTS), next(names), rng.choice(DELAYS)) for _ in range(rng.randint(4, 6))]
    quick = [page for page in [*own, *others] if page.delay < 4]
    for target in deeper:
        linked(rng.choice(quick), target)
    return [start, *own, *others, *deeper]


def long_web(rng: random.Random) -> list[Spec]:
    """Two hosts, three levels, 14 to 17 pages: far more than a few requests at a time fetch in a few seconds."""
    names = iter(paths(rng, 17))
    start = Spec("A", next(names), rng.choice([0.5, 0.75]))
    first = [Spec(rng.choice("AB"), next(names), rng.choice(DELAYS)) for _ in range(rng.randint(4, 5))]
    second = [Spec(rng.choice("AB"), next(names), rng.choice(DELAYS)) for _ in range(rng.randint(9, 11))]
    second[0].delay = 2.0  # some page ends late, however the crawl goes
    linked(start, *first)
    for i, target in enumerate(second):
        linked(first[i % len(first)], target)
        linked(rng.choice(first), target)
    for page in first:
        linked(page, start)
    return [start, *first, *second]


def params(rng: random.Random, *, max_in_flight: int, per_host: int, retries: int = 2, backoff: float = 0.5,
           timeout: float = 5.0, deadline: float = 300.0) -> Params:
    return Params(max_in_flight, per_host, retries, backoff, timeout, deadline, rng.randrange(2**32))


# What the crawl yielded.


@dataclass(frozen=True)
class Yielded:
    url: Any
    status: Any
    links: Any


def yielded(web_: Web, record: Crawl) -> list[Yielded]:
    """The items as Pages; fails when one is not a Page at all."""
    __tracebackhide__ = True
    items = []
    for item in record.pages:
        if not all(hasattr(item, name) for name in ("url", "status", "links")):
            fail(
                tr("`crawl` yielded {value}, which is not a Page.", value=web_.shown(item)),
                expected=tr("a Page(url, status, links) for each URL visited, as crawler.py defines it."),
                advice=tr("Yield `Page(url, status, links)`: the status of the last attempt, and the links that "
                          "links_in finds in a page that answered 200."),
                cause="not a page",
            )
        items.append(Yielded(item.url, item.status, item.links))
    return items


def first_by_url(items: Sequence[Yielded]) -> dict[Any, Yielded]:
    found: dict[Any, Yielded] = {}
    for item in items:
        try:
            found.setdefault(item.url, item)
        except TypeError:  # an unhashable url: told below as a URL the web does not have
            pass
    return found


def check_urls(web_: Web, items: Sequence[Yielded]) -> None:
    """Every URL yielded is one of the web's, as links_in gives it."""
    __tracebackhide__ = True
    known = {web_.url(spec) for spec in web_.specs}
    strange = [item.url for item in items if not isinstance(item.url, str) or item.url not in known]
    if not strange:
        return
    url = strange[0]
    fragment = isinstance(url, str) and "#" in url
    fail(
        tr("`crawl` yielded a page for {url}, which is not a URL of the web it crawled.", url=web_.shown(url)),
        observed=tr("the web's pages link to it with a #fragment; the URL of the page is the same without it.")
        if fragment else None,
        expected=tr("each page's URL as links_in gives it: absolute, without its #fragment."),
        advice=tr("Follow the links exactly as links_in(body, url) returns them, and compare those in your `seen` "
                  "set: a relative link, or one with a #fragment, names a page that another URL names too."),
    )


def retried_a_404(spec: Spec, hits: Sequence[Hit], drawn: str) -> None:
    __tracebackhide__ = True
    fail(
        tr("`crawl` retried {label}, which answered 404.", label=spec.label),
        observed=tr("it requested {label} {got}: {answers}.", label=spec.label, got=plural(len(hits), "time"),
                    answers=answers(hits)),
        expected=tr("a 404 taken as the answer: only a 5xx status or a timeout is worth another try."),
        timeline=drawn,
        advice=tr("Retry when `response.status >= 500` or the attempt timed out; any other status is final."),
        cause="retried a 404",
    )


def one_session(web_: Web, sessions: int) -> None:
    """Fails when the crawl made sessions by the request: more than one for each host it visited."""
    __tracebackhide__ = True
    if sessions <= max(1, len({hit.host for hit in web_.hits})):
        return
    fail(
        tr("`{name}` created {sessions} for {requests}.", name=NAME, sessions=plural(sessions, "ClientSession"),
           requests=plural(len(web_.hits), "request")),
        observed=tr("{count} sessions: each one opens its own connections and closes them again, so no connection is "
                    "ever reused.", count=sessions),
        expected=tr("ONE session for all the requests: a session keeps a pool of open connections and reuses them, "
                    "which saves a new TCP (and TLS) handshake per request."),
        timeline=web_.timeline(),
        advice=tr("Open the session once, in `crawl` itself: `async with aiohttp.ClientSession() as session:` around "
                  "the whole loop, and pass `session` to the code that fetches one URL."),
    )


def linkers(web_: Web, spec: Spec) -> list[Spec]:
    return [page for page in web_.specs if spec in page.links and page is not spec]


# Each URL once.


async def test_crawl_visits_every_page_once(learner: Learner, rng: random.Random) -> None:
    web_ = Web(rng, diamond_web(rng))
    async with web_:
        with client_watch() as watch:
            record = await crawled(learner, web_, given := params(rng, max_in_flight=8, per_host=4))
        await close_leaks(watch.sessions)
    succeeded(learner, record)
    items = yielded(web_, record)
    drawn = web_.timeline()
    # A page that answers 404 is requested again by a retry, or along with a page linking to it that was
    # requested twice: the pages that answer 200 tell which.
    twice = [hits for spec in web_.specs if len(hits := web_.hits_of(spec)) > 1 and spec.plan != [404]]
    if twice:
        # The telling case first: a second request sent before the first had been answered.
        hits = min(twice, key=lambda h: h[1].span.start - (h[0].span.end or h[1].span.start))
        spec, first, again = hits[0].spec, hits[0].span, hits[1].span
        assert spec is not None
        blanks = {"label": spec.label, "times": plural(len(hits), "time"), "at": seconds(again.start - record.start),
                  "answered": seconds((first.end or again.start) - record.start),
                  "linkers": listed(page.label for page in linkers(web_, spec))}
        during = first.end is None or again.start < first.end - TOLERANCE
        meanwhile = during or again.start <= first.end + TOLERANCE
        fail(
            tr("`crawl` fetched {label} {times}.", **blanks),
            observed=tr("{label} was requested again at {at}, while its first request was still in flight; "
                        "{linkers} link to it.", **blanks) if during
            else tr("{label} was requested again at {at}, the very moment its first request was answered; {linkers} "
                    "link to it.", **blanks) if meanwhile
            else tr("{label} was requested again at {at}, after its first request had been answered at "
                    "{answered}; {linkers} link to it.", **blanks),
            expected=tr("each URL fetched once, however many pages link to it."),
            timeline=drawn,
            # The start URL, fetched first, then again when a page linking back to it was read: it was never in `seen`.
            advice=tr("The start URL is a URL seen too: put it in `seen` before the crawl begins (`seen = "
                      "{{start_url}}`), so that the pages linking back to it find it there.")
            if spec is web_.start and first.start <= record.start + TOLERANCE and not during
            else tr("Two pages linked to it, and both times it was missing from `seen`: between `if url not "
                    "in seen:` and `seen.add(url)` your code awaited (the fetch), and the other link was "
                    "checked meanwhile. Add the URL to `seen` in the same step as the check, before any "
                    "`await`.") if meanwhile
            else tr("Add each URL to `seen` as you find it, and check every link against `seen` before you "
                    "fetch it, in the form links_in gives it: absolute, without a #fragment."),
        )
    for spec in web_.specs:
        if len(hits := web_.hits_of(spec)) > 1:
            retried_a_404(spec, hits, drawn)
    strange = [hit for hit in web_.hits if hit.spec is None]
    if strange and strange[0].path == SITE_MAP:
        errors = [spec for spec in web_.specs if spec.host == strange[0].host and spec.plan[-1] != 200
                  and web_.hits_of(spec)]
        fail(
            tr("`crawl` followed a link of a page that did not answer 200: it requested /{path} from host {host}.",
               path=SITE_MAP, host=strange[0].host),
            observed=tr("only the error page of {labels} links to /{path}.", path=SITE_MAP,
                        labels=listed(f"{spec.label} ({spec.plan[-1]})" for spec in errors)) if errors else None,
            expected=tr("links followed from pages that answered 200 only: an error page's links (to a home page, a "
                        "site map) are the server's, not the page's."),
            timeline=drawn,
            advice=tr("Read the links only when `response.status == 200`; for any other status the Page has none."),
        )
    if strange:
        fail(
            tr("`crawl` requested /{path} from host {host}, which no page links to.", path=strange[0].path,
               host=strange[0].host),
            expected=tr("requests only for the links the pages hold, as links_in gives them."),
            timeline=drawn,
        )
    check_urls(web_, items)
    counts = Counter(item.url for item in items)
    expected = web_.reachable()
    blanks = {"expected": listed(spec.label for spec in expected), "count": len(expected)}
    twice = [spec for spec in expected if counts[web_.url(spec)] > 1]
    if twice:
        fail(
            tr("`crawl` yielded {label} {times}.", label=twice[0].label, times=plural(counts[web_.url(twice[0])], "time")),
            expected=tr("one Page for each of the {count} URLs reachable from the start: {expected}.", **blanks),
            advice=tr("Yield each page once, when its visit is over: retries included."),
        )
    missing = [spec for spec in expected if not counts[web_.url(spec)]]
    if missing:
        fetched = [spec for spec in missing if web_.hits_of(spec)]
        unasked = [spec for spec in missing if not web_.hits_of(spec)]
        where = {"labels": listed(spec.label for spec in missing), "lost": listed(spec.label for spec in fetched),
                 "linkers": listed(page.label for page in linkers(web_, missing[0])), "label": missing[0].label}
        fail(
            tr("`crawl` never yielded {labels}.", **where),
            observed=sentences(tr("{lost} were fetched, and then lost: no Page for them reached the caller.", **where)
                               if len(fetched) > 1
                               else tr("{lost} was fetched, and then lost: no Page for it reached the caller.", **where),
                               tr("The others were never requested.") if unasked else "") if fetched
            else tr("{label} was never requested, though {linkers} link to it.", **where),
            expected=tr("one Page for each of the {count} URLs reachable from the start: {expected}.", **blanks),
            timeline=drawn,
            advice=tr("Yield a Page for every URL you visit, whatever its status.") if fetched
            else tr("{label} has the path of {twin}, which was visited, on another host: they are two URLs. Keep whole "
                    "URLs in `seen`, as links_in gives them, not their paths.", label=missing[0].label,
                    twin=twins[0].label) if (twins := [spec for spec in expected if spec.path == missing[0].path
                                                       and spec.host != missing[0].host and web_.hits_of(spec)])
            else tr("Follow the links of every page that answered 200, on every level: each new link is a URL to visit."),
        )
    # The crawl is over once every URL seen has been yielded: iteration ends then, not when the deadline comes.
    last = max(record.arrivals, default=record.start)
    if record.error is None and record.ended is not None and record.ended - last > LINGER_AFTER:
        blanks = {"idle": seconds(record.ended - last), "at": seconds(last - record.start),
                  "ended": seconds(record.ended - record.start)}
        at_deadline = abs(record.ended - record.start - given.deadline) <= TOLERANCE
        fail(
            tr("`crawl` went on for {idle} after it had yielded every page.", **blanks),
            observed=tr("the last page came at {at}; the iteration ended only at {ended}, its deadline.", **blanks)
            if at_deadline else tr("the last page came at {at}; the iteration ended only at {ended}.", **blanks),
            expected=tr("the iteration over as soon as every URL in `seen` has been yielded: no visit is left then."),
            timeline=drawn,
            advice=tr("Count the pages you yield and leave the loop once that count reaches `len(seen)`: waiting for "
                      "another page when no visit is left waits until the deadline."),
        )
    found = first_by_url(items)
    one_session(web_, len(watch.sessions))
    for spec in expected:
        item = found[web_.url(spec)]
        status = spec.plan[-1]
        if item.status != status:
            fail(
                tr("`crawl` yielded {label} with status {got}; it answered {status}.", label=spec.label,
                   got=shown(item.status), status=status),
                expected=tr("each Page with the HTTP status of its last attempt: `response.status`."),
                advice=tr("A 404 is an answer, not an error: aiohttp raises nothing for it. Yield it with its status "
                          "and no links.") if status == 404 else None,
            )
        links = [web_.url(target) for target in spec.links] if status == 200 else []
        got = item.links
        if not isinstance(got, (list, tuple)) or sorted(map(str, got)) != sorted(links):
            fail(
                tr("`crawl` yielded {label} with the links {got}.", label=spec.label,
                   got=shown([web_.name_of(url) for url in got]) if isinstance(got, (list, tuple)) else web_.shown(got)),
                expected=tr("{links}: what links_in(body, url) finds in the page.",
                            links=shown([target.label for target in spec.links])) if links
                else tr("no links: a page that did not answer 200 has none to follow."),
            )


# The limits.


AT_THE_HEADERS = ("A request is in flight until its body has been read: call `await response.text()` inside the "
                  "semaphores (`async with` the host's slot and the overall one, then `async with session.get(url) as "
                  "response:`), not after them.")


async def test_crawl_never_has_more_than_max_in_flight(learner: Learner, rng: random.Random) -> None:
    web_ = Web(rng, busy_web(rng))
    limit = 3
    async with web_:
        with connectors_made() as connectors:
            record = await crawled(learner, web_, params(rng, max_in_flight=limit, per_host=2))
    succeeded(learner, record)
    spans = web_.spans()
    most, when = most_at_once(spans)
    if most <= limit:
        return
    pooled = any(connector.limit == limit for connector in connectors)
    # Never over the limit until the headers went out: the slot was let go before the body was read. A connector
    # limited to max_in_flight is told first: its extra requests, on kept-alive connections, may be early too.
    early = not pooled and most_at_once(web_.heads())[0] <= limit
    hosts = {h.host for h in web_.hits if h.span.start <= when + TOLERANCE and (h.span.end or when) > when + TOLERANCE}
    blanks = {"most": most, "limit": limit, "at": seconds(when - record.start), "hosts": len(hosts)}
    fail(
        tr("`crawl` had {most} requests in flight at once; max_in_flight was {limit}.", **blanks),
        observed=tr("at {at} the servers were handling {most} requests at once, though never more than {limit} before "
                    "their headers had gone out: each request let its slot go as soon as its headers arrived, while "
                    "its body was still coming.", **blanks) if early
        else tr("at {at} the servers were handling {most} requests at once, on {hosts} hosts.", **blanks),
        expected=tr("never more than {limit} requests in flight at once, all hosts together.", **blanks),
        timeline=web_.timeline(),
        advice=tr(AT_THE_HEADERS) if early
        else tr("`aiohttp.TCPConnector(limit=...)` counts the connections it opens, but a connection kept open "
                  "after an earlier request is handed out again without counting against `limit`: with several "
                  "hosts, more than `limit` requests go out at once. Hold an `asyncio.Semaphore(max_in_flight)` "
                  "around each request and its body instead.") if pooled
        else tr("Share one `asyncio.Semaphore(max_in_flight)` among all the requests, whatever their host, and hold "
                "it around each request, the reading of its body included. A limit per host alone lets every host "
                "have its own few at once; starting a task per link with nothing around it sends them all."),
    )


async def test_crawl_never_has_more_than_per_host_on_one_host(learner: Learner, rng: random.Random) -> None:
    web_ = Web(rng, crowded_web(rng))
    # An overall limit no moment of this web can use up (two pages of A, four of the other hosts and one more), on
    # every draw: the moment the first of A's requests gets its headers, a third may start on A (seed 79039 once kept
    # it waiting for an overall slot until the first two had ended, and a host slot let go at the headers passed).
    limit, per_host = rng.randint(7, 8), 2
    async with web_:
        record = await crawled(learner, web_, params(rng, max_in_flight=limit, per_host=per_host))
    succeeded(learner, record)
    for host in web_.hosts:
        spans = web_.spans(host)
        most, when = most_at_once(spans)
        if most <= per_host:
            continue
        overall = most_at_once(web_.spans())[0]
        # Never over the limit until the headers went out: the host's slot was let go before the body was read.
        early = most_at_once(web_.heads(host))[0] <= per_host
        blanks = {"most": most, "per_host": per_host, "host": host, "at": seconds(when - record.start),
                  "limit": limit, "overall": overall}
        fail(
            tr("`crawl` had {most} requests in flight on host {host} at once; per_host was {per_host}.", **blanks),
            observed=tr("at {at} host {host} was handling {most} requests at once, though never more than {per_host} "
                        "before their headers had gone out: each request let its host's slot go as soon as its "
                        "headers arrived, while its body was still coming.", **blanks) if early
            else tr("at {at} host {host} was handling {most} requests at once.", **blanks),
            expected=tr("never more than {per_host} requests in flight on one host (its host and port), and never "
                        "more than {limit} in all.", **blanks),
            timeline=web_.timeline(spans),
            advice=tr(AT_THE_HEADERS) if early
            else tr("Nothing limited the requests, neither overall ({overall} at once at most) nor per host. Hold "
                    "two semaphores around each request: its host's `asyncio.Semaphore(per_host)`, kept in a dict by "
                    "host_of(url), and one `asyncio.Semaphore(max_in_flight)` shared by all.", **blanks)
            if overall > limit
            else tr("Besides the overall limit, give each host its own `asyncio.Semaphore(per_host)`, kept in a dict "
                    "by host_of(url), and hold it around each request to that host: one overall limit lets all the "
                    "slots go to one host."),
        )


@dataclass(frozen=True)
class IdleSlot:
    """A stretch when fewer than max_in_flight requests ran while a page whose host had room waited."""

    start: float
    end: float
    running: int
    page: Spec
    on_host: int
    found: float  # when a page linking to it had arrived
    began: float | None  # when it was requested at last, if ever
    busy_hosts: list[str]  # hosts with per_host requests in flight and pages of their own waiting meanwhile


def known_since(web_: Web, origin: float) -> dict[Spec, float]:
    """When each page could first be requested: the start at once, any other page once a page linking to it had arrived."""
    known = {web_.start: origin}
    for spec in web_.specs:
        hits = web_.hits_of(spec)
        if not hits or hits[-1].span.end is None or hits[-1].span.state != "done" or hits[-1].answer != 200:
            continue
        for target in spec.links:
            known[target] = min(known.get(target, hits[-1].span.end), hits[-1].span.end)
    return known


def idle_slot(web_: Web, origin: float, limit: int, per_host: int) -> IdleSlot | None:
    """The first stretch, before the last request started, when a slot stood idle while a page that could go
    waited: fewer than `limit` in flight, and the page's host with fewer than `per_host`. Moments when one
    request ends and the next starts at the same loop time count as busy."""
    known = known_since(web_, origin)
    began = {spec: hits[0].span.start for spec in web_.specs if (hits := web_.hits_of(spec))}
    spans = web_.spans()
    if not spans:
        return None
    last = max(s.start for s in spans)
    moments = sorted({origin, *known.values(), *(s.start for s in spans), *(s.end for s in spans if s.end is not None)})
    moments = [t for t in moments if origin - TOLERANCE <= t <= last + TOLERANCE]
    for begin, end in zip(moments, moments[1:]):
        if end - begin <= TOLERANCE:
            continue
        running = [h for h in web_.hits
                   if h.span.start <= begin + TOLERANCE and (h.span.end is None or h.span.end >= end - TOLERANCE)]
        if len(running) >= limit:
            continue
        on = Counter(h.host for h in running)
        waiting = [spec for spec, t in known.items() if t <= begin + TOLERANCE and began.get(spec, end) >= end - TOLERANCE]
        free = [spec for spec in waiting if on[spec.host] < per_host]
        if free:
            page = free[0]
            busy = sorted({spec.host for spec in waiting if on[spec.host] >= per_host})
            return IdleSlot(begin - origin, end - origin, len(running), page, on[page.host], known[page] - origin,
                            None if page not in began else began[page] - origin, busy)
    return None


async def test_crawl_keeps_every_slot_busy(learner: Learner, rng: random.Random) -> None:
    web_ = Web(rng, queued_web(rng))
    limit, per_host = 3, 2
    async with web_:
        record = await crawled(learner, web_, params(rng, max_in_flight=limit, per_host=per_host))
    succeeded(learner, record)
    spans = web_.spans()
    if most_at_once(spans)[0] > limit or any(most_at_once(web_.spans(host))[0] > per_host for host in web_.hosts):
        return  # over a limit: the graders of the limits tell that
    idle = idle_slot(web_, record.start, limit, per_host)
    if idle is not None:
        idle_slot_left(web_, idle, limit, per_host)


def idle_slot_left(web_: Web, idle: IdleSlot, limit: int, per_host: int) -> None:
    """Fails for a slot left idle while a page waited, with what the records tell of why."""
    __tracebackhide__ = True
    most = most_at_once(web_.spans())[0]
    blanks = {"start": seconds(idle.start), "end": seconds(idle.end), "running": idle.running, "limit": limit,
              "label": idle.page.label, "host": idle.page.host, "on_host": idle.on_host, "per_host": per_host,
              "found": seconds(idle.found), "began": seconds(idle.began) if idle.began is not None else "",
              "busy": listed(idle.busy_hosts), "most": most}
    if most <= per_host:
        observed = tr("never more than {most} requests were in flight at once, all hosts together, as if every host "
                      "were one: from {start} to {end} {label} waited, though its host {host} had {on_host} of its "
                      "{per_host} in flight.", **blanks)
        advice = tr("A host is the URL's host and port, as host_of(url) gives it: each server here has a port of its "
                    "own. Key the per-host semaphores by host_of(url), not by the host name alone.")
    elif idle.busy_hosts:
        observed = tr("from {start} to {end} only {running} of {limit} slots were busy: host {busy} had its "
                      "{per_host} in flight and more of its pages waiting, and {label} (host {host}, {on_host} in "
                      "flight) waited too.", **blanks)
        advice = tr("A request waiting for a busy host seems to hold an overall slot meanwhile. Take the host's "
                    "semaphore first and the overall one second (`async with host_slots[host], slots:`), so that "
                    "only a request its host can take now holds an overall slot. A pool of max_in_flight workers, "
                    "each waiting for the host of its next URL, leaves slots idle the same way.")
    else:
        observed = tr("from {start} to {end} only {running} of {limit} slots were busy while {label} waited: a page "
                      "linking to it had arrived at {found}, and its host {host} had {on_host} of its {per_host} in "
                      "flight.", **blanks)
        advice = tr("Start fetching each new link as soon as the page holding it arrives, and let the semaphores "
                    "decide when it goes. Going level by level (gather one level's fetches, then the next) waits for "
                    "the slowest page of each level, and a fixed share of URLs per worker waits for the slowest share.")
    fail(
        tr("`crawl` let a slot stand idle while a page was waiting."),
        observed=sentences(observed, tr("It was requested at {began}.", **blanks)) if idle.began is not None else observed,
        expected=tr("at every moment {limit} requests in flight, or every page waiting on a host that already has "
                    "{per_host}: a request starts the moment a slot it may take frees.", **blanks),
        timeline=web_.timeline(),
        advice=advice,
        cause="idle slot",
    )


# Retries.


def troubled_web(rng: random.Random, retries: int) -> list[Spec]:
    """A start page linking to one page of each kind: one that answers a 5xx a few times and then 200,
    one that always answers a 5xx, one that times out once (its headers come in time, then its body
    stalls) and then answers, one that times out (sending nothing), answers a 5xx and times out again,
    one that answers 404, one that answers a 5xx and then 404 (its Page carries the last status, not the first), and
    one that is fine."""
    names = iter(paths(rng, 8))
    quick = [0.5, 0.75, 1.0]
    start = Spec("A", next(names), rng.choice(quick))
    pages = [
        Spec("A", next(names), rng.choice(quick), plan=[rng.choice([500, 502, 503])] * rng.randint(1, retries) + [200]),
        # A 5xx other than 500, 502 and 503 on every draw: a retry only for a list of familiar ones shows.
        Spec("B", next(names), rng.choice(quick), plan=[rng.choice([501, 504, 507])]),
        Spec("A", next(names), rng.choice(quick), plan=[None, 200], stall_body=True),
        Spec("B", next(names), rng.choice(quick), plan=[None, rng.choice([502, 503]), None]),
        Spec(rng.choice("AB"), next(names), rng.choice(quick), plan=[404]),
        # 500 itself on every draw: a retry from 501 on (`status > 500`) shows.
        Spec(rng.choice("AB"), next(names), rng.choice(quick), plan=[500, 404]),
        Spec(rng.choice("AB"), next(names), rng.choice(quick)),
    ]
    rng.shuffle(pages)
    linked(start, *pages)
    return [start, *pages]


def retry_due(hits: Sequence[Hit], backoff: float) -> tuple[float, float]:
    """When the retry after `hits` was due: after the last one ended, past the least pause allowed and within the most."""
    least = backoff * 2 ** (len(hits) - 1)
    end = hits[-1].span.end if hits[-1].span.end is not None else hits[-1].span.start
    return end + least, end + 2 * least


def answers(hits: Sequence[Hit]) -> str:
    """ "503, 503, 200" or "nothing in time, 502" in the learner's language (it "answered" them)."""
    return listed(str(h.answer) if h.answer is not None else tr("nothing in time") for h in hits)


@dataclass(frozen=True)
class Pause:
    spec: Spec
    retry: int  # 1 for the first retry
    waited: float
    least: float
    most: float

    @property
    def fraction(self) -> float:
        """Where in its allowed range the pause fell: 0 at the least, 1 at the most."""
        return (self.waited - self.least) / (self.most - self.least)


def jammed_web(rng: random.Random, backoff: float) -> list[Spec]:
    """For max_in_flight 2 and per_host 1, on two hosts, each of which has one page at a time to fetch:
    the start page (host A) links to X on A, which answers a 5xx before 200, and to L on B, which ends
    halfway through the least pause before X's retry (backoff > 0.5 s) and links to F on A and M on B. So
    F waits for A's slot while X pauses, on every schedule. M is slow: F is done while M is still in
    flight, and links to two pages of B that answer nothing in time before 200; they wait for B's slot,
    the first for less than the timeout (JAM_TIMEOUTS), the second for longer."""
    names = iter(paths(rng, 7))
    start = Spec("A", next(names), rng.choice([0.5, 0.75]))
    failing = Spec("A", next(names), rng.choice([0.5, 0.75]), plan=[rng.choice([500, 502, 503]), 200])
    linker = Spec("B", next(names), failing.delay + min(0.5, backoff / 2))
    fresh = Spec("A", next(names), rng.choice([0.5, 0.75, 1.0]))
    slow = Spec("B", next(names), 2.0)
    silent = [Spec("B", next(names), rng.choice([0.5, 0.75]), plan=[None, 200]) for _ in range(2)]
    linked(start, failing, linker)
    linked(linker, fresh, slow, start)
    linked(fresh, *silent)
    return [start, failing, linker, fresh, slow, *silent]


# Seconds an attempt may take in jammed_web: more than its slow page keeps B busy after F is done.
JAM_TIMEOUTS = [2.5, 3.0, 3.5]


def cut_short(web_: Web, timeout: float) -> Hit | None:
    """The first request the client gave up on before it had had `timeout` seconds. A response let go once its headers
    told a status other than 200 is not one: its body holds no links, and releasing it unread is no giving up."""
    cut = [h for h in web_.hits if h.span.state == "cancelled" and h.span.end is not None
           and h.span.end - h.span.start < timeout - TOLERANCE and not (h.headers is not None and h.answer != 200)]
    return min(cut, key=lambda h: h.span.start) if cut else None


@dataclass(frozen=True)
class HeldPause:
    """A page pausing before a retry all through an idle stretch, whose slots would explain it."""

    spec: Spec
    retry: int  # 1 for the first retry
    failed: Hit
    again: Hit
    host: bool  # every page that waited could have had a slot of its host, which the pauses held


def paused_meanwhile(web_: Web, idle: IdleSlot, origin: float, limit: int, per_host: int) -> HeldPause | None:
    """The pauses before retries that lasted all through the idle stretch, when slots they held explain
    every page waiting then: a page of a pausing page's host, or a page kept out by an overall limit
    that the pauses fill; the first of those pauses, one on the waiting page's host first."""
    begin, end = origin + idle.start, origin + idle.end
    pauses = []
    for spec in web_.specs:
        hits = web_.hits_of(spec)
        for k, (failed, again) in enumerate(zip(hits, hits[1:]), start=1):
            if failed.span.end is not None and failed.span.end <= begin + TOLERANCE \
                    and again.span.start >= end - TOLERANCE:
                pauses.append((spec, k, failed, again))
    if not pauses:
        return None
    running = [h for h in web_.hits
               if h.span.start <= begin + TOLERANCE and (h.span.end is None or h.span.end >= end - TOLERANCE)]
    on = Counter(h.host for h in running)
    held = Counter(spec.host for spec, *_ in pauses)
    began = {spec: hits[0].span.start for spec in web_.specs if (hits := web_.hits_of(spec))}
    waiting = [spec for spec, t in known_since(web_, origin).items()
               if t <= begin + TOLERANCE and began.get(spec, end) >= end - TOLERANCE and on[spec.host] < per_host]
    by_host = all(on[spec.host] + held[spec.host] >= per_host for spec in waiting)
    if not by_host and len(running) + len(pauses) < limit:
        return None  # a page that waited had room on its host and overall, pauses or not
    spec, k, failed, again = min(pauses, key=lambda p: (p[0].host != idle.page.host, p[3].span.start))
    return HeldPause(spec, k, failed, again, by_host)


async def crawl_in_a_jam(learner: Learner, rng: random.Random, retries: int) -> None:
    """Retries where the slots are scarce: no attempt given up before it had `timeout` seconds of its own
    request (the wait for a slot does not count), and no slot kept idle by a pause while a page waits."""
    __tracebackhide__ = True
    backoff = rng.choice([0.75, 1.0, 1.25])
    web_ = Web(rng, jammed_web(rng, backoff))
    limit, per_host, timeout = 2, 1, rng.choice(JAM_TIMEOUTS)
    async with web_:
        record = await crawled(learner, web_, params(rng, max_in_flight=limit, per_host=per_host, retries=retries,
                                                      backoff=backoff, timeout=timeout))
    succeeded(learner, record)
    origin = record.start
    hit = cut_short(web_, timeout)
    if hit is not None:
        assert hit.spec is not None
        spec, span = hit.spec, hit.span
        first = web_.hits_of(spec)[0] is hit
        found = known_since(web_, origin).get(spec)
        blanks = {"label": span.label, "timeout": seconds(timeout), "held": seconds((span.end or 0.0) - span.start),
                  "at": seconds(span.start - origin), "ended": seconds((span.end or 0.0) - origin),
                  "found": seconds((found or origin) - origin), "host": spec.host}
        fail(
            tr("`crawl` gave up on {label} after {held} of its own request; timeout was {timeout}.", **blanks),
            observed=tr("a page linking to {label} had arrived at {found}; host {host} was busy until {at}, when it "
                        "was requested, and at {ended} it was given up: {timeout} after it began to wait for a slot.",
                        **blanks)
            if first and found is not None and abs((span.end or 0.0) - found - timeout) <= TOLERANCE
            else tr("{label} was requested at {at} and given up at {ended}, after {held} of its own request.",
                    **blanks),
            expected=tr("each attempt given {timeout} of its own request before it is given up: the wait for a slot "
                        "does not count.", **blanks),
            timeline=web_.timeline(),
            advice=tr("Put `async with asyncio.timeout(timeout):` inside the semaphores, around the request and the "
                      "reading of its body only: a timeout that also covers the wait for a slot gives up on requests "
                      "that have barely begun, or that never went out."),
        )
    if most_at_once(web_.spans())[0] > limit or any(most_at_once(web_.spans(h))[0] > per_host for h in web_.hosts):
        return  # over a limit: the graders of the limits tell that
    idle = idle_slot(web_, origin, limit, per_host)
    if idle is None:
        return
    pausing = paused_meanwhile(web_, idle, origin, limit, per_host)
    if pausing is None:
        idle_slot_left(web_, idle, limit, per_host)
        return
    blanks = {"start": seconds(idle.start), "end": seconds(idle.end), "running": idle.running, "limit": limit,
              "label": idle.page.label, "host": idle.page.host, "on_host": idle.on_host, "per_host": per_host,
              "found": seconds(idle.found), "paused": pausing.spec.label, "k": pausing.retry,
              "failed": seconds((pausing.failed.span.end or 0.0) - origin),
              "retry": seconds(pausing.again.span.start - origin)}
    fail(
        tr("`crawl` kept a slot while it paused before a retry, and a page waited for it."),
        observed=tr("from {start} to {end} only {running} of {limit} slots were busy, and host {host} had {on_host} "
                    "of its {per_host} in flight, yet {label} (found at {found}) waited; meanwhile {paused} paused "
                    "before its retry {k}: its attempt failed at {failed}, and it was tried again at {retry}.",
                    **blanks),
        expected=tr("no slot held through the pause before a retry: while a page pauses, the others use its slot."),
        timeline=web_.timeline(),
        advice=tr("Pause before taking the semaphores, not inside them: `await asyncio.sleep(...)` first, then "
                  "`async with` the host's slot and the overall one around the attempt alone.") if pausing.host
        else tr("The pause seems to hold one of the max_in_flight slots. Take the semaphores around each attempt "
                "alone and pause outside them; a pool of max_in_flight workers, each pausing between the attempts "
                "of its URL, holds its slot the same way: put the URL back in the queue once its pause is over."),
    )


async def test_crawl_backs_off_before_each_retry(learner: Learner, rng: random.Random) -> None:
    # Four retries, on every draw (the page that always answers a 5xx takes them all): a pause that grows by `backoff`
    # each time (backoff * k, jittered up to twice that) is in range at the first two and often at the third; at the
    # fourth, 4 to 8 times backoff against 8 to 16, it shows.
    retries = 4
    web_ = Web(rng, troubled_web(rng, retries))
    backoff, timeout = rng.choice([0.25, 0.5, 0.75]), rng.choice([1.5, 2.5, 3.5])
    async with web_:
        with shared_draws(learner.path) as draws:
            record = await crawled(learner, web_, params(rng, max_in_flight=8, per_host=8, retries=retries,
                                                          backoff=backoff, timeout=timeout))
    succeeded(learner, record)
    troubled = [spec for spec in web_.specs if spec.plan != [200]]
    drawn = web_.timeline([h.span for spec in troubled for h in web_.hits_of(spec)])
    base = {"retries": retries, "backoff": f"{backoff:g}", "timeout": seconds(timeout), "tries": retries + 1}
    # An attempt that sent nothing told first: with no timeout at all, that is the plainer case.
    for hit in sorted(web_.hits, key=lambda h: h.spec is not None and h.spec.stall_body):
        waited = (hit.span.end or loop_clock()) - hit.span.start
        if hit.answer is None and waited > timeout + TOLERANCE:
            headers = hit.headers is not None and hit.headers - hit.span.start <= timeout + TOLERANCE
            fail(
                tr("`crawl` waited {waited} for an answer from {label}; timeout was {timeout}.",
                   waited=seconds(waited), label=hit.span.label, **base),
                observed=tr("the server sent the headers of {label} after {headers} and half its body, then nothing "
                            "more for {stalled}; your code went on waiting for the rest of the body.",
                            label=hit.span.label, headers=seconds(hit.headers - hit.span.start),
                            stalled=seconds(SLOW)) if headers and hit.headers is not None
                else tr("the server sent nothing for {waited}, and your code went on waiting.",
                        waited=seconds(waited)),
                expected=tr("each attempt given up after {timeout} without an answer, and tried again like a 5xx.", **base),
                timeline=drawn,
                advice=tr("The timeout is for the whole attempt: the request is in flight until its body has been "
                          "read. Put `await response.text()` inside `async with asyncio.timeout(timeout):` too, not "
                          "just `session.get(url)`, whose await ends once the headers are in.") if headers
                else tr("Put `async with asyncio.timeout(timeout):` around each attempt (the request and the reading "
                        "of its body), inside the semaphores, and treat TimeoutError as a failed attempt."),
            )
    for spec in troubled:
        hits = web_.hits_of(spec)
        should = spec.attempts(retries)
        blanks = {"label": spec.label, "got": plural(len(hits), "time"), "answers": answers(hits),
                  "should": plural(should, "time"), **base}
        if len(hits) > should and any(hit.answer == 404 for hit in hits[:-1]):  # a 404 tried again
            retried_a_404(spec, hits, drawn)
        if len(hits) > should:
            fail(
                tr("`crawl` tried {label} {got}; retries was {retries}.", **blanks),
                observed=tr("it answered {answers}.", **blanks),
                expected=tr("the first attempt and at most {retries} retries: {should}, stopping at the first answer "
                            "below 500.", **blanks),
                timeline=drawn,
                advice=tr("Count the attempts: `for k in range(retries + 1):`, leaving the loop at the first answer "
                          "below 500."),
            )
        if not hits:  # nothing of its retries to judge: why it was never asked for is the visits' grader's to tell
            fail(
                tr("`crawl` never requested {label}, so its retries could not be checked.", **blanks),
                observed=tr("no request for {label} reached its server.", **blanks),
                expected=tr("{label} requested and, after a 5xx or a timeout, tried again, up to {retries} retries: "
                            "{should} here.", **blanks),
                timeline=drawn,
                advice=tr("Visit every URL reachable from the start: follow the links of every page that answered "
                          "200, and hand each page to the caller."),
            )
        if len(hits) < should:
            timed_out = hits and hits[-1].answer is None
            # A URL retried after a 5xx, then given up on, and every URL given up on could have had its next retry
            # (after the longest pause allowed) only past `timeout` from its first request: a timeout around all of a
            # URL's attempts together, rather than around each, ended them there. (A URL given up on that had room for
            # a retry tells another mistake; so does a lone attempt, or one that timed out, which no retry can follow
            # within the timeout of its first request anyway.)
            given_up = [cut for other in troubled if 0 < len(cut := web_.hits_of(other)) < other.attempts(retries)]
            # ... and each of them had its last attempt over within that timeout: nothing went on past it.
            if any(len(cut) > 1 and cut[-1].answer is not None for cut in given_up) and all(
                    retry_due(cut, backoff)[1] > cut[0].span.start + timeout + TOLERANCE
                    and (cut[-1].span.end or loop_clock()) <= cut[0].span.start + timeout + TOLERANCE for cut in given_up):
                limit = hits[0].span.start + timeout
                due = retry_due(hits, backoff)[0]
                fail(
                    tr("`crawl` gave up on {label} after trying it {got}.", **blanks),
                    observed=tr("it answered {answers}; its next retry was due no sooner than {due}, and no later than "
                                "{latest}, while {limit} was {timeout} after its first request: none of the URLs it "
                                "gave up on had room for another attempt within the timeout of their first request.",
                                due=seconds(due - record.start), latest=seconds(retry_due(hits, backoff)[1] - record.start),
                                limit=seconds(limit - record.start), **blanks),
                    expected=tr("another try after a 5xx or a timeout, up to {retries} retries: {should} here.",
                                **blanks),
                    timeline=drawn,
                    advice=tr("The timeout is for each attempt, not for all of a URL's attempts together: put `async "
                              "with asyncio.timeout(timeout):` around one attempt, inside the retry loop, so that the "
                              "pauses and the other attempts are outside it."),
                )
            fail(
                tr("`crawl` gave up on {label} after trying it {got}.", **blanks),
                observed=tr("it answered {answers}, and was not tried again.", **blanks),
                expected=tr("another try after a 5xx or a timeout, up to {retries} retries: {should} here.", **blanks),
                timeline=drawn,
                # It did retry after a failure of the kind of its last (no answer, or a 5xx), and stopped short: the
                # count of its attempts is wrong (one short, or not this URL's own), which the records cannot tell apart.
                advice=tr("Make `retries + 1` attempts of each URL, counted for that URL alone: `for k in range(retries "
                          "+ 1):` in the code that fetches one URL. A loop one attempt short, or a count shared by the "
                          "URLs (or kept from one URL to the next), stops early.")
                if any((hit.answer is None) == timed_out for hit in hits[:-1])
                else tr("A timeout is a failed attempt too: catch TimeoutError around the attempt and try again, "
                        "as after a 5xx.") if timed_out
                else tr("Retry when `response.status >= 500`: aiohttp raises nothing for a 5xx, so check the status "
                        "yourself, in a loop of `retries + 1` attempts."),
            )
    pauses = [Pause(spec, k, hits[k].span.start - (hits[k - 1].span.end or 0.0), backoff * 2 ** (k - 1), backoff * 2 ** k)
              for spec in troubled if len(hits := web_.hits_of(spec)) > 1 for k in range(1, len(hits))]
    if not pauses:
        return
    if all(p.waited <= TOLERANCE for p in pauses):
        fail(
            tr("`crawl` retried at once, with no pause."),
            observed=tr("each retry went out the moment the attempt before it failed."),
            expected=tr("before retry k a pause between backoff × 2**(k - 1) and twice that: {backoff} s to {twice} "
                        "before the first retry, twice as long before the second.", twice=seconds(2 * backoff), **base),
            timeline=drawn,
            advice=tr("A server in trouble needs time: `await asyncio.sleep(pause)` before each retry, outside the "
                      "semaphores, with the pause doubling each time."),
        )
    for p in pauses:
        if p.least - TOLERANCE <= p.waited <= p.most + TOLERANCE:
            continue
        blanks = {"label": p.spec.label, "k": p.retry, "waited": seconds(p.waited), "least": seconds(p.least),
                  "most": seconds(p.most), **base}
        same = len({round(q.waited, 2) for q in pauses}) == 1
        # Each pause within its range shifted a retry on (the exponent one too high), or within zero to twice the pause
        # (the random part drawn around the pause, not on top of it): the advice names that slip.
        shifted = all(2 * q.least - TOLERANCE <= q.waited <= 2 * q.most + TOLERANCE for q in pauses)
        below = all(q.waited <= q.most + TOLERANCE for q in pauses)
        flat = all(backoff - TOLERANCE <= q.waited <= 2 * backoff + TOLERANCE for q in pauses)  # the first range, always
        if same or flat:
            advice = tr("Double the pause with each retry: `pause = backoff * 2 ** (k - 1)` before retry k, then "
                        "`await asyncio.sleep(pause + rng.uniform(0, pause))`.")
        elif shifted:
            advice = tr("Every pause was one retry ahead: before retry k the pause is `backoff * 2 ** (k - 1)`, with "
                        "k = 1 before the first retry (so the first pause is `backoff` to twice that).")
        elif below:
            advice = tr("The random part goes on top of the pause, never below it: "
                        "`await asyncio.sleep(pause + rng.uniform(0, pause))`, with `pause = backoff * 2 ** (k - 1)`.")
        elif p.waited < p.least:
            advice = tr("Double the pause with each retry: `pause = backoff * 2 ** (k - 1)` before retry k, then "
                        "`await asyncio.sleep(pause + rng.uniform(0, pause))`.")
        else:
            advice = tr("Keep the random part within the pause itself: `pause + rng.uniform(0, pause)`, with "
                        "`pause = backoff * 2 ** (k - 1)` (k = 1 before the first retry).")
        fail(
            tr("`crawl` paused {waited} before retry {k} of {label}; it should be between {least} and {most}.", **blanks),
            observed=tr("every pause was {waited}, whatever the retry: the pause did not grow.", **blanks) if same
            else tr("the pauses were {pauses}.", pauses=listed(seconds(q.waited) for q in pauses)),
            expected=tr("before retry k a pause between backoff × 2**(k - 1) and twice that (backoff was {backoff} s): "
                        "the pause doubles with each retry.", **base),
            timeline=drawn,
            advice=advice,
        )
    fractions = [p.fraction for p in pauses]
    if len(pauses) > 1 and max(fractions) - min(fractions) <= 0.02:
        blanks = {"fraction": f"{sum(fractions) / len(fractions):.2f}", **base}
        fail(
            tr("`crawl` paused without jitter: each pause fell at the same point of its range."),
            observed=tr("every pause was exactly backoff × 2**(k - 1): nothing random was added.", **blanks)
            if max(fractions) <= 0.02
            else tr("every pause was backoff × 2**(k - 1) × (1 + {fraction}): the same share each time.", **blanks),
            expected=tr("a random pause for each retry, drawn from rng: between backoff × 2**(k - 1) and twice that."),
            timeline=drawn,
            advice=tr("Add a random part drawn anew for each retry: `pause + rng.uniform(0, pause)`. Without it, "
                      "clients that failed together retry together, in step, and hit the server at the same moment "
                      "again."),
        )
    # One share drawn per page and reused for its every retry: the same point of each range, to the loop clock's
    # microsecond (fresh draws land that close with a chance of one in ten thousand, on every such page at once).
    by_page: dict[str, list[Pause]] = {}
    for p in pauses:
        by_page.setdefault(p.spec.label, []).append(p)
    reused = [(label, ps) for label, ps in by_page.items()
              if len(ps) > 1 and max(q.fraction for q in ps) - min(q.fraction for q in ps) <= 1e-4]
    if reused and len(reused) == sum(1 for ps in by_page.values() if len(ps) > 1):
        label, ps = reused[0]
        fail(
            tr("`crawl` drew the jitter once per page, not once per retry."),
            observed=tr("every pause before a retry of {label} fell at the same point of its range ({fraction} of the "
                        "way from backoff × 2**(k - 1) to twice that): {pauses}.", label=label,
                        fraction=f"{ps[0].fraction:.2f}", pauses=listed(seconds(q.waited) for q in ps)),
            expected=tr("a random pause for each retry, drawn from rng: between backoff × 2**(k - 1) and twice that."),
            timeline=drawn,
            advice=tr("Draw the random part anew before each retry, inside the retry loop: "
                      "`await asyncio.sleep(pause + rng.uniform(0, pause))`."),
        )
    found = first_by_url(yielded(web_, record))
    for spec in troubled:
        item = found.get(web_.url(spec))
        status = spec.status(retries)
        if item is None:
            fail(
                tr("`crawl` never yielded {labels}.", labels=spec.label),
                observed=tr("it answered {answers}.", answers=answers(web_.hits_of(spec))),
                expected=tr("a Page for every URL visited, whatever happened to it: the status of its last attempt, "
                            "or None when that attempt timed out."),
                timeline=drawn,
                advice=tr("Yield a Page for every URL you visit, whatever its status."),
            )
        if item.status != status:
            fail(
                tr("`crawl` yielded {label} with status {got}; its last attempt answered {status}.", label=spec.label,
                   got=shown(item.status), status=status) if status is not None
                else tr("`crawl` yielded {label} with status {got}; its last attempt timed out.", label=spec.label,
                        got=shown(item.status)),
                observed=tr("it answered {answers}.", answers=answers(web_.hits_of(spec))),
                expected=tr("the status of the last attempt, or None when that attempt timed out."),
                timeline=drawn,
                advice=tr("Set the status from each attempt, None for one that timed out, so that the Page carries what "
                          "the last attempt gave, not what an earlier one did."),
            )
    if draws.seen:
        called, line = draws.seen[0]
        fail(
            tr("`crawl` drew its random numbers from the `random` module, not from rng."),
            observed=tr("line {line} (`{source}`) called `{called}` of the random module, whose generator the whole "
                        "program shares and nobody seeded for this crawl.", line=line, called=called,
                        source=linecache.getline(str(learner.path), line).strip()),
            expected=tr("every random number drawn from rng, the random.Random passed to crawl: the same rng gives the "
                        "same pauses, so a run can be repeated."),
            advice=tr("Call the methods of the rng you are given, `rng.uniform(0, pause)`, instead of the module's "
                      "functions `random.uniform(...)`."),
        )
    await crawl_in_a_jam(learner, rng, retries)


# Stopping: the deadline, and a cancelled caller.


def soonest_end(web_: Web) -> float:
    """When a crawl with no limits at all would be over: each page fetched the moment a page linking to it arrived."""
    done = {web_.start: web_.start.delay}
    reachable = web_.reachable()
    for _ in reachable:  # relaxed once per page: enough for the longest chain of links
        for spec in [spec for spec in reachable if spec in done]:
            for target in spec.links:
                done[target] = min(done.get(target, float("inf")), done[spec] + target.delay)
    return max(done.values())


def stop_moment(rng: random.Random, web_: Web) -> float:
    """A moment after the first page has arrived and before any crawl can be over, off the quarter seconds
    on which requests start and end: requests are in flight then on every schedule that keeps its slots busy."""
    over = soonest_end(web_)
    choices = [0.25 * k + 0.1 for k in range(1, 40) if web_.start.delay < 0.25 * k < over - 0.5]
    return rng.choice(choices)


def running_after(web_: Web, moment: float) -> list[Span]:
    """Requests still in flight after `moment`, or started after it."""
    return [s for s in web_.spans() if s.start > moment + TOLERANCE or s.end is None or s.end > moment + TOLERANCE]


def left_running(kind: str, moment: str, late: Sequence[Span], web_: Web, origin: float) -> None:
    """Fails when requests went on (or began) after the crawl should have stopped."""
    __tracebackhide__ = True
    if not late:
        return
    started = [s for s in late if s.start > origin + TOLERANCE]
    blanks = {"moment": moment, "requests": plural(len(late), "request"), "count": len(late),
              "labels": listed(s.label for s in late), "started": listed(s.label for s in started)}
    fail(
        tr("`crawl` left {requests} going after the deadline at {moment}.", **blanks) if kind == "deadline"
        else tr("`crawl` left {requests} going after its caller closed it at {moment}.", **blanks) if kind == "close"
        else tr("`crawl` left {requests} going after it was cancelled at {moment}.", **blanks),
        observed=tr("{started} even started afterwards: the tasks fetching pages went on by themselves.", **blanks)
        if started else tr("{labels} went on after that moment: nothing cancelled them.", **blanks),
        expected=tr("every request still in flight then cancelled at that moment (x on the timeline), and no new one."),
        timeline=web_.timeline(),
        advice=tr("Ending the generator does not stop the tasks it started. In a `finally:` around the loop, cancel "
                  "every task still running and wait for them: `for task in tasks: task.cancel()`, then `await "
                  "asyncio.gather(*tasks, return_exceptions=True)`."),
        cause=f"left running {kind}",
    )


def tried_again(kind: str, moment: str, web_: Web, record: Crawl, origin: float) -> None:
    """Fails when a URL whose request was cancelled at the stop (`origin`) was requested again afterwards:
    the code fetching it took the cancellation for a failed attempt."""
    __tracebackhide__ = True
    pairs = [pair for spec in web_.specs for pair in zip(web_.hits_of(spec), web_.hits_of(spec)[1:])]
    again = [(before, after) for before, after in pairs
             if before.span.state == "cancelled" and before.span.end is not None
             and abs(before.span.end - origin) <= TOLERANCE and after.span.start > origin + TOLERANCE]
    if not again:
        return
    before, after = min(again, key=lambda pair: pair[1].span.start)
    assert before.spec is not None
    ended = record.ended if record.ended is not None else loop_clock()
    blanks = {"moment": moment, "label": before.spec.label, "at": seconds(after.span.start - record.start),
              "ended": seconds(ended - record.start)}
    observed = tr("{label}'s request was cancelled at {moment}, and {label} was requested again at {at}: the code "
                  "fetching it took the cancellation for a failed attempt and tried again.", **blanks)
    if ended > origin + TOLERANCE:
        observed = sentences(observed, tr("The crawl ended only at {ended}, once those tries were over.", **blanks))
    fail(
        tr("`crawl` tried {label} again after the deadline at {moment} had cancelled its request.", **blanks)
        if kind == "deadline"
        else tr("`crawl` tried {label} again after it was cancelled at {moment}.", **blanks),
        observed=observed,
        expected=tr("every task of the crawl stopping when it is cancelled: no request after that moment."),
        timeline=web_.timeline(),
        advice=tr("Around each attempt catch only TimeoutError (`except TimeoutError:`), never CancelledError (nor "
                  "BaseException, nor a bare `except:`): a cancelled task must stop, not try again."),
        cause="tried again when cancelled",
    )


def left_tasks(kind: str, moment: str, tasks: Sequence[asyncio.Task[Any]], web_: Web) -> None:
    """Fails when tasks the crawl started were still running once the crawl was over."""
    __tracebackhide__ = True
    if not tasks:
        return
    cancelled = all(task.cancelling() for task in tasks)
    blanks = {"moment": moment, "tasks": plural(len(tasks), "Task"), "count": len(tasks),
              "names": listed(sorted({getattr(task.get_coro(), "__qualname__", "?") for task in tasks}))}
    fail(
        tr("`crawl` left {tasks} running after the deadline at {moment}.", **blanks) if kind == "deadline"
        else tr("`crawl` left {tasks} running after its caller closed it at {moment}.", **blanks) if kind == "close"
        else tr("`crawl` left {tasks} running after it was cancelled at {moment}.", **blanks),
        observed=tr("they had been cancelled, but nothing waited for them to end before the crawl was over ({names}).",
                    **blanks)
        if cancelled else tr("nothing had cancelled them: the crawl was over, and they were still running ({names}).",
                             **blanks),
        expected=tr("no task of the crawl still running once the crawl is over."),
        timeline=web_.timeline(),
        advice=tr("`task.cancel()` only asks a task to stop. Wait for them after cancelling: `await "
                  "asyncio.gather(*tasks, return_exceptions=True)`, in the `finally:` block.") if cancelled
        else tr("In a `finally:` around the loop, cancel every task still running and wait for them: `for task in "
                "tasks: task.cancel()`, then `await asyncio.gather(*tasks, return_exceptions=True)`."),
        cause=f"left tasks {kind}",
    )


def left_open(kind: str, moment: str, unclosed: int, connections: int) -> None:
    """Fails when the crawl's ClientSession (and its connections) outlived it."""
    __tracebackhide__ = True
    if not unclosed and not connections:
        return
    blanks = {"moment": moment, "connections": plural(connections, "connection"), "count": connections}
    fail(
        tr("`crawl` left its ClientSession open after the deadline at {moment}.", **blanks) if kind == "deadline"
        else tr("`crawl` left its ClientSession open after its caller closed it at {moment}.", **blanks) if kind == "close"
        else tr("`crawl` left its ClientSession open after it was cancelled at {moment}.", **blanks),
        observed=tr("the servers still had {connections} open to it once the crawl was over.", **blanks) if connections
        else tr("the session was never closed."),
        expected=tr("the session closed on every way out, its connections with it."),
        advice=tr("Open the session with `async with aiohttp.ClientSession() as session:` around the whole loop, "
                  "yields included: it closes however the generator ends. A `await session.close()` after the loop "
                  "is skipped when the deadline or a cancellation ends it."),
        cause=f"left open {kind}",
    )


async def close_leaks(sessions: Sequence[aiohttp.ClientSession]) -> int:
    """Close the sessions the crawl left open (so that aiohttp does not warn on top); how many there were."""
    unclosed = [session for session in sessions if not session.closed]
    for session in unclosed:
        await session.close()
    return len(unclosed)


async def test_crawl_stops_at_the_deadline(learner: Learner, rng: random.Random) -> None:
    web_ = Web(rng, long_web(rng))
    limit = 2
    deadline = stop_moment(rng, web_)
    async with web_:
        with client_watch() as watch:
            record = await crawled(learner, web_, params(rng, max_in_flight=limit, per_host=2, deadline=deadline))
        await settle()
        connections = web_.open_connections()
        unclosed = await close_leaks(watch.sessions)
    moment = seconds(deadline)
    origin = record.start + deadline
    ended = (record.ended or loop_clock()) - record.start
    blanks = {"deadline": moment, "ended": seconds(ended), "count": len(record.pages),
              "pages": plural(len(record.pages), "page")}
    if isinstance(record.error, TimeoutError) and learner._raised_by_learner(record.error):
        fail(
            tr("`crawl` raised TimeoutError at the deadline, {deadline}, instead of ending quietly.", **blanks),
            observed=tr("the caller's `async for` got TimeoutError after {pages}.", **blanks),
            expected=tr("the iteration simply ending at the deadline: the pages yielded so far are the result."),
            details=learner.format_error(record.error),
            advice=tr("Catch the TimeoutError inside the generator and `return`: `try: async with "
                      "asyncio.timeout_at(end): page = await done.get()` / `except TimeoutError: return`."),
        )
    succeeded(learner, record)
    tried_again("deadline", moment, web_, record, origin)
    everything = len(web_.reachable())
    if ended > deadline + TOLERANCE:
        # Ended, or cancelled its requests, late and exactly `deadline` after a page was handed over: a deadline
        # counted from that page rather than from the call. All moments here are counted from the call.
        stops = [ended, *((s.end or 0.0) - record.start for s in web_.spans() if s.state == "cancelled")]
        handed = [a - record.start for a in record.arrivals]
        restarted = next((i for i, a in enumerate(handed) for stop in stops
                          if stop > deadline + TOLERANCE and abs(stop - (a + deadline)) <= TOLERANCE), None)
        # The page it was counted from was the last handed over before the stop, and others came before it: it
        # started again with each page. Otherwise (the first page, or pages handed over after it) all the records
        # tell is that it was counted from that page.
        each_page = restarted is not None and restarted > 0 and not any(
            handed[restarted] + TOLERANCE < a < handed[restarted] + deadline - TOLERANCE for a in handed)
        between = any(s.end is not None and s.end > origin and s.state == "done"
                      and abs(s.end - (record.ended or 0.0)) <= TOLERANCE for s in web_.spans())
        arrived = {"arrived": seconds(handed[restarted]) if restarted is not None else ""}
        fail(
            tr("`crawl` ended at {ended}; the deadline was {deadline}.", **blanks),
            observed=tr("it crawled the whole web: the deadline never stopped it.", **blanks)
            if len(record.pages) >= everything
            else tr("it stopped waiting {deadline} after the page handed over at {arrived}, not {deadline} after the "
                    "crawl began: the deadline started again with each page.", **arrived, **blanks)
            if each_page
            else tr("it stopped {deadline} after the page handed over at {arrived}, not {deadline} after the crawl "
                    "began: the deadline was counted from that later moment, not from the call.", **arrived, **blanks)
            if restarted is not None
            else tr("it ended only as the next page arrived: the deadline was looked at between pages, not while "
                    "waiting for one.", **blanks)
            if between
            else tr("it went on past the deadline.", **blanks),
            expected=tr("the iteration ending at {deadline}, with the requests still in flight then cancelled.",
                        **blanks),
            timeline=web_.timeline(),
            advice=tr("Note when the crawl must end once, as it begins (`end = loop.time() + deadline`), and wait for "
                      "each page inside `async with asyncio.timeout_at(end):`. `asyncio.timeout(deadline)` around each "
                      "wait gives every wait the whole deadline again.") if each_page
            else tr("Note when the crawl must end at the very start of crawl, before waiting for anything: "
                    "`end = loop.time() + deadline`, once; then wait for each page inside "
                    "`async with asyncio.timeout_at(end):`, and set any timer for that same `end`.")
            if restarted is not None
            else tr("Note when the crawl must end (`end = loop.time() + deadline`) and put each wait for the next "
                    "page inside `async with asyncio.timeout_at(end):`; on TimeoutError, `return`. Checking the "
                    "clock between pages notices the deadline only when the next page arrives.") if between
            else tr("Note when the crawl must end once, as it begins (`end = loop.time() + deadline`), and put each "
                    "wait for the next page inside `async with asyncio.timeout_at(end):`; on TimeoutError, `return`."),
        )
    if ended < deadline - TOLERANCE:
        fail(
            tr("`crawl` ended at {ended}, before the deadline at {deadline}, with pages still to visit.", **blanks),
            observed=tr("it yielded {pages} of the {total} the web holds, and stopped.", total=everything, **blanks),
            expected=tr("the crawl going on until the deadline, then stopping."),
            timeline=web_.timeline(),
        )
    left_running("deadline", moment, running_after(web_, origin), web_, origin)
    left_tasks("deadline", moment, record.left, web_)
    left_open("deadline", moment, unclosed, connections)
    found = first_by_url(yielded(web_, record))
    lost = [spec for spec in web_.specs if (hits := web_.hits_of(spec)) and hits[-1].span.state == "done"
            and (hits[-1].span.end or origin) < origin - TOLERANCE and web_.url(spec) not in found]
    if lost:
        fail(
            tr("`crawl` fetched {labels} before the deadline, but never yielded it.", labels=lost[0].label)
            if len(lost) == 1 else
            tr("`crawl` fetched {labels} before the deadline, but never yielded them.",
               labels=listed(spec.label for spec in lost)),
            expected=tr("every page fetched before the deadline handed to the caller: they are the result."),
            timeline=web_.timeline(),
            advice=tr("Yield each page as soon as it has been fetched; pages kept back for later are lost when the "
                      "deadline ends the crawl."),
        )
    await deadline_while_busy(learner, rng)


def level_web(rng: random.Random) -> list[Spec]:
    """A start page on host A linking to 5 or 6 quick pages (0.5 or 0.75 s) on hosts A and B, which link on to more.
    With max_in_flight 2, a crawl that starts those links when the start page arrives and keeps its slots busy has
    one of them done 0.75 s later at most, and requests in flight until 1.25 s later at least."""
    names = iter(paths(rng, 14))
    start = Spec("A", next(names), rng.choice([0.5, 0.75]))
    first = [Spec(rng.choice("AB"), next(names), rng.choice([0.5, 0.75])) for _ in range(rng.randint(5, 6))]
    deeper = [Spec(rng.choice("AB"), next(names), rng.choice(DELAYS)) for _ in range(len(first))]
    linked(start, *first)
    for page, target in zip(first, deeper):
        linked(page, target, rng.choice(deeper), start)
    return [start, *first, *deeper]


# Seconds the busy caller spends on the first page, and on each later one: the second page comes before the
# deadline, and the caller is busy with it then.
LINGERS = (0.25, 1.5)


async def deadline_while_busy(learner: Learner, rng: random.Random) -> None:
    """The deadline coming while the caller is busy with a page (awaiting something of its own), with requests in
    flight and a page done but not yet handed over, on every schedule that keeps its slots busy: the caller gets the
    start page, asks again a quarter of a second later and gets the first page of the next level (0.75 s after the
    start page at most), and is busy with it for 1.5 s, across the deadline. At the deadline the requests in flight
    are cancelled and none starts, whatever the caller is doing; the caller gets no error, and no page after the
    deadline: its next step ends the iteration. A page the caller was waiting for is not held back."""
    __tracebackhide__ = True
    web_ = Web(rng, level_web(rng))
    deadline = web_.start.delay + rng.choice([0.85, 0.95])  # off the quarters
    async with web_:
        with client_watch() as watch:
            record = await crawled(learner, web_, params(rng, max_in_flight=2, per_host=2, deadline=deadline),
                                   lingers=LINGERS)
        await settle()
        connections = web_.open_connections()
        unclosed = await close_leaks(watch.sessions)
    moment = seconds(deadline)
    origin = record.start + deadline
    ended = (record.ended or loop_clock()) - record.start
    asks = record.asks()
    busy = [(item, a, asks[i + 1]) for i, (item, a) in enumerate(zip(record.pages, record.arrivals))
            if a <= origin + TOLERANCE < asks[i + 1]]
    blanks = {"deadline": moment, "moment": moment, "ended": seconds(ended), "asked": seconds(asks[-1] - record.start),
              "pages": plural(len(record.pages), "page"), "count": len(record.pages)}
    if busy:
        item, got, done = busy[0]
        blanks.update(label=web_.name_of(getattr(item, "url", item)), got=seconds(got - record.start),
                      asked=seconds(done - record.start))
    if record.cancelled_while_busy is not None:
        at = record.cancelled_while_busy - record.start
        blanks["at"] = seconds(at)
        fail(
            tr("`crawl` cancelled its caller at {at}, while the caller was busy with a page; the deadline was "
               "{deadline}.", **blanks),
            observed=tr("the caller's own `await` over {label}, which it got at {got}, raised CancelledError at the "
                        "deadline: the crawl's timeout for the deadline was still running while the generator stood "
                        "at its `yield`, and a timeout cancels the task it runs in, the caller's.", **blanks)
            if busy and abs(at - deadline) <= TOLERANCE
            else tr("the caller's own `await` over the page it had got raised CancelledError at {at}.", **blanks),
            expected=tr("the iteration simply ending at the deadline: the pages yielded so far are the result."),
            timeline=web_.timeline(),
            advice=tr("Put `async with asyncio.timeout_at(end):` around the wait for the next page only, never around "
                      "a `yield`: while the generator is paused at a `yield` the code running is the caller's, and "
                      "that is what the timeout cancels.") if busy and abs(at - deadline) <= TOLERANCE else None,
        )
    if isinstance(record.error, TimeoutError) and learner._raised_by_learner(record.error):
        fail(
            tr("`crawl` raised TimeoutError at the deadline, {deadline}, instead of ending quietly.", **blanks),
            observed=tr("the caller's `async for` got TimeoutError after {pages}.", **blanks),
            expected=tr("the iteration simply ending at the deadline: the pages yielded so far are the result."),
            details=learner.format_error(record.error),
        )
    succeeded(learner, record)
    tried_again("deadline", moment, web_, record, origin)
    late = running_after(web_, origin)
    across = [s for s in late if s.start <= origin + TOLERANCE]
    if busy and across:
        stopped = [s.end for s in across if s.end is not None]
        blanks.update(requests=plural(len(across), "request"), labels=listed(s.label for s in across),
                      stopped=seconds(max(stopped) - record.start) if len(stopped) == len(across) else "")
        fail(
            tr("`crawl` left {requests} going after the deadline at {moment}, while its caller was busy with a page.",
               **blanks),
            observed=tr("the caller got {label} at {got} and was busy with it until {asked}; meanwhile {labels} went "
                        "on past the deadline, until {stopped}.", **blanks) if blanks["stopped"]
            else tr("the caller got {label} at {got} and was busy with it until {asked}; meanwhile {labels} went "
                    "on past the deadline.", **blanks),
            expected=tr("the requests in flight at the deadline cancelled at that very moment, whatever the caller is "
                        "doing, and no new one."),
            timeline=web_.timeline(),
            advice=tr("While its caller is busy with a page, the generator stands still at its `yield`: none of its "
                      "code runs, and a timeout around the wait for the next page is not running either. Cancel the "
                      "fetching tasks at the deadline itself with a timer, `loop.call_at(end, stop)`, where `stop` "
                      "cancels every task still running; cancel the timer in the `finally:`."),
            cause="left running deadline",
        )
    handed = [(i, item, a) for i, (item, a) in enumerate(zip(record.pages, record.arrivals)) if a > origin + TOLERANCE]
    if busy and handed:
        i, item, at = handed[0]
        blanks.update(label=web_.name_of(getattr(item, "url", item)), at=seconds(at - record.start),
                      asked=seconds(asks[i] - record.start))
        fail(
            tr("`crawl` handed over {label} at {at}, after the deadline at {moment}.", **blanks),
            observed=tr("its caller was busy with a page at the deadline and asked for the next one at {asked}: the "
                        "crawl handed it {label} instead of ending.", **blanks),
            expected=tr("the iteration ending at the caller's first step after the deadline: the pages yielded by the "
                        "deadline are the result."),
            timeline=web_.timeline(),
            advice=tr("Look at the clock before each wait for a page: once `loop.time() >= end`, return. A "
                      "`timeout_at(end)` whose moment has passed fires only when the code inside it waits, and "
                      "`await done.get()` does not wait while the queue holds a page."),
        )
    if busy and late:
        started = [s for s in late if s.start > origin + TOLERANCE]
        first, last = (min(s.start for s in started) - record.start, max(s.start for s in started) - record.start)
        blanks.update(requests=plural(len(late), "request"), started=listed(s.label for s in started),
                      at=seconds(first), last=seconds(last))
        fail(
            tr("`crawl` started {requests} after the deadline at {moment}.", **blanks),
            observed=tr("its caller was busy with a page at the deadline and asked for the next one at {asked}; "
                        "{started} started at {at}.", **blanks) if last - first <= TOLERANCE
            else tr("its caller was busy with a page at the deadline and asked for the next one at {asked}; "
                    "{started} started from {at} to {last}.", **blanks),
            expected=tr("the requests in flight at the deadline cancelled at that very moment, whatever the caller is "
                        "doing, and no new one."),
            timeline=web_.timeline(),
            advice=tr("When the caller asks for the next page after the deadline, look at the clock first: once "
                      "`loop.time() >= end`, return, before starting anything or handing anything over."),
            cause="left running deadline",
        )
    left_running("deadline", moment, late, web_, origin)
    asked = asks[len(record.pages)]
    blanks["asked"] = seconds(asked - record.start)
    if asked > origin + TOLERANCE and record.ended is not None and record.ended > asked + TOLERANCE:
        fail(
            tr("`crawl` ended at {ended}; the deadline was {deadline}.", **blanks),
            observed=tr("its caller was busy with a page at the deadline and asked for the next one at {asked}; the "
                        "iteration ended only at {ended}.", **blanks),
            expected=tr("the iteration ending at the caller's first step after the deadline: the pages yielded by the "
                        "deadline are the result."),
            timeline=web_.timeline(),
        )
    if asked <= origin + TOLERANCE and abs(ended - deadline) > TOLERANCE:
        fail(
            tr("`crawl` ended at {ended}; the deadline was {deadline}.", **blanks),
            observed=tr("its caller had asked for a page at {asked} and was waiting for it at the deadline.", **blanks),
            expected=tr("the iteration ending at {deadline}, with the requests still in flight then cancelled.",
                        **blanks),
            timeline=web_.timeline(),
        )
    found = first_by_url(yielded(web_, record))
    waited = [spec for spec in web_.specs if (hits := web_.hits_of(spec)) and hits[-1].span.state == "done"
              and (hits[-1].span.end or origin) < origin - TOLERANCE and web_.url(spec) not in found]
    if waited and asked < origin - TOLERANCE:
        fail(
            tr("`crawl` fetched {labels} before the deadline, but never yielded it.", labels=waited[0].label)
            if len(waited) == 1 else
            tr("`crawl` fetched {labels} before the deadline, but never yielded them.",
               labels=listed(spec.label for spec in waited)),
            observed=tr("its caller had asked for a page at {asked} and was waiting for it at the deadline.", **blanks),
            expected=tr("every page fetched before the deadline handed to the caller: they are the result."),
            timeline=web_.timeline(),
            advice=tr("Yield each page as soon as it has been fetched; pages kept back for later are lost when the "
                      "deadline ends the crawl."),
        )
    left_tasks("deadline", moment, record.left, web_)
    left_open("deadline", moment, unclosed, connections)


CANCEL_ADVICE = ("Let the CancelledError through: catch TimeoutError for the deadline, never CancelledError (nor "
                 "BaseException, nor a bare `except:`), and do the cleanup in `finally:`.")


async def test_crawl_stops_cleanly_when_cancelled(learner: Learner, rng: random.Random) -> None:
    web_ = Web(rng, long_web(rng))
    limit = 2
    at = stop_moment(rng, web_)
    async with web_:
        with client_watch() as watch:
            record = Crawl(loop_clock(), before=asyncio.all_tasks())
            iterator = await not_a_generator(learner, opened(learner, web_.url(web_.start),
                                                             params(rng, max_in_flight=limit, per_host=2)))
            task = asyncio.create_task(consume(aiter(iterator), record))
            await asyncio.sleep(at)
            early = task.done()
            task.cancel()
            done, _ = await asyncio.wait([task], timeout=STOP_WITHIN)
        learner.check_not_blocked(NAME)
        await settle()
        connections = web_.open_connections()
        unclosed = await close_leaks(watch.sessions)
    moment = seconds(at)
    origin = record.start + at
    ended = (record.ended or loop_clock()) - record.start
    blanks = {"at": moment, "ended": seconds(ended), "later": seconds(STOP_WITHIN), "count": len(record.pages),
              "pages": plural(len(record.pages), "page")}
    if early:
        succeeded(learner, record)
        fail(
            tr("`crawl` ended at {ended}, before the grader cancelled it at {at}.", **blanks),
            observed=tr("it yielded {pages} of the {total} the web holds, and stopped.", total=len(web_.reachable()),
                        **blanks),
            expected=tr("the crawl going on until it is cancelled: no crawl can visit every page by {at}.", **blanks),
            timeline=web_.timeline(),
        )
    tried_again("cancel", moment, web_, record, origin)
    if not done:  # the plugin stops the task once the grader is over (learner.stop_stragglers)
        fail(
            tr("`crawl` kept running after it was cancelled."),
            observed=tr("its caller was cancelled at {at}, and {later} later the crawl was still going: the "
                        "CancelledError was caught, and the crawl went on.", **blanks),
            expected=tr("the crawl stopping when its caller is cancelled (Ctrl-C): its cleanup runs, then the "
                        "CancelledError travels on."),
            timeline=web_.timeline(),
            advice=tr(CANCEL_ADVICE),
        )
    if not task.cancelled():
        error = task.exception()
        if error is not None and not isinstance(error, asyncio.CancelledError):
            fail(
                tr("`crawl` raised {kind} while it was being cancelled, instead of letting the cancellation through.",
                   kind=type(error).__name__),
                observed=tr("its caller was cancelled at {at}; on the way out its own code raised {kind}, which "
                            "replaced the CancelledError.", kind=type(error).__name__, **blanks),
                expected=tr("the crawl ending cancelled: CancelledError travels on to the caller."),
                details=learner.format_error(error),
                advice=tr("Make the cleanup itself safe: an exception raised in `finally:` (or in an except block) "
                          "replaces the one that was on its way out."),
            )
        fail(
            tr("`crawl` swallowed the cancellation."),
            observed=tr("its caller was cancelled at {at}, and the caller's `async for` simply ended, as if the "
                        "crawl were over: Ctrl-C would not stop the program around it.", **blanks),
            expected=tr("the crawl ending cancelled: CancelledError travels on to the caller."),
            timeline=web_.timeline(),
            advice=tr(CANCEL_ADVICE),
        )
    left_running("cancel", moment, running_after(web_, origin), web_, origin)
    left_tasks("cancel", moment, record.left, web_)
    left_open("cancel", moment, unclosed, connections)
    if ended > at + TOLERANCE:
        fail(
            tr("`crawl` took until {ended} to stop; it was cancelled at {at}.", **blanks),
            observed=tr("on the way out it waited for the requests in flight to end instead of cancelling them."),
            expected=tr("the crawl stopping at once: the requests in flight cancelled at {at}.", **blanks),
            timeline=web_.timeline(),
            advice=tr("Cancel the tasks still running before waiting for them: `task.cancel()` for each, then "
                      "`await asyncio.gather(*tasks, return_exceptions=True)`."),
        )
    await closed_by_its_caller(learner, rng)


TAKEN_BEFORE_CLOSING = 2  # pages the caller takes before it breaks out of its `async for` and closes the crawl


async def closed_by_its_caller(learner: Learner, rng: random.Random) -> None:
    """The other way a caller stops a crawl: it takes a few pages, breaks out of its `async for` and closes the
    generator (as `async with contextlib.aclosing(crawl(...))` does on a `break`). The crawl's requests, tasks and
    session end then too, and closing it raises nothing."""
    __tracebackhide__ = True
    web_ = Web(rng, long_web(rng))
    async with web_:
        with client_watch() as watch:
            record = Crawl(loop_clock(), before=asyncio.all_tasks())
            iterator = await not_a_generator(learner, opened(learner, web_.url(web_.start),
                                                             params(rng, max_in_flight=2, per_host=2)))
            try:
                async with asyncio.timeout(BUDGET):
                    async for page in iterator:
                        record.pages.append(page)
                        if len(record.pages) == TAKEN_BEFORE_CLOSING:
                            break
            except Exception as error:  # noqa: BLE001 - the crawl's own error before the close: its graders' to tell
                learner.fail_raised(NAME, error)
            origin = loop_clock()
            error: BaseException | None = None
            try:
                async with asyncio.timeout(STOP_WITHIN):
                    await iterator.aclose()  # type: ignore[attr-defined]
            except BaseException as raised:  # noqa: BLE001 - whatever closing it raised is the verdict
                error = raised
            record.left = learners_tasks(record.before)
        learner.check_not_blocked(NAME)
        await settle()
        connections = web_.open_connections()
        unclosed = await close_leaks(watch.sessions)
    moment = seconds(origin - record.start)
    blanks = {"at": moment, "pages": plural(len(record.pages), "page"), "count": len(record.pages)}
    if error is not None:
        group = isinstance(error, BaseExceptionGroup) and any(isinstance(e, GeneratorExit) for e in checks.leaves(error))
        fail(
            tr("`crawl` raised {kind} when its caller closed it.", kind=type(error).__name__),
            observed=tr("its caller took {pages}, broke out of its `async for` and closed the generator at {at}, as "
                        "`async with contextlib.aclosing(crawl(...))` does; closing it raised {error}.",
                        error=shown(error), **blanks),
            expected=tr("a quiet close: the crawl's cleanup runs and nothing is raised."),
            details=learner.format_error(error),
            advice=tr("A TaskGroup around a `yield` turns the generator's close (GeneratorExit, raised at the "
                      "`yield`) into an ExceptionGroup. Keep the `yield` outside the `async with asyncio.TaskGroup()` "
                      "block, or keep the tasks yourself and cancel them in `finally:`.") if group
            else tr("Make the cleanup itself safe: an exception raised in `finally:` (or in an except block) replaces "
                    "the GeneratorExit the close sends in."),
        )
    left_running("close", moment, running_after(web_, origin), web_, origin)
    left_tasks("close", moment, record.left, web_)
    left_open("close", moment, unclosed, connections)


# Streaming.


async def test_crawl_hands_over_each_page_at_once(learner: Learner, rng: random.Random) -> None:
    web_ = Web(rng, diamond_web(rng))
    async with web_:
        record = await crawled(learner, web_, params(rng, max_in_flight=3, per_host=2))
    succeeded(learner, record)
    items = yielded(web_, record)
    ready = {web_.url(spec): hits[-1].span.end for spec in web_.specs if (hits := web_.hits_of(spec))}
    held = [(item, arrived, ready[item.url]) for item, arrived in zip(items, record.arrivals)
            if isinstance(item.url, str) and ready.get(item.url) is not None and arrived > ready[item.url] + TOLERANCE]
    if not held:
        return
    item, arrived, fetched = held[0]
    last = max(s.end or 0.0 for s in web_.spans())
    blanks = {"label": web_.name_of(item.url), "arrived": seconds(arrived - record.start),
              "fetched": seconds(fetched - record.start), "end": seconds(last - record.start),
              "pages": plural(len(items), "page"), "count": len(items)}
    everything = record.arrivals[0] >= last - TOLERANCE
    rows = [*web_.spans(), *(Span(tr("{label} held back", label=web_.name_of(i.url)), f, 0, a, "done")
                             for i, a, f in held)]
    fail(
        tr("`crawl` held {label} back until {arrived}; it had been fetched at {fetched}.", **blanks),
        observed=tr("the caller got nothing until the whole crawl was over, at {end}, and then {pages} at once.",
                    **blanks) if everything
        else tr("the caller got {label} only at {arrived}, though its body had arrived at {fetched}.", **blanks),
        expected=tr("each page handed to the caller with `yield` the moment it has been fetched, whatever order the "
                    "pages finish in."),
        timeline=web_.timeline(rows),
        advice=tr("Yield each page as soon as it is done. Collecting the pages in a list and yielding them at the end "
                  "makes the caller wait for everything, and a deadline or Ctrl-C leaves it with nothing.")
        if everything
        else tr("Wait for whichever page is done next (a queue the fetching tasks put their pages on, or "
                "asyncio.wait(..., return_when=FIRST_COMPLETED)), not for the pages in the order you started them."),
    )
