"""`aiolings export`: the same graders, packaged for the platforms instructors already use.

- Gradescope: an autograder zip (setup.sh, run_autograder and this course's source) whose
  run_autograder grades /autograder/submission with `aiolings grade` and writes
  /autograder/results/results.json.
- GitHub Classroom: a workflow for the classroom-resources autograding actions, one step per
  topic with the manifest's points, grading the student's exercises with the course installed
  from a pinned source (not from the student's repository, whose graders they could edit).
"""

from __future__ import annotations

import json
import stat
import zipfile
from importlib import resources
from pathlib import Path

from .. import course

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, while building the autograder image.
set -euo pipefail
apt-get update
apt-get install -y python3.11 python3.11-venv iproute2 util-linux
python3.11 -m venv /opt/aiolings
/opt/aiolings/bin/pip install /autograder/source/course
ln -sf /opt/aiolings/bin/aiolings /usr/local/bin/aiolings
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for each submission: grade it with the installed graders, write results.json.
# When grading refuses or fails, results.json says why, where the instructor reads it.
set -euo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT  # the grade files are copied out; a machine that runs this by hand keeps no trace
mkdir -p "$root/results"
if ! aiolings grade "$root/submission" -o "$out/grades" -j 1 --quiet 2>"$out/errors"; then
  python3 -c 'import json, sys; json.dump({"score": 0, "output": "aiolings grade failed: " + sys.stdin.read()}, open(sys.argv[1], "w"))' \
    "$root/results/results.json" <"$out/errors"
  exit 1
fi
cp "$out/grades/gradescope/submission/results.json" "$root/results/results.json"
"""


def course_source() -> Path:
    """The folder holding pyproject.toml and graders/: where this course is installed from."""
    root = Path(str(resources.files("graders"))).parent
    if not (root / "pyproject.toml").is_file():
        raise SystemExit("aiolings export needs the course's source (an editable install: pip install -e .)")
    return root


def write_gradescope(output: Path) -> int:
    root = course_source()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("setup.sh", SETUP), ("run_autograder", RUN)):
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            archive.writestr(info, text)
        for path in sorted([root / "pyproject.toml", root / "README.md", *(root / "graders").rglob("*")]):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, f"course/{path.relative_to(root)}")
    print(f"Wrote {output}: upload it as the autograder of a Gradescope programming assignment.")
    return 0


def classroom_workflow(source: str) -> dict[str, object]:
    steps: list[dict[str, object]] = [{"name": "Check out the student's work", "uses": "actions/checkout@v4"}]
    ids = []
    for topic in course.load().topics:
        step_id = f"topic-{topic.dir.replace('_', '-')}"
        ids.append(step_id)
        steps.append({
            "name": f"{topic.number:02d} {topic.name}",
            "id": step_id,
            "uses": "classroom-resources/autograding-command-grader@v1",
            "with": {
                "test-name": f"{topic.number:02d} {topic.name}",
                "setup-command": f"python -m pip install --quiet '{source}'",
                # -I: the repository's own graders/ must not shadow the installed ones; nor may its conftests.
                "command": f"printf '[pytest]\\n' > /tmp/aiolings.ini && python -I -m pytest -q -c /tmp/aiolings.ini "
                           f"--noconftest --rootdir . -p no:cacheprovider exercises/{topic.dir}/{topic.module}",
                "timeout": 10,
                "max-score": topic.points,
            },
        })
    steps.append({
        "name": "Autograding Reporter",
        "uses": "classroom-resources/autograding-grading-reporter@v1",
        "env": {f"{i.upper()}_RESULTS": f"${{{{steps.{i}.outputs.result}}}}" for i in ids},
        "with": {"runners": ",".join(ids)},
    })
    return {
        "name": "Autograding Tests",
        "on": ["push", "workflow_dispatch", "repository_dispatch"],
        "permissions": {"checks": "write", "actions": "read", "contents": "read"},
        "jobs": {"run-autograding-tests": {
            "runs-on": "ubuntu-latest",
            "if": "github.actor != 'github-classroom[bot]'",
            "steps": [{"name": "Python 3.11", "uses": "actions/setup-python@v5", "with": {"python-version": "3.11"}},
                      *steps],
        }},
    }


def write_classroom(output: Path, source: str) -> int:
    output.parent.mkdir(parents=True, exist_ok=True)
    # JSON is YAML too (YAML 1.2 is a superset), and needs no YAML library to write or to check.
    output.write_text(json.dumps(classroom_workflow(source), indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {output}: commit it to the assignment's template repository.")
    return 0
