"""Graders for topic 13: the learner writes the tests, for a finished HTTP client (client.py).

The graders run the learner's tests: against the client as given (each must pass), and against
broken copies of it (each must fail at least one test that passes against the real one). A
test runs here, on the grader's own event loop and virtual clock, with `client` (for
`import client`) being the copy under test; it gets no fixtures (only its @pytest.mark.parametrize
values, and the mocks of its @patch decorators, as pytest reads them). While it runs, every request
that reaches aiohttp's real request machinery is refused and noted (aioresponses answers the
others), blocking calls are caught by the loop guard, and its real time is measured.

A test's results against one copy of the client depend on the file alone: they are computed
once per file, version and copy in a process, and shared by the graders that read them.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import functools
import inspect
import math
import os
import platform
import re
import sys
import textwrap
import time
import traceback
import types
import unittest
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from _pytest.compat import getfuncargnames
from aioresponses.core import RequestMatch

from graders import syntax
from graders.harness.blocking import BlockingCall
from graders.harness.feedback import fail, seconds
from graders.i18n import listed, tr
from graders.harness.learner import WATCHED, Learner, blocking_advice, blocking_summary

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]

CLIENT = Path(str(resources.files("graders").joinpath("stubs", "13_testing", "client.py")))
# Seconds of loop time a test may take: a day, which costs no real time where the test waits (the clock leaps), so a
# test may well wait out a timeout of an hour, or two. An hour was too little for such correct tests.
BUDGET = 86400.0
# Seconds of real time a test may spend waiting (not computing on the loop's thread) before it counts as waiting for
# something real: a test takes a few ms. A test that waited between SLOW and 5 * SLOW is run again, in case the machine
# was busy: the faster run counts.
SLOW = 0.2


# aiohttp 3.14 added a required `stream_writer` to ClientResponse.__init__, which aioresponses
# (0.7.9 and earlier) does not pass, so every mocked answer failed with a TypeError
# (pnuckowski/aioresponses#289). Only where that is so, the answers it builds get a writer that
# has sent the request already (writer=None reads nothing else of it). The mock loop aioresponses
# gives each answer also says it is in debug mode, for which aiohttp records the stack of every
# response (a millisecond each, a fifth of a test's time): it says no here, which changes nothing
# else (an answer of aioresponses is never "unclosed", the other use of the flag).
if "stream_writer" in inspect.signature(aiohttp.ClientResponse.__init__).parameters:
    _build_response = RequestMatch._build_response

    @functools.wraps(_build_response)
    def _with_a_stream_writer(self: RequestMatch, *args: Any, response_class: Any = None, **kwargs: Any) -> Any:
        cls = response_class or aiohttp.ClientResponse

        def made(method: str, url: Any, *, loop: Any, **rest: Any) -> aiohttp.ClientResponse:
            loop.get_debug.return_value = False
            return cls(method, url, loop=loop, stream_writer=types.SimpleNamespace(output_size=0), **rest)

        return _build_response(self, *args, response_class=made, **kwargs)

    RequestMatch._build_response = _with_a_stream_writer  # type: ignore[method-assign]


# The broken copies of the client.


@dataclass(frozen=True)
class Mutant:
    """A copy of client.py with one behaviour broken: `patches` are (text, replacement) pairs, each
    text found exactly once. Only the behaviour is ever told to the learner, never the code."""

    patches: tuple[tuple[str, str], ...]
    untested: str  # the summary when no test catches it: the behaviour no test checks
    broken: str  # what the broken copy does, completing "a copy that ..."
    advice: str
    clues: str = ""  # a pattern that a test likely to catch it holds: such tests are tried first (same verdict, sooner)


NO_RETRY = Mutant(
    (("for attempt in range(1, self.attempts + 1):", "for attempt in range(1, 2):"),),
    "None of your tests checks that the client tries again after a failed attempt.",
    "gives up after its first attempt, whatever `attempts` says",
    "Answer a URL with a failure first and a good answer after it (aioresponses answers the `mocked.get(URL, ...)` "
    "of one URL in turn: `status=503`, then `payload=...`), and check that get_json returns the good answer; "
    "`mocked.requests` also tells how many requests the client sent.",
    r"status=5\d\d|exception=|sleep\(",
)
NO_RETRY_WITHOUT_ANSWER = Mutant(
    (("                failure, status = error, None\n",
      "                failure, status = error, None\n                break\n"),),
    "None of your tests checks that the client tries again after an attempt that got no answer (it could not "
    "connect, or timed out).",
    "tries again after a status of 500 or more, but gives up at once when an attempt could not connect or timed out",
    "Answer a URL with an error first and a good answer after it: `mocked.get(URL, "
    "exception=aiohttp.ClientConnectionError())`, then `mocked.get(URL, payload=...)`; check that get_json returns "
    "the good answer. Do the same with an answer slower than the client's timeout.",
    r"exception=|Error\(|sleep\(",
)
TIMEOUT_NOT_RETRIED = Mutant(
    (("            except (aiohttp.ClientError, TimeoutError) as error:\n",
      "            except TimeoutError as error:\n                failure, status = error, None\n                break\n"
      "            except (aiohttp.ClientError, TimeoutError) as error:\n"),),
    "None of your tests checks that the client tries again after an attempt that timed out.",
    "tries again after a status of 500 or more and after a connection error, but gives up at once when an attempt "
    "times out",
    "Make every answer slower than the client's timeout (an async callback that sleeps longer, with `repeat=True`: on "
    "the graders' virtual clock it takes no real time), let the client make two attempts or more, and check that it "
    "made them all: FetchError's `attempts`, or the loop's time when it gave up (timeout, pause, timeout).",
    r"timeout|sleep\(",
)
CONNECTION_NOT_RETRIED = Mutant(
    (("            except (aiohttp.ClientError, TimeoutError) as error:\n",
      "            except aiohttp.ClientConnectionError as error:\n                failure, status = error, None\n"
      "                break\n            except (aiohttp.ClientError, TimeoutError) as error:\n"),),
    "None of your tests checks that the client tries again after an attempt that could not connect.",
    "tries again after a status of 500 or more and after a timeout, but gives up at once when an attempt could not "
    "connect",
    "Answer a URL with a connection error first and a good answer after it: `mocked.get(URL, "
    "exception=aiohttp.ClientConnectionError())`, then `mocked.get(URL, payload=...)`; check that get_json returns "
    "the good answer. A connection error that only ever comes last proves nothing about what follows it.",
    r"Connection|Disconnected|exception=",
)
REFUSAL_RETRIED = Mutant(
    (("if status < 500:", "if status < 400:"),),
    "None of your tests checks that a status from 400 to 499 is not tried again.",
    "tries again after a status from 400 to 499 as well, although the server has said no",
    "Answer a URL with `status=404` (and a good answer after it, which the client must never ask for), then check "
    "that get_json raised FetchError after one request: `mocked.requests` maps each (method, URL) to the list of "
    "requests sent.",
    r"\b4\d\d\b",
)
NO_BACKOFF = Mutant(
    (("await asyncio.sleep(self.backoff * 2 ** (attempt - 2))", "await asyncio.sleep(0)"),),
    "None of your tests checks that the client waits before it tries again (the backoff).",
    "tries again at once, without waiting",
    "The graders' clock is virtual: the pauses take no real time, and `asyncio.get_running_loop().time()` "
    "moves on by exactly their length. Note the loop's time as each request arrives (a callback, "
    "`mocked.get(URL, status=500, callback=note)`, can do it) and check the gaps: backoff, then twice that. "
    "Or check what a mock of asyncio.sleep was awaited with (`patch(\"asyncio.sleep\")`).",
    r"backoff|time\(\)|sleep",
)
NO_DOUBLING = Mutant(
    (("await asyncio.sleep(self.backoff * 2 ** (attempt - 2))", "await asyncio.sleep(self.backoff)"),),
    "None of your tests checks that the pause doubles before each retry (backoff, then twice that).",
    "waits `backoff` before every retry, never doubling it",
    "Let the client retry at least twice (attempts=3 or more), note the loop's time as each request arrives, "
    "and check every gap: backoff, then twice that. A test that only checks that some time passed, or the "
    "first pause alone, passes against a client whose pause never grows.",
    r"backoff|time\(\)|sleep",
)
FIRST_PAUSE_DOUBLED = Mutant(
    (("await asyncio.sleep(self.backoff * 2 ** (attempt - 2))", "await asyncio.sleep(self.backoff * 2 ** (attempt - 1))"),),
    "None of your tests checks that the first pause is `backoff` itself.",
    "waits twice `backoff` before its first retry, then doubles that (2 × backoff, 4 × backoff, ...)",
    "Note the loop's time as each request arrives and check the gaps themselves, `backoff` first, then twice that: "
    "a test that only checks that each pause doubles the one before passes against a client whose pauses start "
    "too long.",
    r"backoff|time\(\)|sleep",
)
WRONG_ERROR = Mutant(
    (("raise FetchError(url, status, attempt) from failure", "raise failure"),),
    "None of your tests checks which exception get_json raises when it gives up.",
    "raises the last attempt's own error (aiohttp's ClientResponseError, ClientConnectionError, or TimeoutError) "
    "instead of FetchError",
    "`with pytest.raises(client.FetchError) as caught:` names the exception the client promises (and "
    "`pytest.raises(Exception)` accepts any); then check what it carries: `caught.value.status`, "
    "`caught.value.attempts`.",
    r"FetchError",
)
ERROR_SAYS_NOTHING = Mutant(
    (("raise FetchError(url, status, attempt) from failure", "raise FetchError(url, None, 0) from failure"),),
    "None of your tests checks what the FetchError says: the last status and the number of attempts.",
    "raises FetchError, but with no status and 0 attempts, whatever happened",
    "`with pytest.raises(client.FetchError) as caught:` around the call, then check what it carries: "
    "`caught.value.status` (the last answer's status, None when it got none) and `caught.value.attempts`.",
    r"\.status|\.attempts",
)
WRONG_STATUS = Mutant(
    (("raise FetchError(url, status, attempt) from failure",
      "raise FetchError(url, None if status is None else 500, attempt) from failure"),),
    "None of your tests checks the status that FetchError carries.",
    "raises FetchError with a status of 500 whatever status the last answer had",
    "Give up on an answer whose status is not 500 (a 404, or a 503 after the others), then check "
    "`caught.value.status` against that very status.",
    r"\.status",
)
WRONG_ATTEMPTS = Mutant(
    (("raise FetchError(url, status, attempt) from failure",
      "raise FetchError(url, status, attempt - 1) from failure"),),
    "None of your tests checks the number of attempts that FetchError carries.",
    "raises FetchError with one attempt fewer than it made (it counts the retries, not the attempts)",
    "Make the client give up, then check `caught.value.attempts` against the number of requests it sent: "
    "`attempts` after every attempt failed, 1 after a status from 400 to 499.",
    r"\.attempts|\d attempt",
)
NO_TIMEOUT = Mutant(
    (("async with asyncio.timeout(self.timeout):", "async with asyncio.timeout(None):"),),
    "None of your tests checks that the client stops waiting for a slow answer after `timeout` seconds.",
    "waits for an answer as long as it takes",
    "Make an answer slower than the client's timeout: an async callback, `async def slow(url, **kwargs): await "
    "asyncio.sleep(60)`, in `mocked.get(URL, callback=slow, ...)` (on the graders' virtual clock it takes no real "
    "time). Then check that the attempt ended at the timeout: FetchError once every attempt has timed out, or the "
    "loop's time when get_json is over.",
    r"timeout",
)
TIMEOUT_DOUBLED = Mutant(
    (("async with asyncio.timeout(self.timeout):", "async with asyncio.timeout(self.timeout * 2):"),),
    "None of your tests checks that a slow attempt is cut at `timeout` seconds, not later.",
    "cuts a slow attempt only after twice `timeout`",
    "Make an answer slower than the client's timeout, note the loop's time before the call "
    "(`asyncio.get_running_loop().time()`), and check when it ended: each attempt lasts exactly `timeout` on the "
    "graders' virtual clock. A bound such as `< 1000` holds for a client that waits far too long as well.",
    r"timeout",
)
SESSION_LEFT_OPEN = Mutant(
    (("await self.session.close()", "_graders_left_open.append(self.session)"),),
    "None of your tests checks that the client closes its session when the `async with` block ends.",
    "leaves its session open after the `async with` block",
    "Keep the session the block opened, `session = api.session`, and check `session.closed` after the block.",
    r"closed|close",
)
RESPONSE_KEPT = Mutant(
    (("import asyncio\n", "import asyncio\nimport contextlib\n"),
     ("async with self.session.get(url) as response:",
      "async with contextlib.nullcontext(await self.session.get(url)) as response:")),
    "None of your tests checks that the client releases each response it gets.",
    "never releases a response it reads successfully (an error answer is released by aiohttp itself, as it raises)",
    "`async with session.get(url) as response:` calls `response.release()` as the block ends. Spy on it: "
    "`patch.object(aiohttp.ClientResponse, \"release\", autospec=True, side_effect=aiohttp.ClientResponse.release)` "
    "records each call, with the response as its first argument; check that every response, a good answer "
    "included, was released.",
    r"release",
)
MUTANTS = {"no retry": NO_RETRY, "no retry without an answer": NO_RETRY_WITHOUT_ANSWER,
           "timeout not retried": TIMEOUT_NOT_RETRIED, "connection not retried": CONNECTION_NOT_RETRIED,
           "refusal retried": REFUSAL_RETRIED, "no backoff": NO_BACKOFF, "no doubling": NO_DOUBLING,
           "first pause doubled": FIRST_PAUSE_DOUBLED, "wrong error": WRONG_ERROR,
           "error says nothing": ERROR_SAYS_NOTHING, "wrong status": WRONG_STATUS, "wrong attempts": WRONG_ATTEMPTS,
           "no timeout": NO_TIMEOUT, "timeout doubled": TIMEOUT_DOUBLED,
           "session left open": SESSION_LEFT_OPEN, "response kept": RESPONSE_KEPT}
REAL = "real"


@functools.cache
def _compiled(variant: str) -> types.CodeType:
    source = CLIENT.read_text(encoding="utf-8")
    for text, replacement in MUTANTS[variant].patches if variant != REAL else ():
        if source.count(text) != 1:  # client.py changed under the mutant: a defect of the graders, said loudly
            raise RuntimeError(f"mutant {variant!r}: {text!r} is not in client.py exactly once")
        source = source.replace(text, replacement)
    return compile(source, str(CLIENT), "exec", dont_inherit=True)


def _client(variant: str) -> types.ModuleType:
    """A fresh module `client`, the real one or a broken copy."""
    module = types.ModuleType("client")
    module.__file__ = str(CLIENT)
    module._graders_left_open = []  # sessions the copy that leaves them open left, for the graders to close
    with _as_client(module):  # as an import would have it, while its code runs
        exec(_compiled(variant), module.__dict__)
    return module


@contextlib.contextmanager
def _as_client(module: types.ModuleType) -> Iterator[None]:
    """`import client`, and `patch("client....")`, find `module` while the block runs."""
    before = sys.modules.get("client")
    sys.modules["client"] = module
    try:
        yield
    finally:
        if before is None:
            sys.modules.pop("client", None)
        else:
            sys.modules["client"] = before


@pytest.fixture(autouse=True)
def _client_module() -> Iterator[None]:
    """Autouse fixtures come first: the `learner` fixture then loads the learner's file with the
    real client as `client`, not whatever a folder on sys.path holds under that name."""
    with _as_client(_client(REAL)):
        yield


# The learner's tests.


@dataclass(frozen=True)
class Case:
    """One test to run: a function (or a method of a Test class), with its parametrize values."""

    name: str  # as pytest would show it: "test_x", "TestY::test_x", "test_x[503]"
    attribute: str
    owner: type | None
    values: dict[str, Any]

    def function(self, module: types.ModuleType) -> Callable[..., Any]:
        return getattr(self.owner(), self.attribute) if self.owner else getattr(module, self.attribute)


PARAMETER_SET = type(pytest.param(None))


def _cases(module: types.ModuleType) -> list[Case]:
    """The tests pytest would collect in the module: functions named test_*, and the test_* methods of
    classes named Test* without an __init__, each once per combination of its parametrize values; less
    those marked skip, skipif (a condition that holds) or xfail, which count for nothing in pytest's verdict."""
    cases: list[Case] = []
    if _left_out(_marks(module), module):
        return cases
    for name, value in vars(module).items():
        if getattr(value, "__test__", True) is False:  # as pytest, which does not collect it
            continue
        if name.startswith("test") and callable(value) and not isinstance(value, type):
            if not _left_out(_marks(value), module):
                cases += [Case(f"{name}{ids}", name, None, values) for ids, values in _parametrized(_marks(value), module)]
        elif (name.startswith("Test") and isinstance(value, type)
              and value.__init__ is object.__init__ and value.__new__ is object.__new__):  # as pytest collects them
            for attribute in dir(value):
                method = getattr(value, attribute)
                marks = [*_marks(value), *_marks(method)]  # the class's marks hold for its methods too
                if (attribute.startswith("test") and callable(method) and getattr(method, "__test__", True) is not False
                        and not _left_out(marks, module)):
                    cases += [Case(f"{name}::{attribute}{ids}", attribute, value, values)
                              for ids, values in _parametrized(marks, module)]
    return cases


def _left_out_tests(module: types.ModuleType | None) -> list[str]:
    """The names of the module's tests that _cases leaves out for their marks (all of them, for a module's mark)."""
    if module is None:
        return []
    whole = _left_out(_marks(module), module)
    names = []
    for name, value in vars(module).items():
        if name.startswith("test") and callable(value) and not isinstance(value, type):
            if whole or _left_out(_marks(value), module):
                names.append(name)
        elif name.startswith("Test") and isinstance(value, type):
            names += [f"{name}::{attribute}" for attribute in dir(value) if attribute.startswith("test")
                      and callable(getattr(value, attribute))
                      and (whole or _left_out([*_marks(value), *_marks(getattr(value, attribute))], module))]
    return names


def _marks(owner: object) -> list[Any]:
    """The pytest marks set on a module, class or function."""
    marks = getattr(owner, "pytestmark", [])
    return list(marks) if isinstance(marks, (list, tuple)) else [marks]


def _left_out(marks: Sequence[Any], module: types.ModuleType) -> bool:
    """Whether pytest would leave the test out of its verdict: skipped (skip, or skipif with a condition that holds) or
    expected to fail (xfail with no condition, or one that holds). A condition given as a string is evaluated as
    pytest does, with os, sys and platform and the module's names at hand; one that cannot be evaluated keeps the test
    (pytest would report an error)."""
    for mark in marks:
        name = getattr(mark, "name", "")
        conditions = [*mark.args, *([mark.kwargs["condition"]] if "condition" in mark.kwargs else [])] \
            if name in ("skipif", "xfail") else []
        if name == "skip" or name == "xfail" and not conditions:
            return True
        if name in ("skipif", "xfail") and any(_holds(condition, module) for condition in conditions):
            return True
    return False


def _holds(condition: object, module: types.ModuleType) -> bool:
    if not isinstance(condition, str):
        return bool(condition)
    try:
        return bool(eval(condition, {"os": os, "sys": sys, "platform": platform, **vars(module)}))  # noqa: S307 - pytest's own way
    except Exception:  # noqa: BLE001 - an error of the learner's condition: the test is kept
        return False


def _parametrized(marks: Sequence[Any], module: types.ModuleType) -> list[tuple[str, dict[str, Any]]]:
    """("[id]", values) for each combination of a test's @pytest.mark.parametrize marks (its class's included)."""
    combinations: list[tuple[list[str], dict[str, Any]]] = [([], {})]
    for mark in marks:
        if getattr(mark, "name", "") != "parametrize":
            continue
        names = mark.args[0] if mark.args else mark.kwargs["argnames"]
        rows = mark.args[1] if len(mark.args) > 1 else mark.kwargs["argvalues"]
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",") if n.strip()]
        given = []
        for i, row in enumerate(rows):
            if isinstance(row, PARAMETER_SET) and _left_out(row.marks, module):
                continue
            explicit = row.id if isinstance(row, PARAMETER_SET) else None
            row = row.values if isinstance(row, PARAMETER_SET) else row if len(names) > 1 else (row,)
            shown = explicit or "-".join(str(v) if isinstance(v, (int, float, str, bool, type(None))) else f"{n}{i}"
                                         for n, v in zip(names, row))
            given.append((shown, dict(zip(names, row))))
        combinations = [([*ids, shown], {**values, **more}) for ids, values in combinations for shown, more in given]
    return [(f"[{'-'.join(ids)}]" if ids else "", values) for ids, values in combinations]


# Running one test.


@dataclass
class Run:
    """What one test did against one copy of the client."""

    test: str
    passed: bool = False
    skipped: bool = False  # it called pytest.skip() or pytest.xfail(): no verdict, as pytest gives none
    todo: bool = False
    hung: bool = False
    sync: bool = False
    error: str = ""  # what it raised: the learner's lines of the traceback, then the error
    kind: str = ""  # the error's type
    message: str = ""  # the error's text
    library_assert: tuple[str, str, int] | None = None  # (source, file, line) when a library's assert failed it
    missing: list[str] = field(default_factory=list)  # arguments the graders cannot give it
    blocking: list[BlockingCall] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # real requests it made (refused)
    unawaited: list[str] = field(default_factory=list)  # coroutines a plain `def` test created and never awaited
    replaced: list[str] = field(default_factory=list)  # what it left replaced after it ended
    seconds: float = 0.0  # real time
    waited: float = 0.0  # of that real time, what the loop's thread did not spend computing: waiting for something real

    @property
    def clean(self) -> bool:
        """Passed, and for the right reasons: it can tell a broken copy from the real client."""
        return self.passed and not (self.blocking or self.requests or self.unawaited or self.replaced)


@contextlib.contextmanager
def _offline(requests: list[str]) -> Iterator[Callable[..., Any]]:
    """Every request that reaches aiohttp's real request machinery (aioresponses answers the
    others before it) is noted and refused: nothing leaves the machine, not even a DNS lookup."""
    original = vars(aiohttp.ClientSession)["_request"]

    @functools.wraps(original)  # aioresponses' autospec reads the real signature through it
    async def refused(session: aiohttp.ClientSession, method: str, str_or_url: Any, *args: Any, **kwargs: Any) -> Any:
        requests.append(f"{method} {str_or_url}")
        raise aiohttp.ClientConnectionError(f"the graders refused a real request: {method} {str_or_url}")

    aiohttp.ClientSession._request = refused  # type: ignore[method-assign]
    try:
        yield refused
    finally:
        aiohttp.ClientSession._request = original  # type: ignore[method-assign]


KEPT = {"aiohttp": aiohttp, "aiohttp.ClientSession": aiohttp.ClientSession, "aiohttp.ClientResponse": aiohttp.ClientResponse}
_ABSENT = object()


def _owner(dotted: str) -> tuple[Any, str]:
    module, *attributes = dotted.split(".")
    owner: Any = sys.modules[module]
    for attribute in attributes[:-1]:
        owner = getattr(owner, attribute)
    return owner, attributes[-1]


@contextlib.contextmanager
def _kept(replaced: list[str]) -> Iterator[None]:
    """What a test leaves replaced (in aiohttp and its two classes the client uses, and the clocks
    and asyncio functions the graders measure with) is noted and put back: the next test, and every
    later file graded in this process, must find them as they were."""
    owners = [(name, owner, dict(vars(owner))) for name, owner in KEPT.items()]
    tools = {name: getattr(*_owner(name)) for name in WATCHED}
    try:
        yield
    finally:
        for name, owner, before in owners:
            now = dict(vars(owner))
            for attribute in sorted(before.keys() | now.keys()):
                if before.get(attribute, _ABSENT) is not now.get(attribute, _ABSENT):
                    replaced.append(f"{name}.{attribute}")
                    if attribute in before:
                        setattr(owner, attribute, before[attribute])
                    else:
                        delattr(owner, attribute)
        for name, tool in tools.items():
            owner, attribute = _owner(name)
            if getattr(owner, attribute) is not tool:
                replaced.append(name)
                setattr(owner, attribute, tool)


def _missing(case: Case, module: types.ModuleType) -> list[str]:
    """Arguments the test requires that the graders do not give: what pytest would look for among its
    fixtures. pytest's own reading of the signature, so that the graders run what pytest would: it
    leaves out the mocks of @patch decorators, and not what @aioresponses() passes in."""
    function = getattr(case.owner, case.attribute) if case.owner else getattr(module, case.attribute)
    try:
        wanted = getfuncargnames(function, name=case.attribute, cls=case.owner)
    except pytest.fail.Exception:  # no signature to read: calling it will tell
        return []
    return [name for name in wanted if name not in case.values]


async def _run(learner: Learner, module: types.ModuleType, client: types.ModuleType, case: Case) -> Run:
    run = Run(case.name)
    try:
        function = case.function(module)
    except Exception as error:  # noqa: BLE001 - a Test class that cannot be made is the learner's to see
        _failed(run, learner, error)
        return run
    run.sync = not inspect.iscoroutinefunction(function)
    run.missing = _missing(case, module)
    if run.missing:
        return run
    # Each test starts at a whole second of loop time. The README promises that the clock moves on by exactly what is
    # slept, and readings taken from a whole second differ by exactly that; from 7.3 s they do not (11.3 - 7.3 is
    # 3.9999999999999996), and a test comparing gaps with == would fail against the correct client.
    loop = asyncio.get_running_loop()
    await asyncio.sleep(math.ceil(loop.time()) - loop.time())
    budget = asyncio.timeout(BUDGET)
    with _as_client(client), _offline(run.requests), _kept(run.replaced):
        learner.guard.take()  # what came before is none of this test's doing
        start, computed = time.perf_counter(), time.thread_time()
        try:
            if run.sync:
                run.unawaited = _call_plain(function, case.values)
            else:
                async with budget:
                    await function(**case.values)
        except asyncio.CancelledError as error:
            if asyncio.current_task().cancelling():  # type: ignore[union-attr]
                raise  # the grader itself is being stopped
            _failed(run, learner, error)
        except (Exception, pytest.fail.Exception, pytest.skip.Exception) as error:  # noqa: BLE001 - every failure is feedback
            run.hung = budget.expired()
            run.skipped = isinstance(error, (pytest.skip.Exception, pytest.xfail.Exception))
            _failed(run, learner, error)
        else:
            run.passed = True
        finally:
            run.seconds = time.perf_counter() - start
            run.waited = max(0.0, run.seconds - (time.thread_time() - computed))
            run.blocking = learner.guard.take()
    for session in client._graders_left_open:  # its test has looked at it: now nothing may leak
        await session.close()
    client._graders_left_open.clear()
    return run


def _call_plain(function: Callable[..., Any], values: dict[str, Any]) -> list[str]:
    """Call a plain `def` test; return the coroutines it created and never awaited (by name)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        value = function(**values)
        if inspect.iscoroutine(value):
            value.close()
            return [value.__qualname__]
        # A coroutine it dropped was finalized as its last reference went, with this warning.
        return [str(w.message).split("'")[1] for w in caught
                if "was never awaited" in str(w.message) and str(w.message).count("'") >= 2]


def _failed(run: Run, learner: Learner, error: BaseException) -> None:
    run.todo = isinstance(error, NotImplementedError)
    run.kind = type(error).__name__
    run.message = str(error)
    run.error = learner.format_error(error)
    inner = traceback.extract_tb(error.__traceback__)[-1:]
    if isinstance(error, AssertionError) and inner and Path(inner[0].filename) != learner.path:
        # An assert of some library's, not the test's own: the test's line alone would mislead.
        run.library_assert = (inner[0].line or "", Path(inner[0].filename).name, inner[0].lineno or 0)


@dataclass
class Copy:
    """The learner's file loaded with one copy of the client, and what each test did against it."""

    client: types.ModuleType
    module: types.ModuleType | None  # None: the file does not load with this copy
    cases: dict[str, Case]
    load_error: str | None = None  # why it does not load, when it does not
    load_problem: str = ""
    runs: dict[str, Run] = field(default_factory=dict)


_COPIES: dict[tuple[Path, int, int, str], Copy] = {}


def _copy(learner: Learner, variant: str) -> Copy:
    """The learner's file loaded with the client `variant`: once per file, version and variant in a process."""
    stat = learner.path.stat()
    key = (learner.path, stat.st_mtime_ns, stat.st_size, variant)
    if key not in _COPIES:
        client = _client(variant)
        subject = Learner(learner.path, learner.shown, learner.guard, learner.threads)
        with _as_client(client), _no_running_loop():
            subject.load()
        cases = {c.name: c for c in _cases(subject.module)} if subject.module is not None else {}
        _COPIES[key] = Copy(client, subject.module, cases, subject.load_error, subject.load_problem)
    return _COPIES[key]


@contextlib.contextmanager
def _no_running_loop() -> Iterator[None]:
    """While the block runs, no event loop is running in this thread: the file is imported again here, from a
    grader running on the loop, and its top level must run as it did the first time, as pytest imports a file,
    outside any loop (where reading a file at import is no blocking call of a coroutine). Nothing awaits inside."""
    loop = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    try:
        yield
    finally:
        asyncio.events._set_running_loop(loop)


async def outcome(learner: Learner, variant: str, test: str) -> Run | None:
    """What `test` did against the client `variant` (None: it is not there with that copy), run once."""
    copy = _copy(learner, variant)
    learner.loops.add(asyncio.get_running_loop())  # what the tests leave running is stopped after the grader
    if copy.module is None or test not in copy.cases:
        return None
    if test not in copy.runs:
        run = await _run(learner, copy.module, copy.client, copy.cases[test])
        if variant == REAL and SLOW < run.waited < 5 * SLOW and not run.blocking:
            again = await _run(learner, copy.module, copy.client, copy.cases[test])  # a busy machine, or slow? Again.
            run.seconds, run.waited = min(run.seconds, again.seconds), min(run.waited, again.waited)
        copy.runs[test] = run
    return copy.runs[test]


async def against_the_client(learner: Learner) -> list[Run] | None:
    """Every test, run against the real client (None: the file does not load)."""
    copy = _copy(learner, REAL)
    if copy.module is None:
        return None
    return [run for test in copy.cases if (run := await outcome(learner, REAL, test)) is not None]


# What the file says about itself.


@functools.cache
def _tree(path: Path, version: tuple[int, int]) -> ast.Module | None:
    try:
        return syntax.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None


def _syntax(learner: Learner) -> ast.Module | None:
    stat = learner.path.stat()
    return _tree(learner.path, (stat.st_mtime_ns, stat.st_size))


def _checks_anything(tree: ast.Module | None) -> bool:
    """Whether the file checks anything at all: an assert, pytest.raises or pytest.fail, a mock's
    assert_... method, or a raise of AssertionError."""
    if tree is None:
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("raises", "fail", "RaisesGroup") or name.startswith("assert"):
                return True
        if isinstance(node, ast.Raise) and node.exc is not None and "AssertionError" in ast.unparse(node.exc):
            return True
    return False


REAL_CLOCKS = {"time.monotonic", "time.time", "time.perf_counter", "time.monotonic_ns", "time.time_ns",
               "time.perf_counter_ns", "monotonic", "perf_counter", "datetime.now", "datetime.datetime.now"}


def _bare(test: str) -> str:
    """The function's own name: "test_x" for "TestY::test_x[503]"."""
    return test.split("::")[-1].split("[")[0]


# pytest's xunit-style setup and teardown, which the graders, running each test on its own, never call.
XUNIT_SETUPS = {f"{when}_{scope}" for when in ("setup", "teardown") for scope in ("method", "function", "class", "module")} \
    | {"setUp", "tearDown", "setUpClass", "tearDownClass"}


@functools.cache
def _function_texts(tree: ast.Module) -> dict[str, str]:
    """Each function's source, as written back from the tree, by the function's name."""
    return {node.name: ast.unparse(node) for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _reads_a_real_clock(tree: ast.Module | None, test: str) -> str | None:
    """The call that reads a real clock in the test function (`time.monotonic()`, ...), if there is one."""
    return _real_clock_calls(tree).get(_bare(test)) if tree is not None else None


@functools.cache
def _real_clock_calls(tree: ast.Module) -> dict[str, str]:
    """Each function's first call that reads a real clock, by the function's name: read once per file's
    tree (`_tree` keeps one per version), not once per test and grader (389 walks in topic 13's proofs)."""
    calls: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name not in calls:
            call = next((ast.unparse(inner) for inner in ast.walk(node)
                         if isinstance(inner, ast.Call) and ast.unparse(inner.func) in REAL_CLOCKS), None)
            if call is not None:
                calls[node.name] = call
    return calls


def _raised_timeouts(tree: ast.Module | None) -> list[int]:
    """The lines where the file has aioresponses raise TimeoutError (`timeout=True`, `exception=TimeoutError()`)."""
    lines = []
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if (keyword.arg == "timeout" and isinstance(keyword.value, ast.Constant) and keyword.value.value is True) or (
                        keyword.arg == "exception" and "TimeoutError" in ast.unparse(keyword.value)):
                    lines.append(node.lineno)
    return sorted(set(lines))


# Verdicts.


def _named(runs: list[Run]) -> str:
    return listed(f"`{r.test}`" for r in runs)


def _details(runs: list[Run]) -> str:
    def told(run: Run) -> str:
        if run.library_assert is None:
            return run.error
        source, file, line = run.library_assert
        return run.error + "\n" + tr("(the assert `{source}` of {file}, line {line})", source=source, file=file, line=line)

    return "\n\n".join(f"{r.test}:\n{textwrap.indent(told(r), '  ')}" for r in runs[:3])


def _loaded(learner: Learner, found: list[Run] | None) -> list[Run]:
    """The runs against the real client; fails when the file cannot load, or holds no test."""
    __tracebackhide__ = True
    if learner.load_error or found is None:
        copy = _copy(learner, REAL)  # the file as the tests run it, loaded again with `client` in place
        fail(tr("Your file could not be loaded, so none of its functions could be checked."),
             details=learner.load_error or copy.load_error,
             cause=f"load {learner.load_problem or copy.load_problem}".strip())
    if not found:
        module = _copy(learner, REAL).module
        cases = [name for name, value in vars(module).items()
                 if isinstance(value, type) and issubclass(value, unittest.TestCase)
                 and any(a.startswith("test") for a in dir(value))] if module is not None else []
        if cases:
            fail(tr("{file} holds its tests in a unittest class ({names}), which the graders do not run.",
                    file=learner.shown, names=listed(f"`{name}`" for name in cases)),
                 observed=tr("a unittest.TestCase (IsolatedAsyncioTestCase too) runs its tests on an event loop of its "
                             "own: the graders run each test on theirs, with the virtual clock that lets the client's "
                             "pauses and timeouts pass in no real time, and only plain test functions can run there."),
                 advice=tr("Write each test as a plain `async def test_...():` function at the top level of the file "
                           "(or in a class named `Test...` that inherits from nothing), with `assert` in place of "
                           "`self.assert...`."),
                 cause="unittest")
        fail(tr("{file} holds no tests: no function named `test_...`.", file=learner.shown),
             advice=tr("Write each test as `async def test_...():` at the top level of the file (or as a method of a "
                       "class named `Test...`), as pytest collects them."),
             cause="no tests")
    return found


def judge_the_real_client(learner: Learner, found: list[Run]) -> None:
    """Fail for the first kind of problem the tests had against the real client, naming every test that had it."""
    __tracebackhide__ = True
    tree = _syntax(learner)
    wanting = [r for r in found if r.missing]
    if wanting:
        fail(
            tr("`{test}` takes arguments the graders cannot give it: {names}.", test=wanting[0].test,
               names=listed(f"`{name}`" for name in wanting[0].missing)),
            observed=tr("the graders call each test with no arguments but its @pytest.mark.parametrize values (and the "
                        "mocks of @patch decorators): they provide no fixtures, not even one defined in your file."),
            advice=tr("Start the mock inside the test: `with aioresponses() as mocked:`. (pytest does not see what "
                      "`@aioresponses()` passes in either: it looks for a fixture of that name.)"),
            cause="arguments",
        )
    todo = [r for r in found if r.todo]
    if todo:
        fail(
            tr("`{test}` is not written yet: it still raises NotImplementedError.", test=todo[0].test) if len(todo) == 1
            else tr("None of your tests is written yet: all {count} still raise NotImplementedError.", count=len(todo))
            if len(todo) == len(found)
            else tr("{count} of your tests are not written yet: {tests} still raise NotImplementedError.",
                    count=len(todo), tests=_named(todo)),
            advice=tr("Replace each TODO in {file} with the test its docstring describes.", file=learner.shown),
            cause="todo",
        )
    failed = [r for r in found if not r.passed and not r.skipped]
    blocked(failed)  # what made a test fail, if it did: blocking calls and real requests fail tests of their own
    online(failed)
    left = next((r for r in found if r.replaced), None)
    if left is not None:
        fail(
            tr("`{test}` left {names} replaced after it ended.", test=left.test, names=", ".join(left.replaced)),
            observed=tr("a mock started and never stopped (`aioresponses().start()` or `patch(...).start()` without "
                        "`stop()`), or an attribute assigned to, stays in place for every test after it."),
            advice=tr("Use the `with` forms, `with aioresponses() as mocked:` and `with patch.object(...):`, or the "
                      "decorators: they put back what they replaced when the test ends, however it ends."),
            cause="replaced",
        )
    plain = [r for r in found if r.unawaited]
    if plain:
        first = plain[0]
        fail(
            tr("`{test}` is a plain function (`def`), and never awaited {coroutines}.", test=first.test,
               coroutines=listed(f"`{c}`" for c in first.unawaited)),
            observed=tr("calling an `async def` function such as `api.get_json(URL)` only creates a coroutine object: "
                        "nothing ran, so the test passes whatever the client does."),
            expected=tr("`async def test_...():`, and `await` in front of every call of the client."),
            advice=tr("Write `async def {test}():` and put `await` in front of the client's calls: an `async def` test "
                      "runs on an event loop (the graders', or pytest-asyncio's).", test=_bare(first.test)),
            cause="unawaited",
        )
    hung = [r for r in found if r.hung]
    if hung:
        fail(
            tr("`{test}` was still running after a day of loop time, so the graders stopped it.", test=hung[0].test),
            observed=tr("against the correct client it had not finished a day of loop time after it started."),
            advice=tr("Look for what it waits on that may never come: an answer with no end, an Event nobody sets, a "
                      "loop whose condition the client never meets. Give each an end (`await asyncio.sleep(seconds)` "
                      "in a slow answer's callback, a bound on the loop), or give the client a timeout shorter than "
                      "it."),
            cause="hung",
        )
    # A test that reads a real clock passes or fails by chance (what it measures is the noise around pauses
    # that take no real time): it fails here whichever way it went, with one message.
    clocked = [(r, clock) for r in found if (clock := _reads_a_real_clock(tree, r.test))]
    if clocked:
        first, clock = clocked[0]
        fail(
            tr("`{test}` reads the real clock (`{clock}`).", test=first.test, clock=clock),
            observed=tr("on the graders' virtual clock the client's pauses take no real time, so what the real "
                        "clock measures is noise: this test passes or fails by chance."),
            expected=tr("times measured with `asyncio.get_running_loop().time()`, the loop's clock."),
            advice=tr("The graders' event loop runs on a virtual clock: `await asyncio.sleep(1.5)` takes no real time "
                      "and moves `asyncio.get_running_loop().time()` on by exactly 1.5. Measure with the loop's time."),
            cause="real clock",
        )
    if failed:
        first = failed[0]
        starts_a_loop = first.sync and first.kind == "RuntimeError" and (
            "running event loop" in first.message or "already running" in first.message)
        setups = sorted(XUNIT_SETUPS & set(_function_texts(tree))) if (tree := _syntax(learner)) is not None else []
        if starts_a_loop:
            advice = tr("`{test}` is a plain `def` that starts an event loop of its own (`asyncio.run(...)`), but the "
                        "graders call a plain test on their own event loop, where one is running already. Write "
                        "`async def {test}():` and `await` the client in it: the graders await it on their loop, "
                        "with the virtual clock.", test=_bare(first.test))
        elif setups:  # what they set up is missing: the graders run no setup, as they run no fixture
            advice = tr("The graders run each test on its own: they do not run {names} (no setup or teardown of a "
                        "class or module, and no fixture). Set up what a test needs inside the test itself.",
                        names=listed(f"`{name}`" for name in setups))
        else:
            advice = tr("The client is correct: a test that fails against it expects something the client does not "
                        "promise. Read the failing line against client.py's docstrings.")
        fail(
            tr("`{test}` failed against the correct client.", test=first.test) if len(failed) == 1
            else tr("{count} of your tests failed against the correct client: {tests}.", count=len(failed),
                    tests=_named(failed)),
            expected=tr("every test passing against client.py as it is given."),
            details=_details(failed),
            advice=advice,
            cause="failed",
        )


def blocked(found: list[Run]) -> None:
    __tracebackhide__ = True
    first = next((r for r in found if r.blocking), None)
    if first is None:
        return
    calls = first.blocking
    sleeping = {c.function for c in calls} == {"time.sleep"}
    fail(
        tr("`{test}` blocked the event loop.", test=first.test),
        observed=blocking_summary(calls),
        expected=tr("tests that take no real time: answers made slow with `await asyncio.sleep(...)` in an async "
                    "callback, and pauses that the loop's virtual clock skips."),
        advice=tr("To make an answer slow, give aioresponses an async callback that awaits asyncio.sleep(...); to let "
                  "the backoff pass, just await the client. On the graders' virtual clock neither takes real time, "
                  "while time.sleep(...) really waits, and freezes the loop meanwhile.") if sleeping
        else blocking_advice(calls),
        cause=f"blocked {first.test} {calls[0].function} line {calls[0].line}",
    )


def online(found: list[Run]) -> None:
    __tracebackhide__ = True
    first = next((r for r in found if r.requests), None)
    if first is None:
        return
    fail(
        tr("`{test}` sent a real request: {request}.", test=first.test, request=first.requests[0]),
        observed=tr("no mock answered it, so it went to aiohttp's real connection; the graders refused it before it "
                    "left the machine, while a test run elsewhere would reach the network (or fail without one)."),
        expected=tr("every request answered by aioresponses: tests that need no network, and run the same anywhere."),
        advice=tr("Start the mock before the client sends anything, `with aioresponses() as mocked:` around the test, "
                  "and register an answer for the very URL the client asks for: `mocked.get(URL, payload=...)`. A URL "
                  "without one fails with ClientConnectionError (\"Connection refused\"), without reaching the "
                  "network."),
        cause="network",
    )


async def caught(learner: Learner, variant: str) -> None:
    """Pass when some test that passes against the real client fails against the copy `variant`."""
    __tracebackhide__ = True
    real = _loaded(learner, await against_the_client(learner))
    tree = _syntax(learner)
    usable = [r for r in real if r.clean and not _reads_a_real_clock(tree, r.test)]  # those settle it by chance
    if not usable:  # no test passes cleanly: this fails, for the first reason why
        judge_the_real_client(learner, real)
        blocked(real)
        online(real)
    # The first test that fails against the copy settles it. Tests that mention what the copy breaks are tried
    # first, then the last tests: in the stub's order, the tests that each check one behaviour come last.
    texts = _function_texts(tree) if tree is not None else {}
    clue = re.compile(MUTANTS[variant].clues) if MUTANTS[variant].clues else None
    for run in sorted(reversed(usable), key=lambda r: not (clue and clue.search(texts.get(_bare(r.test), "")))):
        broken = await outcome(learner, variant, run.test)
        if broken is None or not (broken.passed or broken.skipped):  # a test that skips itself catches nothing
            return
    if not _checks_anything(_syntax(learner)):
        fail(
            tr("Your tests check nothing: they hold no `assert`, no `pytest.raises` and no `assert_...` call of a mock."),
            observed=tr("a test passes as long as nothing in it raises, so these pass against a broken client as well "
                        "as against the real one."),
            advice=tr("Say what the client must have done: `assert await api.get_json(URL) == expected`, "
                      "`with pytest.raises(client.FetchError):`, `assert session.closed`, and so on."),
            cause="asserts nothing",
        )
    mutant = MUTANTS[variant]
    observed = (tr("your one test that passes against the client passed against a broken copy of it too: a copy that "
                   "{broken}.", broken=tr(mutant.broken)) if len(usable) == 1
                else tr("your {count} tests that pass against the client all passed against a broken copy of it too: "
                        "a copy that {broken}.", count=len(usable), broken=tr(mutant.broken)))
    if mutant is NO_TIMEOUT and (lines := _raised_timeouts(_syntax(learner))):
        observed = tr("{first} {second}", first=observed, second=tr(
            "Your tests have the mock raise TimeoutError (line {lines}): both copies get that error at once, so "
            "neither has to time out.", lines=", ".join(map(str, lines))))
    failing = [r.test for r in real if not r.passed and not r.skipped]
    if failing:  # one of those may check this very thing: they count once they pass against the real client
        observed = tr("{first} {second}", first=observed, second=tr(
            "{tests} failed against the real client, so it could not count here; it may be the test that checks "
            "this.", tests=f"`{failing[0]}`") if len(failing) == 1 else tr(
            "{tests} failed against the real client, so they could not count here; one of them may be the test "
            "that checks this.", tests=listed(f"`{test}`" for test in failing)))
    left_out = _left_out_tests(learner.module)
    if left_out:  # as pytest does, the graders run no test marked skip or xfail: that may be why nothing checks this
        observed = tr("{first} {second}", first=observed, second=tr(
            "{tests} is marked skip or xfail, so it was left out, as pytest leaves it out; it may be the test that "
            "checks this.", tests=f"`{left_out[0]}`") if len(left_out) == 1 else tr(
            "{tests} are marked skip or xfail, so they were left out, as pytest leaves them out; one of them may be "
            "the test that checks this.", tests=listed(f"`{test}`" for test in left_out)))
    fail(
        tr(mutant.untested),
        observed=observed,
        expected=tr("a test that passes against the real client and fails against that copy."),
        advice=tr(mutant.advice),
    )


# The graders.


async def test_your_tests_pass_against_the_client(learner: Learner) -> None:
    judge_the_real_client(learner, _loaded(learner, await against_the_client(learner)))


async def test_your_tests_stay_offline_and_take_no_real_time(learner: Learner) -> None:
    real = _loaded(learner, await against_the_client(learner))
    written = [r for r in real if not r.todo and not r.missing]
    if not written:
        judge_the_real_client(learner, real)  # nothing to judge: the tests are not written yet
    blocked(written)
    online(written)
    # Waiting, not computing: a thorough test that works through many answers computes for a while, and does no wrong.
    slow = max(written, key=lambda r: r.waited)
    if slow.waited > SLOW:
        fail(
            tr("`{test}` took {seconds} of real time.", test=slow.test, seconds=seconds(slow.seconds)),
            observed=tr("nothing in it blocked the loop, but it waited for something real: work in a thread "
                        "(asyncio.to_thread, run_in_executor) takes real time, which no virtual clock can skip."),
            expected=tr("every test over in a few milliseconds of real time, whatever it does on the loop's clock."),
            advice=tr("Make a slow answer with `await asyncio.sleep(...)` in an async callback: on the graders' "
                      "virtual clock it takes no real time."),
        )


async def test_your_tests_check_the_retries(learner: Learner) -> None:
    await caught(learner, "no retry")
    await caught(learner, "no retry without an answer")
    await caught(learner, "timeout not retried")
    await caught(learner, "connection not retried")
    await caught(learner, "refusal retried")


async def test_your_tests_check_the_backoff(learner: Learner) -> None:
    await caught(learner, "no backoff")
    await caught(learner, "no doubling")
    await caught(learner, "first pause doubled")


async def test_your_tests_check_the_error_raised(learner: Learner) -> None:
    await caught(learner, "wrong error")
    await caught(learner, "error says nothing")
    await caught(learner, "wrong status")
    await caught(learner, "wrong attempts")


async def test_your_tests_check_the_timeout(learner: Learner) -> None:
    await caught(learner, "no timeout")
    await caught(learner, "timeout doubled")


async def test_your_tests_check_that_the_session_is_closed(learner: Learner) -> None:
    await caught(learner, "session left open")


async def test_your_tests_check_that_responses_are_released(learner: Learner) -> None:
    await caught(learner, "response kept")
