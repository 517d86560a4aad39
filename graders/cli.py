"""The `aiolings` command: the learner's front door to the course.

Every verdict it shows comes from the same grader tests that `pytest exercises/NN_topic` runs
(through graders.progress); this module only chooses what to run and how to say it.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import textwrap
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from . import __version__, course, exports, grade
from .feedback import fill
from .grading import Result
from .i18n import LANGUAGES, language, tr
from .progress import DONE, FAILING, MISSING, NOT_STARTED, Check, Progress, Status

HINTS = Path(".aiolings") / "hints.json"  # how many hints each topic has shown
BACKUPS = Path(".aiolings") / "backups"
MARKS = {DONE: ("✓", "green"), FAILING: ("✗", "red"), NOT_STARTED: ("·", "dim"), MISSING: ("?", "yellow")}

console = Console(highlight=False, soft_wrap=True)  # long paths and commands stay on one line, copyable


class Trouble(Exception):
    """A problem the learner can fix, said in one line; exit code 2."""


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.lang:
        os.environ["AIOLINGS_LANG"] = args.lang  # inherited by the pytest processes that grade
    try:
        return args.run(args)
    except Trouble as trouble:
        console.print(f"aiolings: {trouble}", markup=False, style="red")
        return 2
    except KeyboardInterrupt:
        console.print()
        return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="aiolings",
        description="Learn asyncio by doing: fill in exercises/NN_topic/, and the graders check that your code "
        "really runs concurrently, not just that it returns the right values.",
    )
    top.add_argument("--version", action="version", version=f"aiolings {__version__}")
    top.add_argument("--lang", choices=LANGUAGES, help="language of hints and feedback (default: from the locale)")
    top.set_defaults(run=show_list)
    commands = top.add_subparsers(metavar="COMMAND")
    commands.add_parser("list", help="your progress through the topics (the default)").set_defaults(run=show_list)
    check = commands.add_parser("check", help="grade one topic (default: the first one not done)")
    check.add_argument("topic", nargs="?", help="3, 03, 03_gather or gather")
    check.add_argument("--verbose", action="store_true", help="show pytest's full output")
    check.add_argument("--aiolings-seed", "--seed", dest="seed", type=int, help="repeat the random inputs of an earlier check")
    check.set_defaults(run=run_check)
    watch = commands.add_parser("watch", help="re-check the current topic each time you save it")
    watch.set_defaults(run=run_watch)
    hint = commands.add_parser("hint", help="show the next hint for a topic")
    hint.add_argument("topic", help="3, 03, 03_gather or gather")
    hint.add_argument("--all", action="store_true", help="show every hint for the topic")
    hint.set_defaults(run=show_hint)
    reset = commands.add_parser("reset", help="put back a topic's original file (yours is backed up first)")
    reset.add_argument("topic", help="3, 03, 03_gather or gather")
    reset.set_defaults(run=run_reset)
    solution = commands.add_parser("solution", help="show a topic's reference solution, once your version passes")
    solution.add_argument("topic", help="3, 03, 03_gather or gather")
    solution.add_argument("--force", action="store_true", help="show it even though your version does not pass yet")
    solution.set_defaults(run=show_solution)
    grade.add_command(commands)
    exports.add_command(commands)
    return top


# Finding things.


def course_root() -> Path:
    root = course.find_root(Path.cwd())
    if root is None:
        raise Trouble(tr("this folder is not inside a copy of the aiolings course (no exercises/ folder above it)."))
    return root


def find_topic(spec: str) -> course.Topic:
    try:
        return course.load().find(spec)
    except LookupError as error:
        raise Trouble(str(error)) from None


def label(topic: course.Topic) -> str:
    return f"{topic.number:02d} {topic.name}"


# list


def show_list(args: argparse.Namespace) -> int:
    lang = language()
    root = course.find_root(Path.cwd())
    console.print(tr("aiolings: asyncio, one topic at a time.") + "\n")
    if root is None:
        for topic in course.load().topics:
            console.print(f"  {topic.number:02d}  {topic.title_in(lang)}", markup=False)
        console.print("\n" + tr("Run aiolings inside your copy of the course to see your progress."))
        return 0
    progress = Progress(root)
    statuses = progress.statuses()
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 0))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    for topic in course.load().topics:
        status = statuses[topic.dir]
        mark, colour = MARKS[status.state]
        table.add_row(f"  {topic.number:02d}", f"[{colour}]{mark} {describe(status)}[/]", topic.title_in(lang))
    console.print(table)
    done = sum(s.state == DONE for s in statuses.values())
    console.print("\n" + tr("Progress: {done} of {total} topics done.", done=done, total=len(statuses)))
    upcoming = progress.next_topic(statuses)
    if upcoming is None:
        console.print(tr("Every topic passes. Well done!"), style="green")
        return 0
    exercise = os.path.relpath(upcoming.exercise(root))
    readme = os.path.relpath(upcoming.readme(root, lang))
    console.print(
        tr("Next: {topic}. Read {readme}, fill in the TODOs in {exercise},", topic=label(upcoming), readme=readme,
           exercise=exercise)
        + "\n"
        + tr("then check your work with:  aiolings check {number}   (or: pytest exercises/{dir})",
             number=upcoming.number, dir=upcoming.dir)
        + "\n"
        + tr("Stuck?  aiolings hint {number}", number=upcoming.number),
        markup=False,
    )
    return 0


def describe(status: Status) -> str:
    if status.state == FAILING:
        return tr("failing: {passed}/{total} pass", passed=status.passed, total=status.total)
    return tr(status.state)


# check and watch


def run_check(args: argparse.Namespace) -> int:
    progress = Progress(course_root())
    topic = find_topic(args.topic) if args.topic else progress.next_topic(progress.statuses())
    if topic is None:
        console.print(tr("Every topic passes. Well done!"), style="green")
        return 0
    if progress.known(topic) == Status(MISSING):
        raise Trouble(tr("{file} is missing; `aiolings reset {number}` puts the original back.",
                         file=os.path.relpath(topic.exercise(progress.root)), number=topic.number))
    result = progress.check(topic, seed=args.seed)
    if args.verbose:
        console.print(result.output, markup=False)
    report(result)
    return 0 if result.status.state == DONE else 1


def report(result: Check) -> None:
    topic, status = result.topic, result.status
    mark, colour = MARKS[status.state]
    console.print(
        f"[bold {colour}]{mark} {label(topic)}[/]: "
        + tr("{passed} of {total} graders pass", passed=status.passed, total=status.total)
        + "\n"
    )
    names = functions(topic)
    for r in result.results:
        mark, colour = MARKS[DONE if r.outcome == "passed" else FAILING]
        console.print(f"  [{colour}]{mark}[/] {grader_title(r, names)}", markup=True)
    failures = [r for r in result.results if r.outcome != "passed"]
    # One message per cause: a failure whose cause another grader told in full is listed under that one.
    told = [r for r in failures if not r.same_cause_as]
    messages, footer = split_footer([r.message for r in told])
    for r, message in zip(told, messages):
        same = [grader_title(o, names) for o in failures if o.same_cause_as == r.grader]
        console.print(f"\n[bold red]✗ {grader_title(r, names)}[/]")
        if same:
            console.print(fill(tr("(also the cause of: {graders})", graders="; ".join(same)), width=88, indent="  "),
                          markup=False)
        console.print(message, markup=False)
    if footer:
        console.print("\n" + footer, markup=False)
    if status.state == DONE:
        console.print("\n" + tr("Topic {topic} passes. `aiolings` shows what comes next.", topic=label(topic)),
                      style="green")


def split_footer(messages: list[str]) -> tuple[list[str], str]:
    """Each grader's message ends with the same "Stuck? ... / seed ..." paragraph: say it once, at the end."""
    endings = {m.rpartition("\n\n")[2] for m in messages}
    if len(messages) < 2 or len(endings) != 1 or not all("\n\n" in m for m in messages):
        return messages, ""
    return [m.rpartition("\n\n")[0] for m in messages], textwrap.dedent(endings.pop())


def functions(topic: course.Topic) -> list[str]:
    """The exercise's function names, longest first, to print grader names with them intact."""
    tree = ast.parse(topic.stub().read_text(encoding="utf-8"))
    found = [n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    return sorted(found, key=len, reverse=True)


def grader_title(result: Result, names: list[str]) -> str:
    """"test_gather_all_runs_jobs_concurrently" as "gather_all runs jobs concurrently"."""
    text = result.grader.removeprefix("test_") or tr("your file")
    for name in names:
        if text.startswith(name + "_"):
            return name + " " + text[len(name) + 1 :].replace("_", " ")
    return text.replace("_", " ")


def run_watch(args: argparse.Namespace) -> int:
    progress = Progress(course_root())
    topic = progress.next_topic(progress.statuses())
    console.clear()
    while topic is not None:
        path = topic.exercise(progress.root)
        if progress.known(topic) == Status(NOT_STARTED):
            console.print(tr("Next up: {topic}. Open {exercise} and save it to check your work.",
                             topic=label(topic), exercise=os.path.relpath(path)), markup=False)
        else:
            result = progress.check(topic)
            console.clear()
            report(result)
            if result.status.state == DONE:
                topic = progress.next_topic(progress.statuses())
                console.print()
                continue  # the green report stays on screen under the next topic's first line
        console.print("\n" + tr("Watching {exercise}: save it to check again. Ctrl-C quits.",
                                exercise=os.path.relpath(path)), style="dim", markup=False)
        wait_for_save(path)
    console.print(tr("Every topic passes. Well done!"), style="green")
    return 0


def wait_for_save(path: Path) -> None:
    from watchfiles import watch  # imported here: only this command needs it

    for changes in watch(path.parent):
        if any(Path(changed).resolve() == path.resolve() for _, changed in changes):
            return


# hint


def show_hint(args: argparse.Namespace) -> int:
    topic = find_topic(args.topic)
    hints = topic.hints_in(language())
    root = course.find_root(Path.cwd())
    state = _read_hints(root)
    shown = len(hints) if args.all else min(state.get(topic.dir, 0) + 1, len(hints))
    for i, text in enumerate(hints[:shown], start=1):
        console.print(tr("Hint {i}/{n} for {topic}:", i=i, n=len(hints), topic=topic.label) + f" {text}\n", markup=False)
    if shown < len(hints):
        console.print(tr("Run `aiolings hint {number}` again for the next hint.", number=topic.number), markup=False)
    if root is not None and not args.all:
        state[topic.dir] = shown
        path = root / HINTS
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(state), encoding="utf-8")
    return 0


def _read_hints(root: Path | None) -> dict[str, int]:
    if root is None:
        return {}
    try:
        return json.loads((root / HINTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


# reset and solution


def run_reset(args: argparse.Namespace) -> int:
    root = course_root()
    topic = find_topic(args.topic)
    target = topic.exercise(root)
    pristine = topic.stub().read_bytes()
    if target.is_file() and target.read_bytes() == pristine:
        console.print(tr("{file} is already the original; nothing to do.", file=os.path.relpath(target)), markup=False)
        return 0
    if target.is_file():
        backup = root / BACKUPS / f"{topic.dir}-{time.strftime('%Y%m%d-%H%M%S')}-{topic.module}"
        backup.parent.mkdir(parents=True, exist_ok=True)
        backup.write_bytes(target.read_bytes())
        console.print(tr("Your version is saved in {backup}.", backup=os.path.relpath(backup)), markup=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pristine)
    console.print(tr("{file} is back to the original exercise.", file=os.path.relpath(target)), markup=False)
    return 0


def show_solution(args: argparse.Namespace) -> int:
    progress = Progress(course_root())
    topic = find_topic(args.topic)
    status = progress.known(topic) or progress.check(topic).status
    if status.state != DONE:
        if not args.force:
            console.print(
                tr("Your version of {topic} does not pass yet, so the solution stays hidden: the struggle is where "
                   "the learning happens. `aiolings hint {number}` helps; `--force` shows it anyway.",
                   topic=label(topic), number=topic.number),
                markup=False,
            )
            return 1
        console.print(tr("Showing the solution before your version passes (--force)."), style="yellow")
    path = topic.solution(progress.root)
    if not path.is_file():
        raise Trouble(tr("no reference solution found at {file}.", file=os.path.relpath(path)))
    console.print(f"# {os.path.relpath(path)}\n", style="dim", markup=False)
    console.print(path.read_text(encoding="utf-8"), markup=False)
    return 0
