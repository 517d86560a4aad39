"""The manifest is the one source of truth: every topic it lists exists, in every place it says."""

from __future__ import annotations

import ast
import importlib
import string
import tomllib

import pytest

from graders import course, syntax

from .conftest import ROOT

TOPICS = course.load().topics


def test_topics_are_numbered_in_order() -> None:
    numbers = [t.number for t in TOPICS]
    assert numbers == sorted(set(numbers)) and numbers[0] == 1
    assert all(t.dir.startswith(f"{t.number:02d}_") for t in TOPICS)


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.dir)
def test_every_topic_has_its_files_and_hints(topic: course.Topic) -> None:
    assert topic.exercise(ROOT).is_file()
    assert topic.stub().is_file()
    assert topic.solution(ROOT).is_file()
    assert topic.readme(ROOT).is_file()
    assert importlib.import_module(topic.graders)
    assert len(topic.hints) >= 2


@pytest.mark.parametrize("spec", ["3", "03", "03_gather", "gather", " Gather "])
def test_topics_are_found_by_number_or_name(spec: str) -> None:
    assert course.load().find(spec).dir == "03_gather"


def test_an_unknown_topic_lists_the_valid_ones() -> None:
    with pytest.raises(LookupError, match="valid topics: 01_coroutines, 02_tasks"):
        course.load().find("99")


def test_the_course_root_is_found_from_inside_it() -> None:
    assert course.find_root(ROOT / "exercises" / "03_gather") == ROOT
    assert course.find_root(ROOT.parent) is None


def test_the_readme_lists_every_topic() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f"exercises/{t.dir}" in readme for t in TOPICS)


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.dir)
def test_every_topic_speaks_chinese_too(topic: course.Topic) -> None:
    assert topic.readme(ROOT, "zh").is_file()
    assert topic.title_zh and len(topic.hints_zh) == len(topic.hints)


def test_translations_fill_in_the_same_blanks() -> None:
    def blanks(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    catalog = tomllib.loads((ROOT / "graders" / "messages.zh.toml").read_text(encoding="utf-8"))
    assert catalog
    for english, chinese in catalog.items():
        if "count" in blanks(chinese) - blanks(english):  # an English plural ("3 jobs") said with the bare number
            assert blanks(chinese) - {"count"} <= blanks(english), english
        else:
            assert blanks(chinese) == blanks(english), english


def test_every_sentence_the_graders_translate_has_a_chinese_entry() -> None:
    """Each tr("...") in graders/, and each tr(NAME) of a module-level text, is in the catalog."""
    catalog = tomllib.loads((ROOT / "graders" / "messages.zh.toml").read_text(encoding="utf-8"))
    missing = []
    for path in sorted((ROOT / "graders").rglob("*.py")):
        tree = syntax.parse(path.read_text(encoding="utf-8"))  # a class's review may be parsing in the background
        texts = {
            target.id: node.value.value
            for node in tree.body if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tr" and node.args:
                first = node.args[0]
                text = first.value if isinstance(first, ast.Constant) else texts.get(getattr(first, "id", ""))
                if isinstance(text, str) and text not in catalog:
                    missing.append(f"{path.relative_to(ROOT)}: {text}")
    assert not missing, "\n".join(missing)


def test_chinese_keeps_job_and_task_apart() -> None:
    """任务 is a job (work the graders hand the learner); asyncio's Task and TaskGroup stay untranslated,
    as the glossary at the top of graders/messages.zh.toml says."""
    text = (ROOT / "graders" / "messages.zh.toml").read_text(encoding="utf-8")
    glossary = text[: text.index("\n\n# ", text.index("# Glossary"))]
    assert "任务" in glossary and "Task" in glossary
    chinese = [*tomllib.loads(text).values(), *(t.title_zh for t in TOPICS), *(h for t in TOPICS for h in t.hints_zh),
               *(t.readme(ROOT, "zh").read_text(encoding="utf-8") for t in TOPICS)]
    for ambiguous in ("任务组", "子任务", "Task（任务）"):
        assert not [c for c in chinese if ambiguous in c], ambiguous
