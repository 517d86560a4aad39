"""`aiolings watch`: the current topic re-checked on each save, and single keys for the rest.

h next hint · l list · r check again · n next topic (once this one passes) · s its solution (then)
· q quit. Each check clears the screen and draws the report, then a summary that stays in view
at the bottom: a bar of the topics done, the file watched, the keys. When a topic passes, the
opening of the next topic's README and its file are shown; `n` moves on, and so does saving
that file. With --manual only `r` checks.

Saves and keys arrive from threads (watchfiles, graders/learn/keys.py) on one queue, so a key pressed
during a check waits its turn and a burst of saves makes one check.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable
from pathlib import Path

from rich.text import Text

from . import cli, keys
from .. import course
from .cli import label, say, shown
from ..harness.feedback import WIDE
from ..i18n import language, tr
from .progress import DONE, MISSING, NOT_STARTED, Check, Status

BAR = 20  # cells in the bar of topics done


class Watch:
    def __init__(self, root: Path, *, manual: bool = False) -> None:
        self.root, self.manual = root, manual
        self.progress = cli.progress_of(root)
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        self.keys = False  # whether keys can be read (stdin is a terminal)
        self.topic: course.Topic = course.load().topics[0]
        self.passed = False  # the current topic passed its last check
        self.body: Callable[[], None] = lambda: None  # what the screen shows above the summary

    def run(self) -> int:
        statuses = self.progress.statuses()
        first = cli.folder_topic(self.root) or self.progress.next_topic(statuses)
        if first is None:
            say(tr("Every topic passes. Well done!"), style="green")
            return 0
        self.topic = first
        stop = threading.Event()
        threading.Thread(target=self._watch_files, args=(stop,), daemon=True, name="aiolings-watch").start()
        try:
            with keys.reading(lambda key: self.events.put(("key", key))) as self.keys:
                self.start_topic()
                while self.handle(self.next_events()):
                    pass
        finally:
            stop.set()
        return 0

    # Events.

    def _watch_files(self, stop: threading.Event) -> None:
        from watchfiles import Change, watch  # imported here: only this command needs it

        try:
            for changes in watch(self.root / course.EXERCISES, stop_event=stop):
                for change, path in changes:
                    if change != Change.deleted:
                        self.events.put(("save", path))
        except Exception:  # noqa: BLE001 - the folder went away: saves are no longer seen, keys still work
            return

    def next_events(self) -> list[tuple[str, str]]:
        """The next event, and any that came with it (waiting in steps, so that Ctrl-C is felt at once)."""
        while True:
            try:
                events = [self.events.get(timeout=0.25)]
                break
            except queue.Empty:
                continue
        while True:
            try:
                events.append(self.events.get_nowait())
            except queue.Empty:
                return events

    def handle(self, events: list[tuple[str, str]]) -> bool:
        """Act on the events in order, saves that follow one another making one check; False to quit."""
        saved = False
        for kind, value in events:
            if kind == "save":
                saved = self.saved(Path(value)) or saved
                continue
            if saved:
                self.check()
                saved = False
            if not self.key(value.lower()):
                return False
        if saved:
            self.check()
        return True

    def saved(self, path: Path) -> bool:
        """Whether saving `path` calls for a check (moving on to the next topic when that is its file)."""
        if self.manual:
            return False
        if self.passed and (upcoming := self.upcoming()) is not None and same_file(path, upcoming.exercise(self.root)):
            self.topic, self.passed = upcoming, False
            return True
        return same_file(path, self.topic.exercise(self.root))

    def key(self, key: str) -> bool:
        if key == "q":
            return False
        if key == "r":
            self.check()
        elif key == "h":
            texts, last = cli.hints_so_far(self.root, self.topic)  # counted as seen once: redrawing shows them again
            self.show(lambda: self.hints(texts, last))
        elif key == "l":
            statuses = self.progress.statuses()
            self.show(lambda: cli.print_table(statuses))
        elif key in ("n", "s") and not self.passed:
            self.show(self.body, note=tr("{topic} does not pass yet: n (the next topic) and s (its solution) wait "
                                         "until it does.", topic=label(self.topic)))
        elif key == "n":
            upcoming = self.upcoming()
            if upcoming is None:
                self.show(self.body, note=tr("Every topic passes. Well done!"))
            else:
                self.topic, self.passed = upcoming, False
                self.start_topic()
        elif key == "s":
            self.show(lambda: cli.print_solution(self.topic.solution(self.root)))
        return True

    # What the screen shows.

    def start_topic(self) -> None:
        known = self.progress.known(self.topic)
        if known == Status(NOT_STARTED):
            self.show(lambda: self.introduce(self.topic))
        elif known == Status(MISSING):
            self.show(lambda: say(tr("{file} is missing; `aiolings reset {number}` puts the original back.",
                                     file=shown(self.topic.exercise(self.root)), number=self.topic.number),
                                  style="yellow"))
        else:
            self.check()

    def check(self) -> None:
        if self.progress.known(self.topic) == Status(MISSING):
            self.start_topic()
            return
        if not cli.terminal().is_terminal:  # on a terminal, a line of its own says it, and which grader runs (cli.graded)
            say("\n" + tr("Checking {topic}…", topic=label(self.topic)), style="dim")
        result = cli.graded(self.progress, self.topic)
        self.passed = result.status.state == DONE
        self.show(lambda: self.reported(result))

    def reported(self, result: Check) -> None:
        cli.report(result)
        if not self.passed:
            return
        console_line = tr("Topic {topic} passes.", topic=label(result.topic))
        if self.keys:
            console_line = tr("{first} {second}", first=console_line,
                              second=tr("Press n for the next topic, s for its reference solution."))
        cli.terminal().print()
        say(console_line, style="green")
        upcoming = self.upcoming()
        if upcoming is None:
            say(tr("Every topic passes. Well done!"), style="green")
        else:
            cli.terminal().print()
            self.introduce(upcoming)

    def introduce(self, topic: course.Topic) -> None:
        """The next topic: its file, and the opening of its README."""
        exercise = shown(topic.exercise(self.root))
        say(tr("Next up: {topic}. Open {exercise} and save it to check your work.", topic=label(topic), exercise=exercise))
        title, opening = readme_opening(topic.readme(self.root, language()))
        if title:
            cli.terminal().print()
            say("  " + title, style="bold")
        if opening:
            say("  " + opening)
            say("  " + tr("More in {readme}.", readme=shown(topic.readme(self.root, language()))), style="dim")

    def hints(self, texts: list[str], last: bool) -> None:
        for text in texts:
            say(text + "\n")
        if last:
            say(cli.last_hint(self.topic))
        else:
            say(tr("Press h again for the next hint."))

    def show(self, body: Callable[[], None], *, note: str = "") -> None:
        """Clear the screen, draw `body`, then the summary."""
        self.body = body
        cli.terminal().clear()
        body()
        if note:
            cli.terminal().print()
            say(note, style="yellow")
        self.summary()

    def summary(self) -> None:
        topics = course.load().topics
        done = sum((self.progress.known(t) or Status(NOT_STARTED)).state == DONE for t in topics)
        filled = round(BAR * done / len(topics))
        bar = Text("\n")
        bar.append("█" * filled, style="green")
        bar.append("░" * (BAR - filled), style="dim")
        bar.append(" " + tr("{done} of {total} topics done", done=done, total=len(topics)) + " · " + label(self.topic))
        cli.terminal().print(bar)
        exercise = shown(self.topic.exercise(self.root))
        if self.manual:
            say(tr("{exercise}: press r to check it.", exercise=exercise), style="dim")
        else:
            say(tr("Watching {exercise}: save it to check again.", exercise=exercise), style="dim")
        if not self.keys:
            say(tr("Ctrl-C quits."), style="dim")
        elif self.passed:
            say(tr("Keys: n next topic · s solution · h hint · l list · r check again · q quit"), style="dim")
        else:
            say(tr("Keys: h hint · l list · r check again · q quit"), style="dim")

    def upcoming(self) -> course.Topic | None:
        """The first topic after this one that does not pass, going round to the start."""
        statuses = self.progress.statuses()
        topics = course.load().topics
        later = [t for t in topics if t.number > self.topic.number] + [t for t in topics if t.number < self.topic.number]
        return next((t for t in later if statuses[t.dir].state != DONE), None)


def same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def readme_opening(path: Path) -> tuple[str, str]:
    """A README's title and its first paragraph of prose, joined into one line, without Markdown's marks."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return "", ""
    title, lines = "", []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "```", "|", ">")):
            if lines:
                break
            if stripped.startswith("#") and not title:
                title = stripped.lstrip("#").strip()
            continue
        lines.append(stripped)
    paragraph = ""
    for line in lines:  # Chinese lines join with no space between them
        glue = "" if not paragraph or re.match(rf"[{WIDE}]", line) or re.search(rf"[{WIDE}]$", paragraph) else " "
        paragraph += glue + line
    return title, paragraph.replace("**", "")
