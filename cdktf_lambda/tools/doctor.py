"""``cdktf-lambda doctor [STACK]``: will each function of a synthesized stack deploy and load on Lambda?

For every function, from the artifacts as synthesized (:mod:`.stack`):

* **sizes**: its zip against Lambda's 50 MB direct-upload limit, and its unzipped size with every layer against
  the 250 MB limit, the largest packages first;
* **shared objects** (``*.so``) in the zip and each layer (read in place, :mod:`.elf`): the ELF machine against the
  function's architecture, and the highest ``GLIBC_x.y`` needed against the runtime's glibc (Amazon Linux 2023:
  2.34, :data:`~cdktf_lambda.packaging.target.GLIBC_BY_RUNTIME`);
* **the handler's import** on the function's own runtime (:class:`~cdktf_lambda.runtime.runner.RuntimeRunner`: a cold
  start with no event), with the official runtime client's error when it fails.

A report per function is logged (the ``cdktf_lambda.tools`` logger, :mod:`cdktf_lambda.logs`); the problems come
back as one line each (the CLI prints them on stdout and exits 1 when there is any).
"""

from __future__ import annotations

import os
import re
import zipfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from cdktf_lambda.interpreters.rootfs import ProvisionError
from cdktf_lambda.limits import MAX_UNZIPPED_BYTES, MAX_ZIP_BYTES
from cdktf_lambda.logs import room_logger
from cdktf_lambda.packaging.target import GLIBC_BY_RUNTIME
from cdktf_lambda.runtime.runner import RuntimeRunner
from cdktf_lambda.runtime.sandbox import isolation
from cdktf_lambda.tools.elf import NotElfError, architecture_machine, read_elf, version_tuple
from cdktf_lambda.tools.invoke import function_code
from cdktf_lambda.tools.synthesized import FunctionSpec, find_function, load_stack

__all__ = ["doctor", "largest_packages"]

log = room_logger(__name__)

_SHARED_OBJECT = re.compile(r"\.so(\.\d+)*$")
_SITE = re.compile(r"^python/(lib/python3\.\d+/site-packages/)?")


def _mib(size: float) -> str:
    return f"{size / 2**20:.1f} MiB" if size >= 2**20 else f"{size / 1024:.1f} KiB"


def largest_packages(archives: Iterable[tuple[str, Path]], count: int = 5) -> list[tuple[str, int]]:
    """The ``count`` largest top-level packages (unzipped bytes) of the zips, as ``("name (where)", bytes)``."""
    sizes: Counter[str] = Counter()
    for where, path in archives:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                name = _SITE.sub("", info.filename) if where != "function zip" else info.filename
                top = name.split("/", 1)[0]
                top = re.sub(r"-[^-]+\.(dist|egg)-info$", "", top) if top.endswith("-info") else top
                sizes[f"{top.removesuffix('.py')} ({where})"] += info.file_size
    return sizes.most_common(count)


def _size_problems(spec: FunctionSpec, archives: list[tuple[str, Path]]) -> list[str]:
    name = spec.function_name
    zip_size = spec.zip_path.stat().st_size
    unzipped = 0
    for _where, path in archives:
        with zipfile.ZipFile(path) as archive:
            unzipped += sum(info.file_size for info in archive.infolist() if not info.is_dir())
    largest = ", ".join(f"{package} {_mib(size)}" for package, size in largest_packages(archives))
    log.info(
        "%s: zip %s (limit %s), unzipped with %d layer(s) %s (limit %s); largest: %s",
        name,
        _mib(zip_size),
        _mib(MAX_ZIP_BYTES),
        len(spec.layers),
        _mib(unzipped),
        _mib(MAX_UNZIPPED_BYTES),
        largest,
    )
    problems = []
    for where, path in archives:
        size = path.stat().st_size
        if size > MAX_ZIP_BYTES:
            problems.append(f"{name}: {where} is {_mib(size)} zipped; Lambda allows {_mib(MAX_ZIP_BYTES)}")
    if unzipped > MAX_UNZIPPED_BYTES:
        problems.append(
            f"{name}: {_mib(unzipped)} unzipped with its layers; Lambda allows {_mib(MAX_UNZIPPED_BYTES)} "
            f"(largest: {largest})"
        )
    return problems


def _elf_problems(spec: FunctionSpec, archives: list[tuple[str, Path]]) -> list[str]:
    machine = architecture_machine(spec.architecture)
    glibc = ".".join(map(str, GLIBC_BY_RUNTIME.get(spec.runtime, (2, 34))))
    problems = []
    for where, path in archives:
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if not _SHARED_OBJECT.search(member):
                    continue
                try:
                    info = read_elf(archive.read(member))
                except NotElfError:
                    continue
                if info.machine != machine:
                    problems.append(
                        f"{spec.function_name}: {member} in the {where} is built for {info.machine_name}; the "
                        f"function runs on {spec.architecture}"
                    )
                needed = info.highest("GLIBC")
                if needed and version_tuple(needed) > version_tuple(glibc):
                    problems.append(
                        f"{spec.function_name}: {member} in the {where} needs GLIBC_{needed}; {spec.runtime} on "
                        f"Lambda has glibc {glibc}"
                    )
    return problems


def _import_problem(spec: FunctionSpec, runner: RuntimeRunner) -> str | None:
    code = function_code(spec)
    try:
        target = runner.target(code)
        if target.rootfs is not None and isolation() is None:
            raise ProvisionError("no mount/PID namespaces for the sandbox")
        error = runner.check_init(code)
    except ProvisionError as exc:
        log.warning("%s: handler import not checked: %s", spec.function_name, exc)
        return None
    if error is None:
        log.info("%s: handler %s imports on %s", spec.function_name, spec.handler, runner.describe(code))
        return None
    return (
        f"{spec.function_name}: handler {spec.handler} does not import on {spec.runtime}: "
        f"{error.get('errorType')}: {error.get('errorMessage')}"
    )


def doctor(
    stack: str | None = None,
    *,
    outdir: str | os.PathLike[str] = "cdktf.out",
    import_handlers: bool = True,
) -> list[str]:
    """The problems of every function of ``stack`` (default: the only, or first, stack), one line each."""
    stack_dir, stack_json = load_stack(outdir, stack)
    logical_ids = sorted(stack_json.get("resource", {}).get("aws_lambda_function", {}))
    problems: list[str] = []
    with RuntimeRunner() as runner:
        for logical_id in logical_ids:
            spec = find_function(stack_dir, stack_json, logical_id)
            archives = [("function zip", spec.zip_path)]
            archives += [(f"layer {layer.name}", layer.zip_path) for layer in spec.layers]
            missing = [where for where, path in archives if not path.is_file()]
            if missing:
                problems.append(f"{spec.function_name}: {', '.join(missing)} not found in the synth output")
                continue
            for reference in spec.external_layers:
                log.info("%s: layer %s is not built by this stack: not checked", spec.function_name, reference)
            problems += _size_problems(spec, archives)
            problems += _elf_problems(spec, archives)
            if import_handlers:
                problem = _import_problem(spec, runner)
                problems += [problem] if problem else []
    return problems
