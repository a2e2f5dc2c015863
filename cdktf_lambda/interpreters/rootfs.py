"""CPython of a Lambda runtime's version, provisioned without Docker: a Debian root filesystem in a per-user cache.

Debian ships the CPython a Lambda runtime needs in some release: ``python3.13`` in *trixie*, ``python3.14`` in
*forky* (built with debootstrap's ``sid`` script), ``python3.11`` in *bookworm*. ``python3.10`` and ``python3.12``
are in no Debian release (:data:`NO_SOURCE` says so). A runtime is provisioned once, into ``<runtime
dir>/<runtime>-<arch>/`` (the runtime dir is :data:`~cdktf_lambda.settings.RUNTIME_DIR`, default
``$XDG_CACHE_HOME/cdktf-lambda/runtimes``, i.e. ``~/.cache/cdktf-lambda/runtimes``), and reused by every later run,
from any project:

* as root with ``debootstrap`` installed: ``debootstrap --variant=minbase --include=python3.X SUITE DIR MIRROR``
  (25–45 s, 260 MB: a full minimal Debian, maintainer scripts run);
* otherwise, or with :data:`PROVISION_METHOD=extract <cdktf_lambda.settings.PROVISION_METHOD>`: apt resolves the closure
  of ``python3.X``, ``dash``, ``coreutils`` and ``libstdc++6`` with a private configuration, downloads it and unpacks
  each package with ``dpkg-deb -x`` (no root, no maintainer scripts; about 7 s, 95 MB), then compiles the standard
  library.

The mirror is the first Debian archive of the machine's apt sources (``/etc/apt/sources.list.d/*.sources``,
``/etc/apt/sources.list``), or :data:`~cdktf_lambda.settings.DEBIAN_MIRROR`. A file lock makes sure two processes never
provision the same runtime at once; the directory appears complete or not at all (built beside it, then renamed).
The runtime client that runs handlers there is installed by :mod:`.runtime_client`.
"""

from __future__ import annotations

import fcntl
import json
import os
import platform
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cdktf_lambda import settings
from cdktf_lambda.errors import ProvisionError
from cdktf_lambda.progress import ProgressLine

__all__ = [
    "NO_SOURCE",
    "SUITES",
    "ProvisionError",
    "Rootfs",
    "build_dir",
    "debian_mirror",
    "file_lock",
    "find_rootfs",
    "host_architecture",
    "provision_rootfs",
    "runtime_dir",
]

ProvisionMethod = Literal["debootstrap", "extract"]


@dataclass(frozen=True)
class Suite:
    """The Debian release that ships a runtime's CPython (``script``: the debootstrap script to use, if not its own)."""

    name: str
    script: str | None = None


#: Where each runtime's CPython comes from.
SUITES: dict[str, Suite] = {
    "python3.11": Suite("bookworm"),
    "python3.13": Suite("trixie"),
    "python3.14": Suite("forky", "sid"),  # bookworm's debootstrap has no forky script; sid's builds it
}
#: Runtimes no Debian release ships, with the reason given to the user.
NO_SOURCE: dict[str, str] = {
    "python3.10": "no Debian release ships CPython 3.10 (bullseye has 3.9, bookworm 3.11)",
    "python3.12": "no Debian release ships CPython 3.12 (bookworm has 3.11, trixie 3.13)",
}
#: The file written last into a provisioned runtime directory: what it is (its presence means complete).
INFO_FILE = "runtime.json"
_DEB_ARCH = {"x86_64": "amd64", "arm64": "arm64"}
_TRIPLET = {"x86_64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}
_LOADER = {"x86_64": "ld-linux-x86-64.so.2", "arm64": "ld-linux-aarch64.so.1"}
_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
_EXTRACT_PACKAGES = ("dash", "coreutils", "libstdc++6")  # /bin/sh, env -C; awslambdaric's C++ client


def runtime_dir() -> Path:
    """:data:`~cdktf_lambda.settings.RUNTIME_DIR`, else ``$XDG_CACHE_HOME/cdktf-lambda/runtimes`` (``~/.cache/…``)."""
    configured = settings.RUNTIME_DIR.get()
    if configured is not None:
        return configured.absolute()
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "cdktf-lambda" / "runtimes"


def host_architecture() -> str:
    """This machine as a Lambda architecture: ``x86_64`` or ``arm64`` (other machines as they are named)."""
    machine = platform.machine().lower()
    return {"amd64": "x86_64", "aarch64": "arm64"}.get(machine, machine)


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created) for the ``with`` block: one provisioning at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def build_dir(home: Path, step: ProgressLine) -> Iterator[Path]:
    """A fresh directory beside ``home`` to build in: it replaces ``home`` when the block succeeds, and is removed
    (``step`` marked failed) when it does not; so a cache entry appears complete or not at all."""
    home.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{home.name}.partial-", dir=home.parent))
    try:
        yield work
        shutil.rmtree(home, ignore_errors=True)  # an incomplete leftover, if any
        os.replace(work, home)
    except BaseException:
        step.failed()
        shutil.rmtree(work, ignore_errors=True)
        raise


@dataclass(frozen=True)
class Rootfs:
    """A provisioned root filesystem holding ``python<version>``."""

    runtime: str
    architecture: str
    #: ``<runtime dir>/<runtime>-<arch>``; the filesystem itself is its ``rootfs/``.
    home: Path
    suite: str
    method: str
    #: ``sys.version`` of its interpreter, e.g. ``"3.13.5"``.
    python_version: str

    @property
    def root(self) -> Path:
        return self.home / "rootfs"

    @property
    def version(self) -> str:
        return self.runtime.removeprefix("python")

    @property
    def python(self) -> str:
        """The interpreter's path inside the root filesystem."""
        return f"/usr/bin/python{self.version}"

    def loader_command(self) -> list[str]:
        """Run its interpreter from the host, through the root filesystem's own dynamic loader (any user, no
        namespace; the host's glibc is older). For build steps only: absolute paths are the host's."""
        libs = f"{self.root}/usr/lib/{_TRIPLET[self.architecture]}"
        return [f"{libs}/{_LOADER[self.architecture]}", "--library-path", libs, f"{self.root}{self.python}"]


def _read_rootfs(home: Path) -> Rootfs | None:
    try:
        info = json.loads((home / INFO_FILE).read_text(encoding="utf-8"))
        return Rootfs(
            info["runtime"], info["architecture"], home, info["suite"], info["method"], info["python_version"]
        )
    except (OSError, ValueError, KeyError):
        return None


def find_rootfs(runtime: str, architecture: str | None = None) -> Rootfs | None:
    """The provisioned root filesystem of ``runtime`` for this machine, if there is one (never provisions)."""
    architecture = architecture or host_architecture()
    return _read_rootfs(runtime_dir() / f"{runtime}-{architecture}")


def _sources_uris(text: str, deb822: bool) -> list[str]:
    """The archive URIs of an apt sources file (security archives left out)."""
    uris: list[str] = []
    if deb822:
        for stanza in re.split(r"\n\s*\n", text):
            fields = dict(re.findall(r"^([A-Za-z-]+):\s*(.*)$", stanza, re.MULTILINE))
            suites = fields.get("Suites", "").split()
            if "deb" in fields.get("Types", "").split() and not all(s.endswith("-security") for s in suites):
                uris += fields.get("URIs", "").split()
    else:
        for line in text.splitlines():
            words = re.sub(r"\[[^\]]*\]", "", line.split("#", 1)[0]).split()
            if len(words) >= 3 and words[0] == "deb" and not words[2].endswith("-security"):
                uris.append(words[1])
    return [uri.rstrip("/") for uri in uris if "security" not in uri]


def debian_mirror(apt_dir: Path = Path("/etc/apt")) -> str | None:
    """:data:`~cdktf_lambda.settings.DEBIAN_MIRROR`, else the first Debian archive of this machine's apt sources, else
    ``None``."""
    configured = settings.DEBIAN_MIRROR.get()
    if configured:
        return configured.rstrip("/")
    listed = apt_dir / "sources.list.d"
    files = [(path, True) for path in sorted(listed.glob("*.sources"))]
    files += [(apt_dir / "sources.list", False), *((path, False) for path in sorted(listed.glob("*.list")))]
    for path, deb822 in files:
        try:
            uris = _sources_uris(path.read_text(encoding="utf-8", errors="replace"), deb822)
        except OSError:
            continue
        if uris:
            return uris[0]
    return None


def _run(command: list[str], what: str, *, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, check=False)
    except OSError as exc:
        raise ProvisionError(f"could not {what}: {command[0]}: {exc.strerror}") from None
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise ProvisionError(f"could not {what} (exit {result.returncode}):\n{tail}")
    return result.stdout


def _debootstrap(root: Path, runtime: str, suite: Suite, mirror: str) -> None:
    if shutil.which("debootstrap") is None:
        raise ProvisionError("debootstrap is not installed (as root: apt-get install -y debootstrap)")
    command = ["debootstrap", "--variant=minbase", f"--include={runtime}", suite.name, str(root), mirror]
    if suite.script:
        command.append(f"/usr/share/debootstrap/scripts/{suite.script}")
    _run(command, f"debootstrap Debian {suite.name}", env={**os.environ, "LC_ALL": "C"})


def _extract(root: Path, runtime: str, suite: Suite, mirror: str, architecture: str) -> None:
    """Unpack the closure of ``runtime`` with ``dpkg-deb -x``, as any user (see the module docstring)."""
    for tool in ("apt-get", "dpkg-deb"):
        if shutil.which(tool) is None:
            raise ProvisionError(f"{tool} is not installed: the rootless provisioning needs apt and dpkg")
    state = root.parent / "apt"
    for sub in ("etc/apt.conf.d", "etc/preferences.d", "etc/sources.list.d", "lists/partial", "archives/partial"):
        (state / sub).mkdir(parents=True, exist_ok=True)
    (state / "status").write_text("")
    signed = f"[signed-by={_KEYRING}] " if Path(_KEYRING).is_file() else "[trusted=yes] "
    (state / "etc" / "sources.list").write_text(f"deb {signed}{mirror} {suite.name} main\n")
    (state / "apt.conf").write_text(
        f'Dir::Etc "{state}/etc/";\nDir::State::Lists "{state}/lists/";\nDir::State::status "{state}/status";\n'
        f'Dir::Cache "{state}/";\nDir::Cache::archives "{state}/archives/";\n'
        f'APT::Architecture "{_DEB_ARCH[architecture]}";\nAPT::Install-Recommends "false";\n'
        'Debug::NoLocking "true";\nAcquire::Check-Valid-Until "false";\n'  # testing's Release files expire
    )
    env = {**os.environ, "APT_CONFIG": str(state / "apt.conf"), "LC_ALL": "C"}
    _run(["apt-get", "-qq", "update"], f"read Debian {suite.name}'s package lists from {mirror}", env=env)
    plan = _run(["apt-get", "-qq", "-s", "install", runtime, *_EXTRACT_PACKAGES], "resolve packages", env=env)
    packages = [line.split()[1] for line in plan.splitlines() if line.startswith("Inst ")]
    debs = state / "debs"
    debs.mkdir()
    _run(["apt-get", "-qq", "download", *packages], "download packages", env=env, cwd=debs)
    for deb in sorted(debs.glob("*.deb")):
        _run(["dpkg-deb", "-x", str(deb), str(root)], f"unpack {deb.name}")
    for link in ("bin", "lib", "sbin", "lib64"):
        if not (root / link).exists() and not (root / link).is_symlink():
            (root / link).symlink_to(f"usr/{link}")
    if not (root / "usr" / "bin" / "sh").exists():
        (root / "usr" / "bin" / "sh").symlink_to("dash")
    (root / "etc").mkdir(exist_ok=True)
    (root / "etc" / "hosts").write_text("127.0.0.1\tlocalhost\n::1\t\tlocalhost\n")
    shutil.rmtree(state, ignore_errors=True)


def _choose_method() -> ProvisionMethod:
    configured = settings.PROVISION_METHOD.get()
    if configured is not None:
        return configured  # type: ignore[return-value]
    return "debootstrap" if os.geteuid() == 0 and shutil.which("debootstrap") else "extract"


def provision_rootfs(runtime: str) -> Rootfs:
    """The root filesystem of ``runtime`` for this machine: found in the cache, or provisioned now (once).

    Raises
    ------
    ProvisionError
        No Debian release ships that Python, the machine is not Linux, no Debian mirror is known, or a step failed.
    """
    architecture = host_architecture()
    found = find_rootfs(runtime, architecture)
    if found is not None:
        return found
    if runtime in NO_SOURCE:
        raise ProvisionError(f"{runtime} cannot be provisioned: {NO_SOURCE[runtime]}")
    if runtime not in SUITES:
        raise ProvisionError(f"{runtime} cannot be provisioned: no known source (known: {', '.join(SUITES)})")
    if platform.system() != "Linux" or architecture not in _DEB_ARCH:
        raise ProvisionError(f"{runtime} is provisioned only on Linux x86_64 or arm64 (this is {platform.system()})")
    mirror = debian_mirror()
    if mirror is None:
        raise ProvisionError(f"no Debian mirror in this machine's apt sources; set {settings.DEBIAN_MIRROR.name}")
    suite, method = SUITES[runtime], _choose_method()
    base = runtime_dir()
    home = base / f"{runtime}-{architecture}"
    with file_lock(base / f".{home.name}.lock"):
        found = _read_rootfs(home)  # another process may have finished it while this one waited
        if found is not None:
            return found
        started = time.monotonic()
        step = ProgressLine(f"provisioning {runtime} (Debian {suite.name} root filesystem, {method}) in {home}")
        with build_dir(home, step) as work:
            root = work / "rootfs"
            root.mkdir()
            if method == "debootstrap":
                _debootstrap(root, runtime, suite, mirror)
            else:
                _extract(root, runtime, suite, mirror, architecture)
            for mountpoint in ("var/task", "var/runtime", "opt", "tmp", "proc", "dev"):
                (root / mountpoint).mkdir(parents=True, exist_ok=True)
            rootfs = Rootfs(runtime, architecture, work, suite.name, method, "")
            if method == "extract":  # no maintainer script compiled the standard library: do it, sequentially
                stdlib = f"/usr/lib/{runtime}"  # (compileall -j needs /dev/shm)
                compile_stdlib = [*rootfs.loader_command(), "-m", "compileall", "-q", "-d", stdlib, f"{root}{stdlib}"]
                _run(compile_stdlib, "compile the standard library")
            probe = [*rootfs.loader_command(), "-I", "-c", "import platform; print(platform.python_version())"]
            version = _run(probe, f"run {runtime} from the new root filesystem").strip()
            info = {
                "runtime": runtime,
                "architecture": architecture,
                "suite": suite.name,
                "method": method,
                "python_version": version,
                "mirror": mirror,
                "seconds": round(time.monotonic() - started, 1),
            }
            (work / INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        size = sum(p.lstat().st_size for p in (home / "rootfs").rglob("*") if not p.is_symlink())
        step.done(f"CPython {version}, {size / 1e6:.0f} MB, {time.monotonic() - started:.1f} s")
    found = _read_rootfs(home)
    assert found is not None
    return found
