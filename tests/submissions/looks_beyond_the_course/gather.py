"""Looks through the machine's folders for what is not grading's business: the rest of the course, others' homes."""

import os
import sys

import graders

course = os.path.dirname(os.path.dirname(graders.__file__))
# What grading needs, and the run's own folder (where it runs): a course cloned into /tmp has its runs' folders beside it.
needed = [os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, os.path.dirname(graders.__file__), os.getcwd())]


def beyond(folder: str) -> list[str]:
    """What `folder` holds that is neither needed for grading nor on the way to it."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    inside = [os.path.realpath(os.path.join(folder, name)) for name in names]
    return sorted(name for name, path in zip(names, inside)
                  if not any(n == path or n.startswith(path + os.sep) for n in needed))


seen = {folder: names for folder in ("/home", "/root", "/opt", "/srv", "/mnt", "/media", os.path.dirname(course), course)
        if (names := beyond(folder))}
raise RuntimeError(f"beyond what grading needs, it saw {seen or 'nothing'}")
