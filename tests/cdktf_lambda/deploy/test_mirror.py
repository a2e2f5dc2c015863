"""cdktf_lambda.deploy.mirror: provider mirror discovery, CLI config, subprocess environment; its command line
(:mod:`cdktf_lambda.cli.mirror`)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cdktf_lambda import settings
from cdktf_lambda.deploy import mirror as tc

TARGET = tc.current_platform()


def make_mirror(root: Path, version: str = "5.100.0", *, packed: bool = False, target: str = TARGET) -> Path:
    pdir = root / "registry.terraform.io" / "hashicorp" / "aws"
    if packed:
        pdir.mkdir(parents=True, exist_ok=True)
        (pdir / f"terraform-provider-aws_{version}_{target}.zip").write_bytes(b"PK")
    else:
        bindir = pdir / version / target
        bindir.mkdir(parents=True, exist_ok=True)
        (bindir / f"terraform-provider-aws_v{version}_x5").write_bytes(b"")
    return root


# ------------------------------------------------------------------------- mirror


def test_override_env_var_wins(tmp_path: Path) -> None:
    mirror = make_mirror(tmp_path / "m")
    found = tc.find_provider_mirror(env={settings.PROVIDER_MIRROR.name: str(mirror)}, roots=[])
    assert found == mirror.resolve()


def test_invalid_override_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    good = make_mirror(tmp_path / "good")
    with pytest.raises(tc.ProviderMirrorNotFound, match=settings.PROVIDER_MIRROR.name):
        tc.find_provider_mirror(env={settings.PROVIDER_MIRROR.name: str(tmp_path / "empty")}, roots=[good])


def test_first_root_with_the_provider_is_used(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    wrong_platform = make_mirror(tmp_path / "other", target="plan9_mips")
    packed = make_mirror(tmp_path / "packed", version="5.99.0", packed=True)
    later = make_mirror(tmp_path / "later")
    found = tc.find_provider_mirror(env={}, roots=[tmp_path / "missing", empty, wrong_platform, packed, later])
    assert found == packed.resolve()
    assert tc.provider_versions(packed) == ["5.99.0"]


def test_error_lists_every_searched_place(tmp_path: Path) -> None:
    roots = [tmp_path / "a", tmp_path / "b" / "c"]
    with pytest.raises(tc.ProviderMirrorNotFound) as err:
        tc.find_provider_mirror(env={}, roots=roots)
    message = str(err.value)
    for root in roots:
        assert str(root) in message
    assert settings.PROVIDER_MIRROR.name in message


def test_default_search_roots_cover_terraform_implied_dirs_and_opt() -> None:
    roots = tc.default_search_roots({"HOME": "/home/u", "XDG_DATA_DIRS": "/usr/local/share:/usr/share"})
    assert Path("/home/u/.terraform.d/plugins") in roots
    assert Path("/usr/share/terraform/plugins") in roots
    assert Path("/opt/tf-plugins") in roots


def test_provider_versions_sorted_numerically(tmp_path: Path) -> None:
    for version in ("5.9.0", "5.100.0", "5.10.1"):
        make_mirror(tmp_path, version)
    assert tc.provider_versions(tmp_path) == ["5.9.0", "5.10.1", "5.100.0"]


def test_machine_mirror_is_found() -> None:
    try:
        mirror = tc.find_provider_mirror()
    except tc.ProviderMirrorNotFound as exc:
        pytest.skip(f"no provider mirror on this machine: {exc}")
    assert tc.provider_versions(mirror), mirror


# ---------------------------------------------------------------------- cli config


def test_cli_config_content(tmp_path: Path) -> None:
    mirror = make_mirror(tmp_path / "mirror")
    dest = tc.write_cli_config(tmp_path / "sub" / "cli.tfrc", mirror)
    assert dest == (tmp_path / "sub" / "cli.tfrc").absolute()
    text = dest.read_text()
    assert f'path    = "{mirror}"' in text
    assert 'include = ["registry.terraform.io/hashicorp/*"]' in text
    assert 'exclude = ["registry.terraform.io/hashicorp/*"]' in text
    assert text.index("filesystem_mirror") < text.index("direct")


def test_cli_config_is_idempotent(tmp_path: Path) -> None:
    mirror = make_mirror(tmp_path / "mirror")
    dest = tc.write_cli_config(tmp_path / "cli.tfrc", mirror)
    before = dest.read_text()
    old = time.time() - 3600
    os.utime(dest, (old, old))
    assert tc.write_cli_config(dest, mirror) == dest
    assert dest.read_text() == before
    assert dest.stat().st_mtime == pytest.approx(old), "unchanged content must not be rewritten"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []

    other = make_mirror(tmp_path / "other")
    tc.write_cli_config(dest, other)
    assert str(other) in dest.read_text()


def test_cli_config_defaults_to_found_mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mirror = make_mirror(tmp_path / "mirror")
    monkeypatch.setenv(settings.PROVIDER_MIRROR.name, str(mirror))
    dest = tc.write_cli_config(tmp_path / "cli.tfrc")
    assert f'"{mirror.resolve()}"' in dest.read_text()


@pytest.mark.terraform
def test_terraform_accepts_the_config(terraform_ready: Path, tmp_path: Path) -> None:
    env = tc.terraform_env(terraform_ready)
    out = subprocess.run(
        ["terraform", "version"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True
    )
    combined = out.stdout + out.stderr
    assert "Terraform v" in combined
    assert "problems with the CLI configuration" not in combined


# ----------------------------------------------------------------------------- env


def test_env_without_endpoint(tmp_path: Path) -> None:
    base = {"PATH": "/bin", "AWS_PROFILE": "prod", "TF_CLI_CONFIG_FILE": "/nope"}
    env = tc.terraform_env(tmp_path / "cli.tfrc", base_env=base)
    assert env["TF_CLI_CONFIG_FILE"] == str((tmp_path / "cli.tfrc").absolute())
    assert env["TF_IN_AUTOMATION"] == "1" and env["CHECKPOINT_DISABLE"] == "1"
    assert env["AWS_PROFILE"] == "prod", "without an endpoint AWS settings are left alone"
    assert "AWS_ENDPOINT_URL" not in env
    assert base["TF_CLI_CONFIG_FILE"] == "/nope", "base env must not be modified"


def test_env_with_endpoint_routes_everything_to_it(tmp_path: Path) -> None:
    base = {
        "PATH": "/bin",
        "AWS_PROFILE": "prod",
        "AWS_SESSION_TOKEN": "tok",
        "AWS_ENDPOINT_URL_S3": "https://s3.example",
        "AWS_ACCESS_KEY_ID": "AKIAREAL",
    }
    env = tc.terraform_env(tmp_path / "cli.tfrc", "http://127.0.0.1:5999", base_env=base)
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5999"
    assert env["AWS_ACCESS_KEY_ID"] == "test" and env["AWS_SECRET_ACCESS_KEY"] == "test"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    for dropped in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3"):
        assert dropped not in env
    assert "127.0.0.1" in env["NO_PROXY"].split(",")


def test_env_does_not_touch_os_environ(tmp_path: Path) -> None:
    before = dict(os.environ)
    tc.terraform_env(tmp_path / "cli.tfrc", "http://127.0.0.1:5999")
    assert dict(os.environ) == before


def test_env_delta_lists_changed_and_removed_variables(tmp_path: Path) -> None:
    base = {"PATH": "/bin", "AWS_PROFILE": "prod", "HOME": "/home/u"}
    env = tc.terraform_env(tmp_path / "cli.tfrc", "http://127.0.0.1:5999", base_env=base)
    delta = tc.env_delta(env, base)
    assert delta["AWS_PROFILE"] is None, "removed"
    assert delta["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5999"
    assert "PATH" not in delta and "HOME" not in delta, "unchanged"
    assert list(delta) == sorted(delta)


# ----------------------------------------------------------------------------- CLI


def test_cli_write_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    from cdktf_lambda.cli.mirror import main

    monkeypatch.setenv(settings.PROVIDER_MIRROR.name, str(make_mirror(tmp_path / "mirror")))
    assert main(["write-config", str(tmp_path / "x" / "cli.tfrc")]) == 0
    assert (tmp_path / "x" / "cli.tfrc").is_file()
    monkeypatch.setenv(settings.PROVIDER_MIRROR.name, str(tmp_path / "none"))
    assert main(["find-mirror"]) == 2
    assert settings.PROVIDER_MIRROR.name in capsys.readouterr().err


@pytest.mark.slow
def test_cli_runs_as_a_module(tmp_path: Path) -> None:
    """What the Makefile's `.terraform.d/cli.tfrc` rule runs."""
    env = {**os.environ, settings.PROVIDER_MIRROR.name: str(make_mirror(tmp_path / "mirror"))}
    dest = tmp_path / ".terraform.d" / "cli.tfrc"
    out = subprocess.run(
        [sys.executable, "-m", "cdktf_lambda.cli.mirror", "write-config", str(dest)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert out.stdout.strip() == str(dest)
    assert dest.read_text().startswith("# Written by cdktf_lambda.deploy.mirror")
