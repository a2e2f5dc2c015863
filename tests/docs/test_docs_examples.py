"""The code on the documentation pages: every complete file (a ```python block whose first line is ``# <path>``) is
run by a test, every Python block at least compiles, and the tables that describe tested behaviour list what the
tests run."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from devtools.example import PAGE, complete_files, example_files
from tests.conftest import PROJECT_ROOT

DOCS = PROJECT_ROOT / "docs"
PAGES = sorted(path for path in DOCS.rglob("*.md") if "_build" not in path.parts)
_PYTHON = re.compile(r"^```python\n(.*?)^```", re.S | re.M)

#: The pages whose complete files are run, and the test that runs them (through :mod:`devtools.example`).
RUN_BY = {
    "testing.md": "tests/test_client_project.py",  # written into a new project; its tests pass, then fail when broken
}


def test_there_are_pages():
    assert {"getting-started.md", "testing.md", "ci.md", "migration.md"} <= {page.name for page in PAGES}


def test_every_complete_file_on_the_site_is_run_by_a_test():
    with_files = {str(page.relative_to(DOCS)): sorted(complete_files(page)) for page in PAGES if complete_files(page)}
    assert sorted(with_files) == sorted(RUN_BY), f"complete files that no test runs: {with_files}"
    assert example_files(PAGE) == complete_files(DOCS / "testing.md")
    for page, test in RUN_BY.items():
        assert "devtools.example" in (PROJECT_ROOT / test).read_text(), f"{test} does not run {page}'s files"


def test_the_worked_example_is_a_project_with_its_tests():
    assert {"main.py", "functions/orders/lambda_handler.py", "tests/test_orders.py"} <= set(example_files())


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(DOCS)))
def test_every_python_block_compiles(page: Path):
    for block in _PYTHON.findall(page.read_text(encoding="utf-8")):
        ast.parse(block)


def test_the_getting_started_main_py_is_the_one_the_client_project_runs():
    from tests.test_client_project import readme_main_py

    main = readme_main_py()
    assert "app.synth()" in main and "RuntimeCodeModules" in main


def test_the_iam_statement_table_lists_every_case_the_test_proves():
    """docs/local-cloud.md's table (role, policy, statement index -> what breaks) is what
    tests/cloud/test_cloud_iam_statements.py removes and restores, one row per case."""
    from tests.cloud.test_cloud_iam_statements import CASES

    page = (DOCS / "local-cloud.md").read_text(encoding="utf-8")
    table = page.split("| role | policy (statement) | without it |", 1)[1].split("\n\n", 1)[0]
    rows = set()
    for role, policy in re.findall(r"^\| `([a-z-]+)` \| (.+?) \|", table, re.M):
        name = re.match(r"`(\w+)`", policy)
        index = re.search(r"\((\d+):", policy)
        assert name, policy
        rows.add((role, name.group(1), int(index.group(1)) if index else 0))
    assert rows == set(CASES)


#: Paths the pages name that exist only once something has run (the bench's output, its generated project).
GENERATED = ("bench/results/", "lambda_src/fn_")


def test_every_repository_path_a_page_names_exists():
    """A file moved or renamed is a stale fact on a page: `tests/test_cdk_imports.py` was one."""
    named = set()
    for page in [*PAGES, PROJECT_ROOT / "README.md"]:
        text = page.read_text(encoding="utf-8")
        named |= set(re.findall(r"`((?:cdktf_lambda|tests|bench|devtools|stacks|lambda_src|docs)/[\w./-]+)`", text))
    assert len(named) > 40
    missing = [path for path in named if not path.startswith(GENERATED) and not (PROJECT_ROOT / path).exists()]
    assert sorted(missing) == []
