"""The function's own runtime: python3.13 provisioned by the project, awslambdaric, Lambda's layout and contract."""

from __future__ import annotations

import os
import threading
import time
import zipfile
from pathlib import Path

import psutil
import pytest

from cdktf_lambda.runtime.code import FunctionCode
from cdktf_lambda.runtime.runner import RuntimeRunner
from tests.fixtures.runtimes import kill_runtimes, runtime_processes

pytestmark = pytest.mark.slow

HANDLER = """
import os, signal, sys, time, uuid
import layered

COLD = {"pid": os.getpid(), "boot": uuid.uuid4().hex}
print("init ran", flush=True)


def handler(event, context):
    if event.get("kill"):
        print("about to be killed", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    if "exit" in event:
        os._exit(event["exit"])
    if event.get("fail"):
        raise ValueError(f"bad input {event['fail']!r}")
    if event.get("sleep"):
        time.sleep(event["sleep"])
    try:
        open("/var/task/written", "w")
        task = "writable"
    except OSError as exc:
        task = exc.strerror
    with open("/tmp/probe", "w") as handle:
        handle.write("ok")
    print("handled", event.get("n"))
    return {
        "pid": COLD["pid"],
        "boot": COLD["boot"],
        "n": event.get("n"),
        "layer": layered.WHERE,
        "task": task,
        "tmp": open("/tmp/probe").read(),
        "memory": context.memory_limit_in_mb,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "request_id": context.aws_request_id,
        "arn": context.invoked_function_arn,
        "version": "%d.%d" % sys.version_info[:2],
        "cwd": os.getcwd(),
        "env": {k: os.environ.get(k) for k in (
            "AWS_LAMBDA_FUNCTION_NAME", "_HANDLER", "LAMBDA_TASK_ROOT", "AWS_REGION", "TZ",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "GREETING", "LAMBDA_RUNTIME_DIR")},
    }
"""


def make_zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


@pytest.fixture(scope="module")
def code(tmp_path_factory) -> FunctionCode:
    root = tmp_path_factory.mktemp("artifacts")
    first = make_zip(root / "layer1.zip", {"python/layered.py": "WHERE = 'first layer'\n"})
    second = make_zip(root / "layer2.zip", {"python/layered.py": "WHERE = 'second layer'\n"})
    return FunctionCode(
        function_name="demo-fn", handler="app.handler", runtime="python3.13",
        code_zip=make_zip(root / "code.zip", {"app.py": HANDLER}), layer_zips=(first, second),
        timeout=2, memory_size=256, environment={"GREETING": "hi"}, region="eu-west-1",
    )  # fmt: skip


@pytest.fixture(scope="module")
def runner():
    with RuntimeRunner() as started:
        yield started


def test_it_runs_on_python3_13_in_lambdas_layout(runner, code):
    result = runner.invoke(code, {"n": 1}, request_id="req-1")
    assert result.ok, result.error
    response = result.response
    assert response["version"] == "3.13" and result.python.startswith("python3.13 (CPython 3.13.")
    assert response["layer"] == "second layer", "layers are extracted in order, later over earlier"
    assert response["request_id"] == "req-1"
    assert response["arn"] == "arn:aws:lambda:eu-west-1:123456789012:function:demo-fn"
    assert response["memory"] == "256" and "Memory Size: 256 MB" in result.logs
    assert 0 < response["remaining_ms"] <= 2000
    assert response["tmp"] == "ok"
    env = response["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "demo-fn" and env["_HANDLER"] == "app.handler"
    assert env["AWS_REGION"] == "eu-west-1" and env["TZ"] == ":UTC" and env["GREETING"] == "hi"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    if "sandboxed" in result.python:
        assert response["task"] == "Read-only file system", "/var/task is read-only"
        assert env["LAMBDA_TASK_ROOT"] == response["cwd"] == "/var/task"
        assert env["LAMBDA_RUNTIME_DIR"] == "/var/runtime"
    assert "handled 1" in result.logs and result.logs.startswith("START RequestId: req-1")


def test_warm_invocations_reuse_the_started_runtime(runner, code):
    results = [runner.invoke(code, {"n": n}) for n in range(3)]
    assert all(r.ok for r in results)
    assert len({r.response["pid"] for r in results}) == 1, "one process served the three events"
    assert not [r for r in results[1:] if "init ran" in r.logs], "init ran once"


def test_a_handler_error_is_the_official_clients_payload(runner, code):
    result = runner.invoke(code, {"fail": 7}, request_id="req-err")
    assert result.error is not None
    assert set(result.error) == {"errorMessage", "errorType", "requestId", "stackTrace"}
    assert result.error["errorType"] == "ValueError" and result.error["errorMessage"] == "bad input 7"
    assert result.error["requestId"] == "req-err"
    assert result.error["stackTrace"][0].startswith('  File "/var/task/app.py"')
    assert "[ERROR] ValueError: bad input 7" in result.logs
    assert runner.invoke(code, {"n": 2}).ok, "the runtime survives a handler error"


def test_the_timeout_is_enforced_with_lambdas_message(runner, code):
    before = runner.invoke(code, {"n": 0}).response["boot"]
    result = runner.invoke(code, {"sleep": 5}, request_id="req-slow")
    assert result.error == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": "RequestId: req-slow Error: Task timed out after 2.00 seconds",
    }
    assert "req-slow Task timed out after 2.00 seconds" in result.logs
    after = runner.invoke(code, {"n": 3})
    assert after.ok and "init ran" in after.logs, "a new runtime is started after a timeout"
    assert after.response["boot"] != before, "the environment that timed out is not reused"


@pytest.mark.parametrize(
    ("event", "reason"), [({"kill": True}, "signal: killed"), ({"exit": 3}, "exit status 3")], ids=["sigkill", "exit"]
)
def test_a_runtime_that_dies_mid_invocation_fails_it_as_lambda_does_and_the_next_starts_fresh(
    runner, code, event, reason
):
    before = runner.invoke(code, {"n": 0}).response["boot"]
    result = runner.invoke(code, event, request_id="req-died")
    message = f"RequestId: req-died Error: Runtime exited with error: {reason}"
    assert result.error == {"errorType": "Runtime.ExitError", "errorMessage": message}
    lines = result.logs.splitlines()
    assert lines[0] == "START RequestId: req-died Version: $LATEST"
    assert lines[-4:-2] == [message, "Runtime.ExitError"] and lines[-2] == "END RequestId: req-died"
    assert lines[-1].startswith("REPORT RequestId: req-died\tDuration: ")
    assert "Killed" not in lines, "the sandbox's shell says nothing of its own"
    after = runner.invoke(code, {"n": 1})
    assert after.ok and "init ran" in after.logs and after.response["boot"] != before, "a fresh environment"


def test_a_runtime_killed_while_idle_is_replaced_for_the_next_event(runner, code):
    """The reported failure: after a SIGKILL of a warm runtime, every later event hung until its timeout."""
    before = runner.invoke(code, {"n": 0}).response["boot"]
    victims = runtime_processes(os.getpid(), "app.handler")
    assert victims and kill_runtimes(os.getpid(), "app.handler")
    psutil.wait_procs(victims, timeout=5)
    for n in range(3):
        started = time.monotonic()
        result = runner.invoke(code, {"n": n})
        assert result.ok, result.error
        assert time.monotonic() - started < 2, "answered at once, not after the timeout"
    assert result.response["boot"] != before


def test_concurrent_events_get_their_own_runtime(runner, code):
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(runner.invoke(code, {"sleep": 0.5}))) for _ in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r.ok for r in results) and len(results) == 2


def test_an_import_error_is_the_official_init_error(tmp_path, runner):
    broken = FunctionCode(
        function_name="broken", handler="app.handler", runtime="python3.13",
        code_zip=make_zip(tmp_path / "code.zip", {"app.py": "import not_shipped_anywhere\n"}),
    )  # fmt: skip
    assert runner.check_init(broken) == {
        "errorMessage": "Unable to import module 'app': No module named 'not_shipped_anywhere'",
        "errorType": "Runtime.ImportModuleError",
        "requestId": "",
        "stackTrace": [],
    }
    result = runner.invoke(broken, {})
    assert result.error["errorType"] == "Runtime.ImportModuleError"


def test_the_output_of_a_runtime_is_drained_when_its_pipe_is_above_descriptor_1024(tmp_path):
    """The local cloud's process holds many descriptors. A handler that writes more than a pipe holds (64 KiB) blocks
    until the output is read while it runs: the pump must not rely on select(), which refuses descriptors > 1023."""
    import resource

    chatty = FunctionCode(
        function_name="chatty", handler="app.handler", runtime="python3.13", timeout=20,
        code_zip=make_zip(tmp_path / "chatty.zip", {"app.py": "def handler(event, context):\n"
                                                             "    print('x' * 200_000)\n    return 'done'\n"}),
    )  # fmt: skip
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(4096, hard)), hard))
    held = [open(tmp_path / "held", "w") for _ in range(1100)]  # the next descriptors are above 1024
    try:
        with RuntimeRunner() as runner:
            result = runner.invoke(chatty, {})
        assert result.ok and result.response == "done", result.error
        assert "x" * 200_000 in result.logs
    finally:
        for handle in held:
            handle.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
