"""Handlers and modules: which module a handler string names, and the seed's convention for finding it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from cdktf_lambda.errors import HandlerNotFoundError

__all__ = ["find_handler", "handler_module_exists", "top_level_modules"]


def top_level_modules(arcnames: Iterable[str], *, prefix: str = "") -> tuple[str, ...]:
    """Importable top-level module and package names among ``arcnames`` (after ``prefix``)."""
    names: set[str] = set()
    for arcname in arcnames:
        if not arcname.startswith(prefix):
            continue
        rest = arcname[len(prefix) :]
        head, _, tail = rest.partition("/")
        if not tail and head.endswith(".py"):
            names.add(head[:-3])
        elif tail == "__init__.py":
            names.add(head)
    return tuple(sorted(names))


def handler_module_exists(handler: str, arcnames: Iterable[str]) -> bool:
    """Whether ``handler`` (``module.function`` or ``pkg.module.function``) names a module in ``arcnames``."""
    module, _, function = handler.rpartition(".")
    if not module or not function:
        return False
    path = module.replace(".", "/")
    names = set(arcnames)
    return f"{path}.py" in names or f"{path}/__init__.py" in names


def find_handler(source_dir: Path | str, name: str, *, function: str = "lambda_handler") -> str:
    """The handler string for a function directory, following the file found (the seed's convention).

    The directory must be a Python package (``__init__.py``) with exactly one of ``lambda_handler.py`` or
    ``<name>.py``; the handler is ``<that module>.lambda_handler``.

    Raises
    ------
    HandlerNotFoundError
        No ``__init__.py``, neither handler file, or both.
    """
    root = Path(source_dir)
    if not (root / "__init__.py").is_file():
        raise HandlerNotFoundError(f"Function directory {str(source_dir)!r} is not a Python package: no __init__.py")
    found = [stem for stem in ("lambda_handler", name) if (root / f"{stem}.py").is_file()]
    if not found:
        raise HandlerNotFoundError(f"No handler file in {str(source_dir)!r}: expected lambda_handler.py or {name}.py")
    if len(set(found)) > 1:
        raise HandlerNotFoundError(
            f"Ambiguous handler in {str(source_dir)!r}: both lambda_handler.py and {name}.py exist; "
            "keep one or pass handler= explicitly"
        )
    return f"{found[0]}.{function}"
