"""Packages published only as an sdist: built here into pure-Python wheels, reproducibly — or refused, all at once.

A layer is installed from wheels for the Lambda platform; nothing is compiled (there is no Lambda compiler here, and
a wheel built for this machine would not run there). A package with no such wheel is built from its locked sdist:

* ``pip wheel --no-deps --require-hashes --no-binary <name> --no-cache-dir``: the sdist is checked against the lock's
  hash before anything runs; no wheel cache can hide a changed recipe;
* the build backends come from ``build-constraints.txt`` (shipped with this package): every backend pinned *and
  hashed*, so pip's build environment runs in hash-checking mode and a backend that is not listed fails loudly
  instead of floating to its newest release (another setuptools writes another ``WHEEL`` file);
* ``SOURCE_DATE_EPOCH=315532800`` (1980-01-01) fixes the timestamps in the wheel, umask 022 its modes;
* ``CC``, ``CXX`` and ``LDSHARED`` are ``/bin/false``: nothing compiles, whatever this machine has. A package whose C
  extension is optional falls back to pure Python; one that needs it fails to build;
* the wheel is accepted only when it is pure: every tag ``py*-none-any`` (and one of them for the target's Python),
  ``Root-Is-Purelib: true``, no ``.so``/``.pyd``/``.dll``/``.dylib`` and nothing under ``*.data/platlib``.

Built wheels are cached by sdist hash (and recipe) under ``<cache>/sdist-wheels/``. Every package is tried before
anything is refused: one :class:`~cdktf_lambda.errors.DependencyBuildError` names all that cannot be built.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.tags import compatible_tags
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from cdktf_lambda.errors import DependencyBuildError
from cdktf_lambda.packaging.locks import LockedPackage
from cdktf_lambda.packaging.pip import PipRunner, pip_command, source_options
from cdktf_lambda.packaging.target import Target

__all__ = [
    "BUILD_CONSTRAINTS",
    "BUILD_ENVIRONMENT",
    "RECIPE_VERSION",
    "SdistWheel",
    "build_sdist_wheels",
    "purity_problem",
    "refusal_message",
]

#: Bumped when the recipe changes (with ``build-constraints.txt``): cached wheels are then rebuilt.
RECIPE_VERSION = "1"
BUILD_CONSTRAINTS = Path(__file__).with_name("build-constraints.txt")
#: Variables of every sdist build (pip's runner adds ``PIP_CONFIG_FILE=/dev/null`` and drops ``PIP_*``).
BUILD_ENVIRONMENT: dict[str, str] = {
    "SOURCE_DATE_EPOCH": "315532800",
    "CC": "/bin/false",
    "CXX": "/bin/false",
    "LDSHARED": "/bin/false",
    "PYTHONHASHSEED": "0",
}
_BINARY_SUFFIXES = (".so", ".pyd", ".dll", ".dylib")
#: The source file of a compiler command line (``-c 'src/_mod.c'``).
_COMPILED_SOURCE = re.compile(r"-c'?,? '?([\w./-]+\.(?:c|cc|cpp|cxx|pyx|f90))\b")


@dataclass(frozen=True)
class SdistWheel:
    """A pure-Python wheel built from a locked sdist (in the cache)."""

    name: str
    version: str
    path: Path
    sha256: str

    def requirement_line(self) -> str:
        """The line installing this very file, hash-checked, in the layer's pip run."""
        return f"{self.path} --hash=sha256:{self.sha256}"


def recipe_key() -> str:
    constraints = BUILD_CONSTRAINTS.read_bytes()
    return hashlib.sha256(RECIPE_VERSION.encode() + b"\0" + constraints).hexdigest()


def purity_problem(wheel: Path, target: Target) -> str | None:
    """Why ``wheel`` is not a pure-Python wheel for ``target`` (``None`` when it is)."""
    try:
        _name, _version, _build, tags = parse_wheel_filename(wheel.name)
    except InvalidWheelFilename as exc:
        return f"the build gave {wheel.name!r} ({exc})"
    major, minor = (int(part) for part in target.python_version.split("."))
    compatible = set(compatible_tags((major, minor), f"cp{major}{minor}", ["any"]))
    impure = sorted(str(t) for t in tags if (t.abi, t.platform) != ("none", "any") or t.interpreter[:2] != "py")
    if impure:
        return f"the build gave a platform wheel {wheel.name} (tags {', '.join(impure)})"
    if not set(tags) & compatible:
        return f"the wheel {wheel.name} is not for Python {target.python_version}"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        wheel_file = next((n for n in names if n.count("/") == 1 and n.endswith(".dist-info/WHEEL")), None)
        text = archive.read(wheel_file).decode("utf-8", "replace") if wheel_file else ""
    binaries = [n for n in names if n.lower().endswith(_BINARY_SUFFIXES) or ".data/platlib/" in n]
    if binaries:
        return f"the wheel holds compiled files ({', '.join(binaries[:3])})"
    if "root-is-purelib: true" not in text.lower():
        return "the wheel is not Root-Is-Purelib"
    return None


def _failure_reason(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    if any("DO NOT MATCH THE HASHES" in line for line in lines):
        return "the downloaded sdist does not match the lock's hash"
    if any("must have their versions pinned" in line or "Hashes are required" in line for line in lines):
        return "its build needs a build backend that is not among the pinned ones (build-constraints.txt)"
    compiler = [line for line in lines if "/bin/false" in line or "fatal error:" in line.lower()]
    if compiler:
        sources = sorted({m.group(1) for line in compiler for m in _COMPILED_SOURCE.finditer(line)})
        what = f" ({', '.join(sources[:3])})" if sources else ""
        return f"its build compiles an extension{what}, and nothing is compiled for Lambda"
    errors = [line for line in lines if line.lower().startswith("error:") and "subprocess-exited" not in line]
    return f"the sdist did not build ({(errors or lines or ['no output'])[0][:160]})"


def refusal_message(refused: Sequence[tuple[LockedPackage, str]], lock_path: str, target: Target) -> str:
    """One message naming every package that cannot go into the layer, with what to do."""
    lines = [
        f"{len(refused)} {'package' if len(refused) == 1 else 'packages'} of {lock_path} have no wheel for "
        f"{target.label}, and their sdists do not build into pure-Python wheels:",
        *(f"  - {package.name} {package.version}: {reason}" for package, reason in refused),
        "For each: use a version that publishes manylinux wheels for the target (check with `pip download "
        f"--only-binary=:all: --platform manylinux2014_{target.machine} --python-version {target.python_version} "
        "<name>==<version>`), vendor a pure-Python replacement, or leave it out with "
        f"exclude=[{', '.join(repr(p.name) for p, _ in refused)}] if the functions never import it.",
    ]
    return "\n".join(lines)


def _build_one(
    package: LockedPackage,
    sdist_hashes: Sequence[str],
    target: Target,
    dest: Path,
    *,
    index_urls: Sequence[str],
    wheelhouse: Path | None,
    pip: PipRunner,
) -> Path | str:
    """Build ``package`` into a wheel in ``dest``; the wheel, or why it cannot go into the layer."""
    with tempfile.TemporaryDirectory(prefix="sdist-build-", dir=dest.parent) as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text(" ".join([package.pin, *(f"--hash={h}" for h in sdist_hashes)]) + "\n")
        out = Path(tmp) / "wheels"
        command = pip_command(
            "wheel",
            *("--no-cache-dir", "--no-deps", "--require-hashes", "--no-binary", package.name),
            *("--build-constraint", str(BUILD_CONSTRAINTS), "--wheel-dir", str(out)),
            *source_options(index_urls, wheelhouse),
            *("--requirement", str(requirements)),
        )
        try:
            pip.run(command, f"build {package.pin} from its sdist", environment=BUILD_ENVIRONMENT)
        except DependencyBuildError as error:
            return _failure_reason(error.output or str(error))
        wheels = sorted(out.glob("*.whl"))
        if len(wheels) != 1:
            return f"the build gave {len(wheels)} wheels"
        problem = purity_problem(wheels[0], target)
        if problem is not None:
            return problem
        dest.mkdir(parents=True, exist_ok=True)
        final = dest / wheels[0].name
        shutil.move(wheels[0], final)
        return final


def build_sdist_wheels(
    packages: Sequence[tuple[LockedPackage, Sequence[str]]],
    target: Target,
    cache_dir: Path,
    *,
    index_urls: Sequence[str] = (),
    wheelhouse: Path | None = None,
    pip: PipRunner | None = None,
) -> tuple[tuple[SdistWheel, ...], tuple[tuple[LockedPackage, str], ...]]:
    """Pure-Python wheels for ``packages`` (each with the hashes of its sdist), built or found in the cache; and the
    packages that cannot be built into one, each with the reason (for :func:`refusal_message`: the caller raises
    once, when it has found every sdist-only package of the lock)."""
    runner = pip or PipRunner()
    recipe = recipe_key()
    built: list[SdistWheel] = []
    refused: list[tuple[LockedPackage, str]] = []
    for package, sdist_hashes in packages:
        identity = "\0".join([recipe, package.name, package.version, *sorted(sdist_hashes)])
        slot = cache_dir / "sdist-wheels" / hashlib.sha256(identity.encode()).hexdigest()[:32]
        cached = sorted(slot.glob("*.whl")) if slot.is_dir() else []
        if cached and purity_problem(cached[0], target) is None:
            wheel: Path | str = cached[0]
        else:
            staging = cache_dir / "sdist-wheels" / f".{slot.name}-{os.getpid()}"
            shutil.rmtree(staging, ignore_errors=True)
            staging.parent.mkdir(parents=True, exist_ok=True)
            wheel = _build_one(
                package, sdist_hashes, target, staging, index_urls=index_urls, wheelhouse=wheelhouse, pip=runner
            )
            if isinstance(wheel, Path):
                shutil.rmtree(slot, ignore_errors=True)
                os.replace(staging, slot)
                wheel = slot / wheel.name
            shutil.rmtree(staging, ignore_errors=True)
        if isinstance(wheel, str):
            refused.append((package, wheel))
        else:
            digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
            built.append(SdistWheel(package.name, package.version, wheel, digest))
    return tuple(built), tuple(refused)
