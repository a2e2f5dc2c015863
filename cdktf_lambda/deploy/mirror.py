"""Terraform offline: provider mirror discovery, the CLI config that uses it, and subprocess environments.

Without access to the public registry the ``hashicorp/*`` providers come from a local *filesystem mirror* (a
directory laid out as ``registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>/...``). This module finds such a
mirror (:func:`find_provider_mirror`), writes a CLI config that installs from it (:func:`write_cli_config`) and
builds the environment of a ``terraform``/``cdktf``/boto3 subprocess that points at that config and, optionally,
at a local AWS emulator (:func:`terraform_env`). Running terraform is :mod:`cdktf_lambda.deploy.terraform`.
Nothing here changes ``os.environ``.

Command line (the Makefile's ``.terraform.d/cli.tfrc`` rule): :mod:`cdktf_lambda.cli.mirror`.

Examples
--------
>>> cli_config = write_cli_config(Path(".terraform.d/cli.tfrc"))  # doctest: +SKIP
>>> env = terraform_env(cli_config, "http://127.0.0.1:5000")  # doctest: +SKIP
>>> env["AWS_ENDPOINT_URL"], env["AWS_ACCESS_KEY_ID"]  # doctest: +SKIP
('http://127.0.0.1:5000', 'test')
"""

from __future__ import annotations

import os
import platform
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from cdktf_lambda import settings
from cdktf_lambda.emulator.server import DEFAULT_REGION, TEST_AWS_ENV
from cdktf_lambda.errors import EnvironmentFailure
from cdktf_lambda.paths import write_text_atomic

REGISTRY_HOST = "registry.terraform.io"
DEFAULT_PROVIDER = "hashicorp/aws"

#: Variables removed from the subprocess environment when an emulator endpoint is used, so that nothing the user
#: has configured (profiles, session tokens, per-service endpoint overrides) can route a call to real AWS.
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


class ProviderMirrorNotFound(EnvironmentFailure, FileNotFoundError):
    """No usable filesystem provider mirror was found."""


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
    """Places searched for a mirror, in order (after :data:`~cdktf_lambda.settings.PROVIDER_MIRROR`).

    Terraform's own implied local mirror directories on Unix (user plugin dirs and
    ``<XDG_DATA_DIRS>/terraform/plugins``) plus a few conventional system locations such as ``/opt/tf-plugins``.
    Direct sub-directories of ``/opt`` are also tried (see :func:`find_provider_mirror`).

    Parameters
    ----------
    env
        Where ``HOME``, ``XDG_DATA_HOME`` and ``XDG_DATA_DIRS`` are read (default: ``os.environ``).
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
    """Versions of ``provider`` available in ``mirror`` for ``target``, sorted numerically.

    Understands both filesystem-mirror layouts: unpacked (``HOST/NS/TYPE/VERSION/TARGET/``) and packed
    (``HOST/NS/TYPE/terraform-provider-TYPE_VERSION_TARGET.zip``).

    Parameters
    ----------
    mirror
        The directory that would contain ``registry.terraform.io/``.
    provider
        ``namespace/type``.
    target
        Terraform's platform name, e.g. ``linux_arm64`` (default: :func:`current_platform`).

    Returns
    -------
    list[str]
        Empty when ``mirror`` holds no build of ``provider`` for ``target``.
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


def _version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    parts = []
    for piece in version.replace("-", ".").split("."):
        parts.append((0, int(piece), "") if piece.isdigit() else (1, 0, piece))
    return tuple(parts)


def _candidate_dirs(roots: Iterable[Path]) -> list[Path]:
    """The roots, then each direct sub-directory of ``/opt`` and its ``plugins/``."""
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
    """A filesystem mirror directory that holds ``provider`` for this platform.

    Parameters
    ----------
    provider
        ``namespace/type``.
    env
        Where :data:`~cdktf_lambda.settings.PROVIDER_MIRROR` and the search roots' variables are read (default:
        ``os.environ``).
    roots
        Directories to search, in order (default: :func:`default_search_roots` plus the sub-directories of
        ``/opt``). The directory named by :data:`~cdktf_lambda.settings.PROVIDER_MIRROR` comes first; if that is set it
        must be valid: there is no silent fallback.

    Returns
    -------
    Path
        The mirror, resolved.

    Raises
    ------
    ProviderMirrorNotFound
        No candidate holds the provider; the message lists every place that was searched.
    """
    env = os.environ if env is None else env
    target = current_platform()
    override = settings.PROVIDER_MIRROR.get(env)
    if override:
        path = Path(override).expanduser()
        if provider_versions(path, provider, target):
            return path.resolve()
        raise ProviderMirrorNotFound(
            f"${settings.PROVIDER_MIRROR.name} is set to {str(override)!r}, but that directory holds no "
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
        f"Set ${settings.PROVIDER_MIRROR.name} to the directory that contains '{REGISTRY_HOST}/'."
    )


# ----------------------------------------------------------------------- cli config


def render_cli_config(mirror: Path) -> str:
    """Text of a Terraform CLI config that installs ``hashicorp/*`` only from ``mirror``."""
    mirror_str = str(Path(mirror)).replace("\\", "\\\\").replace('"', '\\"')
    return (
        "# Written by cdktf_lambda.deploy.mirror -- do not edit; regenerated on demand.\n"
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
    """Write the CLI config (:func:`render_cli_config`) to ``dest``, parents created.

    Idempotent: the file is only rewritten, through a temporary file and ``os.replace``, when its content would
    change (so its mtime is stable for ``make``).

    Parameters
    ----------
    dest
        The file to write.
    mirror
        The provider mirror (default: :func:`find_provider_mirror`).

    Returns
    -------
    Path
        ``dest``, absolute.
    """
    dest = Path(dest).expanduser().absolute()
    text = render_cli_config(Path(mirror) if mirror is not None else find_provider_mirror())
    try:
        if dest.read_text() == text:
            return dest
    except (FileNotFoundError, IsADirectoryError, UnicodeDecodeError):
        pass
    dest.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(dest, text)
    return dest


# ------------------------------------------------------------------------------ env


def terraform_env(
    cli_config: Path,
    endpoint_url: str | None = None,
    *,
    region: str = DEFAULT_REGION,
    base_env: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Environment for a terraform/cdktf/boto3 subprocess (a new dict; ``os.environ`` is untouched).

    Always sets ``TF_CLI_CONFIG_FILE`` (absolute), ``TF_IN_AUTOMATION=1`` and ``CHECKPOINT_DISABLE=1``. With
    ``endpoint_url`` it also sets ``AWS_ENDPOINT_URL``, the test credentials, ``AWS_REGION``/``AWS_DEFAULT_REGION``
    and ``NO_PROXY`` for loopback, and removes any ``AWS_ENDPOINT_URL_<SERVICE>`` overrides, profiles and session
    tokens, so every AWS call of the subprocess goes to that endpoint.

    Parameters
    ----------
    cli_config
        The Terraform CLI config (:func:`write_cli_config`).
    endpoint_url
        A local AWS emulator such as ``http://127.0.0.1:5000``; None leaves the AWS settings alone.
    region
        Region set with ``endpoint_url``.
    base_env
        The environment to start from (default: ``os.environ``); it is not modified.
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
