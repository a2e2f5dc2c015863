"""A client project that shares no file with this repository: the library built as a wheel, installed with its
extras into a fresh virtualenv, used exactly as the documentation shows, synthesized and deployed with the CLI, and
tested with the library's pytest toolkit.

The steps are "Install in your own project" (docs/getting-started.md): build the wheel from the checkout
(``pip wheel --no-deps .``), install ``cdktf-lambda[cdktf,local,testing]`` into a new virtualenv (dependencies from
the package registry; ``uv`` keeps them in its cache between runs), write a project shaped like the cdktf-cli
``python-pip`` template in a temporary directory (its own ``cdktf.json``, the documentation's ``main.py``, a function
directory of its own), ``cdktf synth`` with this repository's pinned CLI, check the JSON, ``terraform validate``,
``cdktf deploy`` into moto on 127.0.0.1 and ``cdktf destroy``. Then "Testing your stack" (docs/testing.md): its files
written into another new project, its tests run with that virtualenv's pytest (they pass), and run again with every
handler raising (the invoke and local-cloud tests fail, naming the error).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cdktf_lambda.deploy.mirror import terraform_env
from cdktf_lambda.emulator.contents import leftovers
from cdktf_lambda.emulator.server import running_server
from devtools.example import BROKEN, break_handlers, write_example
from tests.conftest import PROJECT_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.terraform]

STACK = "shop-dev"
CLI = PROJECT_ROOT / "node_modules" / ".bin" / "cdktf"
HANDLER = '''"""Orders: answers an HTTP API v2 event with the shared greeting."""

from shoplib import greeting


def lambda_handler(event, context):
    return {"statusCode": 200, "body": greeting(event.get("rawPath", "/"))}
'''
SHARED = 'def greeting(path):\n    return f"orders at {path}"\n'


def readme_main_py() -> str:
    """The ``main.py`` of "Using the library in your own stack" (docs/getting-started.md), as it is written there."""
    page = (PROJECT_ROOT / "docs" / "getting-started.md").read_text()
    section = page.split("## Using the library in your own stack", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def client_env(venv: Path, project: Path) -> dict[str, str]:
    """Nothing of this checkout: no PYTHONPATH, no project variables; the client's virtualenv (its node 22) first."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CDKTF_LAMBDA_", "PYTHON", "VIRTUAL_ENV", "PIPENV_", "PYTEST_")) and k != "NODE_OPTIONS"
    }
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}", CHECKPOINT_DISABLE="1", DISABLE_VERSION_CHECK="true")
    env["CDKTF_LAMBDA_CACHE_DIR"] = str(project / ".cdktf-lambda-cache")
    return env


def run(command: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed ({result.returncode}):\n{output[-4000:]}"
    return output


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(PROJECT_ROOT)],
        cwd=dist,
        env=env,
    )
    (built,) = dist.glob("cdktf_lambda-*-py3-none-any.whl")
    return built


@pytest.fixture(scope="module")
def client_venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtualenv with ``cdktf-lambda[cdktf,local,testing]`` from the wheel (no access to this checkout)."""
    uv = shutil.which("uv", path=str(Path(sys.executable).parent))
    assert uv, "uv (a dev package) is needed to build the client's virtualenv: run `make setup`"
    venv = tmp_path_factory.mktemp("client") / ".venv"
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], cwd=venv.parent, env=env)
    run(
        [uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), f"{wheel}[cdktf,local,testing]"],
        cwd=venv.parent,
        env=env,
    )
    return venv


@pytest.fixture(scope="module")
def client(client_venv, terraform_cli_config, tmp_path_factory) -> dict:
    """The client project, synthesized with the CLI; its environment, output and stack JSON."""
    project = tmp_path_factory.mktemp("shop")
    (project / "cdktf.json").write_text(
        json.dumps(
            {
                "language": "python",
                "app": "python main.py",
                "projectId": "4c1e0b3a-client-project-test",
                "sendCrashReports": "false",
                "terraformProviders": [],
                "terraformModules": [],
                "codeMakerOutput": "imports",
                "context": {},
            },
            indent=2,
        )
    )
    (project / "main.py").write_text(readme_main_py())
    for relative, text in {
        "functions/orders/__init__.py": "",
        "functions/orders/lambda_handler.py": HANDLER,
        "functions/shoplib/__init__.py": SHARED,
    }.items():
        (project / relative).parent.mkdir(parents=True, exist_ok=True)
        (project / relative).write_text(text)
    env = client_env(client_venv, project)
    env["TF_CLI_CONFIG_FILE"] = str(terraform_cli_config)  # the offline provider mirror (the machine's points nowhere)
    output = run([str(CLI), "synth"], cwd=project, env=env)
    stack_dir = project / "cdktf.out" / "stacks" / STACK
    return {"project": project, "env": env, "output": output, "stack_dir": stack_dir, "venv": client_venv}


def test_the_wheel_holds_only_the_library(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        top = {name.split("/", 1)[0] for name in names}
        entry_points = archive.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    packages = {name for name in top if not name.endswith(".dist-info")}
    assert packages == {"cdktf_lambda"}, f"the wheel holds other top-level packages: {sorted(packages)}"
    assert "cdktf_lambda/_fast_import/node_lazy_providers.js" in names, "package data is missing"
    assert "cdktf_lambda/py.typed" in names, "the types stop at the package boundary without the PEP 561 marker"
    assert "cdktf-lambda = cdktf_lambda.cli.main:main" in entry_points
    assert "[pytest11]\ncdktf_lambda = cdktf_lambda.testing.plugin" in entry_points
    for extra in ("cdktf", "cdktn", "local", "testing"):
        assert f"Provides-Extra: {extra}" in metadata


#: A user's stack with three wrongly typed arguments, each on its own line, and the rest right.
BADLY_TYPED_STACK = """\
from cdktf_lambda import ExecutionRole, LambdaPythonFunction, Schedule, cdk


class Stack(cdk.TerraformStack):
    def __init__(self, scope: cdk.Construct, id_: str) -> None:
        super().__init__(scope, id_)
        role = ExecutionRole(self, "role", role_name="r")
        fn = LambdaPythonFunction(
            self,
            "fn",
            function_name="f",
            package_zip_path="a.zip",
            package_zip_hash="aA==",
            handler="app.handler",
            execution_role_arn=role.arn,
            memory_size="lots",
            runtime="python2.7",
        )
        Schedule(self, "tick", rule_name="tick", schedule_expression="rate(1 minute)", function=fn, enabled="yes")
"""


def user_mypy_config() -> str:
    """The mypy configuration "Type-check your stack" (docs/getting-started.md) advises, as it is written there."""
    page = (PROJECT_ROOT / "docs" / "getting-started.md").read_text()
    return re.search(r"```ini\n(.*?)```", page.split("## Type-check your stack", 1)[1], re.S).group(1)


def test_a_type_checker_names_each_wrongly_typed_argument_of_a_users_stack(client_venv, tmp_path):
    """The wheel's py.typed makes the constructs' types reach the user's mypy, with the Literal option sets."""
    (tmp_path / "stack.py").write_text(BADLY_TYPED_STACK)
    (tmp_path / "mypy.ini").write_text(user_mypy_config())
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--python-executable", str(client_venv / "bin" / "python"),
         "--no-incremental", "--strict", "stack.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert result.returncode == 1, result.stdout + result.stderr
    assert "missing library stubs or py.typed marker" not in result.stdout
    lines = BADLY_TYPED_STACK.splitlines()
    named = {lines[int(line.split(":")[1]) - 1].strip().split("=")[0] for line in errors}
    assert named == {"memory_size", "runtime", 'Schedule(self, "tick", rule_name'}, result.stdout
    assert any('"memory_size"' in line and '"str"' in line for line in errors), result.stdout
    assert any("python2.7" in line and "Literal" in line for line in errors), result.stdout
    assert any('"enabled"' in line for line in errors), result.stdout


def test_the_client_synthesizes_a_function_log_group_and_layer(client):
    stack_json = json.loads((client["stack_dir"] / "cdk.tf.json").read_text())
    resources = stack_json["resource"]
    (function,) = resources["aws_lambda_function"].values()
    assert function["function_name"] == "shop-dev-orders"
    assert function["handler"] == "lambda_handler.lambda_handler"
    assert "/aws/lambda/shop-dev-orders" in [group["name"] for group in resources["aws_cloudwatch_log_group"].values()]
    (layer,) = resources["aws_lambda_layer_version"].values()
    for artifact in (function["filename"], layer["filename"]):
        assert not os.path.isabs(artifact) and (client["stack_dir"] / artifact).is_file(), artifact
    with zipfile.ZipFile(client["stack_dir"] / function["filename"]) as archive:
        assert sorted(archive.namelist()) == [
            "__init__.py",
            "__pycache__/__init__.cpython-313.pyc",
            "__pycache__/lambda_handler.cpython-313.pyc",
            "lambda_handler.py",
        ]


def test_the_client_json_has_no_absolute_path(client):
    text = (client["stack_dir"] / "cdk.tf.json").read_text()
    for machine_path in (str(client["project"]), str(PROJECT_ROOT), str(client["venv"])):
        assert machine_path not in text
    backend = json.loads(text)["terraform"]["backend"]["local"]
    assert backend == {"path": "../../../terraform.shop-dev.tfstate"}


def test_the_synth_prints_no_error_line(client):
    assert "[ERROR]" not in client["output"], client["output"][-2000:]


def test_the_console_script_runs_without_jsii_and_invokes_the_client_function(client, tmp_path):
    bin_dir = client["venv"] / "bin"
    help_text = run([str(bin_dir / "cdktf-lambda"), "--help"], cwd=client["project"], env=client["env"])
    assert "invoke" in help_text and "serve" in help_text
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"version": "2.0", "rawPath": "/orders"}))
    result = subprocess.run(
        [str(bin_dir / "cdktf-lambda"), "invoke", "orders", "--event", str(event)],
        cwd=client["project"],
        env=client["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"statusCode": 200, "body": "orders at /orders"}


def test_terraform_validate_deploy_and_destroy_in_moto(client, terraform_cli_config, tmp_path):
    with running_server(log_path=tmp_path / "moto.log") as server:
        env = terraform_env(terraform_cli_config, server.endpoint_url, base_env=client["env"])
        stack_dir = client["stack_dir"]
        run(["terraform", "init", "-input=false", "-no-color"], cwd=stack_dir, env=env)
        assert "Success! The configuration is valid." in run(
            ["terraform", "validate", "-no-color"], cwd=stack_dir, env=env
        )
        deploy = [
            "deploy",
            STACK,
            "--auto-approve",
            "--skip-provider-lock",
            "--outputs-file",
            str(tmp_path / "out.json"),
        ]
        run([str(CLI), *deploy], cwd=client["project"], env=env)
        outputs = json.loads((tmp_path / "out.json").read_text())[STACK]
        assert outputs["orders_function_name"] == "shop-dev-orders"
        assert (client["project"] / "terraform.shop-dev.tfstate").is_file(), "state is not where cdktf puts it"
        run([str(CLI), "destroy", STACK, "--auto-approve", "--skip-provider-lock"], cwd=client["project"], env=env)
        assert leftovers(server.endpoint_url) == {}


def test_cdktf_lambda_local_runs_the_client_app(client):
    """``cdktf-lambda local up`` in the client project: its HTTP API answers on the URL ``status`` prints; ``down``."""
    import urllib.request

    command = [str(client["venv"] / "bin" / "cdktf-lambda"), "local"]
    env = {**client["env"], "CDKTF_LAMBDA_CDKTF_CLI": str(CLI)}  # the client has no node_modules of its own
    project = client["project"]
    try:
        up = run([*command, "up"], cwd=project, env=env)
        assert "local cloud started" in up and "shop-dev-api" in up
        status = json.loads(run([*command, "status", "--json"], cwd=project, env=env))
        url = status["http_apis"]["shop-dev-api"]
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"{url}/orders/today", timeout=120) as answer:
            assert (answer.status, answer.read()) == (200, b"orders at /orders/today")
        assert (project / ".cdktf-lambda" / "local" / "terraform.shop-dev.tfstate").is_file()
    finally:
        down = subprocess.run([*command, "down"], cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert down.returncode == 0 and "local cloud stopped" in down.stderr, down.stdout + down.stderr  # a log line


# --- docs/testing.md, "Testing your stack", in a new project -------------------------------------------------------


def run_example_tests(venv: Path, project: Path) -> tuple[int, str]:
    """``pytest`` of the client's virtualenv in ``project``: its exit status and output."""
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pytest", "-p", "no:cacheprovider", "-rA"],
        cwd=project,
        env=client_env(venv, project),
        capture_output=True,
        text=True,
        timeout=900,
    )
    return result.returncode, result.stdout + result.stderr


def failures(output: str) -> dict[str, str]:
    """The failure report of each test (its ``____ name ____`` block, up to the next one), by test name."""
    blocks = re.split(r"^_{3,} (\S+) _{3,}$", output, flags=re.M)
    return dict(zip(blocks[1::2], blocks[2::2], strict=True))


@pytest.fixture(scope="module")
def example(client_venv, tmp_path_factory) -> Path:
    """The example's files, as docs/testing.md shows them, in a new project with nothing else."""
    return write_example(tmp_path_factory.mktemp("example"))


def test_the_readme_example_has_a_stack_a_handler_and_tests_of_the_three_kinds(example):
    tests = (example / "tests" / "test_orders.py").read_text()
    assert (example / "main.py").is_file() and (example / "functions" / "orders" / "lambda_handler.py").is_file()
    for fixture in ("cdktf_stack", "lambda_invoke", "local_cloud"):
        assert re.search(rf"^def test_\w+\({fixture}\):", tests, re.M), f"no test of the example uses {fixture}"


def test_the_readme_example_s_tests_pass_in_a_new_project(client_venv, example):
    status, output = run_example_tests(client_venv, example)
    assert status == 0, output[-6000:]
    assert re.search(r"^=+ 3 passed in ", output.splitlines()[-1]), output[-3000:]
    assert re.search(r"local cloud deploy \(main\) [\d.]+ s .* the deploy is \d+% of it", output), output[-2000:]


def test_the_readme_example_s_tests_fail_when_its_handlers_raise(client_venv, example, tmp_path):
    broken = shutil.copytree(example, tmp_path / "broken", ignore=shutil.ignore_patterns(".cdktf-lambda-cache"))
    assert break_handlers(broken), "the example has no lambda_handler to break"
    status, output = run_example_tests(client_venv, broken)
    assert status == 1, output[-6000:]
    failed = failures(output)
    assert sorted(failed) == [
        "test_an_order_posted_to_the_api_is_stored_and_read_back",
        "test_an_order_without_an_item_is_refused",
    ], output[-6000:]
    for name, report in failed.items():
        assert f"RuntimeError: {BROKEN}" in report, f"{name} does not name the handler's error:\n{report}"
    # The synthesized infrastructure does not change when a handler raises: its test still passes.
    assert "PASSED tests/test_orders.py::test_orders_runs_python313_behind_the_api_and_may_write_its_table" in output
