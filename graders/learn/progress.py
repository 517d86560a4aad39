"""Where a learner stands on each topic, derived from running the graders and cached by content.

A topic is "not started" while its file is byte-for-byte the pristine stub, otherwise "done" or
"failing" as the graders say. Verdicts are cached in .aiolings/progress.json under a key made of
the file's hash and the graders' own hash, so editing either one makes the cache miss; there is
no flag a learner could set by hand that the next check would not overwrite.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

from .. import __version__, course
from .run import Result, Run

CACHE = Path(".aiolings") / "progress.json"

NOT_STARTED, FAILING, DONE, MISSING = "not started", "failing", "done", "missing"


@dataclass(frozen=True)
class Status:
    state: str
    passed: int = 0
    total: int = 0
    problem: str = ""  # why the file cannot load, when it cannot: "syntax 4", "import aiohtttp", "hang", ... (see learner.py)


@dataclass(frozen=True)
class Check:
    """One grading of a topic's file: each grader's result, and pytest's full output."""

    topic: course.Topic
    results: list[Result]
    output: str

    @property
    def status(self) -> Status:
        passed = sum(r.outcome == "passed" for r in self.results)
        total = len(self.results)
        return Status(DONE if total and passed == total else FAILING, passed, total, self.problem)

    @property
    def problem(self) -> str:
        """Why the file cannot load ("syntax 4", "import aiohtttp", "hang", ...), when no grader could check it."""
        causes = {r.cause for r in self.results}
        if any(r.outcome == "passed" for r in self.results) or len(causes) != 1:
            return ""
        cause = causes.pop()
        return (cause.removeprefix("load").strip() or "load") if cause.split(" ")[0] == "load" else ""


@functools.cache
def graders_hash() -> str:
    """Changes whenever the installed graders, their instruments or the manifest change."""
    digest = hashlib.sha256(__version__.encode())
    package = resources.files("graders")
    for path in sorted(Path(str(package)).rglob("*")):
        if path.suffix in (".py", ".toml") and "stubs" not in path.parts:
            digest.update(path.read_bytes())
    return digest.hexdigest()


class Progress:
    """The learner's progress in the course at `root`."""

    def __init__(self, root: Path, environ: Mapping[str, str] | None = None) -> None:
        self.root = root
        self.environ = environ  # the grading processes' environment: by default this process's
        try:
            self.cache: dict[str, dict[str, object]] = json.loads((root / CACHE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.cache = {}

    def _key(self, topic: course.Topic) -> str | None:
        try:
            content = topic.exercise(self.root).read_bytes()
        except OSError:
            return None
        return hashlib.sha256(content + graders_hash().encode()).hexdigest()

    def known(self, topic: course.Topic) -> Status | None:
        """The status without grading: None when only running the graders can tell."""
        path = topic.exercise(self.root)
        if not path.is_file():
            return Status(MISSING)
        if path.read_bytes() == topic.stub().read_bytes():
            return Status(NOT_STARTED)
        entry = self.cache.get(topic.dir)
        if entry and entry.get("key") == self._key(topic):
            return Status(str(entry["state"]), int(entry["passed"]), int(entry["total"]),  # type: ignore[arg-type]
                          str(entry.get("problem", "")))
        return None

    def statuses(self) -> dict[str, Status]:
        """Every topic's status, grading (in parallel) only the files that changed since their last check."""
        topics = course.load().topics
        found = {t.dir: self.known(t) for t in topics}
        runs = {t.dir: self.start(t) for t in topics if found[t.dir] is None}
        for name, run in runs.items():
            found[name] = self.finish(run).status
        return {name: status for name, status in found.items() if status is not None}

    def start(self, topic: course.Topic, seed: int | None = None, *, here: Path | None = None,
              width: int | None = None, lone: bool = False) -> tuple[course.Topic, Run]:
        """Grade `topic`'s file; from `here` (the learner's folder), so the paths its messages name are the
        learner's to type, and with messages filled to `width` columns. `lone`: the only grading this
        command does (`aiolings check`), as cheap as a plain pytest."""
        here = here or self.root
        env = {"AIOLINGS_WIDTH": str(width)} if width else None
        return topic, Run([os.path.relpath(topic.exercise(self.root), here)], cwd=here, seed=seed, env=env, lone=lone,
                          inherit=self.environ, preload=[topic.graders])

    def finish(self, started: tuple[course.Topic, Run]) -> Check:
        topic, run = started
        check = Check(topic, run.results(), run.output)
        self._remember(topic, check.status)
        return check

    def check(self, topic: course.Topic, seed: int | None = None, *, here: Path | None = None,
              width: int | None = None, lone: bool = False) -> Check:
        return self.finish(self.start(topic, seed, here=here, width=width, lone=lone))

    def _remember(self, topic: course.Topic, status: Status) -> None:
        self.cache[topic.dir] = {"key": self._key(topic), **asdict(status)}
        path = self.root / CACHE
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(self.cache, indent=1), encoding="utf-8")

    def next_topic(self, statuses: dict[str, Status]) -> course.Topic | None:
        return next((t for t in course.load().topics if statuses[t.dir].state != DONE), None)
