"""The documentation site's own Sphinx extension (docs/conf.py loads it): the API reference written from the code.

* ``cdktf-exports``: the public names of ``cdktf_lambda`` (or ``cdktf_lambda.testing``), read from the package's
  ``TYPE_CHECKING`` block (the one export list), documented by autodoc where they are defined. A name added to the
  list appears on the site with nothing else to edit.
* ``cdktf-settings``: the table of every ``CDKTF_LAMBDA_*`` variable, from :data:`cdktf_lambda.settings.SETTINGS`.
* ``cdktf-cli``: every command of ``cdktf-lambda``, with its ``--help``, from the CLI's own argparse parser.
* ``cdktf-fixtures``: the pytest plugin's fixtures, with their scope and docstring.
* Constructors without a docstring of their own show no inherited one (:func:`drop_inherited_docstring`).
* A ``missing-reference`` handler. The docstrings name objects as they are imported where the docstring lives
  (``:class:`PackageInfo``` in a module that imports it) and name internal modules (``:mod:`cdktf_lambda.runtime```)
  that the site does not document. A reference the Python domain cannot resolve is looked up in the code: a name of
  this library documented on the site links there; one that exists but is internal, or one of the standard library
  or of the CDK, jsii, pytest and the few other packages in :data:`EXTERNAL`, renders as code (no site of theirs is
  reachable offline for intersphinx). Anything else stays a broken reference, and ``-W -n`` fails the build.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import importlib
import inspect
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

#: Top-level packages whose names may appear in signatures and docstrings, rendered as code (besides the stdlib).
EXTERNAL = frozenset(
    {"constructs", "cdktf", "cdktn", "cdktf_cdktf_provider_aws", "cdktn_provider_aws", "jsii", "pytest", "_pytest"}
    | {"boto3", "botocore", "moto", "psutil", "packaging", "typing_extensions"}
)


def exports(package: str) -> dict[str, str]:
    """``{public name: the module that defines it}`` from ``package``'s ``TYPE_CHECKING`` block."""
    module = importlib.import_module(package)
    tree = ast.parse(Path(inspect.getfile(module)).read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    names: dict[str, str] = {}
    for node in block.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                name = alias.asname or alias.name
                names[name] = f"{node.module}.{alias.name}" if node.module == package else node.module
    return names


def _directive(name: str, module: str) -> str:
    """The autodoc directive that documents ``name`` of ``module`` (a module is documented as one)."""
    if module.endswith(f".{name}") and isinstance(importlib.import_module(module), ModuleType):
        return f".. automodule:: {module}\n"
    value = getattr(importlib.import_module(module), name)
    if inspect.isclass(value):
        return f".. autoclass:: {module}.{name}\n"
    if inspect.isfunction(value):
        return f".. autofunction:: {module}.{name}\n"
    return f".. autodata:: {module}.{name}\n"


class ExportsDirective(SphinxDirective):
    """``.. cdktf-exports:: ROOM [ROOM ...]`` with ``:package:`` (default ``cdktf_lambda``): its exports from those
    rooms (the module path's part after the package), in the order of the export list."""

    required_arguments = 1
    optional_arguments = 20
    option_spec = {"package": str}

    def run(self) -> list[nodes.Node]:
        package = self.options.get("package", "cdktf_lambda")
        self.env.note_dependency(inspect.getfile(importlib.import_module(package)))  # rebuilt when the list changes
        rooms = set(self.arguments)
        lines: list[str] = []
        for name, module in exports(package).items():
            room = module.removeprefix(f"{package}.").split(".", 1)[0]
            if room in rooms:
                lines += [_directive(name, module), ""]
        if not lines:
            raise self.error(f"no export of {package} in {sorted(rooms)}")
        return self.parse_text_to_nodes("\n".join(lines))


def _rst(markdown: str) -> str:
    """Inline Markdown code (`x`) as reST literals (``x``)."""
    return re.sub(r"`([^`]+)`", r"``\1``", markdown)


class SettingsDirective(SphinxDirective):
    """``.. cdktf-settings::``: every variable of :mod:`cdktf_lambda.settings`, as a table."""

    def run(self) -> list[nodes.Node]:
        from cdktf_lambda import settings

        self.env.note_dependency(inspect.getfile(settings))
        rows = [line.strip("|").split(" | ") for line in settings.markdown_table().splitlines()[2:]]
        lines = [".. list-table::", "   :header-rows: 1", "   :widths: 30 45 25", ""]
        for cells in [["variable", "what", "default"], *rows]:
            lines += [f"   * - {_rst(cells[0].strip())}"] + [f"     - {_rst(cell.strip())}" for cell in cells[1:]]
        return self.parse_text_to_nodes("\n".join(lines))


def _commands(parser: argparse.ArgumentParser, prefix: str) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield prefix, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, f"{prefix} {name}")


class CliDirective(SphinxDirective):
    """``.. cdktf-cli::``: a section per command of ``cdktf-lambda``, with its ``--help`` (100 columns)."""

    def run(self) -> list[nodes.Node]:
        import os

        main = importlib.import_module("cdktf_lambda.cli.main")
        for module in (main, importlib.import_module("cdktf_lambda.cli.sync")):
            self.env.note_dependency(inspect.getfile(module))
        os.environ["COLUMNS"] = "100"
        result: list[nodes.Node] = []
        for name, parser in _commands(main._parser(), "cdktf-lambda"):
            section = nodes.section(ids=[nodes.make_id(f"cli {name}")], names=[nodes.fully_normalize_name(name)])
            section += nodes.title(name, "", nodes.literal(name, name))
            help_text = parser.format_help().replace(parser.prog, name, 1)
            section += nodes.literal_block(help_text, help_text, language="text")
            result.append(section)
        return result


class FixturesDirective(SphinxDirective):
    """``.. cdktf-fixtures::``: the fixtures of :mod:`cdktf_lambda.testing.plugin`, documented as functions."""

    def run(self) -> list[nodes.Node]:
        from cdktf_lambda.testing import plugin

        self.env.note_dependency(inspect.getfile(plugin))
        lines: list[str] = []
        for name, value in vars(plugin).items():
            wrapped = getattr(value, "_fixture_function", None)
            marker = getattr(value, "_fixture_function_marker", None)
            if wrapped is None or marker is None:
                continue
            # The parameters are the fixtures it uses (by name); what a test receives is the return annotation.
            signature = inspect.signature(wrapped)
            uses = ", ".join(signature.parameters)
            returns = str(signature.return_annotation).strip("'")
            lines += [f".. py:function:: {name}({uses})", "   :module: cdktf_lambda.testing.plugin", ""]
            lines += [f"   Fixture, scope ``{marker.scope}``; a test that names it receives ``{returns}``.", ""]
            lines += ["   " + line if line else "" for line in inspect.cleandoc(wrapped.__doc__ or "").splitlines()]
            lines += [""]
        return self.parse_text_to_nodes("\n".join(lines))


_MISSING = object()


def _lookup(name: str) -> Any:
    """The object a dotted name names (a module, or an attribute of one), or :data:`_MISSING`."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            value = getattr(value, part, _MISSING)
            if value is _MISSING:
                return _MISSING
        return value
    return _MISSING


def _imported_as(module: str, name: str) -> str | None:
    """The dotted name ``name`` stands for in ``module``: imported there (``TYPE_CHECKING`` imports included),
    or defined there."""
    head, _, rest = name.partition(".")
    try:
        source = Path(inspect.getfile(importlib.import_module(module))).read_text(encoding="utf-8")
    except (ImportError, TypeError, OSError):
        return None
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if (alias.asname or alias.name) == head:
                    return ".".join(filter(None, [node.module, alias.name, rest]))
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (alias.asname or alias.name) == head:
                    return ".".join(filter(None, [alias.name, rest]))
    return f"{module}.{name}" if _lookup(f"{module}.{name}") is not _MISSING else None


def _canonical(value: Any, fallback: str) -> str:
    """Where ``value`` is defined (classes and functions), else ``fallback``."""
    module, qualname = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    if isinstance(value, ModuleType):
        return value.__name__
    if isinstance(module, str) and isinstance(qualname, str) and (inspect.isclass(value) or inspect.isroutine(value)):
        return f"{module}.{qualname}"
    return fallback


def _candidates(target: str, node: Any) -> Iterator[str]:
    """The dotted names ``target`` may stand for, given the module and class the reference was written in."""
    target = target.lstrip("~.")
    module, cls = node.get("py:module"), node.get("py:class")
    if module and cls:
        yield f"{module}.{cls}.{target}"
    if module:
        found = _imported_as(module, target)
        if found:
            yield found
        parts = module.split(".")
        for cut in range(len(parts), 0, -1):  # the enclosing packages (a package's docstring names its modules)
            yield ".".join([*parts[:cut], target])
    yield target
    if target in exports("cdktf_lambda"):
        yield f"{exports('cdktf_lambda')[target]}.{target}"


def missing_reference(app: Sphinx, env: BuildEnvironment, node: Any, contnode: nodes.Element) -> nodes.Node | None:
    """Resolve what the Python domain could not (see the module's docstring); None leaves the warning."""
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"]
    domain: Any = env.get_domain("py")
    for candidate in _candidates(target, node):
        value = _lookup(candidate)
        if value is _MISSING:
            continue
        canonical = _canonical(value, candidate)
        for name in dict.fromkeys([canonical, candidate]):
            if name in domain.objects:
                return domain.resolve_xref(env, node["refdoc"], app.builder, "obj", name, node, contnode)
        top = canonical.split(".", 1)[0]
        if top == "cdktf_lambda" or top in EXTERNAL or top in sys.stdlib_module_names:
            return contnode  # exists, not on this site: rendered as code
    if target.split("[", 1)[0].split(".", 1)[0] in sys.stdlib_module_names | EXTERNAL or hasattr(builtins, target):
        return contnode
    return None


def drop_inherited_docstring(app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    """A constructor of ours without a docstring shows its signature only, not the CDK's ``Construct.__init__``
    docstring autodoc would inherit ("Creates a new construct node", with jsii's parameter names): the class
    docstring documents the keywords."""
    if what == "method" and name.startswith("cdktf_lambda.") and inspect.isfunction(obj) and obj.__doc__ is None:
        lines.clear()


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("cdktf-exports", ExportsDirective)
    app.add_directive("cdktf-settings", SettingsDirective)
    app.add_directive("cdktf-cli", CliDirective)
    app.add_directive("cdktf-fixtures", FixturesDirective)
    app.connect("missing-reference", missing_reference)
    app.connect("autodoc-process-docstring", drop_inherited_docstring)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
