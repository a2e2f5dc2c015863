"""``python -m cdktf_lambda invoke`` / ``serve`` and the toolkit's ``lambda_invoke``: the synthesized artifacts, run
locally and in isolation."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cdktf_lambda import DependencyLayer, LambdaFastapiServer, LambdaPythonFunction, RuntimeCodeModules, cdk
from cdktf_lambda import add_aws_provider as add_provider
from cdktf_lambda.cli.main import main
from cdktf_lambda.deploy.mirror import TEST_AWS_ENV
from cdktf_lambda.emulator import server as moto
from cdktf_lambda.packaging.locks import read_lock
from cdktf_lambda.packaging.target import local_target
from cdktf_lambda.testing import Invoker, SynthesizedStack
from tests.conftest import PROJECT_ROOT
from tests.fixtures.layers import lock_without

#: Runs pip, a subprocess synth or an external tool.
pytestmark = pytest.mark.slow

EVENTS = PROJECT_ROOT / "tests" / "events"
ROLE_ARN = "arn:aws:iam::123456789012:role/test-role"
PROBE_HANDLER = """
import importlib.util, sys

import aws_lambda_powertools
import practice_util


def lambda_handler(event, context):
    return {
        "sys_path": sys.path,
        "fastapi": importlib.util.find_spec("fastapi") is not None,
        "powertools": aws_lambda_powertools.__file__,
        "practice_util": practice_util.__file__,
        "function_name": context.function_name,
    }
"""


@pytest.fixture(scope="module")
def no_fastapi_out(offline_env, tmp_path_factory) -> Path:
    """api_server with a dependency layer whose lock lacks fastapi, plus a probe function, for this interpreter's
    version (so the built artifacts run as they are)."""
    runtime = local_target().runtime
    lock = lock_without({"fastapi"}, tmp_path_factory.mktemp("lock") / "Pipfile.lock")
    probe_src = tmp_path_factory.mktemp("src") / "probe"
    probe_src.mkdir()
    (probe_src / "__init__.py").write_text("")
    (probe_src / "probe.py").write_text(PROBE_HANDLER)
    outdir = tmp_path_factory.mktemp("cdktf.out")
    app = cdk.App(outdir=os.fspath(outdir))
    stack = cdk.TerraformStack(app, "isolation")
    add_provider(stack, region="eu-west-1")
    code = RuntimeCodeModules(
        stack, "code", source_base_path="lambda_src", functions=("api_server",), packaging_mode="synth",
        compatible_runtimes=(runtime,),
    )  # fmt: skip
    deps = DependencyLayer(stack, "deps", lock_file=lock, layer_name="no-fastapi", runtime=runtime)
    LambdaFastapiServer(
        stack, "api_server", function_name="isolation-api", package=code.api_server, execution_role_arn=ROLE_ARN,
        runtime=runtime, layers=[deps.info],
    )  # fmt: skip
    probe_zip = RuntimeCodeModules(
        stack, "probe_code", source_base_path=probe_src.parent, functions=("probe",), runtime_modules=(),
        packaging_mode="synth",
    ).packages["probe"]  # fmt: skip
    LambdaPythonFunction(
        stack, "probe", function_name="isolation-probe", package=probe_zip, handler="probe.lambda_handler",
        execution_role_arn=ROLE_ARN, runtime=runtime, layers=[*code.layer_infos, deps.info],
        environment_variables={"GREETING": "hi"},
    )  # fmt: skip
    app.synth()
    return outdir


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -m cdktf_lambda ...`` from the project directory."""
    return subprocess.run(
        [sys.executable, "-m", "cdktf_lambda", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


# --- the reference app, on its own runtime (python3.13, provisioned by the project) ----------------------------------
# The app is the session's (the toolkit's cdktf_app); lambda_invoke runs it as `cdktf-lambda invoke` does.


@pytest.fixture(scope="module")
def greetings_table(moto_server) -> dict[str, str]:
    """A greetings table and queue in moto, and the variables that point the app's functions at them."""
    dynamodb = moto.aws_client("dynamodb", moto_server.endpoint_url)
    dynamodb.create_table(
        TableName="cli-greetings",
        KeySchema=[{"AttributeName": "request_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "request_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    queue = moto.aws_client("sqs", moto_server.endpoint_url).create_queue(QueueName="cli-worker")["QueueUrl"]
    return {
        **TEST_AWS_ENV,
        "AWS_ENDPOINT_URL": moto_server.endpoint_url,
        "GREETINGS_TABLE": "cli-greetings",
        "WORKER_QUEUE_URL": queue,
    }


RUNS_ON_3_13 = "python3.13 (CPython 3.13."


@pytest.mark.parametrize(
    ("function", "event_file", "check"),
    [
        ("api_server", "apigw_http_v2_get_root.json", lambda r: json.loads(r["body"]) == {"message": "Hello World"}),
        (
            "practice-dev-api-server",
            "apigw_http_v2_get_hello_es.json",
            lambda r: json.loads(r["body"])["language"] == "es",
        ),
        ("cron_server", "eventbridge_schedule.json", lambda r: r["status"] == "ok" and r["deleted"] == 0),
        ("worker", "sqs_batch_one_bad.json", lambda r: len(r["batchItemFailures"]) == 1),
    ],
)
def test_invoke_runs_the_synthesized_artifacts_on_python3_13(
    lambda_invoke, greetings_table, function, event_file, check
):
    """This machine has Python 3.11 only: the artifacts run, as synthesized, on the provisioned 3.13 (their AWS
    calls go to a moto server on 127.0.0.1, nowhere else)."""
    result = lambda_invoke(function, EVENTS / event_file, environment=greetings_table)
    assert result.ok, result.error
    assert check(result.response), result.response
    assert result.runtime.startswith(RUNS_ON_3_13), "its own runtime: the layers run as built, none rebuilt"


def test_a_warm_runtime_serves_the_next_event(lambda_invoke):
    first = lambda_invoke("api_server", EVENTS / "apigw_http_v2_get_health.json")
    second = lambda_invoke("api_server", EVENTS / "apigw_http_v2_get_health.json")
    assert (first.status_code, second.status_code) == (200, 200)
    assert "Init Duration" not in second.logs, "no second cold start"


def test_the_cli_runs_on_python3_13_and_logs_the_request_on_stderr(cdktf_app, offline_env):
    result = cli(
        "invoke", "api_server", "--event", str(EVENTS / "apigw_http_v2_get_root.json"), "--outdir",
        str(cdktf_app.outdir), env=offline_env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(json.loads(result.stdout)["body"]) == {"message": "Hello World"}
    (running,) = [line for line in result.stderr.splitlines() if line.startswith("cdktf-lambda: running ")]
    assert running.startswith("cdktf-lambda: running practice-dev-") and f"on {RUNS_ON_3_13}" in running, result.stderr
    assert "rebuilt" not in result.stderr and "not available" not in result.stderr
    assert '"message":"GET / 200"' in result.stderr, "the function's own logs go to stderr"
    assert "REPORT RequestId: " in result.stderr and "Memory Size: 128 MB" in result.stderr


def test_a_handler_error_comes_back_in_lambdas_shape_from_the_official_client(lambda_invoke):
    result = lambda_invoke("worker", {})
    assert result.runtime.startswith(RUNS_ON_3_13)
    assert set(result.error) == {"errorMessage", "errorType", "requestId", "stackTrace"}
    assert result.error["errorType"] == "UnexpectedBatchTypeError"
    assert any('File "/var/task/worker.py"' in frame for frame in result.error["stackTrace"])
    assert "[ERROR] UnexpectedBatchTypeError: Unexpected batch event type" in result.logs
    with pytest.raises(AssertionError, match=r"function 'worker' failed: UnexpectedBatchTypeError: Unexpected batch"):
        result.json()


def test_host_runs_on_this_interpreter_with_the_layer_rebuilt(cdktf_app, offline_env):
    result = cli(
        "invoke", "api_server", "--event", str(EVENTS / "apigw_http_v2_get_root.json"), "--outdir",
        str(cdktf_app.outdir), "--host", env=offline_env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(json.loads(result.stdout)["body"]) == {"message": "Hello World"}
    assert "(CPython 3.13" not in result.stderr
    if shutil.which("python3.13") is None:
        assert "python3.13 is not available here" in result.stderr
        assert "with the layer rebuilt from lambda_src/Pipfile.lock for it" in result.stderr


@pytest.mark.parametrize("prefer", ["target", "host"])
def test_invoke_worker_reports_the_bad_record_and_writes_the_good_ones(lambda_invoke, moto_server, prefer):
    """With the runtime's boto3 the worker reaches a table; ``environment`` points it at one in moto."""
    dynamodb = moto.aws_client("dynamodb", moto_server.endpoint_url)
    table = f"invoke-greetings-{prefer}"
    dynamodb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "request_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "request_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    event = json.loads((EVENTS / "sqs_batch_one_bad.json").read_text())
    environment = {**TEST_AWS_ENV, "AWS_ENDPOINT_URL": moto_server.endpoint_url, "GREETINGS_TABLE": table}
    result = lambda_invoke("worker", event, environment=environment, prefer=prefer)
    assert result.ok, result.error
    assert result.response["batchItemFailures"] == [{"itemIdentifier": event["Records"][1]["messageId"]}]
    items = dynamodb.scan(TableName=table)["Items"]
    assert sorted(item["request_id"]["S"] for item in items) == ["req-001", "req-003"]


def test_the_stack_json_tells_invoke_how_the_dependency_layer_was_built(cdktf_stack):
    (meta,) = [layer.dependencies for layer in cdktf_stack.function("api_server").layers if layer.dependencies]
    assert meta["lock_file"] == "lambda_src/Pipfile.lock"
    assert (meta["runtime"], meta["architecture"]) == ("python3.13", "x86_64")
    assert (meta["lock_format"], meta["categories"], meta["exclude"]) == ("pipfile", ["default"], [])
    assert meta["lock_sha256"] == read_lock(PROJECT_ROOT / "lambda_src" / "Pipfile.lock").sha256


# --- isolation: only the zip, its layers and the standard library ----------------------------------------------------


def test_a_layer_without_fastapi_fails_with_an_import_error_as_on_lambda(no_fastapi_out, offline_env):
    result = cli(
        "invoke", "isolation-api", "--event", str(EVENTS / "apigw_http_v2_get_root.json"),
        "--outdir", str(no_fastapi_out), env=offline_env,
    )  # fmt: skip
    assert result.returncode == 1
    error = json.loads(result.stdout)
    assert error["errorType"] == "Runtime.ImportModuleError"
    assert error["errorMessage"] == "Unable to import module 'api_server': No module named 'fastapi'"
    assert "[ERROR] Runtime.ImportModuleError: Unable to import module 'api_server'" in result.stderr
    assert "could not be imported (ImportError)" in result.stderr
    assert "rebuilt" not in result.stderr, "built for this interpreter: the artifacts run as they are"


def test_on_the_host_the_handler_sees_only_the_task_root_the_layers_and_the_standard_library(no_fastapi_out):
    with Invoker(SynthesizedStack.from_directory(no_fastapi_out / "stacks" / "isolation"), prefer="host") as invoke:
        result = invoke("probe", {})
    assert result.ok, result.error
    response = result.response
    task_root, site, opt_python, runtime, *stdlib = response["sys_path"]
    assert task_root.endswith("/var/task") and opt_python.endswith("/opt/python")
    assert Path(runtime).name.startswith("runtime-packages-") and (Path(runtime) / "boto3").is_dir(), runtime
    assert site == f"{opt_python}/lib/python{local_target().python_version}/site-packages"
    assert not [p for p in stdlib if "site-packages" in p or str(PROJECT_ROOT) in p], stdlib
    assert response["fastapi"] is False, "the test environment's fastapi is not visible"
    assert response["powertools"].startswith(f"{opt_python}/aws_lambda_powertools/")
    assert response["practice_util"].startswith(f"{opt_python}/practice_util/")
    assert response["function_name"] == "isolation-probe"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["invoke", "nope"], "Invalid function: 'nope'. Allowed: a function of the stack"),
        (["invoke", "probe", "--stack", "other"], "Invalid --stack: 'other'. Allowed: one of isolation"),
        (["invoke", "probe", "--event", "missing.json"], "Event file not found: --event 'missing.json'"),
        (["invoke", "probe", "--env", "NOEQUALS"], "Invalid --env: 'NOEQUALS'. Allowed: KEY=VALUE"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(no_fastapi_out, capsys, args, message):
    assert main([*args, "--outdir", str(no_fastapi_out)]) == 2
    assert message in capsys.readouterr().err


def test_without_synth_output_it_says_to_synth(tmp_path, capsys):
    assert main(["invoke", "api_server", "--outdir", str(tmp_path)]) == 2
    assert "run `make synth`" in capsys.readouterr().err


# --- serve -----------------------------------------------------------------------------------------------------------


def test_serve_answers_on_127_0_0_1():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "cdktf_lambda", "serve", "--port", str(port)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200
                    assert json.loads(response.read()) == {"message": "Hello World"}
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "uvicorn did not answer within 30 s"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)
