"""sdist-only packages: the pure-wheel check, the build recipe, the cache by sdist hash, one error for all refused."""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from cdktf_lambda.errors import DependencyBuildError
from cdktf_lambda.packaging.layer_build import build_layer
from cdktf_lambda.packaging.locks import LockedPackage, read_lock
from cdktf_lambda.packaging.pip import PipRunner
from cdktf_lambda.packaging.sdists import BUILD_CONSTRAINTS, build_sdist_wheels, purity_problem
from cdktf_lambda.packaging.target import Target
from tests.conftest import PROJECT_ROOT
from tests.fixtures.layers import WEBAPP_LOCKS

COMPILED = PROJECT_ROOT / "tests" / "fixtures" / "locks" / "compiled-sdists" / "requirements.txt"
DOCOPT = LockedPackage("docopt", "0.6.2", ("sha256:" + "4" * 64,), sdist_only=True)


def make_wheel(directory: Path, filename: str, files: Mapping[str, str], purelib: bool = True) -> Path:
    """A wheel file named ``filename`` holding ``files`` and a ``WHEEL`` file."""
    name, version = filename.split("-")[:2]
    path = directory / filename
    with zipfile.ZipFile(path, "w") as archive:
        for arcname, text in files.items():
            archive.writestr(arcname, text)
        archive.writestr(f"{name}-{version}.dist-info/WHEEL", f"Wheel-Version: 1.0\nRoot-Is-Purelib: {purelib}\n")
    return path


@pytest.mark.parametrize(
    ("filename", "files", "purelib", "problem"),
    [
        ("docopt-0.6.2-py2.py3-none-any.whl", {"docopt.py": ""}, True, None),
        ("crc16-0.1.1-cp311-cp311-linux_x86_64.whl", {"crc16/_crc16.so": ""}, False, "a platform wheel"),
        ("sneaky-1.0-py3-none-any.whl", {"sneaky/_speed.so": ""}, True, "holds compiled files"),
        ("sneaky-1.0-py3-none-any.whl", {"sneaky-1.0.data/platlib/x.py": ""}, True, "holds compiled files"),
        ("odd-1.0-py3-none-any.whl", {"odd.py": ""}, False, "not Root-Is-Purelib"),
        ("old-1.0-py2-none-any.whl", {"old.py": ""}, True, "not for Python 3.13"),
    ],
)
def test_only_pure_python_wheels_for_the_target_pass(tmp_path, filename, files, purelib, problem):
    found = purity_problem(make_wheel(tmp_path, filename, files, purelib), Target())
    assert found is None if problem is None else problem in found


class FakeBuilds(PipRunner):
    """Records each pip command; "builds" the wheel named in ``results``, or fails with the output given."""

    def __init__(self, results: Mapping[str, str]) -> None:
        self.results = results
        self.runs: list[tuple[list[str], Mapping[str, str]]] = []

    def run(self, command: Sequence[str], what: str, *, environment: Mapping[str, str] | None = None) -> None:
        self.runs.append((list(command), dict(environment or {})))
        name = command[command.index("--no-binary") + 1]
        result = self.results[name]
        if not result.endswith(".whl"):
            raise DependencyBuildError(f"pip could not {what}", output=result)
        out = Path(command[command.index("--wheel-dir") + 1])
        out.mkdir(parents=True, exist_ok=True)
        make_wheel(out, result, {f"{name}.py": "print('hi')\n"}, purelib="-none-any" in result)


def test_a_build_uses_the_reproducible_recipe_and_is_cached_by_sdist_hash(tmp_path):
    fake = FakeBuilds({"docopt": "docopt-0.6.2-py2.py3-none-any.whl"})
    (wheel,), refused = build_sdist_wheels([(DOCOPT, DOCOPT.hashes)], Target(), tmp_path, pip=fake)
    assert refused == ()
    ((command, environment),) = fake.runs
    for flag in ("--no-deps", "--require-hashes", "--no-cache-dir", "--isolated"):
        assert flag in command
    assert command[command.index("--no-binary") + 1] == "docopt", "not :all: (the backends install as wheels)"
    assert command[command.index("--build-constraint") + 1] == str(BUILD_CONSTRAINTS)
    assert environment["SOURCE_DATE_EPOCH"] == "315532800"
    assert environment["CC"] == environment["CXX"] == environment["LDSHARED"] == "/bin/false"
    assert wheel.sha256 == hashlib.sha256(wheel.path.read_bytes()).hexdigest()
    assert wheel.requirement_line() == f"{wheel.path} --hash=sha256:{wheel.sha256}"

    again, _ = build_sdist_wheels([(DOCOPT, DOCOPT.hashes)], Target(), tmp_path, pip=fake)
    assert again == (wheel,) and len(fake.runs) == 1, "the second time comes from the cache: no pip run"
    other_sdist = ("sha256:" + "5" * 64,)
    build_sdist_wheels([(DOCOPT, other_sdist)], Target(), tmp_path, pip=fake)
    assert len(fake.runs) == 2, "another sdist (hash) is another build"


def test_every_package_is_tried_and_each_refusal_says_why(tmp_path):
    compiled = "error: Command '['/bin/false', '-fPIC', '-c', 'crc16/_crc16module.c', '-o', 'x.o']' failed"
    fake = FakeBuilds(
        {
            "crc16": compiled,
            "native": "native-1.0-cp313-cp313-linux_x86_64.whl",
            "docopt": "docopt-0.6.2-py2.py3-none-any.whl",
            "badhash": "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.",
            "newbackend": "ERROR: In --require-hashes mode, all requirements must have their versions pinned",
        }
    )
    packages = [LockedPackage(n, "1.0", ("sha256:" + "6" * 64,)) for n in ("badhash", "crc16", "native", "newbackend")]
    built, refused = build_sdist_wheels([(p, p.hashes) for p in [*packages, DOCOPT]], Target(), tmp_path, pip=fake)
    assert [w.name for w in built] == ["docopt"]
    reasons = {package.name: reason for package, reason in refused}
    assert reasons == {
        "badhash": "the downloaded sdist does not match the lock's hash",
        "crc16": "its build compiles an extension (crc16/_crc16module.c), and nothing is compiled for Lambda",
        "native": "the build gave a platform wheel native-1.0-cp313-cp313-linux_x86_64.whl "
        "(tags cp313-cp313-linux_x86_64)",
        "newbackend": "its build needs a build backend that is not among the pinned ones (build-constraints.txt)",
    }
    assert not list((tmp_path / "sdist-wheels").glob(".*")), "no staging directory is left"


@pytest.mark.slow
def test_two_compiled_sdist_only_packages_are_refused_in_one_error(tmp_path, capsys):
    """Real sdists from the registry: crc16 and netifaces need their C extensions; the compiler is disabled."""
    with pytest.raises(DependencyBuildError) as caught:
        build_layer(COMPILED, Target(), tmp_path / "cache")
    message = str(caught.value)
    assert message.startswith(
        "2 packages of tests/fixtures/locks/compiled-sdists/requirements.txt have no wheel for python3.13/x86_64"
    )
    assert "  - crc16 0.1.1: its build compiles an extension" in message
    assert "  - netifaces 0.11.0: its build compiles an extension" in message
    assert "exclude=['crc16', 'netifaces']" in message and "manylinux wheels" in message
    assert capsys.readouterr().err.endswith("failed\n")
    assert not list((tmp_path / "cache").glob("*.zip")) and not list((tmp_path / "cache").glob("sdist-wheels/*/*"))


@pytest.mark.slow
def test_a_pure_sdist_builds_into_the_same_wheel_anywhere(tmp_path, monkeypatch):
    """Two builds from the registry, in other directories, caches and umasks: the same bytes."""
    (package,) = [p for p in read_lock(WEBAPP_LOCKS["uv"]).packages if p.sdist_only]
    wheels = []
    for run, umask in (("one", 0o002), ("two", 0o077)):
        (tmp_path / run).mkdir()
        monkeypatch.chdir(tmp_path / run)
        previous = os.umask(umask)
        try:
            (wheel,), refused = build_sdist_wheels([(package, package.hashes)], Target(), tmp_path / run / "cache")
        finally:
            os.umask(previous)
        assert refused == () and wheel.path.name == "docopt-0.6.2-py2.py3-none-any.whl"
        wheels.append(wheel.path.read_bytes())
    assert wheels[0] == wheels[1]
