"""Shared fixtures for the tests of the graders themselves."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graders import course, forkserver
from graders.grading import Result, Run
from graders.plugin import SEED

ROOT = Path(__file__).resolve().parent.parent
WRONG_ANSWERS = ROOT / "tests" / "wrong_answers"

# Students' hand-ins, some with a conftest of their own: data for `aiolings grade`, never tests.
collect_ignore = ["submissions"]


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


class Graded:
    """Each topic's graders run once on the stub and the solution, and each wrong answer meets the
    graders it must fail (the only results its proof reads).

    Targets are graded in parallel processes of a few each: thread topics spend most of their
    time waiting on real threads, not on the CPU.
    """

    TARGETS_PER_RUN = 12  # a forked process costs about 0.2 s of CPU to start

    def __init__(self, seed: int, topics: list[course.Topic]) -> None:
        self.seed = seed
        self.runs: dict[str, list[Run]] = {}
        for topic in topics:
            whole = [str(t.relative_to(ROOT)) for t in (topic.stub(), topic.solution(ROOT))]
            cases = [f"{w.path.relative_to(ROOT)}::{grader}" for w in wrong_answers(topic) for grader in w.expect]
            names = [*whole, *cases]
            count = -(-len(names) // self.TARGETS_PER_RUN)  # as few runs as will do, sharing the targets evenly
            self.runs[topic.dir] = [Run(names[i::count], cwd=ROOT, seed=seed) for i in range(count)]
        self.done: dict[str, list[Result]] = {}

    def results(self, topic: course.Topic, target: Path) -> dict[str, Result]:
        """Each grader's result on `target`, by grader name."""
        if topic.dir not in self.done:
            self.done[topic.dir] = [r for run in self.runs[topic.dir] for r in run.results()]
        name = str(target.relative_to(ROOT))
        return {r.grader: r for r in self.done[topic.dir] if r.target == name}


def _wanted_topics(items: list[pytest.Item]) -> list[course.Topic]:
    wanted = set()
    for item in items:
        for value in getattr(getattr(item, "callspec", None), "params", {}).values():
            topic = getattr(value, "topic", value)
            if isinstance(topic, course.Topic):
                wanted.add(topic)
    return sorted(wanted, key=lambda t: t.number)


def pytest_sessionstart(session: pytest.Session) -> None:
    # Its imports overlap collection: every grading run below waits for them. Not in those runs
    # themselves, which read this file too (their targets live under tests/).
    if session.config.getoption("aiolings_report") is None:
        forkserver.prepare()


# Modules whose tests read the grading runs started with the session (fixtures below).
READ_BACKGROUND_RUNS = ("test_bad_code.py", "test_grade.py", "test_graders.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that read the session's background runs go last, so that everything else overlaps those runs."""
    items.sort(key=lambda item: item.path.name in READ_BACKGROUND_RUNS)  # stable: the order is kept otherwise


@pytest.fixture(scope="session", autouse=True)
def graded(request: pytest.FixtureRequest) -> Iterator[Graded]:
    """Starts, before the first test, a grading run for each topic the selected proofs ask about.

    Autouse so that these runs overlap with everything else the session does.
    """
    proofs = [item for item in request.session.items if item.path.name == "test_graders.py"]
    graded = Graded(request.config.stash[SEED], _wanted_topics(proofs))
    yield graded
    for run in (run for runs in graded.runs.values() for run in runs):
        run.close()


SUBMISSIONS = ROOT / "tests" / "submissions"
ALSO_TOPIC_01 = ("correct", "with_its_own_conftest", "kills_the_interpreter", "patches_pytest", "prints_100_mb", "forks")


class GradedClass:
    """tests/submissions as a class, graded by `aiolings grade` in the background from the session's start.

    Students in ALSO_TOPIC_01 also hand in a correct topic 01, to show that the other topics are
    scored normally even when the hostile code brings down or tampers with the shared process;
    three more students are built here: a correct one, one as a zip with a wrapping folder, and
    one whose zip nests its files too deep to be found.
    """

    def __init__(self, folder: Path) -> None:
        self.folder, self.output = folder / "class", folder / "grades"
        shutil.copytree(SUBMISSIONS, self.folder, ignore=shutil.ignore_patterns("README.md"))
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
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from graders.cli import main; raise SystemExit(main())", "grade", str(self.folder),
             "-o", str(self.output), "--topics", "01,03", "--timeout", "0.5", "-j", "2"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )

    def students(self) -> dict[str, dict]:  # type: ignore[type-arg]
        output, _ = self.process.communicate(timeout=240)
        assert self.process.returncode == 0, output
        data = json.loads((self.output / "grades.json").read_text(encoding="utf-8"))
        return {s["student"]: s for s in data["students"]}


@pytest.fixture(scope="session", autouse=True)
def graded_class(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> GradedClass | None:
    """Started before the first test when the session includes the grading tests, so it overlaps the rest."""
    if not any(item.path.name == "test_grade.py" for item in request.session.items):
        return None
    return GradedClass(tmp_path_factory.mktemp("graded-class"))


@pytest.fixture(scope="session", autouse=True)
def bad_code(request: pytest.FixtureRequest) -> list[Run]:
    """tests/test_bad_code.py's grading runs, started before the first test when it is selected."""
    if not any(item.path.name == "test_bad_code.py" for item in request.session.items):
        return []
    from .test_bad_code import start  # its cases live with its tests

    return start()
