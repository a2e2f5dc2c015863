"""The sync commands refuse what they cannot do, naming why."""

from __future__ import annotations

from cdktf_lambda.cli.main import main


def test_local_sync_without_a_local_cloud_says_how_to_start_one(tmp_path, capsys):
    (tmp_path / "cdktf.json").write_text("{}")
    assert main(["local", "--project-dir", str(tmp_path), "sync"]) == 2
    assert capsys.readouterr().err == (
        "cdktf-lambda: the local cloud is not running: `cdktf-lambda local up` starts it and deploys\n"
    )


def test_sync_without_a_synth_says_to_synthesize(tmp_path, capsys):
    assert main(["sync", "--project-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cdktf-lambda: No synthesized stack under ") and "run `make synth`" in err
