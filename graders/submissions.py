"""Finding students' submissions and taking out only the files the course grades.

A submission is a folder or a .zip named after the student, holding their `exercises/` tree
or just the topic files. Nothing else from it is ever used: not its graders, tests, conftest,
ini files or sitecustomize; only each topic's one module, copied by the manifest's name.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import course

MAX_FILE = 1_000_000  # bytes; a topic's module is a few kB, anything bigger is not an answer


@dataclass
class Submission:
    student: str
    source: Path
    files: dict[str, bytes] = field(default_factory=dict)  # topic dir -> the module's bytes
    problems: list[str] = field(default_factory=list)


def find(paths: list[Path]) -> list[Submission]:
    """One submission per folder or zip; a folder holding neither exercises nor topic files is a class folder."""
    found: list[Submission] = []
    for path in paths:
        if path.is_dir() and not _looks_like_submission(path):
            found += [read(child) for child in sorted(path.iterdir()) if child.is_dir() or child.suffix == ".zip"]
        else:
            found.append(read(path))
    return found


def _looks_like_submission(folder: Path) -> bool:
    modules = {t.module for t in course.load().topics}
    return (folder / "exercises").is_dir() or any(
        p.name in modules or course.load().by_dir(p.name) for p in folder.iterdir()
    )


def read(path: Path) -> Submission:
    submission = Submission(student=path.stem if path.suffix == ".zip" else path.name, source=path)
    if path.suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                entries = {
                    PurePosixPath(i.filename): i for i in archive.infolist()
                    if not i.is_dir() and i.file_size <= MAX_FILE
                }
                chosen = _choose(set(entries))
                submission.files = {topic: archive.read(entries[name]) for topic, name in chosen.items()}
        except (zipfile.BadZipFile, OSError) as error:
            submission.problems.append(f"the zip could not be read: {error}")
    elif path.is_dir():
        names = {
            PurePosixPath(p.relative_to(path).as_posix()): p for p in path.rglob("*.py")
            if p.is_file() and not p.is_symlink() and p.stat().st_size <= MAX_FILE
        }
        chosen = _choose(set(names))
        submission.files = {topic: names[name].read_bytes() for topic, name in chosen.items()}
    else:
        submission.problems.append("not a folder or a .zip")
    return submission


def _choose(names: set[PurePosixPath]) -> dict[str, PurePosixPath]:
    """Each topic's module among the archive's names: exercises/NN_topic/m.py, NN_topic/m.py or m.py,
    under at most one wrapping folder; the shortest such path wins."""
    chosen: dict[str, PurePosixPath] = {}
    for topic in course.load().topics:
        candidates = [
            n for n in names
            if n.name == topic.module and ".." not in n.parts and not n.is_absolute()
            and _inside(n.parent.parts, topic.dir)
        ]
        if candidates:
            chosen[topic.dir] = min(candidates, key=lambda n: (len(n.parts), str(n)))
    return chosen


def _inside(parents: tuple[str, ...], topic_dir: str) -> bool:
    allowed = [(), (topic_dir,), ("exercises", topic_dir)]
    return any(parents == a or parents[1:] == a for a in allowed)
