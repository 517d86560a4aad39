"""A conftest that would fail every test, if grading ever read it."""

import pytest


@pytest.fixture(autouse=True)
def sabotage():
    pytest.fail("this conftest must never be loaded by aiolings grade")
