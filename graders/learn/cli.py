"""The `aiolings` command: the learner's front door to the course.

Every verdict it shows comes from the same grader tests that `pytest exercises/NN_topic` runs
(through graders.learn.progress); this module only chooses what to run and how to say it.

Where the learner stands matters: inside exercises/03_gather (or a folder in it) a command given
no topic acts on 03, and every path or command it prints is one to type from there. Output is
wrapped to the terminal by display width (a Chinese character takes two columns), never cutting
a path or a command.
"""

from __future__ import annotations

import argparse
import ast
import contextvars
import difflib
import importlib
import itertools
import json
import os
import re
import textwrap
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from rich.cells import cell_len
from rich.console import Console
from rich.control import Control
from rich.segment import ControlType
from rich.text import Text

from .. import __version__, course, syntax
from ..harness.feedback import UNITS
from .run import GradingFailed, Stage
from ..i18n import LANGUAGES, keep, language, sentences, tr
from .progress import DONE, FAILING, MISSING, NOT_STARTED, Check, Progress, Status

T = TypeVar("T")
HINTS = Path(".aiolings") / "hints.json"  # how many hints each topic has shown
BACKUPS = Path(".aiolings") / "backups"
BEFORE_RESTORE = "before-restore"  # in the name of the copy `restore` keeps of what it replaces
MARKS = {DONE: ("✓", "green"), FAILING: ("✗", "red"), NOT_STARTED: ("·", "dim"), MISSING: ("?", "yellow")}

# Width from the terminal (COLUMNS wins, as rich reads it), colour unless NO_COLOR is set. Lines are
# broken by `wrap` below, so rich prints them as they are: soft wrap, nothing cropped.
def new_console(environ: Mapping[str, str] | None = None, **options: Any) -> Console:
    return Console(highlight=False, soft_wrap=True, _environ=environ, **options)


@dataclass(frozen=True)
class Invocation:
    """One run of the command: the folder it runs in, its environment (which the grading processes
    inherit) and the terminal it prints to. Passed in rather than read from the process, so that
    several commands can run side by side in one process, as the project's tests run them."""

    here: Path
    environ: Mapping[str, str]
    console: Console

    def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` as part of this command, in its language, in a copy of the caller's context:
        nothing it sets there outlives it."""

        def within() -> T:
            _INVOCATION.set(self)
            keep(self.environ)
            return function(*args)

        return contextvars.copy_context().run(within)


_INVOCATION: contextvars.ContextVar[Invocation] = contextvars.ContextVar("aiolings_invocation")


def invocation() -> Invocation:
    """The command running in this context (see `main`)."""
    return _INVOCATION.get()


def terminal() -> Console:
    """The terminal the command running in this context prints to."""
    return invocation().console


def progress_of(root: Path) -> Progress:
    """The learner's progress in the course at `root`, graded in the command's environment."""
    return Progress(root, invocation().environ)


class Trouble(Exception):
    """A problem the learner can fix, said in one line; exit code 2."""


def main(argv: list[str] | None = None, *, here: Path | None = None, environ: Mapping[str, str] | None = None,
         console: Console | None = None) -> int:
    """The command with arguments `argv`, run in `here` with `environ`, printing to `console`: by default
    the process's own working folder, environment and terminal. `here` is where the learner stands
    (which course, which topic, paths as they type them); files named in `argv` are opened as given."""
    here = here or Path.cwd()
    environ = dict(os.environ if environ is None else environ)
    # --lang first, so that the help itself is in the language asked for.
    chosen, _ = _language_option().parse_known_args(argv)
    if chosen.lang:
        environ["AIOLINGS_LANG"] = chosen.lang  # inherited by the pytest processes that grade
    return Invocation(here, environ, console or new_console(environ)).run(_run, argv)


def _run(argv: list[str] | None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except Trouble as trouble:
        say(f"aiolings: {trouble}", style="red")
        return 2
    except GradingFailed as failed:
        say(no_verdict(failed), style="red")
        return 1
    except KeyboardInterrupt:
        terminal().print()
        return 0


def no_verdict(failed: GradingFailed) -> str:
    """What a learner is told of a grading run that ended without verdicts: the graders' own limits end bad code
    sooner, so it is aiolings' fault, not the learner's, and no traceback of it is theirs to read."""
    return "aiolings: " + sentences(
        tr("grading was stopped after {limit} s without a verdict.", limit=f"{failed.limit:g}")
        if failed.limit is not None else tr("grading ended without a verdict."),
        tr("The graders' own limits should have ended it sooner, so this says nothing about your code: it is a fault "
           "of aiolings. `--verbose` shows pytest's output; please report it, with your file."))


TOPIC_HELP = "3, 03, 03_gather or gather (default: the topic whose folder you are in)"


def _language_option() -> argparse.ArgumentParser:
    options = argparse.ArgumentParser(prog="aiolings", add_help=False)
    options.add_argument("--lang", choices=LANGUAGES, help=tr("language of hints and feedback (default: from the locale)"))
    return options


def parser() -> argparse.ArgumentParser:
    """The command's arguments; what a learner reads of its help is in their language (an instructor's
    commands, like the instructor's documentation, are in English)."""
    top = argparse.ArgumentParser(
        prog="aiolings",
        description=tr("Learn asyncio by doing: fill in exercises/NN_topic/, and the graders check that your code "
                       "really runs concurrently, not just that it returns the right values."),
        parents=[_language_option()],
    )
    top.add_argument("--version", action="version", version=f"aiolings {__version__}")
    top.set_defaults(run=show_list)
    commands = top.add_subparsers(metavar="COMMAND")
    commands.add_parser("list", help=tr("your progress through the topics (the default)")).set_defaults(run=show_list)
    check = commands.add_parser("check", help=tr("grade one topic (default: this folder's, else the first one not done)"))
    check.add_argument("topic", nargs="?", help=tr(TOPIC_HELP))
    check.add_argument("--verbose", action="store_true", help=tr("show pytest's full output"))
    check.add_argument("--aiolings-seed", "--seed", dest="seed", type=int,
                       help=tr("repeat the random inputs of an earlier check"))
    check.set_defaults(run=run_check)
    watch = commands.add_parser("watch", help=tr("re-check the current topic each time you save it; keys: h l r n s q"))
    watch.add_argument("--manual", action="store_true", help=tr("check only when you press r, not on every save"))
    watch.set_defaults(run=run_watch)
    hint = commands.add_parser("hint", help=tr("show the next hint (default: this folder's topic, else the first one "
                                               "not done)"))
    hint.add_argument("topic", nargs="?", help=tr(TOPIC_HELP))
    hint.add_argument("--all", action="store_true", help=tr("show every hint for the topic"))
    hint.set_defaults(run=show_hint)
    reset = commands.add_parser("reset", help=tr("put back a topic's original file (yours is backed up first)"))
    reset.add_argument("topic", nargs="?", help=tr(TOPIC_HELP))
    reset.set_defaults(run=run_reset)
    restore = commands.add_parser("restore", help=tr("bring back the version of a topic's file that `reset` backed up last"))
    restore.add_argument("topic", nargs="?", help=tr(TOPIC_HELP))
    restore.set_defaults(run=run_restore)
    solution = commands.add_parser("solution", help=tr("show a topic's reference solution, once your version passes"))
    solution.add_argument("topic", nargs="?", help=tr(TOPIC_HELP))
    solution.add_argument("--force", action="store_true", help=tr("show it even though your version does not pass yet"))
    solution.add_argument("--diff", action="store_true", help=tr("show it as a diff against your file"))
    solution.set_defaults(run=show_solution)
    instructors(commands)
    return top


def instructors(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`grade` and `export`, whose modules are imported only when they run: class grading's would
    cost every learner's command 0.07-0.1 s of CPU (measured), a fifth or more of a whole check."""
    grading = commands.add_parser("grade", help="instructors: grade a folder of submissions into CSV, JSON, JUnit, "
                                  "Gradescope and HTML files")
    grading.add_argument("submissions", nargs="+", type=Path, help="student folders or .zip files, or folders of them")
    grading.add_argument("-o", "--output", type=Path, required=True, help="folder for the grade files")
    grading.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="submissions graded at once")
    grading.add_argument("--topics", help="only these topics, e.g. 01,03")
    grading.add_argument("--timeout", type=float, help="seconds each grader may run (real time; default: 10)")
    grading.add_argument("--seed", type=int, help="the graders' random inputs (default: 1, the same grades every time)")
    grading.add_argument("-q", "--quiet", action="store_true",
                         help="print only errors (what protects the machine is in grades.json either way)")
    grading.add_argument("--allow-root", action="store_true",
                         help="as root, grade even where students' code cannot get a user of its own (it then runs as root)")
    grading.set_defaults(run=lambda args: importlib.import_module("graders.classroom.grade").run(args))
    export = commands.add_parser("export", help="instructors: package the graders for Gradescope or GitHub Classroom")
    platforms = export.add_subparsers(dest="platform", metavar="PLATFORM", required=True)
    gradescope = platforms.add_parser("gradescope", help="an autograder zip for a Gradescope programming assignment")
    gradescope.add_argument("-o", "--output", type=Path, default=Path("autograder.zip"))
    gradescope.set_defaults(run=lambda args: importlib.import_module("graders.classroom.exports").write_gradescope(args.output))
    classroom = platforms.add_parser("classroom", help="a GitHub Classroom autograding workflow")
    classroom.add_argument("-o", "--output", type=Path, default=Path(".github/workflows/classroom.yml"))
    classroom.add_argument("--source", required=True,
                           help="pip requirement for this course at a fixed version, e.g. "
                           "git+https://github.com/ORG/aiolings@<commit>; students' own graders are never used")
    classroom.set_defaults(run=lambda args: importlib.import_module("graders.classroom.exports").write_classroom(args.output, args.source))


# Finding things.


def course_root() -> Path:
    root = course.find_root(invocation().here)
    if root is None:
        raise Trouble(tr("this folder is not inside a copy of the aiolings course (no exercises/ folder above it)."))
    return root


def find_topic(spec: str) -> course.Topic:
    try:
        return course.load().find(spec)
    except LookupError as error:
        raise Trouble(str(error)) from None


def folder_topic(root: Path | None) -> course.Topic | None:
    """The topic whose folder (exercises/NN_topic, or a folder inside it) the learner is in."""
    if root is None:
        return None
    try:
        inside = invocation().here.resolve().relative_to(root / course.EXERCISES)
    except ValueError:
        return None
    return course.load().by_dir(inside.parts[0]) if inside.parts else None


def named_topic(args: argparse.Namespace, root: Path | None, command: str) -> course.Topic:
    """The topic named on the command line, else the one whose folder the learner is in."""
    if args.topic:
        return find_topic(args.topic)
    topic = folder_topic(root)
    if topic is None:
        raise Trouble(tr("which topic? Name one (`aiolings {command} 3`), or run the command inside its folder "
                         "(exercises/03_gather).", command=command))
    return topic


def shown(path: Path) -> str:
    """A path as the learner types it from the folder they are in."""
    return os.path.relpath(path, invocation().here)


def label(topic: course.Topic) -> str:
    return f"{topic.number:02d} {topic.name}"


# Printing, to the terminal's width.

CHART = re.compile(r"[█░]|\|[^|\n]{20,}\|")  # a chart's rows and legend: drawn to widths of their own, kept whole


def columns() -> int | None:
    """The width to print to: the terminal's, or COLUMNS; None for a pipe or a file, whose lines are kept whole."""
    console = terminal()
    return console.width if console.is_terminal or invocation().environ.get("COLUMNS", "").isdigit() else None


def wrap(text: str, width: int | None = None, *, hang: str = "") -> str:
    """Each line of `text` wider than `width` (default: `columns()`) broken between words, or between Chinese
    characters, by display width; a continued line starts under its line's indent, plus `hang`.
    A word wider than the line (a long path) is never cut: it gets a line of its own."""
    width = width or columns()
    if width is None:
        return text
    lines = []
    for line in text.split("\n"):
        if cell_len(line) <= width or CHART.search(line):
            lines.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        indent = (indent + hang) if cell_len(indent + hang) <= width // 2 else ""
        row, used = line[: len(line) - len(line.lstrip())], cell_len(line) - cell_len(line.lstrip())
        for unit in UNITS.findall(line.lstrip()):
            size = cell_len(unit)
            if not unit.isspace() and used + size > width and row.strip():
                lines.append(row.rstrip())
                row, used = indent, cell_len(indent)
            if unit.isspace() and not row.strip():
                continue  # no spaces at the start of a continued line
            row, used = row + unit, used + size
        lines.append(row.rstrip())
    return "\n".join(lines)


def say(text: str, style: str | None = None, *, hang: str = "") -> None:
    """Print `text` wrapped to the terminal (see `wrap`), as plain text: no markup is read in it."""
    terminal().print(wrap(text, hang=hang), style=style, markup=False)


def say_marked(before: str, marked: str, style: str, after: str, *, hang: str = "") -> None:
    """`before + marked + after` wrapped to the terminal, with `marked` in `style`."""
    line = Text(wrap(before + marked + after, hang=hang))
    line.stylize(style, len(before), len(before) + len(marked))
    terminal().print(line)


# list


def show_list(args: argparse.Namespace) -> int:
    lang = language()
    root = course.find_root(invocation().here)
    say(tr("aiolings: asyncio, one topic at a time.") + "\n")
    if root is None:
        for topic in course.load().topics:
            say(f"  {topic.number:02d}  {topic.title_in(lang)}", hang="    ")
        say("\n" + tr("Run aiolings inside your copy of the course to see your progress."))
        return 0
    progress = progress_of(root)
    statuses = progress.statuses()
    print_table(statuses)
    done = sum(s.state == DONE for s in statuses.values())
    say("\n" + tr("Progress: {done} of {total} topics done.", done=done, total=len(statuses)))
    upcoming = progress.next_topic(statuses)
    if upcoming is None:
        say(tr("Every topic passes. Well done!"), style="green")
        return 0
    say(next_steps(root, upcoming))
    return 0


def print_table(statuses: dict[str, Status]) -> None:
    """One row per topic: its number and status, never cut, and its title wrapped in what width is left."""
    lang = language()
    rows = []
    for topic in course.load().topics:
        status = statuses[topic.dir]
        mark, colour = MARKS[status.state]
        rows.append((topic, f"{mark} {describe(status)}", colour))
    column = max(cell_len(text) for _, text, _ in rows)
    lead = len("  01  ") + column + 2
    room = (columns() or 1000) - lead
    for topic, text, colour in rows:
        line = Text(f"  {topic.number:02d}  ")
        line.append(text + " " * (column - cell_len(text)), style=colour)
        title = topic.title_in(lang)
        if room >= 16:
            line.append("  " + wrap(title, room).replace("\n", "\n" + " " * lead))
        else:  # too narrow for a column of titles: each goes under its row
            line.append("\n" + wrap(" " * 6 + title))
        terminal().print(line)


def describe(status: Status) -> str:
    if status.state == FAILING and status.problem:
        return problem_words(status.problem)
    if status.state == FAILING:
        return tr("failing: {passed}/{total} pass", passed=status.passed, total=status.total)
    return tr(status.state)


def problem_words(problem: str) -> str:
    """Why a file cannot load, from progress.Check.problem ("syntax 4", "import aiohtttp", ...), in a few words."""
    kind, _, detail = problem.partition(" ")
    if kind == "syntax":
        return tr("syntax error at line {line}", line=detail)
    if kind == "import":
        return tr("import error: no module {module}", module=detail) if detail else tr("import error")
    if kind == "raised":
        return tr("{error} while importing", error=detail)
    if kind == "exit":
        return tr("calls exit() while importing")
    if kind == "hang":
        return tr("never finishes importing")
    if kind == "replaced":
        return tr("replaces asyncio or time functions")
    return tr("cannot be loaded")


def next_steps(root: Path, topic: course.Topic) -> str:
    readme, exercise = shown(topic.readme(root, language())), shown(topic.exercise(root))
    return (
        tr("Next: {topic}. Read {readme}, fill in the TODOs in {exercise},", topic=label(topic), readme=readme,
           exercise=exercise)
        + "\n"
        + tr("then check your work with:  aiolings check {number}   (or: pytest {folder})", number=topic.number,
             folder=shown(topic.exercise(root).parent))
        + "\n"
        + tr("Stuck?  aiolings hint {number}", number=topic.number)
    )


# check and watch


def run_check(args: argparse.Namespace) -> int:
    root = course_root()
    progress = progress_of(root)
    topic = find_topic(args.topic) if args.topic else folder_topic(root) or progress.next_topic(progress.statuses())
    if topic is None:
        say(tr("Every topic passes. Well done!"), style="green")
        return 0
    if progress.known(topic) == Status(MISSING):
        raise Trouble(tr("{file} is missing; `aiolings reset {number}` puts the original back.",
                         file=shown(topic.exercise(root)), number=topic.number))
    result = graded(progress, topic, seed=args.seed, lone=True)
    if args.verbose:
        terminal().print(result.output, markup=False)
    report(result)
    if result.status.state == DONE:
        say("\n" + tr("Topic {topic} passes. `aiolings` shows what comes next.", topic=label(topic)), style="green")
    return 0 if result.status.state == DONE else 1


STATUS_EVERY = 0.1  # seconds between redrawings of the line that says which grader runs
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"  # its first character, one a redrawing: the line is alive
ERASE_LINE = Control((ControlType.CARRIAGE_RETURN,), (ControlType.ERASE_IN_LINE, 2))


def graded(progress: Progress, topic: course.Topic, *, seed: int | None = None, lone: bool = False) -> Check:
    """Grade `topic` from the learner's folder, to the terminal's width; on a terminal, a line that
    goes away once grading is over says meanwhile which grader runs, and for how long. Redrawn here,
    not by rich's Status: its imports and its thread would cost a cold check a tenth of its bar."""
    started = progress.start(topic, seed, here=invocation().here, width=columns(), lone=lone)
    run, console = started[1], terminal()
    if console.is_terminal:
        names, grader, since = functions(topic), "", time.monotonic()
        console.show_cursor(False)
        try:
            for frame in itertools.count():
                stage = run.stage()
                if stage.grader != grader:
                    grader, since = stage.grader, time.monotonic()
                console.control(ERASE_LINE)
                console.print(Text(f"{SPINNER[frame % len(SPINNER)]} ", style="green")
                              + status_line(topic, stage, names, time.monotonic() - since, width=console.width), end="")
                if run.wait(STATUS_EVERY):
                    break
        finally:
            console.control(ERASE_LINE)
            console.show_cursor(True)
    return progress.finish(started)


def status_line(topic: course.Topic, stage: Stage, names: list[str], seconds: float, *, width: int) -> Text:
    """"Checking 03 gather: gather_all runs jobs concurrently (2 of 7) · 4 s", in one line of a terminal `width` wide."""
    if not stage.grader:
        text = tr("Checking {topic}…", topic=label(topic))
    else:
        text = tr("Checking {topic}: {grader} ({started} of {total})", topic=label(topic), started=stage.started,
                  grader=grader_title(stage.grader.partition("::")[2], names), total=stage.total)
        if seconds >= 1:
            text = tr("{line} · {seconds} s", line=text, seconds=f"{seconds:.0f}")
    line = Text(text)
    line.truncate(max(width - 2, 10), overflow="ellipsis")  # beside the spinner, never over two lines
    return line


def report(result: Check) -> None:
    topic, status = result.topic, result.status
    mark, colour = MARKS[status.state]
    say_marked("", f"{mark} {label(topic)}", f"bold {colour}",
               ": " + tr("{passed} of {total} graders pass", passed=status.passed, total=status.total))
    terminal().print()
    names = functions(topic)
    for r in result.results:
        if r.not_run:
            say_marked("  ", "–", "yellow", " " + tr("{grader} (not run: {why})", grader=grader_title(r.grader, names),
                                                     why=r.not_run), hang="  ")
            continue
        mark, colour = MARKS[DONE if r.outcome == "passed" else FAILING]
        say_marked("  ", mark, colour, " " + grader_title(r.grader, names), hang="  ")
    for note in [r.note for r in result.results if r.note]:  # a slow import, when no failure's message told it
        terminal().print()
        say(note, style="yellow")
    # Graders not run are listed as such above; their cause is another grader's message.
    failures = [r for r in result.results if r.outcome != "passed" and not r.not_run]
    # One message per cause: a failure whose cause another grader told in full is listed under that one.
    told = [r for r in failures if not r.same_cause_as]
    messages, footer = split_footer([r.message for r in told])
    for r, message in zip(told, messages):
        same = [grader_title(o.grader, names) for o in failures if o.same_cause_as == r.grader]
        terminal().print()
        say(f"✗ {grader_title(r.grader, names)}", style="bold red", hang="  ")
        if same:
            say("  " + tr("(also the cause of: {graders})", graders="; ".join(same)))
        say(message)
    if footer:
        say("\n" + footer)


def split_footer(messages: list[str]) -> tuple[list[str], str]:
    """Each grader's message ends with the same "Stuck? ... / seed ..." paragraph: say it once, at the end."""
    endings = {m.rpartition("\n\n")[2] for m in messages}
    if len(messages) < 2 or len(endings) != 1 or not all("\n\n" in m for m in messages):
        return messages, ""
    return [m.rpartition("\n\n")[0] for m in messages], textwrap.dedent(endings.pop())


def functions(topic: course.Topic) -> list[str]:
    """The exercise's function names, longest first, to print grader names with them intact."""
    tree = syntax.parse(topic.stub().read_text(encoding="utf-8"))
    found = [n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    return sorted(found, key=len, reverse=True)


def grader_title(grader: str, names: list[str]) -> str:
    """"test_gather_all_runs_jobs_concurrently" as "gather_all runs jobs concurrently"."""
    text = grader.removeprefix("test_") or tr("your file")
    for name in names:
        if text.startswith(name + "_"):
            return name + " " + text[len(name) + 1 :].replace("_", " ")
    return text.replace("_", " ")


def run_watch(args: argparse.Namespace) -> int:
    from .watch import Watch  # only this command needs the watcher and the keys

    return Watch(course_root(), manual=args.manual).run()


# hint


def show_hint(args: argparse.Namespace) -> int:
    root = course.find_root(invocation().here)
    if args.topic or root is None:
        topic = named_topic(args, root, "hint")
    else:
        progress = progress_of(root)
        upcoming = folder_topic(root) or progress.next_topic(progress.statuses())
        if upcoming is None:
            say(tr("Every topic passes. Well done!"), style="green")
            return 0
        topic = upcoming
    texts, last = hints_so_far(root, topic, every=args.all)
    for text in texts:
        say(text + "\n")
    if last:
        say(last_hint(topic))
    else:
        say(tr("Run `aiolings hint {number}` again for the next hint.", number=topic.number))
    return 0


def last_hint(topic: course.Topic) -> str:
    return tr("That was the last hint for {topic}. `aiolings solution {number}` shows the reference solution once your "
              "version passes (`--force`: even before).", topic=label(topic), number=topic.number)


def hints_so_far(root: Path | None, topic: course.Topic, *, every: bool = False) -> tuple[list[str], bool]:
    """The hints shown before and the next one (`every`: all), and whether that was the last; counts the next one as seen."""
    hints = topic.hints_in(language())
    state = _read_hints(root)
    count = len(hints) if every else min(state.get(topic.dir, 0) + 1, len(hints))
    texts = [tr("Hint {i}/{n} for {topic}: {hint}", i=i, n=len(hints), topic=topic.label, hint=text)
             for i, text in enumerate(hints[:count], start=1)]
    if root is not None and not every:
        state[topic.dir] = count
        path = root / HINTS
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(state), encoding="utf-8")
    return texts, count == len(hints)


def _read_hints(root: Path | None) -> dict[str, int]:
    if root is None:
        return {}
    try:
        return json.loads((root / HINTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


# reset, restore and solution


def run_reset(args: argparse.Namespace) -> int:
    root = course_root()
    topic = named_topic(args, root, "reset")
    target = topic.exercise(root)
    pristine = topic.stub().read_bytes()
    if target.is_file() and target.read_bytes() == pristine:
        say(tr("{file} is already the original; nothing to do.", file=shown(target)))
        return 0
    if target.is_file():
        backup = back_up(root, topic)
        say(tr("Your version is saved in {backup}.", backup=shown(backup)))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pristine)
    say(tr("{file} is back to the original exercise.", file=shown(target)))
    return 0


def back_up(root: Path, topic: course.Topic, kind: str = "") -> Path:
    """Copy the topic's file into .aiolings/backups/, under a name that sorts by time and is new."""
    stamp = time.strftime("%Y%m%d-%H%M%S") + (f"-{kind}" if kind else "")
    folder = root / BACKUPS
    folder.mkdir(parents=True, exist_ok=True)
    backup, n = folder / f"{topic.dir}-{stamp}-{topic.module}", 1
    while backup.exists():  # two in one second
        n += 1
        backup = folder / f"{topic.dir}-{stamp}-{n}-{topic.module}"
    backup.write_bytes(topic.exercise(root).read_bytes())
    return backup


def run_restore(args: argparse.Namespace) -> int:
    root = course_root()
    topic = named_topic(args, root, "restore")
    made_by_reset = [p for p in (root / BACKUPS).glob(f"{topic.dir}-*-{topic.module}") if BEFORE_RESTORE not in p.name]
    if not made_by_reset:
        raise Trouble(tr("there is no backup of {topic} to restore: `aiolings reset {number}` makes one when it puts "
                         "the original back.", topic=label(topic), number=topic.number))
    latest = max(made_by_reset, key=lambda p: (p.stat().st_mtime_ns, p.name))
    target = topic.exercise(root)
    if target.is_file() and target.read_bytes() == latest.read_bytes():
        say(tr("{file} is already the same as {backup}; nothing to do.", file=shown(target), backup=shown(latest)))
        return 0
    if target.is_file() and target.read_bytes() != topic.stub().read_bytes():
        kept = back_up(root, topic, BEFORE_RESTORE)  # what was written since the reset is not lost either
        say(tr("Your current version is saved in {backup}.", backup=shown(kept)))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(latest.read_bytes())
    say(tr("{file} is back to your version saved in {backup}.", file=shown(target), backup=shown(latest)))
    return 0


def show_solution(args: argparse.Namespace) -> int:
    root = course_root()
    progress = progress_of(root)
    topic = named_topic(args, root, "solution")
    status = progress.known(topic) or progress.check(topic).status
    if status.state != DONE:
        if not args.force:
            say(tr("Your version of {topic} does not pass yet, so the solution stays hidden: the struggle is where "
                   "the learning happens. `aiolings hint {number}` helps; `--force` shows it anyway.",
                   topic=label(topic), number=topic.number))
            return 1
        say(tr("Showing the solution before your version passes (--force)."), style="yellow")
    path = topic.solution(root)
    if not path.is_file():
        raise Trouble(tr("no reference solution found at {file}.", file=shown(path)))
    if args.diff:
        print_diff(topic.exercise(root), path)
    else:
        print_solution(path)
    return 0


def print_solution(path: Path) -> None:
    terminal().print(f"# {shown(path)}\n", style="dim", markup=False)
    terminal().print(path.read_text(encoding="utf-8"), markup=False)  # code: never re-wrapped


def print_diff(mine: Path, reference: Path) -> None:
    """The reference as a unified diff against the learner's file: `-` lines are theirs, `+` the reference's."""
    ours = mine.read_text(encoding="utf-8").splitlines() if mine.is_file() else []
    theirs = reference.read_text(encoding="utf-8").splitlines()
    lines = list(difflib.unified_diff(ours, theirs, fromfile=shown(mine), tofile=shown(reference), lineterm=""))
    if not lines:
        say(tr("Your file is the same as the reference solution."))
        return
    say(tr("The reference solution against your file: lines starting with - are yours, with + the reference's.") + "\n")
    for line in lines:
        style = ("bold" if line.startswith(("--- ", "+++ ")) else "cyan" if line.startswith("@@")
                 else "green" if line.startswith("+") else "red" if line.startswith("-") else None)
        terminal().print(line, style=style, markup=False)
