"""The `aiolings` command: the learner's front door to the course."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import __version__, course

STATE = Path(".aiolings") / "hints.json"  # inside the course folder; how many hints each topic has shown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="aiolings",
        description="Learn asyncio by doing: fill in exercises/NN_topic/, and the graders check that your code "
        "really runs concurrently, not just that it returns the right values.",
    )
    parser.add_argument("--version", action="version", version=f"aiolings {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("list", help="list the topics, in order (the default)")
    hint = commands.add_parser("hint", help="show the next hint for a topic")
    hint.add_argument("topic", help="3, 03, 03_gather or gather")
    hint.add_argument("--all", action="store_true", help="show every hint for the topic")
    args = parser.parse_args(argv)

    if args.command == "hint":
        return show_hint(args.topic, show_all=args.all)
    return show_list()


def show_list() -> int:
    root = course.find_root(Path.cwd())
    print("aiolings: asyncio, one topic at a time.\n")
    for topic in course.load().topics:
        print(f"  {topic.number:02d}  {topic.title}")
        if root is not None:
            print(f"      {os.path.relpath(topic.exercise(root))}")
    if root is None:
        print("\nRun aiolings inside your copy of the course to see where each exercise lives.")
        return 0
    first = course.load().topics[0]
    print(
        f"\nStart with exercises/{first.dir}/README.md, fill in the TODOs in {first.module},"
        f"\nthen check your work with:  pytest exercises/{first.dir}"
        "\nStuck?  aiolings hint 1"
    )
    return 0


def show_hint(spec: str, *, show_all: bool) -> int:
    try:
        topic = course.load().find(spec)
    except LookupError as error:
        print(f"aiolings: {error}", file=sys.stderr)
        return 2
    if not topic.hints:
        print(f"No hints for {topic.label} yet: read exercises/{topic.dir}/README.md.")
        return 0
    root = course.find_root(Path.cwd())
    state = _read_state(root)
    shown = len(topic.hints) if show_all else min(state.get(topic.dir, 0) + 1, len(topic.hints))
    for i, text in enumerate(topic.hints[:shown], start=1):
        print(f"Hint {i}/{len(topic.hints)} for {topic.label}: {text}\n")
    if shown < len(topic.hints):
        print(f"Run `aiolings hint {topic.number}` again for the next hint.")
    if root is not None and not show_all:
        state[topic.dir] = shown
        path = root / STATE
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(state), encoding="utf-8")
    return 0


def _read_state(root: Path | None) -> dict[str, int]:
    if root is None:
        return {}
    try:
        return json.loads((root / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
