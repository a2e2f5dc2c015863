"""Run Terraform offline: provider mirror discovery, CLI config, env and a runner.

The machine has no access to the public Terraform registry, so the ``hashicorp/*``
providers must come from a local *filesystem mirror* (a directory laid out as
``registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>/...``). This module finds
such a mirror, writes a CLI config that installs from it, and runs ``terraform``
with an environment that points at that config (and optionally at a local fake-AWS
endpoint such as moto). Nothing here changes ``os.environ``.
"""

from __future__ import annotations

import collections
import os
import platform
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: Environment variable that names the mirror directory explicitly.
MIRROR_ENV_VAR = "CDKTF_LAMBDA_PROVIDER_MIRROR"
#: Environment variable that names the terraform binary explicitly.
TERRAFORM_ENV_VAR = "CDKTF_LAMBDA_TERRAFORM"

REGISTRY_HOST = "registry.terraform.io"
DEFAULT_PROVIDER = "hashicorp/aws"

#: Credentials and region handed to the AWS provider / boto3 when talking to a fake
#: endpoint. They are not secrets: moto accepts anything.
TEST_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
}
DEFAULT_REGION = "us-east-1"

#: Variables removed from the subprocess environment when a fake endpoint is used, so
#: that nothing the user has configured (profiles, session tokens, per-service
#: endpoint overrides) can route a call to real AWS.
_AWS_VARS_TO_DROP = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
)


class ProviderMirrorNotFound(FileNotFoundError):
    """No usable filesystem provider mirror was found."""


class TerraformNotFound(FileNotFoundError):
    """The terraform binary is not on PATH (nor named by the override variable)."""


class TerraformError(RuntimeError):
    """A terraform command exited with an unexpected status."""

    def __init__(
        self,
        args: Sequence[str],
        returncode: int,
        output: str,
        cwd: Path,
        tail_lines: int = 40,
        *,
        reason: str | None = None,
    ):
        self.args_ = list(args)
        self.returncode = returncode
        self.output = output
        self.cwd = cwd
        #: Why the harness stopped terraform (``abort_if`` of :func:`run_terraform`), else None.
        self.reason = reason
        what = f"was stopped: {reason}" if reason else f"failed with exit code {returncode}"
        super().__init__(
            f"`terraform {' '.join(args)}` {what} (in {cwd}).\n"
            f"--- last {tail_lines} lines of output ---\n{tail(output, tail_lines)}"
        )


# --------------------------------------------------------------------------- mirror


def current_platform() -> str:
    """Terraform's name for this platform, e.g. ``linux_amd64``."""
    system = platform.system().lower()
    machine = platform.machine().lower()
    arch = {
        "x86_64": "amd64",
        "amd64": "amd64",
        "aarch64": "arm64",
        "arm64": "arm64",
        "i386": "386",
        "i686": "386",
        "armv7l": "arm",
    }.get(machine, machine)
    return f"{system}_{arch}"


def default_search_roots(env: Mapping[str, str] | None = None) -> list[Path]:
    """Places searched for a mirror, in order (after :data:`MIRROR_ENV_VAR`).

    These are Terraform's own implied local mirror directories on Unix (user plugin
    dirs and ``<XDG_DATA_DIRS>/terraform/plugins``) plus a few conventional system
    locations such as ``/opt/tf-plugins``. Direct sub-directories of ``/opt`` are also
    tried (see :func:`find_provider_mirror`).
    """
    env = os.environ if env is None else env
    home = Path(env.get("HOME") or Path.home())
    xdg_data_home = Path(env.get("XDG_DATA_HOME") or home / ".local" / "share")
    xdg_data_dirs = [Path(p) for p in (env.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":") if p]
    roots = [
        home / ".terraform.d" / "plugins",
        xdg_data_home / "terraform" / "plugins",
        *(d / "terraform" / "plugins" for d in xdg_data_dirs),
        Path("/usr/local/share/terraform/plugins"),
        Path("/usr/share/terraform/plugins"),
        Path("/opt/tf-plugins"),
        Path("/opt/terraform/plugins"),
        Path("/opt/terraform-plugins"),
        Path("/opt/terraform"),
    ]
    unique: list[Path] = []
    for root in roots:
        if root not in unique:
            unique.append(root)
    return unique


def provider_versions(mirror: Path, provider: str = DEFAULT_PROVIDER, target: str | None = None) -> list[str]:
    """Versions of ``provider`` available in ``mirror`` for ``target`` (default: this platform).

    Understands both filesystem-mirror layouts: unpacked
    (``HOST/NS/TYPE/VERSION/TARGET/``) and packed
    (``HOST/NS/TYPE/terraform-provider-TYPE_VERSION_TARGET.zip``).
    """
    target = target or current_platform()
    pdir = Path(mirror) / REGISTRY_HOST / provider
    if not pdir.is_dir():
        return []
    ptype = provider.split("/")[-1]
    versions: set[str] = set()
    try:
        entries = list(pdir.iterdir())
    except OSError:
        return []
    for entry in entries:
        if entry.is_dir() and (entry / target).is_dir():
            try:
                if any((entry / target).glob(f"terraform-provider-{ptype}*")):
                    versions.add(entry.name)
            except OSError:
                continue
        elif entry.is_file() and entry.name.endswith(f"_{target}.zip"):
            prefix = f"terraform-provider-{ptype}_"
            if entry.name.startswith(prefix):
                versions.add(entry.name[len(prefix) : -len(f"_{target}.zip")])
    return sorted(versions, key=_version_key)


def _version_key(version: str) -> tuple:
    parts = []
    for piece in version.replace("-", ".").split("."):
        parts.append((0, int(piece), "") if piece.isdigit() else (1, 0, piece))
    return tuple(parts)


def _candidate_dirs(roots: Iterable[Path]) -> list[Path]:
    """Expand roots: each root itself, plus its direct children for ``/opt``-like roots."""
    out: list[Path] = []
    for root in roots:
        out.append(root)
    # Anything installed as /opt/<something>/registry.terraform.io/... is accepted too.
    opt = Path("/opt")
    try:
        children = sorted(p for p in opt.iterdir() if p.is_dir())
    except OSError:
        children = []
    for child in children:
        if child not in out:
            out.append(child)
        sub = child / "plugins"
        if sub not in out:
            out.append(sub)
    return out


def find_provider_mirror(
    provider: str = DEFAULT_PROVIDER,
    *,
    env: Mapping[str, str] | None = None,
    roots: Sequence[Path] | None = None,
) -> Path:
    """Return a filesystem mirror directory that holds ``provider`` for this platform.

    Order: the directory named by ``$CDKTF_LAMBDA_PROVIDER_MIRROR`` (if set it must be
    valid -- there is no silent fallback), then ``roots`` (default
    :func:`default_search_roots` plus the sub-directories of ``/opt``).

    Raises :class:`ProviderMirrorNotFound` listing every place that was searched.
    """
    env = os.environ if env is None else env
    target = current_platform()
    override = env.get(MIRROR_ENV_VAR)
    if override:
        path = Path(override).expanduser()
        if provider_versions(path, provider, target):
            return path.resolve()
        raise ProviderMirrorNotFound(
            f"${MIRROR_ENV_VAR} is set to {override!r}, but that directory holds no "
            f"{REGISTRY_HOST}/{provider}/<version>/{target}/ provider build."
        )
    candidates = list(roots) if roots is not None else _candidate_dirs(default_search_roots(env))
    for cand in candidates:
        if provider_versions(cand, provider, target):
            return cand.resolve()
    searched = "\n".join(f"  - {c}" for c in candidates)
    raise ProviderMirrorNotFound(
        f"No Terraform filesystem mirror with {REGISTRY_HOST}/{provider}/<version>/{target}/ "
        f"was found. Searched:\n{searched}\n"
        f"Set ${MIRROR_ENV_VAR} to the directory that contains '{REGISTRY_HOST}/'."
    )


# ----------------------------------------------------------------------- cli config


def render_cli_config(mirror: Path) -> str:
    """Text of a Terraform CLI config that installs ``hashicorp/*`` only from ``mirror``."""
    mirror_str = str(Path(mirror)).replace("\\", "\\\\").replace('"', '\\"')
    return (
        "# Written by devtools.terraform_cli -- do not edit; regenerated on demand.\n"
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{mirror_str}"\n'
        f'    include = ["{REGISTRY_HOST}/hashicorp/*"]\n'
        "  }\n"
        "  direct {\n"
        f'    exclude = ["{REGISTRY_HOST}/hashicorp/*"]\n'
        "  }\n"
        "}\n"
    )


def write_cli_config(dest: Path, mirror: Path | None = None) -> Path:
    """Write the CLI config to ``dest`` (parents created) and return its absolute path.

    ``mirror`` defaults to :func:`find_provider_mirror`. Idempotent: the file is only
    rewritten when its content would change (so its mtime is stable).
    """
    dest = Path(dest).expanduser().absolute()
    text = render_cli_config(Path(mirror) if mirror is not None else find_provider_mirror())
    try:
        if dest.read_text() == text:
            return dest
    except (FileNotFoundError, IsADirectoryError, UnicodeDecodeError):
        pass
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, dest)
    return dest


# ------------------------------------------------------------------------------ env


def terraform_env(
    cli_config: Path,
    endpoint_url: str | None = None,
    *,
    region: str = DEFAULT_REGION,
    base_env: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Environment for a terraform/cdktf/boto3 subprocess (a new dict; ``os.environ`` untouched).

    Always sets ``TF_CLI_CONFIG_FILE`` (absolute), ``TF_IN_AUTOMATION=1`` and
    ``CHECKPOINT_DISABLE=1``. With ``endpoint_url`` it also sets ``AWS_ENDPOINT_URL``,
    test credentials, ``AWS_REGION``/``AWS_DEFAULT_REGION`` and removes any
    ``AWS_ENDPOINT_URL_<SERVICE>`` overrides, profiles and session tokens, so every
    AWS call of the subprocess goes to that endpoint.
    """
    env = dict(os.environ if base_env is None else base_env)
    env["TF_CLI_CONFIG_FILE"] = str(Path(cli_config).expanduser().absolute())
    env["TF_IN_AUTOMATION"] = "1"
    env["CHECKPOINT_DISABLE"] = "1"
    if endpoint_url:
        for key in list(env):
            if key.startswith("AWS_ENDPOINT_URL_") or key in _AWS_VARS_TO_DROP:
                del env[key]
        env.update(TEST_AWS_ENV)
        env["AWS_ENDPOINT_URL"] = endpoint_url
        env["AWS_REGION"] = region
        env["AWS_DEFAULT_REGION"] = region
        # boto3 would otherwise look for ~/.aws/config and the EC2 metadata service.
        env["AWS_EC2_METADATA_DISABLED"] = "true"
        # Never route loopback traffic through a proxy, should one be configured.
        no_proxy = [p for p in env.get("NO_PROXY", env.get("no_proxy", "")).split(",") if p]
        for host in ("127.0.0.1", "localhost"):
            if host not in no_proxy:
                no_proxy.append(host)
        env["NO_PROXY"] = env["no_proxy"] = ",".join(no_proxy)
    return env


def env_delta(env: Mapping[str, str], base_env: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """Variables that differ between ``env`` and ``base_env`` (None = removed)."""
    base = os.environ if base_env is None else base_env
    delta: dict[str, str | None] = {k: v for k, v in env.items() if base.get(k) != v}
    for k in base:
        if k not in env:
            delta[k] = None
    return dict(sorted(delta.items()))


# --------------------------------------------------------------------------- runner


def terraform_binary(env: Mapping[str, str] | None = None) -> str:
    """Path of the terraform executable (``$CDKTF_LAMBDA_TERRAFORM`` or PATH)."""
    env = os.environ if env is None else env
    override = env.get(TERRAFORM_ENV_VAR)
    if override:
        if Path(override).is_file() and os.access(override, os.X_OK):
            return override
        raise TerraformNotFound(f"${TERRAFORM_ENV_VAR}={override!r} is not an executable file")
    found = shutil.which("terraform", path=env.get("PATH"))
    if not found:
        raise TerraformNotFound("terraform is not on PATH (set $CDKTF_LAMBDA_TERRAFORM to its path)")
    return found


@dataclass
class TerraformResult:
    """Outcome of :func:`run_terraform`."""

    args: list[str]
    returncode: int
    output: str
    duration: float

    @property
    def changes_present(self) -> bool:
        """For ``plan -detailed-exitcode``: exit code 2 means there is a diff."""
        return self.returncode == 2


def run_terraform(
    args: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    *,
    ok_codes: Iterable[int] = (0,),
    stream: bool | None = None,
    timeout: float | None = 900,
    tail_lines: int = 40,
    binary: str | None = None,
    abort_if: Callable[[], str | None] | None = None,
) -> TerraformResult:
    """Run ``terraform <args>`` in ``cwd`` with exactly ``env``; capture (and stream) output.

    stdout and stderr are merged. ``stream`` echoes each line to ``sys.stderr`` as it
    arrives (default: when ``$CDKTF_LAMBDA_TF_STREAM`` is ``1``). ``-no-color`` is
    added to subcommands that accept it. If the exit status is not in ``ok_codes``
    (use ``(0, 2)`` with ``plan -detailed-exitcode``), raise :class:`TerraformError`
    whose message carries the last ``tail_lines`` lines. On timeout terraform is sent
    SIGINT (graceful stop, releases the state lock), then killed.

    ``abort_if`` is polled about twice a second while terraform runs; when it returns a
    reason (e.g. "the moto server at http://127.0.0.1:PORT is gone"), terraform is stopped
    the same way and :class:`TerraformError` is raised with that reason first in its
    message. Without it, the aws provider retries a dead endpoint for 30-60 s per call.
    """
    args = list(args)
    if args and args[0] in _NO_COLOR_COMMANDS and "-no-color" not in args:
        args.insert(1, "-no-color")
    if stream is None:
        stream = os.environ.get("CDKTF_LAMBDA_TF_STREAM") == "1"
    exe = binary or terraform_binary(env)
    cwd = Path(cwd)
    lines: list[str] = []
    started = time.monotonic()
    proc = subprocess.Popen(
        [exe, *args],
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        bufsize=1,
        start_new_session=True,
    )

    def _pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if stream:
                sys.stderr.write(line)
                sys.stderr.flush()

    reader = threading.Thread(target=_pump, daemon=True)
    reader.start()
    deadline = None if timeout is None else started + timeout
    try:
        while True:
            try:
                proc.wait(timeout=_POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                pass
            if deadline is not None and time.monotonic() >= deadline:
                _stop(proc, grace=30)
                reader.join(timeout=5)
                output = "".join(lines)
                raise TerraformError(args, -1, output + f"\n[timed out after {timeout}s]", cwd, tail_lines) from None
            reason = abort_if() if abort_if else None
            if reason:
                _stop(proc, grace=_ABORT_GRACE_SECONDS)
                reader.join(timeout=5)
                output = "".join(lines)
                raise TerraformError(args, -1, output + f"\n[stopped: {reason}]", cwd, tail_lines, reason=reason)
    except BaseException:
        # e.g. KeyboardInterrupt: do not leave terraform running.
        _stop(proc, grace=30)
        raise
    reader.join(timeout=10)
    output = "".join(lines)
    result = TerraformResult(args, proc.returncode, output, time.monotonic() - started)
    if proc.returncode not in set(ok_codes):
        raise TerraformError(args, proc.returncode, output, cwd, tail_lines)
    return result


_POLL_SECONDS = 0.5
#: After SIGINT, how long an aborted terraform may take to stop before it is killed. Its provider keeps
#: retrying a dead endpoint, so waiting for a graceful stop would cost the 30-60 s the abort saves.
_ABORT_GRACE_SECONDS = 5.0


def _stop(proc: subprocess.Popen, grace: float) -> None:
    """SIGINT (terraform stops gracefully and releases its state lock), then SIGKILL after ``grace`` seconds."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        # terraform leads its own process group (start_new_session): its provider plugins go too.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
        proc.wait()


_NO_COLOR_COMMANDS = frozenset(
    {
        "init",
        "validate",
        "plan",
        "apply",
        "destroy",
        "refresh",
        "output",
        "show",
        "import",
        "get",
        "test",
    }
)


def tail(text: str, n: int = 40) -> str:
    """Last ``n`` lines of ``text``."""
    return "\n".join(collections.deque(text.rstrip().splitlines(), maxlen=n))


# ------------------------------------------------------------------------------ CLI


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m devtools.terraform_cli write-config [DEST] | find-mirror``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m devtools.terraform_cli")
    sub = parser.add_subparsers(dest="command", required=True)
    p_write = sub.add_parser("write-config", help="write the Terraform CLI config (provider mirror)")
    p_write.add_argument("dest", nargs="?", type=Path, default=Path(".terraform.d/cli.tfrc"))
    sub.add_parser("find-mirror", help="print the provider mirror directory and its aws versions")
    args = parser.parse_args(argv)
    try:
        if args.command == "write-config":
            print(write_cli_config(args.dest))
        else:
            mirror = find_provider_mirror()
            print(f"{mirror}\t{DEFAULT_PROVIDER} {' '.join(provider_versions(mirror))}")
    except ProviderMirrorNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
