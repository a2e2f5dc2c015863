"""devtools.terraform_cli: provider mirror discovery, CLI config, env, runner."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest

from devtools import terraform_cli as tc

TARGET = tc.current_platform()
PATH_ONLY = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}


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


def fake_binary(path: Path, script: str) -> str:
    path.write_text("#!/bin/bash\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


# ------------------------------------------------------------------------- mirror


def test_override_env_var_wins(tmp_path: Path) -> None:
    mirror = make_mirror(tmp_path / "m")
    found = tc.find_provider_mirror(env={tc.MIRROR_ENV_VAR: str(mirror)}, roots=[])
    assert found == mirror.resolve()


def test_invalid_override_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    good = make_mirror(tmp_path / "good")
    with pytest.raises(tc.ProviderMirrorNotFound, match=tc.MIRROR_ENV_VAR):
        tc.find_provider_mirror(env={tc.MIRROR_ENV_VAR: str(tmp_path / "empty")}, roots=[good])


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
    assert tc.MIRROR_ENV_VAR in message


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
    monkeypatch.setenv(tc.MIRROR_ENV_VAR, str(mirror))
    dest = tc.write_cli_config(tmp_path / "cli.tfrc")
    assert f'"{mirror.resolve()}"' in dest.read_text()


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


# -------------------------------------------------------------------------- runner


def test_run_terraform_captures_output_and_adds_no_color(tmp_path: Path) -> None:
    exe = fake_binary(tmp_path / "terraform", 'echo "args: $*"; echo "cfg: $TF_CLI_CONFIG_FILE" >&2\n')
    res = tc.run_terraform(["plan", "-input=false"], tmp_path, {**PATH_ONLY, "TF_CLI_CONFIG_FILE": "x"}, binary=exe)
    assert res.returncode == 0
    assert "args: plan -no-color -input=false" in res.output
    assert "cfg: x" in res.output, "stderr is captured too"
    res = tc.run_terraform(["state", "list"], tmp_path, PATH_ONLY, binary=exe)
    assert "args: state list" in res.output


def test_run_terraform_failure_shows_the_tail(tmp_path: Path) -> None:
    exe = fake_binary(tmp_path / "terraform", "for i in $(seq 1 100); do echo line-$i; done\nexit 3\n")
    with pytest.raises(tc.TerraformError) as err:
        tc.run_terraform(["apply"], tmp_path, PATH_ONLY, binary=exe, tail_lines=10)
    message = str(err.value)
    assert "exit code 3" in message and "line-100" in message and "line-91" in message
    assert "line-90\n" not in message
    assert err.value.returncode == 3 and "line-1\n" in err.value.output


def test_run_terraform_ok_codes(tmp_path: Path) -> None:
    exe = fake_binary(tmp_path / "terraform", "exit 2\n")
    res = tc.run_terraform(["plan", "-detailed-exitcode"], tmp_path, PATH_ONLY, binary=exe, ok_codes=(0, 2))
    assert res.changes_present


def test_run_terraform_timeout_stops_the_process(tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    exe = fake_binary(tmp_path / "terraform", f"echo $$ > {marker}\nexec sleep 30\n")
    started = time.monotonic()
    with pytest.raises(tc.TerraformError, match="timed out"):
        tc.run_terraform(["apply"], tmp_path, PATH_ONLY, binary=exe, timeout=1)
    assert time.monotonic() - started < 20
    pid = int(marker.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_missing_terraform_binary(tmp_path: Path) -> None:
    with pytest.raises(tc.TerraformNotFound):
        tc.terraform_binary({"PATH": str(tmp_path)})
    with pytest.raises(tc.TerraformNotFound):
        tc.terraform_binary({tc.TERRAFORM_ENV_VAR: str(tmp_path / "nope")})


def test_cli_write_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv(tc.MIRROR_ENV_VAR, str(make_mirror(tmp_path / "mirror")))
    assert tc.main(["write-config", str(tmp_path / "x" / "cli.tfrc")]) == 0
    assert (tmp_path / "x" / "cli.tfrc").is_file()
    monkeypatch.setenv(tc.MIRROR_ENV_VAR, str(tmp_path / "none"))
    assert tc.main(["find-mirror"]) == 2
    assert tc.MIRROR_ENV_VAR in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH")
def test_real_terraform_error_is_readable(terraform_ready: Path, tmp_path: Path) -> None:
    (tmp_path / "main.tf.json").write_text('{"resource": {"nope_thing": {"x": {}}}}')
    env = tc.terraform_env(terraform_ready)
    with pytest.raises(tc.TerraformError) as err:
        tc.run_terraform(["init", "-input=false"], tmp_path, env)
    assert "hashicorp/nope" in str(err.value)
