"""Bad input keeps the last good code: syntax errors and a gone handler are found, with file and line, before upload."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdktf_lambda.packaging.files import list_files
from cdktf_lambda.sync.checks import Problem, check_package, handler_file

GOOD = "import json\n\n\ndef lambda_handler(event, context):\n    return json.dumps(event)\n"


def problems(root: Path, handler: str | None = "app.lambda_handler") -> list[str]:
    found = check_package(list_files(root), "python3.13", lambda arcname: f"src/{arcname}", handler=handler)
    return [str(problem) for problem in found]


@pytest.fixture
def package(make_source):
    return make_source({"__init__.py": "", "app.py": GOOD, "helpers/__init__.py": "", "helpers/text.py": "X = 1\n"})


def test_a_good_package_has_no_problem(package):
    assert problems(package) == []


def test_a_syntax_error_is_reported_with_file_line_and_column(package):
    (package / "helpers" / "text.py").write_text("X = 1\ndef broken(:\n    pass\n")
    assert problems(package) == ["src/helpers/text.py:2:12: SyntaxError: invalid syntax"]


def test_an_error_only_the_compiler_finds_is_reported_too(package):
    (package / "app.py").write_text(GOOD + "\nreturn 3\n")
    assert problems(package) == ["src/app.py:7:1: SyntaxError: 'return' outside function"]


def test_an_indentation_error_names_its_kind(package):
    (package / "app.py").write_text("def lambda_handler(event, context):\nreturn 1\n")
    (message,) = problems(package)
    assert message.startswith("src/app.py:2:") and "IndentationError: expected an indented block" in message


def test_syntax_of_the_target_runtime_is_accepted(package):
    # PEP 695 type parameters (3.12+): the check runs python3.13, not this machine's 3.11.
    pep695 = "type Pair[T] = tuple[T, T]\n\n\ndef first[T](pair: Pair[T]) -> T:\n    return pair[0]\n"
    (package / "helpers" / "text.py").write_text(pep695)
    assert problems(package) == []


def test_a_deleted_handler_module_is_reported(package):
    (package / "app.py").unlink()
    assert problems(package) == [
        "src/app.py: the module of the handler 'app.lambda_handler' is gone (deleted or renamed?)"
    ]


def test_a_renamed_handler_function_is_reported(package):
    (package / "app.py").write_text(GOOD.replace("def lambda_handler", "def handle"))
    (message,) = problems(package)
    assert message == "src/app.py: no top-level 'lambda_handler' in it: the handler 'app.lambda_handler' is gone " + (
        "(deleted or renamed?)"
    )


@pytest.mark.parametrize(
    "module",
    [
        "from mangum import Mangum\nlambda_handler = Mangum(object())\n",
        "from impl import handle as lambda_handler\n",
        "try:\n    import fast\nexcept ImportError:\n    fast = None\nif fast:\n    def lambda_handler(e, c): ...\n",
        "class lambda_handler:\n    pass\n",
        "lambda_handler: object = None\n",
        "from impl import *\n",
        "def __getattr__(name):\n    return print\n",
    ],
    ids=["assigned", "imported", "inside-if-and-try", "class", "annotated", "star-import", "module-getattr"],
)
def test_every_top_level_binding_counts_as_the_handler(package, module):
    (package / "app.py").write_text(module)
    assert problems(package) == []


def test_a_layer_is_checked_for_syntax_only(make_source):
    root = make_source({"__init__.py": "", "util.py": "def f(:\n"})
    files = list_files(root, prefix="python/util/")
    found = check_package(files, "python3.13", lambda arcname: arcname)
    assert found == [Problem("python/util/util.py", 1, 7, "SyntaxError: invalid syntax")]


def test_the_handler_file_of_a_handler_string():
    assert handler_file("app.lambda_handler", ["app.py", "other.py"]) == "app.py"
    assert handler_file("pkg.mod.handler", ["pkg/mod/__init__.py"]) == "pkg/mod/__init__.py"
    assert handler_file("gone.handler", ["app.py"]) is None
