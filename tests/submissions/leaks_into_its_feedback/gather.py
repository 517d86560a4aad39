"""Puts into its feedback what would spoil the grade files or show the grading machine: control characters, markup, and all it can see of its environment."""

import os
import sys


def started_with() -> list[str]:
    try:
        return open("/proc/self/environ", "rb").read().decode("utf-8", "replace").split("\0")
    except OSError:  # a run dropped to a user of its own cannot read it at all
        return ["unreadable"]


SEEN = {
    "environ": dict(os.environ),
    "started with": started_with(),
    "argv": sys.argv,
    "folder": os.path.realpath(os.getcwd()),
    "home": os.path.expanduser("~"),
}
SPOILERS = "\x00\x0c\x1b[31mred\x1b[0m \udc80 \u202eevil ]]> </pre><script>alert(1)</script> =cmd|' /C calc'!A0"


def hidden_from_it() -> list[str]:
    """Where the empty read-only folders over what it must not see are mounted: their paths name them."""
    try:
        return [line.split()[4] for line in open("/proc/self/mountinfo") if " - tmpfs " in line and " ro," in line]
    except OSError:
        return []


async def gather_all(jobs):
    raise RuntimeError(f"{hidden_from_it()} {SPOILERS} {SEEN}")


async def gather_settled(jobs):
    raise RuntimeError(SPOILERS)


async def gather_limited(jobs, limit):
    raise RuntimeError(SPOILERS)
