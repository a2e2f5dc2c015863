"""Finding the project and running its app as ``cdktf synth`` does, with stand-in apps (plain Python scripts that
write what an app writes): no jsii, so these are fast. A real app: tests/cdktf_lambda/tools/test_invoke.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from cdktf_lambda.errors import NotInStackError, SourceError, SynthError
from cdktf_lambda.testing import Project, synth_app
from cdktf_lambda.testing.synth import app_environment

#: A stand-in app: writes one stack per name in its context's "stacks", and records what it was given.
APP = """
import json, os, sys
context = json.loads(os.environ["CDKTF_CONTEXT_JSON"])
outdir = os.environ["CDKTF_OUTDIR"]
for name in context.get("stacks", ["app"]):
    os.makedirs(f"{outdir}/stacks/{name}")
    with open(f"{outdir}/stacks/{name}/cdk.tf.json", "w") as f:
        json.dump({"resource": {}, "output": {"context": {"value": context}}}, f)
print("python:", sys.executable)
"""


def project(tmp_path: Path, app: str = APP, config: dict | None = None) -> Path:
    (tmp_path / "main.py").write_text(app)
    if config is not None:
        (tmp_path / "cdktf.json").write_text(json.dumps(config))
    return tmp_path


def test_find_reads_cdktf_json_at_or_above_the_start(tmp_path: Path) -> None:
    project(tmp_path, config={"app": "python main.py", "context": {"projectName": "shop"}})
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    found = Project.find(tmp_path / "tests" / "unit", stack="shop-dev")
    assert found == Project(tmp_path, app="python main.py", stack="shop-dev", context={"projectName": "shop"})


def test_without_cdktf_json_the_app_is_python_main_py_on_this_interpreter(tmp_path: Path) -> None:
    found = Project.find(tmp_path)
    assert (found.directory, found.app, found.command()) == (tmp_path, "python main.py", [sys.executable, "main.py"])
    assert Project(tmp_path, app=[".venv/bin/python", "main.py"]).command() == [".venv/bin/python", "main.py"]
    with pytest.raises(SourceError, match="the app command of .* is empty"):
        Project(tmp_path, app="").command()


def test_an_unreadable_cdktf_json_is_named(tmp_path: Path) -> None:
    (tmp_path / "cdktf.json").write_text("{")
    with pytest.raises(SourceError, match=r"cannot read the project file .*cdktf\.json"):
        Project.find(tmp_path)


def test_the_app_runs_as_cdktf_synth_runs_it(tmp_path: Path) -> None:
    root = project(tmp_path, config={"app": "python main.py", "context": {"stacks": ["a", "b"], "env": "dev"}})
    found = Project.find(root, stack="b")
    app = synth_app(found, tmp_path / "out")
    assert sorted(app.stacks) == ["a", "b"] and app.stack().name == "b" and app.stack("a").name == "a"
    assert app.stack().directory == tmp_path / "out" / "stacks" / "b"
    assert app.stack().outputs["context"] == {"stacks": ["a", "b"], "env": "dev"}
    assert f"python: {sys.executable}" in app.output and app.seconds > 0
    with pytest.raises(NotInStackError, match=r"the app has no stack 'c'; its stacks: a, b"):
        app.stack("c")
    with pytest.raises(NotInStackError, match=r"the app has 2 stacks \(a, b\): name one"):
        synth_app(Project(root, context={"stacks": ["a", "b"]}), tmp_path / "out2").stack()


def test_context_merges_the_environment_s_and_the_project_s(tmp_path: Path) -> None:
    env = app_environment(
        Project(tmp_path, context={"b": 2}, env={"EXTRA": "1"}),
        tmp_path / "out",
        base={"CDKTF_CONTEXT_JSON": '{"a": 1, "b": 1}', "PATH": "/usr/bin"},
    )
    assert json.loads(env["CDKTF_CONTEXT_JSON"]) == {"a": 1, "b": 2}
    assert (env["CDKTF_OUTDIR"], env["EXTRA"]) == (str(tmp_path / "out"), "1")
    assert env["PATH"] == f"{Path(sys.executable).parent}:/usr/bin"


@pytest.mark.parametrize(
    ("app", "message"),
    [
        (
            "from cdktf_lambda.errors import InvalidParameterError\n"
            "raise InvalidParameterError('memory_size', 64, 'an integer from 128 to 10240 (MB)')\n",
            "the app did not synthesize: `python main.py` in {root} exited with 1.\n"
            "cdktf_lambda.errors.InvalidParameterError: Invalid memory_size: 64. Allowed: an integer from 128 to 10240 "
            "(MB).\n--- the app's output (last 40 lines) ---\nTraceback (most recent call last):",
        ),
        (
            "print('synthesized nothing')\n",
            "the app did not synthesize: `python main.py` in {root} wrote no stack into {root}/out/stacks (does it "
            "call app.synth()?).\n--- the app's output (last 40 lines) ---\nsynthesized nothing",
        ),
    ],
)
def test_an_app_that_does_not_synthesize_shows_its_own_error(tmp_path: Path, app: str, message: str) -> None:
    root = project(tmp_path, app)
    with pytest.raises(SynthError) as raised:
        synth_app(Project(root), root / "out")
    assert str(raised.value).startswith(message.format(root=root))


def test_a_missing_app_command_is_named(tmp_path: Path) -> None:
    with pytest.raises(SynthError, match=r"`no-such-tool main.py` in .*: No such file or directory: 'no-such-tool'"):
        synth_app(Project(tmp_path, app="no-such-tool main.py"), tmp_path / "out")


def test_an_app_that_hangs_is_stopped(tmp_path: Path) -> None:
    root = project(tmp_path, "import time\nprint('started', flush=True)\ntime.sleep(60)\n")
    with pytest.raises(SynthError, match=r"did not finish within 1 s\.\n--- the app's output .*\nstarted"):
        synth_app(Project(root), root / "out", timeout=1)
