"""Helpers of the local cloud tests: a handle on a moto server with the local cloud, to deploy small functions into
(waiting for an effect: the toolkit's :func:`cdktf_lambda.testing.wait_for`)."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdktf_lambda.emulator import server as moto

#: The functions of these tests (one zip, several handlers): ``sample_functions.py`` beside this file.
APP = Path(__file__).with_name("sample_functions.py").read_text()


def zip_bytes(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@dataclass
class Cloud:
    """The server, boto3 clients bound to it, and a role for functions."""

    server: moto.MotoServer
    role_arn: str

    def client(self, service: str) -> Any:
        return moto.aws_client(service, self.server.endpoint_url)

    def function(self, name: str, handler: str, **kwargs: Any) -> str:
        """Create function ``name`` running ``app.<handler>``; its ARN."""
        created = self.client("lambda").create_function(
            FunctionName=name,
            Runtime="python3.13",
            Role=self.role_arn,
            Handler=f"app.{handler}",
            Code={"ZipFile": zip_bytes({"app.py": APP})},
            **kwargs,
        )
        return created["FunctionArn"]

    def http_api(self, name: str, function_arn: str, routes: Sequence[str], **api: Any) -> str:
        """Create HTTP API ``name`` whose ``routes`` go to the function (payload 2.0); its id. No stage: the
        caller's."""
        gateway = self.client("apigatewayv2")
        api_id: str = gateway.create_api(Name=name, ProtocolType="HTTP", **api)["ApiId"]
        uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{function_arn}/invocations"
        integration = gateway.create_integration(
            ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=uri, PayloadFormatVersion="2.0"
        )["IntegrationId"]
        for key in routes:
            gateway.create_route(ApiId=api_id, RouteKey=key, Target=f"integrations/{integration}")
        return api_id

    def permit(self, name: str, principal: str, **condition: str) -> None:
        """The resource-based permission without which, IAM enforced, ``principal`` may not invoke function ``name``:
        ``apigateway.amazonaws.com``, ``events.amazonaws.com``, or ``*`` for a function URL without auth."""
        public = principal == "*"
        self.client("lambda").add_permission(
            FunctionName=name,
            StatementId="public-url" if public else principal.split(".")[0],
            Action="lambda:InvokeFunctionUrl" if public else "lambda:InvokeFunction",
            Principal=principal,
            **({"FunctionUrlAuthType": "NONE"} if public else {}),
            **condition,
        )

    def queue(self, name: str, **attributes: str) -> tuple[str, str]:
        """Create queue ``name``; its URL and ARN."""
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def local(self, path: str, method: str = "GET") -> tuple[int, Any]:
        """Status and JSON answer of ``/_local/<path>``."""
        request = urllib.request.Request(
            f"{self.server.endpoint_url}/_local/{path}", method=method, data=b"" if method == "POST" else None
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())
