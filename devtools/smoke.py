"""Smoke test of the harness: a small hand-written Terraform JSON app, full lifecycle on moto.

``python -m devtools.smoke [--workdir DIR] [--no-sqs]`` starts a private moto server, then
runs init -> validate -> apply -> plan (must be empty) -> change the function zip ->
plan (must be exactly one in-place update of the function) -> apply -> plan (empty)
-> destroy -> inventory (must be empty), and prints the wall time of each phase.

The configuration (:func:`sample_config`) uses the resource kinds of the real app
(IAM role + inline policy + managed-policy attachment, log groups, layer, function
with tracing/env/layers, SQS queue + DLQ + event source mapping, HTTP API with
integration/``$default`` route/``$default`` stage with access logs, permissions,
EventBridge rule + target, provider ``default_tags``) and re-plans clean because:

* moto runs with AWS-managed IAM policies loaded (``MOTO_IAM_LOAD_MANAGED_POLICIES``),
  so attaching ``AWSLambdaBasicExecutionRole`` works;
* moto returns an SQS ``RedrivePolicy`` as compact JSON like AWS (patch in
  :mod:`cdktf_lambda.emulator.entry`); unpatched, every queue with a redrive policy shows a
  whitespace-only ``redrive_policy`` diff on each plan, inline or not.

Timing: each SQS queue create/attribute change costs ~25 s in the aws provider
(``waitQueueAttributesPropagated``: 6 consecutive matching reads, 5 s apart; fixed in
the provider, no setting), so the DLQ -> queue chain makes ``apply`` ~55 s. An
``aws_sqs_queue_redrive_policy`` pays the same wait again on destroy.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdktf_lambda.deploy.mirror import terraform_env, write_cli_config
from cdktf_lambda.deploy.terraform import TerraformError, run_terraform
from cdktf_lambda.emulator import server as moto
from cdktf_lambda.emulator.contents import leftovers
from cdktf_lambda.packaging.files import list_files
from cdktf_lambda.packaging.zips import write_zip

AWS_VERSION_CONSTRAINT = ">= 5.100, < 7"
PREFIX = "smoke"

HANDLER_V1 = 'def handler(event, context):\n    return {"statusCode": 200, "body": "v1"}\n'
HANDLER_V2 = 'def handler(event, context):\n    return {"statusCode": 200, "body": "v2"}\n'


class LifecycleError(AssertionError):
    """A lifecycle expectation failed (drift, unexpected plan, leftovers)."""


def write_sample_zip(dest: Path, files: Mapping[str, str]) -> Path:
    """Zip the in-memory ``files`` (archive name -> text) to ``dest`` with the library's deterministic zip writer."""
    with tempfile.TemporaryDirectory(prefix="smoke-zip-") as tmp:
        for name, text in files.items():
            path = Path(tmp, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        write_zip(list_files(tmp), dest)
    return dest


def sample_config(*, sqs: bool = True, redrive_resource: bool = False, prefix: str = PREFIX) -> dict[str, Any]:
    """Terraform JSON (``main.tf.json``) of the smoke app; zips are ``fn.zip``/``layer.zip`` beside it.

    ``redrive_resource`` puts the DLQ redrive policy in an ``aws_sqs_queue_redrive_policy``
    instead of the queue's inline ``redrive_policy`` (both re-plan clean on the patched
    moto; the separate resource adds ~25 s to destroy, see the module docstring).
    """
    fn_zip = "${path.module}/fn.zip"
    layer_zip = "${path.module}/layer.zip"
    assume = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}
        ],
    }
    inline = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"arn:aws:logs:*:*:log-group:/aws/lambda/{prefix}-fn:*",
            }
        ],
    }
    resource: dict[str, Any] = {
        "aws_iam_role": {"fn": {"name": f"{prefix}-fn-role", "assume_role_policy": json.dumps(assume)}},
        "aws_iam_role_policy": {
            "logs": {"name": "logs", "role": "${aws_iam_role.fn.id}", "policy": json.dumps(inline)}
        },
        "aws_iam_role_policy_attachment": {
            "basic": {
                "role": "${aws_iam_role.fn.name}",
                "policy_arn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            }
        },
        "aws_cloudwatch_log_group": {
            "fn": {"name": f"/aws/lambda/{prefix}-fn", "retention_in_days": 7},
            "api": {"name": f"/aws/apigateway/{prefix}-api", "retention_in_days": 7},
        },
        "aws_lambda_layer_version": {
            "deps": {
                "layer_name": f"{prefix}-deps",
                "filename": layer_zip,
                "source_code_hash": '${filebase64sha256("' + layer_zip + '")}',
                "compatible_runtimes": ["python3.12"],
            }
        },
        "aws_lambda_function": {
            "fn": {
                "function_name": f"{prefix}-fn",
                "role": "${aws_iam_role.fn.arn}",
                "handler": "app.handler",
                "runtime": "python3.12",
                "architectures": ["x86_64"],
                "filename": fn_zip,
                "source_code_hash": '${filebase64sha256("' + fn_zip + '")}',
                "layers": ["${aws_lambda_layer_version.deps.arn}"],
                "timeout": 10,
                "memory_size": 256,
                "environment": {"variables": {"STAGE": "local"}},
                "tracing_config": {"mode": "Active"},
                "depends_on": ["aws_cloudwatch_log_group.fn"],
            }
        },
        "aws_apigatewayv2_api": {"http": {"name": f"{prefix}-api", "protocol_type": "HTTP"}},
        "aws_apigatewayv2_integration": {
            "fn": {
                "api_id": "${aws_apigatewayv2_api.http.id}",
                "integration_type": "AWS_PROXY",
                "integration_method": "POST",
                "integration_uri": "${aws_lambda_function.fn.invoke_arn}",
                "payload_format_version": "2.0",
            }
        },
        "aws_apigatewayv2_route": {
            "default": {
                "api_id": "${aws_apigatewayv2_api.http.id}",
                "route_key": "$default",
                "target": "integrations/${aws_apigatewayv2_integration.fn.id}",
            }
        },
        "aws_apigatewayv2_stage": {
            "default": {
                "api_id": "${aws_apigatewayv2_api.http.id}",
                "name": "$default",
                "auto_deploy": True,
                "access_log_settings": {
                    "destination_arn": "${aws_cloudwatch_log_group.api.arn}",
                    "format": json.dumps(
                        {"requestId": "$context.requestId", "status": "$context.status"}, separators=(",", ":")
                    ),
                },
            }
        },
        "aws_lambda_permission": {
            "api": {
                "statement_id": "AllowApiGateway",
                "action": "lambda:InvokeFunction",
                "function_name": "${aws_lambda_function.fn.function_name}",
                "principal": "apigateway.amazonaws.com",
                "source_arn": "${aws_apigatewayv2_api.http.execution_arn}/*/*",
            },
            "events": {
                "statement_id": "AllowEventBridge",
                "action": "lambda:InvokeFunction",
                "function_name": "${aws_lambda_function.fn.function_name}",
                "principal": "events.amazonaws.com",
                "source_arn": "${aws_cloudwatch_event_rule.tick.arn}",
            },
        },
        "aws_cloudwatch_event_rule": {"tick": {"name": f"{prefix}-tick", "schedule_expression": "rate(5 minutes)"}},
        "aws_cloudwatch_event_target": {
            "tick": {
                "rule": "${aws_cloudwatch_event_rule.tick.name}",
                "target_id": "fn",
                "arn": "${aws_lambda_function.fn.arn}",
            }
        },
    }
    if sqs:
        redrive = "${jsonencode({deadLetterTargetArn = aws_sqs_queue.dlq.arn, maxReceiveCount = 5})}"
        resource["aws_sqs_queue"] = {
            "dlq": {"name": f"{prefix}-dlq", "message_retention_seconds": 1209600},
            "jobs": {"name": f"{prefix}-jobs", "visibility_timeout_seconds": 60},
        }
        if redrive_resource:
            resource["aws_sqs_queue_redrive_policy"] = {
                "jobs": {"queue_url": "${aws_sqs_queue.jobs.id}", "redrive_policy": redrive}
            }
        else:
            resource["aws_sqs_queue"]["jobs"]["redrive_policy"] = redrive
        resource["aws_lambda_event_source_mapping"] = {
            "jobs": {
                "event_source_arn": "${aws_sqs_queue.jobs.arn}",
                "function_name": "${aws_lambda_function.fn.arn}",
                "batch_size": 10,
                "function_response_types": ["ReportBatchItemFailures"],
            }
        }
    return {
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": AWS_VERSION_CONSTRAINT}}},
        "provider": {
            "aws": [
                {
                    "region": "us-east-1",
                    # Belt and braces: never probe the EC2 instance metadata address.
                    "skip_metadata_api_check": True,
                    "default_tags": [{"tags": {"project": "cdktf-lambda", "stage": "local"}}],
                }
            ]
        },
        "resource": resource,
        "output": {"api_endpoint": {"value": "${aws_apigatewayv2_api.http.api_endpoint}"}},
    }


def write_sample(workdir: Path, *, sqs: bool = True, redrive_resource: bool = False, handler: str = HANDLER_V1) -> Path:
    """Write ``main.tf.json``, ``fn.zip`` and ``layer.zip`` into ``workdir``."""
    workdir.mkdir(parents=True, exist_ok=True)
    write_sample_zip(workdir / "fn.zip", {"app.py": handler})
    write_sample_zip(workdir / "layer.zip", {"python/smoke_dep.py": "VALUE = 1\n"})
    (workdir / "main.tf.json").write_text(
        json.dumps(sample_config(sqs=sqs, redrive_resource=redrive_resource), indent=2) + "\n"
    )
    return workdir


def plan_changes(workdir: Path, env: Mapping[str, str], planfile: str = "tfplan") -> list[tuple[str, list[str]]]:
    """(address, actions) of every resource change in a saved plan, no-ops excluded."""
    shown = run_terraform(["show", "-json", planfile], workdir, env)
    plan = json.loads(shown.output)
    return sorted(
        (rc["address"], rc["change"]["actions"])
        for rc in plan.get("resource_changes", [])
        if rc["change"]["actions"] not in (["no-op"], ["read"])
    )


@dataclass
class Lifecycle:
    """Result of :func:`run_lifecycle`: seconds per phase."""

    timings: dict[str, float] = field(default_factory=dict)

    def timed(self, name: str, fn, *args, **kwargs):
        start = time.monotonic()
        try:
            return fn(*args, **kwargs)
        finally:
            self.timings[name] = round(time.monotonic() - start, 1)

    def report(self) -> str:
        width = max(len(k) for k in self.timings) if self.timings else 0
        lines = [f"  {k:<{width}}  {v:6.1f} s" for k, v in self.timings.items()]
        lines.append(f"  {'total':<{width}}  {sum(self.timings.values()):6.1f} s")
        return "\n".join(lines)


def _expect_no_changes(workdir: Path, env: Mapping[str, str], what: str) -> None:
    res = run_terraform(["plan", "-input=false", "-detailed-exitcode"], workdir, env, ok_codes=(0, 2))
    if res.returncode == 2:
        raise LifecycleError(f"{what}: plan is not empty (drift):\n{res.output}")


def run_lifecycle(
    workdir: Path,
    cli_config: Path,
    endpoint_url: str,
    *,
    sqs: bool = True,
    redrive_resource: bool = False,
    destroy: bool = True,
    lifecycle: Lifecycle | None = None,
) -> Lifecycle:
    """Full lifecycle of the sample app in ``workdir`` against ``endpoint_url``; raises on any deviation."""
    lc = lifecycle or Lifecycle()
    env = terraform_env(cli_config, endpoint_url)
    write_sample(workdir, sqs=sqs, redrive_resource=redrive_resource)
    lc.timed("init", run_terraform, ["init", "-input=false"], workdir, env)
    lc.timed("validate", run_terraform, ["validate"], workdir, env)
    lc.timed("apply", run_terraform, ["apply", "-input=false", "-auto-approve"], workdir, env)
    lc.timed("plan (clean)", _expect_no_changes, workdir, env, "after first apply")

    write_sample_zip(workdir / "fn.zip", {"app.py": HANDLER_V2})
    res = lc.timed(
        "plan (code change)",
        run_terraform,
        ["plan", "-input=false", "-detailed-exitcode", "-out=tfplan"],
        workdir,
        env,
        ok_codes=(0, 2),
    )
    changes = plan_changes(workdir, env)
    if changes != [("aws_lambda_function.fn", ["update"])]:
        raise LifecycleError(f"code change should update only the function in place, got {changes}:\n{res.output}")
    lc.timed("apply (code change)", run_terraform, ["apply", "-input=false", "tfplan"], workdir, env)
    lc.timed("plan (clean 2)", _expect_no_changes, workdir, env, "after code-change apply")
    if destroy:
        lc.timed("destroy", run_terraform, ["destroy", "-input=false", "-auto-approve"], workdir, env)
        remaining = leftovers(endpoint_url)
        if remaining:
            raise LifecycleError(f"destroy left resources behind: {remaining}")
    return lc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.smoke", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=None, help="default: a new temp dir")
    parser.add_argument("--no-sqs", action="store_true", help="leave out the SQS queues (about 50 s faster)")
    parser.add_argument(
        "--redrive-resource", action="store_true", help="use aws_sqs_queue_redrive_policy, not inline redrive_policy"
    )
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="cdktf-lambda-smoke-"))
    lc = Lifecycle()
    cli_config = write_cli_config(workdir / "cli.tfrc")
    try:
        server = lc.timed("moto start", moto.start_server, log_path=workdir / "moto.log")
        try:
            run_lifecycle(
                workdir,
                cli_config,
                server.endpoint_url,
                sqs=not args.no_sqs,
                redrive_resource=args.redrive_resource,
                lifecycle=lc,
            )
        finally:
            moto.stop_server(server)
    except (TerraformError, LifecycleError, moto.MotoServerError) as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        print(lc.report(), file=sys.stderr)
        return 1
    print(f"lifecycle OK in {workdir}\n{lc.report()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
