"""The pytest plugin: grade the learner's file in a topic folder with that topic's graders.

`pytest exercises/03_gather` collects exercises/03_gather/gather.py not as a test module
but as the target of graders/topics/gather.py; `pytest solutions/03_gather` runs the
same grader tests against the reference solution. A .py file named on the command line
inside a topic folder is graded as that topic too (that is how tests/ grades wrong answers).
"""

from __future__ import annotations

import _thread
import asyncio
import functools
import importlib
import linecache
import os
import random
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from json import dumps  # bound before any code under test runs: a json.dumps it replaces writes no report
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

import pytest
from _pytest.fixtures import getfixturemarker  # pytest's own test of a fixture, public only as a private name

from . import course
from .classroom.audit import Audit
from .harness.blocking import LoopGuard
from .harness.feedback import GraderFailure, NotRun, TookTooLong, fill, text_width
from .harness.heartbeat import line_of
from .i18n import language, preload, sentences, tr
from .harness.learner import Learner
from .harness.probes import ThreadWatch
from .harness.virtual_clock import let_tiny_sleeps_move_the_clock

SEED = pytest.StashKey[int]()
PREVIOUS_ALARM = pytest.StashKey[Any]()
TIMED_OUT = pytest.StashKey[TookTooLong]()
WATCHDOG = pytest.StashKey["Watchdog"]()
LIMIT = pytest.StashKey[float]()  # the grader's time limit in seconds, to start again when the learner's code loads
TOLD = pytest.StashKey[dict[tuple[Path, str], str]]()  # each cause of failure in a file: the grader that told it
STOPPED = pytest.StashKey[dict[Path, set[str]]]()  # each file's functions stopped at the time limit: not run again
NAMED = pytest.StashKey[dict[Path, "frozenset[str] | None"]]()  # the files the command line names, and their graders
NOTE = pytest.StashKey[str]()  # what a grader has to tell besides its verdict (a slow import), until told
SLOW_TOLD = pytest.StashKey[set[Path]]()  # files whose slow import was told: once is enough
UNTOLD = pytest.StashKey[list[str]]()  # notes of graders that did not fail, for the end of pytest's output
GRADER_TIMEOUT = 10.0  # seconds of real time per grader test, unless a marker says otherwise
SETUP = 5.0  # seconds of real time at most for setting a grader up, before the learner's code loads


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("aiolings")
    group.addoption("--aiolings-seed", type=int, default=None, help="seed for the graders' random inputs (default: a new one each run)")
    group.addoption("--aiolings-report", default=None, metavar="FILE", help="write every grader's outcome and message to FILE as JSON")


def pytest_configure(config: pytest.Config) -> None:
    # A coroutine the learner's code never awaited is the graders' to explain, in the learner's
    # words; Python's warning would name the grader's probe ("AsyncJob._run was never awaited").
    config.addinivalue_line("filterwarnings", "ignore:coroutine .* was never awaited:RuntimeWarning")
    seed = config.getoption("aiolings_seed")
    config.stash[SEED] = seed if seed is not None else random.randrange(1, 100_000)
    preload()
    _looptime_decides_once()
    let_tiny_sleeps_move_the_clock()
    report = config.getoption("aiolings_report")
    # Taken out of the environment before any learner code runs; `aiolings grade` checks it comes back.
    nonce = os.environ.pop("AIOLINGS_NONCE", None)
    audit = None
    if nonce is not None:  # graded by `aiolings grade`: the code under test is hostile until proven otherwise
        audit = Audit(Path(os.environ.pop("AIOLINGS_STUDENTS")), Path(os.environ.pop("AIOLINGS_WRITABLE")),
                      Path(report).resolve() if report else None, writers=ReportWriter.WRITERS)
        audit.install()
    if report:
        config.pluginmanager.register(ReportWriter(Path(report), nonce, audit), "aiolings-report")


def _looptime_decides_once() -> None:
    """looptime asks, for every fixture a test sets up, whether it makes an event loop, and lists pytest-asyncio's
    plugin anew to answer: a quarter of a millisecond per grader, some 2,600 graders in the project's test session.
    The answer depends on the fixture's module and name only, so it is remembered. (Should looptime's internals
    change, this does nothing, and looptime works as it always did.)"""
    from looptime._internal import plugin as looptime_plugin

    decide = getattr(looptime_plugin, "_should_patch", None)
    if decide is None or getattr(decide, "remembers", False):
        return
    answers: dict[tuple[str, str], bool] = {}

    def should_patch(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> bool:
        key = (fixturedef.func.__module__, fixturedef.argname)
        if key not in answers:
            answers[key] = decide(fixturedef, request)
        return answers[key]

    should_patch.remembers = True  # type: ignore[attr-defined]
    looptime_plugin._should_patch = should_patch


def pytest_report_header(config: pytest.Config) -> str:
    return f"aiolings: graders' random inputs from --aiolings-seed {config.stash[SEED]}"


# Collection.


def pytest_collect_directory(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    topic = course.load().by_dir(path.name)
    if topic is None:
        return None
    return TopicDir.from_parent(parent, path=path, topic=topic)


class _OfTopic:
    """A collector that knows which topic's graders apply below it."""

    topic: course.Topic

    @classmethod
    def from_parent(cls, parent: pytest.Collector, *, path: Path, topic: course.Topic) -> Any:  # type: ignore[override]
        node = super().from_parent(parent, path=path)  # type: ignore[misc]
        node.topic = topic
        return node


class TopicDir(_OfTopic, pytest.Directory):
    """A topic's folder: its one target file is graded; nothing in it is collected as tests."""

    def collect(self) -> Iterator[TargetModule]:
        for entry in sorted(self.path.iterdir()):
            if entry.suffix == ".py" and (entry.name == self.topic.module or self.session.isinitpath(entry)):
                yield TargetModule.from_parent(self, path=entry, topic=self.topic)


class TargetModule(_OfTopic, pytest.Module):
    """The learner's file as a collector whose tests are the topic's graders."""

    def _getobj(self) -> Any:
        return _graders_shown(self.topic.graders, self.named_graders)

    @functools.cached_property
    def file(self) -> Path:
        """The file's path with links followed, as its code's frames name it: read once, not for every grader."""
        return self.path.resolve()

    @functools.cached_property
    def course_root(self) -> Path | None:
        """The course folder holding the file, if any (see course.find_root)."""
        return course.find_root(self.path)

    @functools.cached_property
    def named_graders(self) -> frozenset[str] | None:
        """The graders the command line names for this file (`file.py::test_...`); None when it names the file
        (or its folder) whole, or not at all."""
        return _named_graders(self.config).get(self.file)


@functools.cache
def _graders_shown(name: str, named: frozenset[str] | None) -> ModuleType:
    """The topic's graders module as pytest collects it for a file: its graders (those the command line names, if it
    names some), its fixtures and its marks, and none of the helpers and imports beside them. pytest offers every
    name of a module to every collection hook, and scans each for fixtures, once per file graded: with about a
    hundred names a module and hundreds of files a run, that was a tenth of a proof run's CPU. The graders run as
    they are: their globals are the real module's."""
    graders = importlib.import_module(name)
    shown = ModuleType(graders.__name__, graders.__doc__)
    shown.__file__ = graders.__file__
    shown.__dict__.update({
        key: value for key, value in vars(graders).items()
        if key == "pytestmark" or getfixturemarker(value) is not None
        or (key.startswith("test_") and (named is None or key in named))
    })
    return shown


def _named_graders(config: pytest.Config) -> dict[Path, frozenset[str] | None]:
    """Each file the command line names, with the graders it names after `::` (None: the whole file)."""
    if NAMED not in config.stash:
        named: dict[Path, set[str] | None] = {}
        for arg in config.args:
            path, _, rest = arg.partition("::")
            file = (config.invocation_params.dir / path).resolve()
            if not rest or named.get(file, set()) is None:
                named[file] = None
            else:
                named.setdefault(file, set()).add(rest.split("::")[0].split("[")[0])  # type: ignore[union-attr]
        config.stash[NAMED] = {file: None if graders is None else frozenset(graders) for file, graders in named.items()}
    return config.stash[NAMED]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Graders get their own limit, whatever the project's ini says; --timeout on the command line still wins.
    if config.getoption("timeout", None) is not None:
        return
    for item in items:
        if _target(item) and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(GRADER_TIMEOUT))


def _target(node: pytest.Node) -> TargetModule | None:
    return node.getparent(TargetModule)


# Fixtures.


@pytest.fixture
def learner(request: pytest.FixtureRequest) -> Iterator[Learner]:
    """The learner's module, loaded fresh for this test with the loop guard and thread watch active."""
    target = _target(request.node)
    if target is None:
        pytest.fail("the `learner` fixture belongs to grader tests run on a topic's file", pytrace=False)
    shown = os.path.relpath(target.path, request.config.invocation_params.dir)
    guard, threads = LoopGuard(target.file), ThreadWatch()
    with guard.active(), threads.active():
        subject = Learner(target.file, shown, guard, threads, stopped=_stopped(request.node, target))
        _limit_from_now(request.node)
        subject.load()
        note = subject.slow_import()
        told = request.session.stash.setdefault(SLOW_TOLD, set())
        if note and target.path not in told:
            told.add(target.path)
            request.node.stash[NOTE] = note
        try:
            yield subject
        finally:
            subject.put_back()
            subject.unload()


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> random.Random:
    """Random inputs for one grader, reproducible with --aiolings-seed."""
    return random.Random(f"{request.config.stash[SEED]}:{request.node.name}")


# Timeouts: pytest-timeout decides when; for graders we say it in plain words.


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> bool | None:
    target = _target(item)
    if target is None or threading.current_thread() is not threading.main_thread():
        return None
    learner_file = str(target.file)

    def alarm(signum: int, frame: FrameType | None) -> None:
        if TIMED_OUT in item.stash and _learner_frame(frame, learner_file) is None:
            # The watchdog rings again in case the learner's code swallowed the first: rung while
            # the harness winds the grader up (a crowded machine can take longer than AGAIN to), it
            # has nothing of the learner's to stop, and raising there would tell the limit twice.
            return
        error = TookTooLong(settings.timeout, _where(frame, learner_file))
        item.stash[TIMED_OUT] = error
        # Raised inside a plain loop callback, the error is only logged by asyncio (Handle._run
        # catches everything), and code that swallows cancellation would then run forever: the
        # loop also stops, so the test's run_until_complete returns whatever happens next.
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise error from None
        loop.stop()
        loop.set_exception_handler(_quiet_about(error, loop.get_exception_handler()))  # it is the verdict, not a log line
        raise error

    # Until the learner's code loads, the harness sets up: the limit starts then (_limit_from_now),
    # and SETUP bounds what comes before.
    item.stash[LIMIT] = settings.timeout
    if _alarms():
        item.stash[PREVIOUS_ALARM] = signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, max(settings.timeout, SETUP))
    else:
        item.stash[WATCHDOG] = Watchdog(max(settings.timeout, SETUP), alarm)
    return True


def _limit_from_now(item: pytest.Item) -> None:
    """Start the grader's time limit again as the learner's code is about to load: the limit is the
    learner's time, and a crowded machine can take a while to set a grader up (seen: over 0.3 s)."""
    seconds = item.stash.get(LIMIT, None)
    if seconds is None:
        return
    watchdog = item.stash.get(WATCHDOG, None)
    if watchdog is not None:
        watchdog.restart(seconds)
    elif PREVIOUS_ALARM in item.stash:
        signal.setitimer(signal.ITIMER_REAL, seconds)


def _alarms() -> bool:
    """Whether the time limit comes from SIGALRM here. Not on Windows, nor with AIOLINGS_NO_SIGALRM
    set, which is how the tests prove the other way (Watchdog) on Linux."""
    return hasattr(signal, "SIGALRM") and not os.environ.get("AIOLINGS_NO_SIGALRM")


class Watchdog:
    """The time limit without SIGALRM: a thread that, once the limit has passed, makes the main
    thread run `alarm` as if the alarm had rung (through a simulated SIGINT, which every system
    has), again every AGAIN seconds in case the learner's code swallowed it, until the grader's
    call is over."""

    AGAIN = 0.2

    def __init__(self, seconds: float, alarm: Callable[[int, FrameType | None], None]) -> None:
        self.deadline = time.monotonic() + seconds
        self.over = threading.Event()

        def interrupted(signum: int, frame: FrameType | None) -> None:
            if not self.over.is_set():  # a late interrupt, once the call is over, is dropped
                alarm(signum, frame)

        self.previous = signal.signal(signal.SIGINT, interrupted)
        self.thread = threading.Thread(target=self._watch, name="aiolings-watchdog", daemon=True)
        self.thread.start()

    def restart(self, seconds: float) -> None:
        """A limit of `seconds` from now instead."""
        self.deadline = time.monotonic() + seconds

    def _watch(self) -> None:
        while (left := self.deadline - time.monotonic()) > 0:
            if self.over.wait(min(left, self.AGAIN)):  # not all of it at once: `restart` may bring the deadline nearer
                return
        while not self.over.is_set():
            _thread.interrupt_main(signal.SIGINT)
            self.over.wait(self.AGAIN)

    def cancel(self) -> None:
        self.over.set()
        self.thread.join()
        signal.signal(signal.SIGINT, self.previous)


def _quiet_about(error: BaseException, previous: Any) -> Any:
    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("exception") is not error:
            (previous or type(loop).default_exception_handler)(loop, context)

    return handle


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_cancel_timer(item: pytest.Item) -> bool | None:
    watchdog = item.stash.get(WATCHDOG, None)
    if watchdog is not None:
        watchdog.cancel()
        del item.stash[WATCHDOG]
        return True
    previous = item.stash.get(PREVIOUS_ALARM, None)
    if previous is None:
        return None
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)
    del item.stash[PREVIOUS_ALARM]
    return True


def _learner_frame(frame: FrameType | None, learner_file: str) -> FrameType | None:
    """The innermost frame of the learner's file on the stack from `frame` out, if any."""
    while frame is not None and frame.f_code.co_filename != learner_file:
        frame = frame.f_back
    return frame


def _where(frame: FrameType | None, learner_file: str) -> str:
    frame = _learner_frame(frame, learner_file)
    if frame is None:
        return tr("It was waiting, not computing: something it awaited never completed.")
    line = line_of(frame)  # a spinning loop is caught at its backward jump: 3.14 gives that its body's last line
    source = linecache.getline(learner_file, line).strip()
    return tr("It was busy in `{function}`, line {line}: `{source}`", function=frame.f_code.co_name, line=line, source=source)


# Reports.


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    # The verdict replaces the traceback: learners see the message, never the harness's frames.
    target = _target(item)
    try:
        return (yield)
    except BaseException as error:
        if target is None:
            raise
        if not isinstance(error, (GraderFailure, TookTooLong)):
            if TIMED_OUT in item.stash:
                error = item.stash[TIMED_OUT]  # the time limit stopped the loop, whatever came out (see `alarm`)
            else:
                learner = getattr(item, "funcargs", {}).get("learner")
                told = learner.cancelled_itself(error) if isinstance(learner, Learner) else None
                if told is None:
                    raise
                error = told
        if isinstance(error, TookTooLong):
            _stop_after_limit(item, target, error)
        if isinstance(error, NotRun):
            item.user_properties.append(("not_run", error.reason))
        told = _told_before(item, target, error)
        if getattr(error, "cause", None):
            item.user_properties.append(("cause", error.cause))  # `aiolings list` names a file that cannot load
        if told is None:
            note = item.stash.get(NOTE, "")
            item.stash[NOTE] = ""  # told here, with the verdict
            verdict = "\n\n".join(part for part in (error.render(), fill(note, width=text_width(), indent="  "),
                                                       _footer(item, target)) if part.strip())
        else:
            item.user_properties.append(("same_cause_as", told))
            verdict = sentences(error.summary, tr("(The same cause as `{grader}`, told in full above.)", grader=told))
    finally:
        if WATCHDOG in item.stash:
            item.stash[WATCHDOG].over.set()  # the call is over: its teardown is not to be interrupted
        # Now, while the test's loop still exists and before its teardown waits on every task in it.
        learner = getattr(item, "funcargs", {}).get("learner")
        if isinstance(learner, Learner):
            learner.stop_stragglers()
    raise Verdict(verdict, pytrace=False)  # outside the except block, so no exception chain is shown


def _stop_after_limit(item: pytest.Item, target: TargetModule, error: TookTooLong) -> None:
    """The learner's function that ran out of time is not waited for again: the graders after this one
    that call it are not run (Learner.function), and name this one as their cause."""
    learner = getattr(item, "funcargs", {}).get("learner")
    if isinstance(learner, Learner) and learner.calling:
        error.cause = f"time limit {learner.calling}"
        _stopped(item, target).add(learner.calling)


def _stopped(item: pytest.Item, target: TargetModule) -> set[str]:
    """The functions of `target` that a grader of this session stopped at the time limit."""
    return item.session.stash.setdefault(STOPPED, {}).setdefault(target.path, set())


def _told_before(item: pytest.Item, target: TargetModule, error: GraderFailure | TookTooLong) -> str | None:
    """The earlier grader of the same file that failed for the same cause, if any: its message told
    the learner everything, so this one only names it (one message per cause, not per grader)."""
    cause = getattr(error, "cause", None)
    if cause is None:
        return None
    first = item.session.stash.setdefault(TOLD, {}).setdefault((target.path, cause), item.name)
    return None if first == item.name else first


class Verdict(pytest.fail.Exception):  # type: ignore[misc, name-defined]
    """A grader's failure, already in words: its report needs no traceback."""


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport | None:
    # pytest would build, filter and then drop the traceback of the harness's 16 frames: about
    # 6 ms per failing grader, a quarter of what a failing grader costs.
    if call.excinfo is None or not isinstance(call.excinfo.value, Verdict):
        return None
    sections = [(f"Captured {key} {when}", content) for when, key, content in item._report_sections]
    return pytest.TestReport(
        item.nodeid, item.location, dict.fromkeys(item.keywords, 1), "failed", call.excinfo.value.msg, call.when,
        sections, call.duration, call.start, call.stop, user_properties=item.user_properties,
    )


# The limit rang while the harness set a grader up (SETUP bounds that) or cleaned up after it, outside the learner's
# code: a machine stalled that long. Nothing of the learner's to stop, and the harness's traceback tells them nothing.
STALLED_IN_SETUP = ("The grader could not get ready within {seconds:g} s of real time, before any of your code ran: the "
                    "machine was too busy to grade. Run it again.")
STALLED_IN_TEARDOWN = ("The time limit of {seconds:g} s of real time passed while the grader was cleaning up after your "
                       "code. Run it again; if it happens every time, look for work your code leaves running after it "
                       "returns.")


@contextmanager
def _limit_in_words(item: pytest.Item, words: Callable[[float], str]) -> Iterator[None]:
    """A TookTooLong out of the block, for a grader, becomes a verdict saying `words(seconds)`; a test of the
    project's own keeps the error as it is."""
    try:
        yield
    except TookTooLong as error:
        if _target(item) is None:
            raise
        raise Verdict(words(error.seconds), pytrace=False) from None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    with _limit_in_words(item, lambda seconds: tr(STALLED_IN_SETUP, seconds=seconds)):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    note = item.stash.get(NOTE, "")
    if note:  # no message of the grader's told it: the report and the end of pytest's output do
        item.user_properties.append(("note", note))
        item.config.stash.setdefault(UNTOLD, []).append(note)
    with _limit_in_words(item, lambda seconds: tr(STALLED_IN_TEARDOWN, seconds=seconds)):
        return (yield)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for note in config.stash.get(UNTOLD, []):
        terminalreporter.write_sep("-", "aiolings")
        terminalreporter.write_line(fill(note, width=text_width(), indent=""))


def _footer(item: pytest.Item, target: TargetModule) -> str:
    topic = target.topic
    readme = f"exercises/{topic.dir}/{topic.readme_name(language())}"
    root = target.course_root
    if root is not None and target.file.parent == (root / course.EXERCISES / topic.dir):
        # A learner's own file: its README as a path from where pytest (or `aiolings check`) was started.
        readme = os.path.relpath(topic.readme(root, language()), item.config.invocation_params.dir)
    lines = ["  " + tr("Stuck? `aiolings hint {number}` gives a hint; {readme} explains the topic.", number=topic.number, readme=readme)]
    if "rng" in getattr(item, "fixturenames", ()):
        seed = item.config.stash[SEED]
        lines.append("  " + tr("Inputs were random (seed {seed}); `--aiolings-seed {seed}` repeats them.", seed=seed))
    return "\n".join(lines)


class ReportWriter:
    """Collects each grader's outcome and message; writes them as JSON when the session ends.

    Meanwhile the report's .progress file tells how far the run got, a line at a time: each
    grader's node id as it starts (for `aiolings grade` to hold each grader to its limit even when
    code under test turns the alarm off, see sandbox._execute; for `aiolings check` to show which
    grader runs), and outside class grading a JSON line with the graders collected and one with
    each grader's entry as it ends, so that a run that dies (code under test can end its own
    process) still tells what it did (grading.Run)."""

    def __init__(self, path: Path, nonce: str | None = None, audit: Audit | None = None) -> None:
        self.path = path
        self.nonce = nonce
        self.audit = audit
        self.results: dict[str, dict[str, str]] = {}
        # The plugins there were when collection ended, before any code under test ran (class grading only):
        # one registered later can rewrite every report. Looked at as each grader ends, and at the end.
        self.plugins: set[int] | None = None
        self.added = False

    def _progress(self, line: str) -> None:
        with open(self.path.with_suffix(".progress"), "a", encoding="utf-8") as progress:
            progress.write(line + "\n")

    def _write(self, text: str) -> None:
        with open(self.path, "w", encoding="utf-8") as report:
            report.write(text)

    # The only code the audit lets open the report and its progress file (see audit.Audit): the one
    # place each is opened, so that no other function, whatever file name it claims, can write them.
    WRITERS = frozenset({_progress.__code__, _write.__code__})

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if self.nonce is not None:
            self.manager = session.config.pluginmanager
            self.plugins = {id(plugin) for plugin in self.manager.get_plugins()}
        else:
            self._progress(dumps({"graders": [item.nodeid for item in session.items]}))

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        self._progress(nodeid)

    def _look_for_plugins(self) -> None:
        if self.plugins is not None and {id(plugin) for plugin in self.manager.get_plugins()} != self.plugins:
            self.added = True

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self._look_for_plugins()
        entry = self.results.setdefault(report.nodeid, {"nodeid": report.nodeid, "outcome": "passed", "message": ""})
        said = dict(report.user_properties)
        if report.failed:
            entry["outcome"] = "failed" if report.when == "call" else "error"
            entry["message"] = str(report.longrepr)
            entry["same_cause_as"] = said.get("same_cause_as", "")
            entry["cause"] = said.get("cause", "")
            entry["not_run"] = said.get("not_run", "")
        elif report.skipped:  # a grader that did not run never counts as passed, whatever skipped it
            entry["outcome"] = "skipped"
            entry["message"] = str(report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr)
        if said.get("note"):
            entry["note"] = said["note"]
        if report.when == "teardown" and self.nonce is None:
            self._progress(dumps({"ended": entry}))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.results[report.nodeid] = {"nodeid": report.nodeid, "outcome": "error", "message": str(report.longrepr)}

    def pytest_sessionfinish(self) -> None:
        entries = list(self.results.values())
        self._look_for_plugins()
        refused = [vars(a) for a in self.audit.attempts] if self.audit else []
        if self.added:
            refused.append({"file": "", "line": 0, "what": "registering a pytest plugin, which can rewrite every grader's report",
                            "how": "found as the graders ended"})
        report = entries if self.nonce is None else {"nonce": self.nonce, "results": entries, "refused": refused}
        self._write(dumps(report, indent=1))
