"""Finding students' submissions and taking out only the files the course grades.

A submission is a folder or a .zip named after the student, holding their `exercises/` tree
or just the topic files. Nothing else from it is ever used: not its graders, tests, conftest,
ini files or sitecustomize; only each topic's one module, copied by the manifest's name.

Everything here is read as hostile, in the instructor's own process:

- Names. A student's name becomes a folder name (gradescope/<student>/), a CSV cell, an XML
  attribute and an HTML id, so it is made safe for all of them (`student_name`): bytes that
  are not UTF-8 (a folder named on a GBK system) are shown as %XX, Unicode is NFC, control
  and format characters, path separators and leading or trailing dots go. Two submissions
  whose names end up alike (`alice/` and `alice.zip`, é composed and decomposed, Bob and bob)
  are kept apart as alice and alice-2, and both say so.
- Size. An archive is read within `Limits`: entries (counted in its central directory before
  anything else is read), each file's size and compression ratio, and the total, as declared
  and again as read: entries are streamed in chunks against a byte budget, never read whole,
  so a zip bomb costs the grader a chunk, not gigabytes. Past any limit the whole submission
  is refused, and scores 0 with the reason "submission too large: ...". A folder is walked
  with the same limits (no symbolic links followed).
"""

from __future__ import annotations

import os
import struct
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from pathlib import Path, PurePosixPath

from .. import course

TOO_LARGE = "submission too large"
NAME = "name: "  # what a problem about the student's name starts with: for the instructor, not the student
UNREADABLE = "the zip could not be read"
CHUNK = 64 * 1024  # bytes decompressed at a time: the most an entry costs beyond what is kept of it


@dataclass(frozen=True)
class Limits:
    """What one submission may hold. Past any of these it is refused (TOO_LARGE), whatever it holds."""

    entries: int = 10_000  # files and folders: a whole clone of the course, .git included, is a few thousand
    file: int = 10 * 1024**2  # bytes, any one file uncompressed
    total: int = 50 * 1024**2  # bytes, all files uncompressed together (and the archive itself)
    ratio: int = 100  # uncompressed / compressed, for any file of RATIO_FROM bytes or more: code compresses 3-10x
    module: int = 1024**2  # bytes, a topic's module: a few kB; more is not an answer


RATIO_FROM = 64 * 1024


class TooLarge(Exception):
    """A submission past one of its limits; the message says which, in plain words."""


@dataclass
class Submission:
    student: str
    source: Path
    files: dict[str, bytes] = field(default_factory=dict)  # topic dir -> the module's bytes
    problems: list[str] = field(default_factory=list)


def find(paths: list[Path], limits: Limits = Limits()) -> list[Submission]:
    """One submission per folder or zip; a folder holding neither exercises nor topic files is a class folder."""
    found: list[Submission] = []
    for path in paths:
        if path.is_dir() and not _looks_like_submission(path):
            found += [read(child, limits) for child in sorted(path.iterdir())
                      if not child.name.startswith(".") and (child.is_dir() or _is_zip(child))]
        else:
            found.append(read(path, limits))
    _keep_apart(found)
    return found


def _is_zip(path: Path) -> bool:
    return path.suffix.lower() == ".zip" and path.is_file()


def _looks_like_submission(folder: Path) -> bool:
    modules = {t.module for t in course.load().topics}
    return (folder / "exercises").is_dir() or any(
        p.name in modules or course.load().by_dir(p.name) for p in folder.iterdir()
    )


def read(path: Path, limits: Limits = Limits()) -> Submission:
    zipped = path.suffix.lower() == ".zip" and not path.is_dir()
    name, notes = student_name(path.name[: -len(path.suffix)] if zipped else path.name)
    submission = Submission(student=name, source=path, problems=notes)
    try:
        if zipped:
            submission.files = _read_zip(path, limits)
        elif path.is_dir():
            submission.files = _read_folder(path, limits)
        else:
            submission.problems.append("not a folder or a .zip")
    except TooLarge as why:
        submission.files = {}
        submission.problems.append(f"{TOO_LARGE}: {why}")
    except Exception as error:  # noqa: BLE001 - corrupt, encrypted, truncated...: that student's 0, never the class's
        submission.files = {}
        said = str(error) if isinstance(error, (zipfile.BadZipFile, NotImplementedError, OSError)) else \
            f"{type(error).__name__}: {error}"
        submission.problems.append(f"{UNREADABLE}: {said}" if zipped else f"the folder could not be read: {said}")
    return submission


def refusal(problems: tuple[str, ...] | list[str]) -> str | None:
    """Why nothing of a submission was graded, if that is so: every topic then scores 0 with this reason."""
    return next((p for p in problems if p.startswith((TOO_LARGE, UNREADABLE))), None)


# Names.


def student_name(raw: str) -> tuple[str, list[str]]:
    """A name safe as a folder name, a CSV cell, XML and HTML, from a folder's or zip's name; and
    what was changed, in words, when more than Unicode normalisation was."""
    data = os.fsencode(raw)  # a name from the file system keeps undecodable bytes as surrogates
    notes = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = "".join(f"%{ord(c) - 0xDC00:02X}" if "\udc80" <= c <= "\udcff" else c
                       for c in data.decode("utf-8", "surrogateescape"))
        notes.append(f"{NAME}not UTF-8: its bytes are shown as %XX{_guess(data)}")
    text = unicodedata.normalize("NFC", text)
    clean = "".join("_" if unicodedata.category(c)[0] == "C" or c in "/\\" else c for c in text)
    clean = " ".join(clean.split()).strip(". ")[:100].strip(". ") or "student"
    if clean != text and not notes:
        notes.append(f"{NAME}{ascii(raw)[1:-1]} is shown as {clean}")
    return clean, notes


def _guess(data: bytes) -> str:
    """A hint for names written in a Chinese system's encoding (GBK), a common case in this course."""
    try:
        guessed = data.decode("gb18030")
    except UnicodeDecodeError:
        return ""
    if all(c.isascii() or "\u4e00" <= c <= "\u9fff" for c in guessed):
        return f" (read as GBK: {guessed})"
    return ""


def _keep_apart(found: list[Submission]) -> None:
    """Give submissions whose names came out alike (letter case aside) names of their own: the
    first keeps it, later ones get -2, -3... and every one of them says so."""
    taken = {s.student.casefold() for s in found}
    seen: dict[str, list[Submission]] = {}
    used: set[str] = set()
    # Whose name came out unchanged goes first: a folder named " bob" or "Bob." must not take bob's name.
    for submission in sorted(found, key=lambda s: s.student != s.source.name.removesuffix(".zip")):
        base = submission.student
        same = seen.setdefault(base.casefold(), [])
        same.append(submission)
        if len(same) > 1:
            number = len(same)
            while f"{base}-{number}".casefold() in taken | used:
                number += 1
            submission.student = f"{base}-{number}"
        used.add(submission.student.casefold())
    for same in seen.values():
        if len(same) > 1:
            sources = ", ".join(f"{ascii(s.source.name)[1:-1]} as {s.student}" for s in same)
            for s in same:
                s.problems.append(f"{NAME}{len(same)} submissions have the same name once made safe, kept apart: {sources}")


# Archives and folders, within limits.


def _read_zip(path: Path, limits: Limits) -> dict[str, bytes]:
    size = path.stat().st_size
    if size > limits.total:
        raise TooLarge(f"the zip is {_mb(size)}, more than {_mb(limits.total)}")
    with path.open("rb") as raw:
        count = _count_entries(raw, limits)
        if count > limits.entries:
            raise TooLarge(f"{count:,} entries or more, more than {limits.entries:,}")
        raw.seek(0)
        with zipfile.ZipFile(raw) as archive:
            infos = archive.infolist()
            if len(infos) > limits.entries:
                raise TooLarge(f"{len(infos):,} entries, more than {limits.entries:,}")
            entries: dict[PurePosixPath, zipfile.ZipInfo] = {}
            total = 0
            for info in infos:
                name = info.filename.replace("\\", "/")  # zips made on Windows by some tools
                _check_size(name, info.file_size, info.compress_size, limits)
                _check_declared(name, info)
                total += info.file_size
                if total > limits.total:
                    raise TooLarge(f"its files hold more than {_mb(limits.total)} uncompressed")
                if not info.is_dir():
                    entries[PurePosixPath(name)] = info
            chosen = _choose(set(entries))
            return {topic: _read_entry(archive, entries[name], limits) for topic, name in chosen.items()}


def _count_entries(file: BinaryIO, limits: Limits) -> int:
    """Entries in the zip's central directory, counted header by header without keeping them, and
    stopping past the limit: what zipfile would otherwise turn into objects all at once."""
    file.seek(0, os.SEEK_END)
    end = file.tell()
    file.seek(max(0, end - 22 - 65535))
    tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise zipfile.BadZipFile("no end of central directory: not a zip file")
    _, _, _, _, declared, cd_size, cd_offset, _ = struct.unpack("<4s4H2LH", tail[at:at + 22])
    if declared == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        record = tail.rfind(b"PK\x06\x06", 0, at)  # zip64 end of central directory: 8-byte counts
        if record < 0 or len(tail) - record < 56:
            raise zipfile.BadZipFile("a zip64 archive without its end record")
        return struct.unpack("<Q", tail[record + 32:record + 40])[0]  # past the limit: refused before zipfile lists them
    if declared > limits.entries:
        return declared
    file.seek(cd_offset)
    count, left = 0, cd_size
    while left >= 46 and count <= limits.entries:
        header = file.read(46)
        if len(header) < 46 or header[:4] != b"PK\x01\x02":
            break  # zipfile says what is wrong, or finds it right (data before the first entry shifts offsets)
        names, extra, comment = struct.unpack("<3H", header[28:34])
        file.seek(names + extra + comment, os.SEEK_CUR)
        left -= 46 + names + extra + comment
        count += 1
    return count


def _check_size(name: str, size: int, compressed: int, limits: Limits) -> None:
    if size > limits.file:
        raise TooLarge(f"{_shown(name)} is {_mb(size)}, more than {_mb(limits.file)} for one file")
    if size >= RATIO_FROM and size > limits.ratio * max(compressed, 1):
        raise TooLarge(f"{_shown(name)} expands {size // max(compressed, 1):,} times, more than {limits.ratio} "
                       "(a zip bomb, or padding)")


def _check_declared(name: str, info: zipfile.ZipInfo) -> None:
    """Compressed data larger than the size it declares could ever need is a header that lies:
    a zip bomb declaring a few bytes, to pass the limits on size."""
    most = info.file_size + info.file_size // 1000 + 64 + (12 if info.flag_bits & 1 else 0)  # deflate's worst case, and then some
    if info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) and info.compress_size > most:
        raise TooLarge(f"{_shown(name)} holds {_mb(info.compress_size)} compressed but declares {_mb(info.file_size)}: "
                       "its header lies (a zip bomb)")


READABLE = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    """The entry's bytes, read a chunk at a time against the module's budget: its header may lie
    about its size, and reading it whole would decompress all of it at once."""
    if info.compress_type not in READABLE:
        # bzip2 and lzma entries decompress without a bound on what one chunk gives: not read at all.
        raise NotImplementedError(f"{_shown(info.filename)} is compressed with method {info.compress_type}; "
                                  "zip it again with the usual settings (deflate)")
    budget = min(limits.module, limits.file)
    if info.file_size > budget:
        raise TooLarge(f"{_shown(info.filename)} is {_mb(info.file_size)}, more than {_mb(budget)} for a topic's module")
    chunks, got = [], 0
    with archive.open(info) as entry:
        while chunk := entry.read(CHUNK):
            got += len(chunk)
            if got > budget:
                raise TooLarge(f"{_shown(info.filename)} holds more than {_mb(budget)}, more than a topic's module may")
            _check_size(info.filename, got, info.compress_size, limits)
            chunks.append(chunk)
    return b"".join(chunks)


def _read_folder(folder: Path, limits: Limits) -> dict[str, bytes]:
    names: dict[PurePosixPath, Path] = {}
    total = 0
    for count, (path, stat) in enumerate(_walk(folder), start=1):
        if count > limits.entries:
            raise TooLarge(f"more than {limits.entries:,} files and folders")
        if stat is None:
            continue
        relative = path.relative_to(folder).as_posix()
        _check_size(relative, stat.st_size, stat.st_size, limits)
        total += stat.st_size
        if total > limits.total:
            raise TooLarge(f"its files hold more than {_mb(limits.total)}")
        if path.suffix == ".py":
            names[PurePosixPath(relative)] = path
    chosen = _choose(set(names))
    return {topic: _read_file(names[name], limits) for topic, name in chosen.items()}


def _walk(folder: Path) -> Iterator[tuple[Path, os.stat_result | None]]:
    """Every entry under `folder`, with its stat if it is a regular file; symbolic links are not followed."""
    stack = [folder]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                path = Path(entry.path)
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                    yield path, None
                elif entry.is_file(follow_symlinks=False):
                    yield path, entry.stat(follow_symlinks=False)
                else:
                    yield path, None


def _read_file(path: Path, limits: Limits) -> bytes:
    budget = min(limits.module, limits.file)
    with path.open("rb") as file:
        data = file.read(budget + 1)
    if len(data) > budget:
        raise TooLarge(f"{_shown(path.name)} is more than {_mb(budget)}, more than a topic's module may")
    return data


def _mb(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    return f"{size / 1024**2:.1f} MB" if size >= 1024**2 else f"{size / 1024:.0f} kB"


def _shown(name: str) -> str:
    return ascii(name)[1:-1] if not name.isprintable() else name


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
