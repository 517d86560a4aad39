"""The project's test session: what it grades in the background while the tests run, and the fixtures that read it.

A plugin, registered by tests/conftest.py for the project's own session only: the grading runs
that session starts also read tests/conftest.py (their targets live under tests/), and each of
them would otherwise import all of this, the `aiolings` command included (0.11 s of CPU a run).
"""

from __future__ import annotations

import builtins
import importlib
import io
import json
import os
import shutil
import sys
import tempfile
import threading
import tomllib
import zipfile
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from graders.learn import cli
from graders import course, forkserver
from graders.classroom import sandbox
from graders.learn.run import Result, Run
from graders.plugin import SEED

from .conftest import CORRECT_ANSWERS, ENVIRONMENT, ROOT, WRONG_ANSWERS


@dataclass(frozen=True)
class WrongAnswer:
    """A realistic mistake (tests/wrong_answers/NN_topic/NAME.py) and what its graders must say.

    cases.toml beside it has a table per file: [NAME], mapping each grader the mistake
    must fail to a piece of text (or a list of them) its message must contain.
    """

    topic: course.Topic
    name: str
    expect: dict[str, list[str]]

    @property
    def path(self) -> Path:
        return WRONG_ANSWERS / self.topic.dir / f"{self.name}.py"


def wrong_answers(topic: course.Topic) -> list[WrongAnswer]:
    cases = WRONG_ANSWERS / topic.dir / "cases.toml"
    if not cases.exists():
        return []
    table = tomllib.loads(cases.read_text(encoding="utf-8"))
    return [
        WrongAnswer(topic, name, {g: [m] if isinstance(m, str) else list(m) for g, m in graders.items()})
        for name, graders in table.items()
    ]


def correct_answers(topic: course.Topic) -> list[Path]:
    """Correct answers in idioms other than the reference's (tests/correct_answers/NN_topic/*.py): each must pass every grader."""
    return sorted((CORRECT_ANSWERS / topic.dir).glob("*.py"))


def waits_in_real_time(topic: course.Topic) -> bool:
    """Whether none of the topic's graders runs on looptime's virtual clock (topic 05's run real threads)."""
    graders = importlib.import_module(topic.graders)
    module_marks = getattr(graders, "pytestmark", [])
    return not any(
        mark.name == "looptime"
        for name, grader in vars(graders).items() if name.startswith("test_")
        for mark in [*(module_marks if isinstance(module_marks, list) else [module_marks]), *getattr(grader, "pytestmark", [])]
    )


class Graded:
    """Each topic's graders run once on the stub and the solution, and each wrong answer meets the
    graders it must fail (the only results its proof reads).

    Targets are graded in runs of about RUN_SECONDS each, AT_ONCE of them side by side, the longest
    first, so that the runs still going at the end are short ones: a long run started late ended
    seconds after the others, with a core idle beside it. A topic whose graders wait on the real
    clock (see `waits_in_real_time`) mostly waits: its runs go in a lane of their own, started first,
    so that they hold up none of the runs that keep the cores busy. A solution whose every grader this
    session runs here anyway (`pytest solutions tests`) is not graded twice: its results are read
    from those items' reports (Graded is a plugin for that).
    """

    # Seconds one grader takes on one file, by topic, measured alone (seed 1, 2026-12-05: all of a topic's proofs
    # in one process, its start left out). Graders that serve sockets or mock aiohttp (06, 12-14) take several times
    # what the others take, and 09's wait in real time for tasks that ignore their cancel. Only how the runs are cut
    # and ordered depends on these figures: a stale one costs time, never a verdict.
    SECONDS_PER_GRADER = {
        "01_coroutines": 0.0067, "02_tasks": 0.0042, "03_gather": 0.0040, "04_timeouts": 0.0070, "06_http": 0.0094,
        "07_async_generators": 0.0034, "08_synchronization": 0.0052, "09_queues": 0.038, "10_task_groups": 0.0044,
        "11_cancellation": 0.0040, "12_streams": 0.0053, "13_testing": 0.025, "14_capstone": 0.014,
    }
    USUAL_SECONDS_PER_GRADER = 0.006  # a topic not measured yet
    # A forked run costs about 0.1 s of CPU to start: runs of 60 graders (31 runs) took 2-3 s more of the machine's
    # CPU than runs of 150 (16 runs).
    RUN_SECONDS = 1.2
    # Started all at once, some 30 runs shared 2 cores with everything else: the tests of the main
    # thread, which wait on runs of their own, got a thirtieth of a core each, and real-time graders
    # were starved. A few at a time use the cores as fully, and the proofs end as soon.
    AT_ONCE = 3
    # Topic 05's graders run real threads on the real clock: its 192 graders took 21 s in one run, and
    # about 1 s of CPU. In two runs among the AT_ONCE, they held two of the three for 11 s, and the
    # topics after them went one at a time. In a lane of their own, WAITING_RUNS at once, they end early.
    WAITING_RUNS = 4

    def __init__(self, seed: int, topics: list[course.Topic], graded_here: set[str]) -> None:
        self.seed = seed
        self.preload = [topic.graders for topic in topics]  # every run's, so that the server has them all early
        self.pool = ThreadPoolExecutor(max_workers=self.AT_ONCE, thread_name_prefix="proofs")
        self.waiting = ThreadPoolExecutor(max_workers=self.WAITING_RUNS, thread_name_prefix="waiting-proofs")
        self.started: list[Run] = []  # to stop at the end of the session
        self.runs: dict[str, list[Future[list[Result]]]] = {}
        timed: list[tuple[float, str, list[str]]] = []  # each run of the CPU's lane: its estimated seconds, topic, targets
        for topic in topics:
            whole = [topic.stub(), *([] if topic.dir in graded_here else [topic.solution(ROOT)]), *correct_answers(topic)]
            cases = [f"{w.path.relative_to(ROOT)}::{grader}" for w in wrong_answers(topic) for grader in w.expect]
            each = self.SECONDS_PER_GRADER.get(topic.dir, self.USUAL_SECONDS_PER_GRADER)
            graders = sandbox.graders_of(topic)
            weighed = [*((str(t.relative_to(ROOT)), graders * each) for t in whole), *((c, each) for c in cases)]
            waits = waits_in_real_time(topic)
            count = self.WAITING_RUNS if waits else max(1, round(sum(w for _, w in weighed) / self.RUN_SECONDS))
            shares: list[list[str]] = [[] for _ in range(count)]
            loads = [0.0] * count
            for name, weight in sorted(weighed, key=lambda n: -n[1]):
                lightest = loads.index(min(loads))
                shares[lightest].append(name)
                loads[lightest] += weight
            if waits:
                self.runs[topic.dir] = [self.waiting.submit(self._grade, share) for share in shares]
            else:
                self.runs[topic.dir] = []
                timed.extend((load, topic.dir, share) for load, share in zip(loads, shares))
        for _, topic_dir, share in sorted(timed, key=lambda run: -run[0]):
            self.runs[topic_dir].append(self.pool.submit(self._grade, share))
        self.graded_here = graded_here
        self.here: list[Result] = []
        self.done: dict[str, list[Result]] = {}

    def _grade(self, share: list[str]) -> list[Result]:
        # In English, as the cases are written, whatever the locale; from the session's environment as
        # it started, not as a test in the main thread has it now (test_cli sets PYTEST_ADDOPTS=--timeout=0.5
        # and `aiolings --lang` sets AIOLINGS_LANG: a proof once got that limit and timed out).
        run = Run(share, cwd=ROOT, seed=self.seed, inherit=ENVIRONMENT, env={"AIOLINGS_LANG": "en"}, preload=self.preload)
        self.started.append(run)
        return run.results()

    def close(self) -> None:
        for pool in (self.pool, self.waiting):
            pool.shutdown(wait=False, cancel_futures=True)
        for run in self.started:
            run.close()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        here = report.nodeid.startswith("solutions/") and report.nodeid.split("/")[1] in self.graded_here
        if here and (report.when == "call" or report.failed):
            target, _, grader = report.nodeid.partition("::")
            outcome = "passed" if report.passed else "failed" if report.when == "call" else "error"
            told = dict(report.user_properties).get("same_cause_as", "")
            self.here.append(Result(target, grader, outcome, str(report.longrepr or ""), told))

    def results(self, topic: course.Topic, target: Path) -> dict[str, Result]:
        """Each grader's result on `target`, by grader name."""
        if topic.dir not in self.done:
            self.done[topic.dir] = [r for run in self.runs[topic.dir] for r in run.result()]
        name = str(target.relative_to(ROOT))
        return {r.grader: r for r in [*self.done[topic.dir], *self.here] if r.target == name}


def _graded_here(items: list[pytest.Item]) -> set[str]:
    """Topics whose solution this session grades in this process, every grader of it."""
    topics = course.load().topics
    selected = Counter(item.nodeid.split("/")[1] for item in items if item.nodeid.startswith("solutions/"))
    return {t.dir for t in topics if selected[t.dir] and selected[t.dir] == sandbox.graders_of(t)}


def _wanted_topics(items: list[pytest.Item]) -> list[course.Topic]:
    wanted = set()
    for item in items:
        for value in getattr(getattr(item, "callspec", None), "params", {}).values():
            topic = getattr(value, "topic", value)
            if isinstance(topic, course.Topic):
                wanted.add(topic)
    return sorted(wanted, key=lambda t: t.number)


def pytest_sessionstart(session: pytest.Session) -> None:
    forkserver.prepare()  # its imports overlap collection: every grading run below waits for them


# Modules whose tests read the grading runs the session starts in the background (below).
READ_BACKGROUND_RUNS = ("test_bad_code.py", "test_grade.py", "test_graders.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that read the session's background runs go last, after the early ones, so that the tests
    this thread runs itself overlap all of that work."""
    items.sort(key=lambda item: (item.path.name in READ_BACKGROUND_RUNS, item.get_closest_marker("early") is not None))


SUBMISSIONS = ROOT / "tests" / "submissions"
# One student per way hostile code can spoil the process it shares with topic 01: it crashes it,
# tampers with it, or is refused (a limit that kills the run is the same case as a crash).
ALSO_TOPIC_01 = ("correct", "with_its_own_conftest", "kills_the_interpreter", "patches_pytest", "forks")


class GradedClass:
    """tests/submissions as a class, graded by `aiolings grade` in the background from the end of collection.

    Students in ALSO_TOPIC_01 also hand in a correct topic 01, to show that the other topics are
    scored normally even when the hostile code brings down or tampers with the shared process;
    three more students are built here: a correct one, one as a zip with a wrapping folder, and
    one whose zip nests its files too deep to be found.

    The command runs through graders.learn.cli.main in a thread of this process (as tests/test_cli.py
    runs commands), so its students' runs come from this session's fork server.
    """

    def __init__(self, folder: Path, pool: ThreadPoolExecutor, kept: KeptOutput) -> None:
        self.folder, self.output = folder / "class", folder / "grades"
        self.printed = io.StringIO()  # what the command told the instructor
        self.shared_before: dict[str, tuple[int, int]] = {}
        self.read: dict[str, dict] | None = None  # type: ignore[type-arg]
        self.grading = pool.submit(kept.run, self.printed, self._grade)

    def _grade(self) -> int:
        shutil.copytree(SUBMISSIONS, self.folder, ignore=shutil.ignore_patterns("README.md"))
        snoop = self.folder / "looks_around" / "gather.py"  # as if it knew where the class is: this one, no other session's
        snoop.write_text(snoop.read_text().replace("/tmp/aiolings-tests-*/class", str(self.folder)))
        gather, coroutines = course.load().find("3"), course.load().find("1")
        for name in ("correct", "with_its_own_conftest"):
            (self.folder / name).mkdir(exist_ok=True)
            shutil.copyfile(gather.solution(ROOT), self.folder / name / gather.module)
        for deep, name in (("hand-in/", "zipped"), ("hand-in/b/c/", "nested_too_deep")):
            with zipfile.ZipFile(self.folder / f"{name}.zip", "w") as archive:
                archive.write(gather.solution(ROOT), f"{deep}exercises/{gather.dir}/{gather.module}")
                archive.write(coroutines.solution(ROOT), f"hand-in/exercises/{coroutines.dir}/{coroutines.module}")
        for name in ALSO_TOPIC_01:
            shutil.copyfile(coroutines.solution(ROOT), self.folder / name / coroutines.module)
        # Logging and prints as it goes: the same verdicts as under pytest, whose logging plugin grading leaves out.
        (self.folder / "logs_as_it_goes").mkdir()
        for topic in (gather, coroutines):
            shutil.copyfile(CORRECT_ANSWERS / topic.dir / "logging_and_prints.py", self.folder / "logs_as_it_goes" / topic.module)
        from .test_grade import add_awkward_students  # names to make safe and a zip bomb: they cost no grading run

        add_awkward_students(self.folder)
        # As root with a Python others cannot read (pyenv's, under /root), grading refuses unless told to accept it:
        # this class is the project's own, and the drop itself is proven where it can be (test_grade.py, CI's chroots).
        accept = ["--allow-root"] if sandbox.root_refusal() else []
        self.shared_before = shared_files()
        # Five at a time: many students wait out a time limit (the parent's grace alone is 2 s), and with two or
        # three at a time the last of them (turns_the_alarm_off, 2.7 s) ended the class, and kept the tests that read
        # it waiting, a second or more after the rest of the session's work.
        return cli.main(["grade", str(self.folder), "-o", str(self.output), "--topics", "01,03", "--timeout", "0.5",
                         "-j", "5", "--quiet", *accept])

    def students(self) -> dict[str, dict]:  # type: ignore[type-arg]
        """Each student's entry in grades.json: read once, for the many tests that read it."""
        if self.read is None:
            assert self.grading.result(timeout=240) == 0, self.printed.getvalue()
            data = json.loads((self.output / "grades.json").read_text(encoding="utf-8"))
            self.read = {s["student"]: s for s in data["students"]}
        return self.read


def shared_files() -> dict[str, tuple[int, int]]:
    """The folders anyone may write, each name with its inode and change time: what a run leaves
    there must show up against this, not against a stale file some earlier, unconfined run made."""
    found = {}
    for folder in filter(os.path.isdir, sandbox.SHARED_WRITABLE):  # no /dev/shm on macOS
        for entry in os.scandir(folder):
            try:
                stat = entry.stat(follow_symlinks=False)
            except FileNotFoundError:  # another program's file, gone since the listing
                continue
            found[entry.path] = (stat.st_ino, stat.st_ctime_ns)
    return found


class KeptOutput:
    """What the course's commands print from a background thread (`aiolings export`'s "Wrote …",
    `aiolings grade`'s warnings), kept for the test it belongs to instead of shown.

    pytest captures what the test running in the main thread prints; a background thread's print
    lands on the terminal, or in some other test's report. While the background runs, `print` is
    one that writes a background thread's text to that thread's buffer, and anyone else's where
    it always went. An early test's buffer is printed in its turn, so that a failure shows it.
    """

    def __init__(self) -> None:
        self.local = threading.local()
        self.original = builtins.print

    def print(self, *values: object, file: object = None, **options: object) -> None:
        buffer = getattr(self.local, "buffer", None)
        if buffer is None:
            self.original(*values, file=file, **options)  # type: ignore[call-overload]
        else:
            self.original(*values, file=buffer, **options)  # type: ignore[call-overload]

    def run(self, buffer: io.StringIO, function: Callable[..., object], **arguments: object) -> object:
        """`function(**arguments)` in this thread, with what it prints kept in `buffer`."""
        self.local.buffer = buffer
        try:
            return function(**arguments)
        finally:
            self.local.buffer = None

    def install(self) -> None:
        builtins.print = self.print

    def uninstall(self) -> None:
        builtins.print = self.original


@dataclass
class Background:
    """What the selected tests read later, started as soon as collection ends."""

    graded: Graded
    graded_class: GradedClass | None
    bad_code: list[Run]
    early: dict[str, tuple[Path, Future[object], io.StringIO]]  # by node id: the test's folder, outcome and output
    scratch: tempfile.TemporaryDirectory[str]
    pool: ThreadPoolExecutor
    kept: KeptOutput

    def close(self) -> None:
        self.graded.close()
        for run in self.bad_code:
            run.close()
        self.pool.shutdown(wait=True)
        self.kept.uninstall()
        self.scratch.cleanup()


BACKGROUND = pytest.StashKey[Background]()


def pytest_collection_finish(session: pytest.Session) -> None:
    if session.config.option.collectonly:  # nothing will run: nothing to grade for it
        return
    selected = {item.path.name for item in session.items}
    proofs = [item for item in session.items if item.path.name == "test_graders.py"]
    # The proofs first: they are most of the background's work, and setting them up imports every
    # topic's graders, which took 4 s once the runs and threads below were competing for the cores.
    graded = Graded(session.config.stash[SEED], _wanted_topics(proofs), _graded_here(session.items))
    session.config.pluginmanager.register(graded)
    scratch = tempfile.TemporaryDirectory(prefix="aiolings-tests-")
    bad_code: list[Run] = []
    if "test_bad_code.py" in selected:
        from .test_bad_code import start  # its cases live with its tests

        bad_code = start()
    # Early tests in a lane are taken in order by the lane's threads; any other runs in a thread of its own.
    lanes: dict[str, tuple[deque[pytest.Item], int]] = {}
    for item in session.items:
        marker = item.get_closest_marker("early")
        if marker is not None:
            lane = lanes.setdefault(marker.kwargs.get("lane", item.nodeid), (deque(), marker.kwargs.get("threads", 1)))
            lane[0].append(item)
    pool = ThreadPoolExecutor(max_workers=sum(threads for _, threads in lanes.values()) + 1, thread_name_prefix="background")
    kept = KeptOutput()
    kept.install()
    early = {}
    for waiting, threads in lanes.values():
        for item in waiting:
            folder = Path(scratch.name) / "early" / item.name
            folder.mkdir(parents=True)
            early[item.nodeid] = (folder, Future(), io.StringIO())
        for _ in range(threads):
            pool.submit(_run_lane, waiting, early, kept)
    session.stash[BACKGROUND] = Background(
        graded=graded,
        graded_class=GradedClass(Path(scratch.name), pool, kept) if "test_grade.py" in selected else None,
        bad_code=bad_code,
        early=early,
        scratch=scratch,
        pool=pool,
        kept=kept,
    )


def _run_lane(waiting: deque[pytest.Item], early: dict[str, tuple[Path, Future[object], io.StringIO]], kept: KeptOutput) -> None:
    while True:
        try:
            item = waiting.popleft()  # atomic: each test is taken by one of the lane's threads
        except IndexError:  # none left
            return
        folder, outcome, printed = early[item.nodeid]
        arguments = dict(getattr(getattr(item, "callspec", None), "params", {}))
        if "early_folder" in getattr(item, "fixturenames", ()):
            arguments["early_folder"] = folder
        if not outcome.set_running_or_notify_cancel():  # the session ended first
            continue
        try:
            outcome.set_result(kept.run(printed, item.obj, **arguments))  # type: ignore[attr-defined]
        except BaseException as error:  # noqa: BLE001 - the test's failure, raised again in its turn
            outcome.set_exception(error)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if pyfuncitem.get_closest_marker("early") is None:
        return None
    _, outcome, printed = pyfuncitem.session.stash[BACKGROUND].early[pyfuncitem.nodeid]
    try:
        outcome.result()  # the test's own failure, if it failed
    finally:
        sys.stdout.write(printed.getvalue())  # captured as this test's output: shown only if it failed
    return True


@pytest.fixture
def early_folder(request: pytest.FixtureRequest) -> Path:
    """An early test's own folder (see `early` above)."""
    return request.session.stash[BACKGROUND].early[request.node.nodeid][0]


def pytest_sessionfinish(session: pytest.Session) -> None:
    if BACKGROUND in session.stash:
        session.stash[BACKGROUND].close()


@pytest.fixture(scope="session")
def graded(request: pytest.FixtureRequest) -> Graded:
    """A grading run for each topic the selected proofs ask about."""
    return request.session.stash[BACKGROUND].graded


@pytest.fixture(scope="session")
def graded_class(request: pytest.FixtureRequest) -> GradedClass:
    graded = request.session.stash[BACKGROUND].graded_class
    assert graded is not None, "started only when test_grade.py is selected"
    return graded


@pytest.fixture(scope="session")
def bad_code(request: pytest.FixtureRequest) -> list[Run]:
    """tests/test_bad_code.py's grading runs."""
    return request.session.stash[BACKGROUND].bad_code
