"""A code update in the local cloud: the next call runs the new code, warm runtimes of code no longer reachable are
retired (those an alias still reaches stay warm), and ``/_local/warm`` starts a function ahead of its next event."""

from __future__ import annotations

import base64
import json
import tempfile
import uuid
from pathlib import Path
from typing import Any

import psutil
import pytest

from cdktf_lambda.testing import wait_for
from tests.cdktf_lambda.emulator.cloud._cloud import Cloud, zip_bytes

pytestmark = pytest.mark.slow

CODE = """
VERSION = {version}
{extra}

def handler(event, context):
    return {{"version": VERSION}}
"""


class Function:
    """A function whose module name is unique, so its runtime processes can be told from the others'."""

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.module = f"updated_{uuid.uuid4().hex[:10]}"
        self.name = self.module.replace("_", "-")
        self.lam = cloud.client("lambda")
        self.lam.create_function(
            FunctionName=self.name,
            Runtime="python3.13",
            Role=cloud.role_arn,
            Handler=f"{self.module}.handler",
            Code={"ZipFile": self.code(1)},
        )

    def code(self, version: int, extra: str = "") -> bytes:
        return zip_bytes({f"{self.module}.py": CODE.format(version=version, extra=extra)})

    def update(self, version: int, extra: str = "") -> None:
        self.lam.update_function_code(FunctionName=self.name, ZipFile=self.code(version, extra))

    def invoke(self, qualifier: str | None = None) -> tuple[Any, str]:
        """The answer, and the log tail (its REPORT line has ``Init Duration`` after a cold start)."""
        qualified = {"Qualifier": qualifier} if qualifier else {}
        answer = self.lam.invoke(FunctionName=self.name, Payload=b"{}", LogType="Tail", **qualified)
        return json.loads(answer["Payload"].read()), base64.b64decode(answer["LogResult"]).decode()

    def runtimes(self) -> int:
        """How many interpreters run this function's code now (the sandbox's unshare and shell are not counted)."""
        handler = f"{self.module}.handler"
        return sum(
            1
            for process in psutil.process_iter(["cmdline"])
            if handler in (cmdline := process.info["cmdline"] or []) and "python" in cmdline[0].rsplit("/", 1)[-1]
        )


def test_the_next_call_runs_the_new_code_and_the_old_runtime_is_retired(cloud):
    function = Function(cloud)
    assert function.invoke()[0] == {"version": 1}
    assert function.runtimes() == 1
    function.update(2)
    assert wait_for(lambda: function.runtimes() == 0, timeout=30), "the runtime of the replaced code stopped"
    answer, log = function.invoke()
    assert answer == {"version": 2} and "Init Duration" in log, "a new runtime (a cold start) runs the new code"
    assert function.runtimes() == 1


def test_a_runtime_an_alias_still_reaches_stays_warm_until_the_alias_moves(cloud):
    function = Function(cloud)
    function.lam.publish_version(FunctionName=function.name)
    function.lam.create_alias(FunctionName=function.name, Name="live", FunctionVersion="1")
    assert function.invoke("live")[0] == {"version": 1}
    function.update(2)
    answer, log = function.invoke("live")
    assert answer == {"version": 1} and "Init Duration" not in log, "version 1 is still live: warm"
    assert function.invoke()[0] == {"version": 2}
    assert function.runtimes() == 2
    function.lam.publish_version(FunctionName=function.name)
    function.lam.update_alias(FunctionName=function.name, Name="live", FunctionVersion="2")
    assert wait_for(lambda: function.runtimes() == 1, timeout=30), "version 1 is reachable no more: retired"
    answer, log = function.invoke("live")
    assert answer == {"version": 2} and "Init Duration" not in log, "the alias now runs version 2's warm runtime"


def test_warm_starts_the_function_ahead_of_its_next_event(cloud):
    function = Function(cloud)
    status, answer = cloud.local(f"warm?function={function.name}", method="POST")
    assert status == 200 and answer["started"] is True and answer["init_error"] is None, answer
    assert function.runtimes() == 1
    reply, log = function.invoke()
    assert reply == {"version": 1} and "Init Duration" not in log, "the event found the runtime warm"


def test_warm_reports_an_import_error_and_so_does_the_first_invocation(cloud):
    function = Function(cloud)
    function.update(2, extra="import not_shipped_anywhere")
    status, answer = cloud.local(f"warm?function={function.name}&qualifier=$LATEST", method="POST")
    assert status == 200 and answer["started"] is False
    assert answer["init_error"]["errorType"] == "Runtime.ImportModuleError"
    assert "No module named 'not_shipped_anywhere'" in answer["init_error"]["errorMessage"]
    reply, _ = function.invoke()
    assert reply["errorType"] == "Runtime.ImportModuleError"


def test_warm_of_an_unknown_function_is_a_404(cloud):
    assert cloud.local("warm?function=never-created", method="POST")[0] == 404
    assert cloud.local("warm", method="POST") == (400, {"error": "function= is required (a function name or ARN)"})


def test_invoke_runs_the_version_its_qualifier_names_and_ignores_a_qualifier_key_of_the_event(cloud):
    """moto 5.2 read ``Qualifier`` from the event instead of the query (fidelity patch ``lambda-invoke-qualifier``)."""
    function = Function(cloud)
    function.lam.publish_version(FunctionName=function.name)
    function.update(2)
    function.lam.create_alias(FunctionName=function.name, Name="live", FunctionVersion="1")
    assert function.invoke("1")[0] == {"version": 1}
    assert function.invoke("live")[0] == {"version": 1}
    assert function.invoke()[0] == {"version": 2}
    answer = function.lam.invoke(FunctionName=function.name, Payload=json.dumps({"qualifier": "1"}).encode())
    assert (answer["StatusCode"], json.loads(answer["Payload"].read())) == (200, {"version": 2})
    assert answer["ExecutedVersion"] == "$LATEST"


def test_prepare_extracts_a_functions_layers_ahead_of_its_first_event(cloud):
    module = f"prepared_{uuid.uuid4().hex[:10]}"
    lam = cloud.client("lambda")
    layer = lam.publish_layer_version(
        LayerName=module.replace("_", "-"), Content={"ZipFile": zip_bytes({f"python/{module}.py": "WHERE = 'layer'\n"})}
    )["LayerVersionArn"]
    code = f"import {module}\n\ndef handler(event, context):\n    return {module}.WHERE\n"
    lam.create_function(
        FunctionName=module.replace("_", "-"),
        Runtime="python3.13",
        Role=cloud.role_arn,
        Handler="app.handler",
        Code={"ZipFile": zip_bytes({"app.py": code})},
        Layers=[layer],
    )
    status, answer = cloud.local("prepare", method="POST")
    assert status == 200 and module.replace("_", "-") in answer["prepared"], answer
    extracted = list(Path(tempfile.gettempdir()).glob(f"cdktf-lambda-opt-*/*/python/{module}.py"))
    assert len(extracted) == 1, "the layer was extracted once, before any event"
    reply = lam.invoke(FunctionName=module.replace("_", "-"), Payload=b"{}")
    assert json.loads(reply["Payload"].read()) == "layer"
