"""`aiolings grade`: score a class's submissions with the installed graders, safely, into files
that grading platforms take (CSV, JSON, JUnit XML, Gradescope results.json) and one HTML page.
"""

from __future__ import annotations

import argparse
import contextvars
import csv
import html
import io
import json
import os
import re
import sys
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from rich.progress import Progress

from .. import course, forkserver
from . import review, sandbox, submissions
from ..i18n import keep, tr

DEFAULT_SEED = 1  # one fixed seed, so grading the same class twice gives the same grades


@dataclass(frozen=True)
class Graded:
    student: str
    problems: tuple[str, ...]
    topics: tuple[sandbox.TopicResult, ...]
    files: Mapping[str, bytes] = field(default_factory=dict, compare=False, repr=False)  # what was graded, for review

    @property
    def refused(self) -> str | None:
        """Why nothing of the submission was graded (too large, unreadable), if so."""
        return submissions.refusal(self.problems)

    def problem(self, result: sandbox.TopicResult) -> str | None:
        """Why the topic scores 0 as a whole: a submission refused as a whole says so on every topic."""
        return self.refused if self.refused and not result.verdicts else result.problem

    def score(self, result: sandbox.TopicResult) -> float:
        topic = course.load().by_dir(result.topic)
        assert topic is not None
        if result.problem or not result.verdicts:
            return 0.0
        return round(topic.points * sum(v.passed for v in result.verdicts) / len(result.verdicts), 2)

    @property
    def total(self) -> float:
        return round(sum(self.score(r) for r in self.topics), 2)


def run(args: argparse.Namespace) -> int:
    if not forkserver.forks():
        print("aiolings grade confines each student's code with Linux's fork, namespaces and limits, which this "
              "system does not offer (or AIOLINGS_NO_FORK is set): grade the class on Linux.", file=sys.stderr)
        return 2
    refusal = sandbox.root_refusal()
    if refusal and not args.allow_root:
        print(refusal, file=sys.stderr)
        return 2
    all_topics = course.load().topics
    topics = [course.load().find(spec) for spec in args.topics.split(",")] if args.topics else list(all_topics)
    found = submissions.find(args.submissions)
    limits = sandbox.Limits() if args.timeout is None else sandbox.Limits(grader=args.timeout)
    seed = DEFAULT_SEED if args.seed is None else args.seed
    described = sandbox.isolation()
    weaker = (("network", sandbox.loopback_only()), ("processes and files", sandbox.own_pids_and_mounts()),
              ("user", sandbox.own_users()))
    for what, there in weaker:
        if not there and not args.quiet:
            print(f"warning: {what}: {described[what]}", file=sys.stderr)
    args.output.mkdir(parents=True, exist_ok=True)
    # What a student's code must not see: the class (every hand-in's folder) and the grade files.
    hidden = tuple(sorted({str((p if p.is_dir() else p.parent).resolve()) for p in args.submissions}
                          | {str(args.output.resolve())}))

    def grade(submission: submissions.Submission) -> Graded:
        try:
            results = sandbox.grade_topics(submission.files, topics, seed=seed, limits=limits, hidden=hidden)
        except Exception as error:  # noqa: BLE001 - one student's failure is that student's 0, never the class's
            failed = f"grading failed: {type(error).__name__}: {error}"
            results = [sandbox.TopicResult(t.dir, (), failed) for t in topics]
        return Graded(submission.student, tuple(submission.problems), tuple(results), submission.files)

    # One language for the whole class, students' feedback included: each student's work runs in a
    # copy of this context, whatever the environment of this process does meanwhile.
    keep()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool, Progress(transient=True, disable=args.quiet) as bar:
        task = bar.add_task(tr("grading"), total=len(found))
        graded = []
        for future in [pool.submit(contextvars.copy_context().run, grade, submission) for submission in found]:
            graded.append(future.result())
            bar.advance(task)
    graded.sort(key=lambda g: g.student)
    write(args.output, topics, graded)
    if not args.quiet:
        print(tr("Graded {count} submissions into {folder}.", count=len(graded), folder=args.output))
    return 0


# Outputs.
#
# Everything in them that a student's code could have chosen (its name, its messages: what it
# printed or raised) goes through `_text` first: no character XML 1.0 forbids (one \x00 would
# make junit.xml unreadable for the whole class), no terminal escapes or bidirectional
# controls, no lone surrogates (which cannot be written as UTF-8 at all). HTML is escaped, and
# a CSV cell that a spreadsheet would take for a formula is quoted.

# XML 1.0's characters, less C1 controls and DEL; bidirectional controls shown too, so text cannot reorder the page.
_UNSAFE = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_TERMINAL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")  # colours and cursor moves: dropped, not shown


def _text(text: str) -> str:
    """`text` with what must not reach an output file shown as an escape (\\x00, \\u202e), terminal escapes dropped."""
    return _UNSAFE.sub(lambda m: ascii(m.group())[1:-1], _TERMINAL.sub("", text))


SHARED_FOLDERS = {"", "/", "/usr", "/usr/local", "/opt", "/home", "/root", "/tmp"}  # every machine's: naming them says nothing


def _private() -> list[tuple[str, str]]:
    """What of the instructor's machine no message may show, longest first, with what it shows instead:
    the folders of this Python, the course, the home and current folders, and the values of the
    environment. A run gets none of them (see sandbox.py), but may find some (its interpreter's
    path, /proc where the kernel cannot hide it); this is the last line."""
    named: dict[str, str] = {}
    try:
        here = os.getcwd()
    except OSError:
        here = ""
    folders = ((sys.prefix, "<python>"), (sys.base_prefix, "<python>"), (str(Path(course.__file__).parent.parent), "<course>"),
               (here, "<current folder>"), (os.path.expanduser("~"), "<home>"))
    for folder, label in folders:
        for form in (folder, os.path.realpath(folder) if folder else ""):
            if form not in SHARED_FOLDERS:
                named.setdefault(form, label)
    for key, value in os.environ.items():
        if len(value) >= 8 and value not in SHARED_FOLDERS:  # shorter ones (1, C.UTF-8, xterm) are words anyone uses
            named.setdefault(value, f"<${key}>")
    return sorted(named.items(), key=lambda pair: -len(pair[0]))


def _redacted(text: str, private: list[tuple[str, str]]) -> str:
    """`text` made safe to write (`_text`), with nothing of `private` in it."""
    for value, label in private:
        if value in text:
            text = text.replace(value, label)
    return _text(text)


def _cell(value: object) -> object:
    """A CSV cell no spreadsheet runs as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write(folder: Path, topics: list[course.Topic], graded: list[Graded]) -> None:
    """Every grade file, each made whole in memory first: nothing a student did can leave them half written."""
    flags = review.review({g.student: g.files for g in graded}, topics)
    data = as_json(topics, graded, flags)
    outputs: dict[Path, bytes] = {Path("grades.json"): json.dumps(data, indent=1, ensure_ascii=False).encode()}
    table = io.StringIO(newline="")
    writer = csv.writer(table)
    writer.writerow(["student", *(t.dir for t in topics), "total", "review"])
    for g, student in zip(graded, data["students"]):
        writer.writerow([_cell(student["student"]), *(g.score(r) for r in g.topics), g.total,
                         _cell(_text("; ".join(str(f) for f in flags[g.student])))])
    outputs[Path("grades.csv")] = table.getvalue().encode()
    outputs[Path("junit.xml")] = junit(graded)
    folders: set[str] = set()
    for student in data["students"]:
        name = student["student"]
        # submissions.find keeps names apart; a caller's own list might not, and no file may overwrite another's.
        assert name.casefold() not in folders and name not in (".", "..") and "/" not in name, name
        folders.add(name.casefold())
        outputs[Path("gradescope") / name / "results.json"] = json.dumps(gradescope(student), indent=1,
                                                                         ensure_ascii=False).encode()
    outputs[Path("report.html")] = report_html(data).encode()
    for path, content in outputs.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(content)


def as_json(topics: list[course.Topic], graded: list[Graded],
            flags: dict[str, list[review.Flag]] | None = None) -> dict[str, object]:
    private = _private()
    return {
        "isolation": sandbox.isolation(),
        "topics": [{"dir": t.dir, "title": t.title, "points": t.points} for t in topics],
        "students": [
            {
                "student": _text(g.student),
                "total": g.total,
                "max": sum(t.points for t in topics),
                "problems": [_redacted(p, private) for p in g.problems],
                "review": [f.as_json() for f in (flags or {}).get(g.student, [])],
                "topics": [
                    {
                        "topic": r.topic,
                        "score": g.score(r),
                        "max": course.load().by_dir(r.topic).points,  # type: ignore[union-attr]
                        "problem": _redacted(p, private) if (p := g.problem(r)) else p,
                        "graders": [{"name": _text(v.grader), "passed": v.passed, "message": _redacted(v.message, private)}
                                    for v in r.verdicts],
                    }
                    for r in g.topics
                ],
            }
            for g in graded
        ],
    }


def gradescope(student: dict) -> dict[str, object]:  # type: ignore[type-arg]
    """Gradescope's autograder results format: a score, and one test per grader. The student reads
    it: the review (what a person should look at, likeness to classmates) is not in it."""
    tests = []
    for topic in student["topics"]:
        if topic["problem"] or not topic["graders"]:
            tests.append({"name": topic["topic"], "score": 0, "max_score": topic["max"], "status": "failed",
                          "output": topic["problem"] or ""})
            continue
        share = round(topic["max"] / len(topic["graders"]), 4)
        for grader in topic["graders"]:
            tests.append({
                "name": f"{topic['topic']}: {grader['name']}", "score": share if grader["passed"] else 0,
                "max_score": share, "status": "passed" if grader["passed"] else "failed", "output": grader["message"],
            })
    told = [p for p in student["problems"] if not p.startswith(submissions.NAME)]  # names of classmates among them
    return {"score": student["total"], "output": "; ".join(told), "tests": tests}


def junit(graded: list[Graded]) -> bytes:
    private = _private()
    suites = ElementTree.Element("testsuites", name="aiolings")
    for g in graded:
        student = _text(g.student)
        cases = [(r, v) for r in g.topics for v in (r.verdicts or (None,))]
        failures = sum(1 for r, v in cases if v is None or not v.passed)
        suite = ElementTree.SubElement(suites, "testsuite", name=student, tests=str(len(cases)), failures=str(failures))
        for r, v in cases:
            case = ElementTree.SubElement(suite, "testcase", classname=f"{student}.{r.topic}",
                                          name=_text(v.grader) if v else r.topic)
            if v is None or not v.passed:
                text = _redacted((v.message if v else g.problem(r)) or "", private)
                ElementTree.SubElement(case, "failure", message=text.splitlines()[0] if text else "").text = text
    return ElementTree.tostring(suites, encoding="utf-8", xml_declaration=True)


def report_html(data: dict) -> str:  # type: ignore[type-arg]
    """One static page, no scripts or outside assets: overview, review, distribution, each student's details."""

    def e(text: str) -> str:
        return html.escape(_text(text))

    topics = data["topics"]
    students = data["students"]
    most = max((s["max"] for s in students), default=0) or 1
    buckets = [0] * 10
    for s in students:
        buckets[min(int(10 * s["total"] / most), 9)] += 1
    rows = "".join(
        f"<tr><td><a href='#{e(s['student'])}'>{e(s['student'])}</a></td>"
        + "".join(f"<td>{t['score']:g}</td>" for t in s["topics"])
        + f"<td><b>{s['total']:g}</b> / {s['max']:g}</td></tr>"
        for s in students
    )
    bars = "".join(
        f"<tr><td>{10 * i}–{10 * i + 10}%</td><td><span class='bar' style='width:{2 * n}em'></span> {n}</td></tr>"
        for i, n in enumerate(buckets)
    )
    flagged = [s for s in students if s.get("review")]
    looks = "".join(
        f"<tr><td><a href='#{e(s['student'])}'>{e(s['student'])}</a></td><td><ul>"
        + "".join(f"<li>{e(f['text'])}</li>" for f in s["review"])
        + "</ul></td></tr>"
        for s in flagged
    )
    reviewed = (f"<p>What a person should look at: code that reaches into the interpreter or the grading, replaces "
                f"parts of asyncio, time or the loop, or is (nearly) the same as another's. Found by reading the files, "
                f"not running them; no flag changes a score.</p><table>{looks}</table>" if flagged
                else "<p>Nothing to look at.</p>")
    details = []
    for s in students:
        parts = [f"<section id='{e(s['student'])}'><h3>{e(s['student'])}: {s['total']:g} / {s['max']:g}</h3>"]
        parts += [f"<p class='problem'>{e(p)}</p>" for p in s["problems"]]
        for t in s["topics"]:
            parts.append(f"<h4>{e(t['topic'])}: {t['score']:g} / {t['max']:g}</h4>")
            if t["problem"]:
                parts.append(f"<p class='problem'>{e(t['problem'])}</p>")
            for g in t["graders"]:
                mark = "✓" if g["passed"] else "✗"
                body = f"<pre>{e(g['message'])}</pre>" if g["message"] else ""
                parts.append(f"<details><summary>{mark} {e(g['name'])}</summary>{body}</details>")
        parts.append("</section>")
        details.append("".join(parts))
    head = "".join(f"<th>{e(t['dir'])}</th>" for t in topics)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>aiolings grades</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:.2em .6em;text-align:left;vertical-align:top}}
.bar{{display:inline-block;height:.8em;background:#4a7}}pre{{background:#f4f4f4;padding:.6em;overflow:auto}}
.problem{{color:#a00}}ul{{margin:0;padding-left:1.2em}}</style></head><body>
<h1>aiolings grades</h1><p>{len(students)} students.</p>
<h2>Overview</h2><table><tr><th>student</th>{head}<th>total</th></tr>{rows}</table>
<h2 id='review'>Review</h2>{reviewed}
<h2>Distribution of totals</h2><table>{bars}</table>
<h2>Students</h2>{''.join(details)}
</body></html>
"""


if __name__ == "__main__":  # python -m graders.classroom.grade SUBMISSIONS... -o OUTDIR, as `aiolings grade`
    from graders.learn.cli import main

    raise SystemExit(main(["grade", *sys.argv[1:]]))
