"""The course manifest (course.toml) as Python objects."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

EXERCISES = "exercises"
SOLUTIONS = "solutions"


@dataclass(frozen=True)
class Topic:
    number: int
    dir: str
    title: str
    module: str
    graders: str
    hints: tuple[str, ...]
    title_zh: str = ""
    hints_zh: tuple[str, ...] = ()
    points: int = 10  # for `aiolings grade`, shared evenly by the topic's graders

    def title_in(self, lang: str) -> str:
        return self.title_zh if lang == "zh" and self.title_zh else self.title

    def hints_in(self, lang: str) -> tuple[str, ...]:
        return self.hints_zh if lang == "zh" and self.hints_zh else self.hints

    @staticmethod
    def readme_name(lang: str) -> str:
        return "README.zh-CN.md" if lang == "zh" else "README.md"

    @property
    def name(self) -> str:
        """The short name: "gather" for "03_gather"."""
        return self.dir.split("_", 1)[1]

    @property
    def label(self) -> str:
        return f"{self.number:02d} {self.name}"

    def exercise(self, root: Path) -> Path:
        return root / EXERCISES / self.dir / self.module

    def solution(self, root: Path) -> Path:
        return root / SOLUTIONS / self.dir / self.module

    def readme(self, root: Path, lang: str = "en") -> Path:
        return root / EXERCISES / self.dir / self.readme_name(lang)

    def stub(self) -> Path:
        """The pristine stub, installed with the graders: what exercises/ holds before the learner edits it.

        A learner's edits to exercises/ must not change what "untouched" means, for the proofs
        in tests/ and for telling a topic not yet started from one in progress.
        """
        return Path(str(resources.files("graders").joinpath("stubs", self.dir, self.module)))


@dataclass(frozen=True)
class Course:
    topics: tuple[Topic, ...]

    def by_dir(self, name: str) -> Topic | None:
        return next((t for t in self.topics if t.dir == name), None)

    def find(self, spec: str) -> Topic:
        """Accept "3", "03", "03_gather" or "gather"; raise LookupError listing the valid ones."""
        spec = spec.strip().lower()
        for topic in self.topics:
            if spec in (topic.dir, topic.name) or (spec.isdigit() and int(spec) == topic.number):
                return topic
        valid = ", ".join(t.dir for t in self.topics)
        raise LookupError(f"no topic {spec!r}; valid topics: {valid}")


def parse(text: str) -> Course:
    data = tomllib.loads(text)
    topics = [
        Topic(
            number=entry["number"],
            dir=entry["dir"],
            title=entry["title"],
            module=entry["module"],
            graders=entry["graders"],
            hints=tuple(entry.get("hints", ())),
            title_zh=entry.get("title_zh", ""),
            hints_zh=tuple(entry.get("hints_zh", ())),
            points=entry.get("points", 10),
        )
        for entry in data["topic"]
    ]
    return Course(tuple(sorted(topics, key=lambda t: t.number)))


@functools.cache
def load() -> Course:
    """The installed manifest; never a copy found in a learner's or student's folder."""
    return parse(resources.files("graders").joinpath("course.toml").read_text(encoding="utf-8"))


def find_root(start: Path) -> Path | None:
    """The course folder holding `start`: the nearest ancestor with an exercises/ folder of this course."""
    first = load().topics[0].dir
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / EXERCISES / first).is_dir():
            return folder
    return None
