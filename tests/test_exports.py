"""`aiolings export`: the Gradescope autograder runs like Gradescope runs it, and the GitHub
Classroom workflow has the documented shape and grades with the installed graders only."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from graders import course
from graders.classroom import exports, sandbox

from .conftest import ENVIRONMENT, ROOT, WRONG_ANSWERS

pytestmark = pytest.mark.early  # each runs what the platform runs, in processes of its own


def test_the_gradescope_autograder_writes_results_json(early_folder: Path) -> None:
    assert exports.write_gradescope(early_folder / "autograder.zip") == 0  # the command's own wiring: tests/test_cli.py
    root = early_folder / "autograder"  # laid out as Gradescope lays it out
    with zipfile.ZipFile(early_folder / "autograder.zip") as archive:
        archive.extractall(root / "source")
    assert "pip install /autograder/source/course" in (root / "source" / "setup.sh").read_text()
    assert (root / "source" / "course" / "graders" / "course.toml").is_file()
    shutil.copyfile(root / "source" / "run_autograder", root / "run_autograder")
    gather, coroutines = course.load().find("3"), course.load().find("1")
    (root / "submission").mkdir()
    shutil.copyfile(coroutines.solution(ROOT), root / "submission" / coroutines.module)
    shutil.copyfile(WRONG_ANSWERS / gather.dir / "sequential_awaits.py", root / "submission" / gather.module)
    env = {**ENVIRONMENT, "AUTOGRADER_ROOT": str(root), "PATH": f"{Path(sys.executable).parent}:{ENVIRONMENT['PATH']}"}
    temporary = Path(env.get("TMPDIR") or "/tmp")  # where the script's `mktemp -d` makes its folder
    before = set(temporary.glob("tmp.*"))
    done = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=120)
    left = [folder for folder in set(temporary.glob("tmp.*")) - before if (folder / "errors").exists()]
    assert not left, f"run_autograder left its folder behind: {left}"
    results = json.loads((root / "results" / "results.json").read_text())
    if sandbox.root_refusal():  # as root with a Python others cannot read: refused, and Gradescope shows why
        assert done.returncode != 0 and results["score"] == 0
        assert "will not run students' code as root" in results["output"]
        return
    assert done.returncode == 0, done.stdout + done.stderr
    assert set(results) >= {"score", "tests"}
    assert all({"name", "score", "max_score", "status", "output"} <= set(t) for t in results["tests"])
    assert all(t["status"] in ("passed", "failed") for t in results["tests"])
    assert results["score"] == round(sum(t["score"] for t in results["tests"]), 2)
    by_name = {t["name"]: t for t in results["tests"]}
    assert by_name["03_gather: test_gather_all_runs_jobs_concurrently"]["status"] == "failed"
    assert by_name["01_coroutines: test_greet_returns_the_greeting"]["status"] == "passed"


def test_the_classroom_workflow_grades_with_the_installed_graders_only(early_folder: Path) -> None:
    source = "git+https://github.com/example/aiolings@0123abcd"
    assert exports.write_classroom(early_folder / ".github" / "workflows" / "classroom.yml", source) == 0
    workflow = json.loads((early_folder / ".github" / "workflows" / "classroom.yml").read_text())  # JSON is YAML too
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    graders = [s for s in steps if s.get("uses") == "classroom-resources/autograding-command-grader@v1"]
    reporter = next(s for s in steps if s.get("uses") == "classroom-resources/autograding-grading-reporter@v1")
    assert len(graders) == len(course.load().topics)
    assert reporter["with"]["runners"] == ",".join(s["id"] for s in graders)
    for step, topic in zip(graders, course.load().topics):
        assert step["id"][0].isalpha() and step["with"]["max-score"] == topic.points
        assert {"test-name", "setup-command", "command", "timeout"} <= set(step["with"])
        assert source in step["with"]["setup-command"]
        assert reporter["env"][f"{step['id'].upper()}_RESULTS"] == f"${{{{steps.{step['id']}.outputs.result}}}}"

    # A student's repository whose own conftest and graders/ would sabotage the run, if read.
    repo = early_folder / "student"
    gather = course.load().find("3")
    (repo / "exercises" / gather.dir).mkdir(parents=True)
    shutil.copyfile(gather.solution(ROOT), repo / "exercises" / gather.dir / gather.module)
    (repo / "conftest.py").write_text("raise SystemExit('a conftest of the student must not be loaded')\n")
    (repo / "graders").mkdir()
    (repo / "graders" / "__init__.py").write_text("raise SystemExit('the student must not provide the graders')\n")
    command = graders[2]["with"]["command"].replace("python -I", f"{sys.executable} -I")
    run = subprocess.run(["bash", "-c", command], cwd=repo, capture_output=True, text=True, timeout=120, env=ENVIRONMENT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "8 passed" in run.stdout
