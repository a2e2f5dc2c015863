"""One fact in one place: each public construct's keywords, their documentation and their defaults agree, each says
which errors it raises, and the migration page's tables name only keywords that exist (the API reference is
generated from the same docstrings: docs/reference/)."""

from __future__ import annotations

import ast
import inspect
import re
from typing import Any

import pytest

import cdktf_lambda
from cdktf_lambda import errors
from cdktf_lambda.function.options import FunctionOptions
from tests.conftest import PROJECT_ROOT

#: Keywords every construct takes positionally and never documents.
POSITIONAL = {"self", "scope", "id_"}
#: The public classes with keywords, documented in a NumPy "Parameters" section (theirs, or a base class's when they
#: take the same keywords, as LambdaFastapiServer does).
DOCUMENTED = [
    name
    for name in cdktf_lambda.__all__
    if name[0].isupper()
    and inspect.isclass(value := getattr(cdktf_lambda, name))
    and not issubclass(value, BaseException)
    and any("Parameters\n" in (base.__doc__ or "") for base in value.__mro__)
]


def documented_parameters(cls: type) -> dict[str, str]:
    """``{keyword: its documentation}`` from the class docstring (``a, b`` entries document both), or from the first
    base class that documents them."""
    owner = next(base for base in cls.__mro__ if "Parameters\n" in (base.__doc__ or ""))
    doc = inspect.cleandoc(owner.__doc__ or "")
    section = doc.split("Parameters\n----------\n", 1)[1]
    section = re.split(r"\n\n[A-Z][a-z ]+\n-+\n", section, maxsplit=1)[0]
    entries: dict[str, str] = {}
    for match in re.finditer(r"^(\S[^\n]*)\n((?:    [^\n]*\n?|\n)+)", section, re.M):
        for name in match.group(1).split(","):
            entries[name.strip()] = " ".join(match.group(2).split())
    return {name: text for name, text in entries.items() if name not in POSITIONAL}


def keywords(cls: type) -> dict[str, inspect.Parameter]:
    return {
        name: parameter
        for name, parameter in inspect.signature(cls.__init__).parameters.items()
        if name not in POSITIONAL and parameter.kind is not inspect.Parameter.VAR_KEYWORD
    }


def owner_of(cls: type, keyword: str) -> type:
    """The class whose ``__init__`` sets ``keyword``'s default (a subclass may only change a class attribute)."""
    return next(base for base in cls.__mro__ if "__init__" in vars(base) and keyword in keywords(base))


def _shown(default: Any) -> str | None:
    """How a literal default reads in a docstring (``128``, ``"python3.13"``, ``False``), or None if not literal."""
    if isinstance(default, bool | int | float):
        return f"``{default!r}``"
    if isinstance(default, str):
        return f'``"{default}"``'
    return None


def test_the_public_classes_with_keywords_are_found():
    assert {"LambdaPythonFunction", "LambdaFastapiServer", "RuntimeCodeModules", "HttpApi", "S3Artifacts"} <= set(
        DOCUMENTED
    )


@pytest.mark.parametrize("name", DOCUMENTED)
def test_every_keyword_is_documented_with_its_default_or_as_required(name):
    cls = getattr(cdktf_lambda, name)
    documented = documented_parameters(cls)
    signature = keywords(cls)
    assert sorted(set(signature) - set(documented)) == [], f"{name}: keywords without documentation"
    assert sorted(set(documented) - set(signature)) == [], f"{name}: documentation of keywords that do not exist"
    for keyword, parameter in signature.items():
        text = documented[keyword]
        if parameter.default is inspect.Parameter.empty:
            assert "Required" in text or "required" in text, f"{name}.{keyword}: required, but not said so"
            continue
        if parameter.default is None and "Required unless" in text:  # one of two ways to give a required value
            continue
        assert "Default" in text, f"{name}.{keyword}: its default is not documented"
        shown = _shown(parameter.default)
        if shown is not None and owner_of(cls, keyword) is cls:
            assert shown in text.split("Default", 1)[1], f"{name}.{keyword}: default {shown} not in {text!r}"


def test_every_production_option_is_a_keyword_of_the_function_and_has_its_default():
    signature = keywords(cdktf_lambda.LambdaPythonFunction)
    for field in FunctionOptions.__dataclass_fields__.values():
        assert field.name in signature, field.name
        assert signature[field.name].default == field.default, field.name


#: Public classes with keywords that check none of them (nothing of theirs can be refused at synth).
RAISE_NOTHING = {"ExecutionRole", "LambdaFastapiServer"}  # a role name is AWS's to refuse; FastAPI = its base's


@pytest.mark.parametrize("name", sorted(set(DOCUMENTED) - RAISE_NOTHING))
def test_every_public_construct_documents_the_errors_it_raises(name):
    doc = inspect.cleandoc(getattr(cdktf_lambda, name).__doc__ or "")
    assert "\nRaises\n------\n" in doc, f"{name}: no Raises section"
    section = re.split(r"\n\n[A-Z][a-z ]+\n-+\n", doc.split("\nRaises\n------\n", 1)[1], maxsplit=1)[0]
    raised = [
        part.strip() for line in section.splitlines() if line and not line[0].isspace() for part in line.split(",")
    ]
    assert raised, name
    assert [error for error in raised if not isinstance(getattr(errors, error, None), type)] == [], raised


def test_the_migration_tables_name_only_keywords_that_exist():
    page = (PROJECT_ROOT / "docs" / "migration.md").read_text(encoding="utf-8")
    tables = {
        "*lambda_fastapi_server* →": cdktf_lambda.LambdaFastapiServer,
        "*runtime_code_modules* →": cdktf_lambda.RuntimeCodeModules,
    }
    for heading, cls in tables.items():
        section = page.split(heading, 1)[1]
        table = "\n".join(line for line in section.split("\n\n| ", 1)[1].split("\n\n", 1)[0].splitlines())
        named = set(re.findall(r"`([a-z_0-9]+)=", table))
        assert named, heading
        assert sorted(named - set(keywords(cls))) == [], heading
    # terraform-aws-modules/lambda's variables next to ours: every `Class(keyword=)` is a keyword of that class
    modules = page.split("## From terraform-aws-modules/lambda", 1)[1]
    named_in = re.findall(r"`([A-Z][A-Za-z]+)\(([a-z_0-9]+)=\)`", modules)
    assert len(named_in) > 30
    unknown = [f"{cls}({keyword}=)" for cls, keyword in named_in if keyword not in keywords(getattr(cdktf_lambda, cls))]
    assert unknown == []


def _literal_default(cell: str) -> tuple[bool, Any]:
    """``(True, value)`` for a cell that is one backticked Python literal (an aside in brackets may follow)."""
    literal = re.fullmatch(r"`([^`]+)`(?: \(.*\))?", cell)
    try:
        return (True, ast.literal_eval(literal.group(1))) if literal else (False, None)
    except (ValueError, SyntaxError):
        return False, None


def test_the_migration_tables_give_the_defaults_the_code_has():
    """A row naming one keyword and a literal default (`128`, `"python3.13"`, `False`) agrees with the signature."""
    page = (PROJECT_ROOT / "docs" / "migration.md").read_text(encoding="utf-8")
    seed_tables = {"*lambda_fastapi_server* →": "LambdaFastapiServer", "*runtime_code_modules* →": "RuntimeCodeModules"}
    checked = 0
    for heading, table in [(None, page.split("## From terraform-aws-modules/lambda", 1)[1])] + [
        (cls, page.split(heading, 1)[1].split("\n\n| ", 1)[1].split("\n\n", 1)[0])
        for heading, cls in seed_tables.items()
    ]:
        for row in re.findall(r"^\| .+ \|$", table, re.M):
            cells = [cell.strip() for cell in row.strip("|").split(" | ")]
            if len(cells) != 3:
                continue
            if heading is None:
                ours = re.findall(r"`([A-Z][A-Za-z]+)\(([a-z_0-9]+)=\)`", cells[1])
            else:
                ours = [(heading, name) for name in re.findall(r"`([a-z_0-9]+)=`", cells[1])]
            is_literal, shown = _literal_default(cells[2])
            if len(ours) != 1 or not is_literal:
                continue
            cls, keyword = ours[0]
            default = keywords(getattr(cdktf_lambda, cls))[keyword].default
            if (
                default is None
            ):  # a default a subclass changes through a class attribute (LambdaFastapiServer's handler)
                default = getattr(getattr(cdktf_lambda, cls), f"default_{keyword}", None)
            assert default == shown or (default is None and shown in ({}, [], ())), row  # None: an empty collection
            checked += 1
    assert checked >= 15
