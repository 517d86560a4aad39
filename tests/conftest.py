"""Shared fixtures for the tests of the graders themselves."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from graders import course
from graders.grading import Result, Run
from graders.plugin import SEED

ROOT = Path(__file__).resolve().parent.parent
WRONG_ANSWERS = ROOT / "tests" / "wrong_answers"


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
    """Each topic's graders run once on the stub, the solution and the wrong answers.

    Targets are graded in parallel processes of a few files each: thread topics spend most of
    their time waiting on real threads, not on the CPU.
    """

    FILES_PER_RUN = 8

    def __init__(self, seed: int, topics: list[course.Topic]) -> None:
        self.seed = seed
        self.runs: dict[str, list[Run]] = {}
        for topic in topics:
            targets = [topic.stub(), topic.solution(ROOT), *(w.path for w in wrong_answers(topic))]
            names = [str(t.relative_to(ROOT)) for t in targets]
            chunks = [names[i : i + self.FILES_PER_RUN] for i in range(0, len(names), self.FILES_PER_RUN)]
            self.runs[topic.dir] = [Run(chunk, cwd=ROOT, seed=seed) for chunk in chunks]
        self.done: dict[str, list[Result]] = {}

    def results(self, topic: course.Topic, target: Path) -> dict[str, Result]:
        """Each grader's result on `target`, by grader name."""
        if topic.dir not in self.done:
            self.done[topic.dir] = [r for run in self.runs[topic.dir] for r in run.results()]
        name = str(target.relative_to(ROOT))
        return {r.grader: r for r in self.done[topic.dir] if r.target == name}


def _wanted_topics(session: pytest.Session) -> list[course.Topic]:
    wanted = set()
    for item in session.items:
        for value in getattr(getattr(item, "callspec", None), "params", {}).values():
            topic = getattr(value, "topic", value)
            if isinstance(topic, course.Topic):
                wanted.add(topic)
    return sorted(wanted, key=lambda t: t.number)


@pytest.fixture(scope="session", autouse=True)
def graded(request: pytest.FixtureRequest) -> Graded:
    """Starts, before the first test, a grading run for each topic the selected tests ask about.

    Autouse so that these runs overlap with everything else the session does.
    """
    return Graded(request.config.stash[SEED], _wanted_topics(request.session))
