"""The reference app stack: resources, names, permissions, outputs, portability and the snapshot, read through the
toolkit's typed view (functions with their layers, role statements and triggers; resources by attributes)."""

from __future__ import annotations

import json
import re

import pytest

from cdktf_lambda import AWS_PROVIDER_VERSION, cdk
from cdktf_lambda.testing import assert_allows, assert_resource
from stacks import AppStack, AppStackConfig
from tests.conftest import PROJECT_ROOT, flavor_neutral
from tests.stacks._app import app

FUNCTIONS = ("api_server", "cron_server", "worker")


def test_snapshot(app_stack, snapshot):
    # The provider source is "aws" under cdktf and "hashicorp/aws" under cdktn (the same registry address); the
    # snapshot records the full form so both flavors compare against one snapshot.
    assert flavor_neutral(dict(app_stack.json)) == snapshot


def test_three_functions_named_project_env_function(app_stack):
    functions = app_stack.functions
    assert sorted(f.function_name for f in functions.values()) == [
        "practice-dev-api-server",
        "practice-dev-cron-server",
        "practice-dev-worker",
    ]
    assert {f.handler for f in functions.values()} == {f"{n}.lambda_handler" for n in FUNCTIONS}
    assert sorted(functions) == sorted(FUNCTIONS), "construct ids"


def test_log_groups_per_function_with_retention_14(app_stack):
    log_groups = [g for g in app_stack.resources("aws_cloudwatch_log_group") if g["name"].startswith("/aws/lambda/")]
    assert sorted(g["name"] for g in log_groups) == sorted(
        f"/aws/lambda/practice-dev-{n.replace('_', '-')}" for n in FUNCTIONS
    )
    assert {g["retention_in_days"] for g in log_groups} == {14}
    assert {app_stack.function(n).log_group for n in FUNCTIONS} == set(log_groups)


def test_every_function_uses_the_practice_util_and_dependency_layers(app_stack):
    layers = {layer["layer_name"] for layer in app_stack.resources("aws_lambda_layer_version")}
    assert sorted(layers) == ["practice-dev-dependencies", "practice-dev-practice-util"]
    for function in app_stack.functions.values():
        assert [layer.name for layer in function.layers] == ["practice-dev-practice-util", "practice-dev-dependencies"]
        assert [layer.resource.ref("arn") for layer in function.layers] == function.config["layers"]


def test_each_function_has_its_own_role_trusting_lambda(app_stack):
    assert len({f.role.resource for f in app_stack.functions.values()}) == 3
    services = {}
    for role in app_stack.resources("aws_iam_role"):
        (statement,) = json.loads(role["assume_role_policy"])["Statement"]
        assert (statement["Action"], statement["Effect"]) == ("sts:AssumeRole", "Allow")
        services[role["name"]] = statement["Principal"]["Service"]
    assert services == {
        **{f"practice-dev-{n.replace('_', '-')}-role": "lambda.amazonaws.com" for n in FUNCTIONS},
        "practice-dev-cron-server-scheduler": "scheduler.amazonaws.com",
    }


def test_logs_permissions_are_scoped_to_the_functions_own_log_group(app_stack):
    assert len(app_stack.resources("aws_iam_role_policy", name="logs")) == 3
    for function in app_stack.functions.values():
        (statement,) = [s for s in function.role.statements if s.policy == "logs"]
        assert statement.resources == (f"{function.log_group.ref('arn')}:*",)
        assert statement.actions == ("logs:CreateLogStream", "logs:PutLogEvents")


def test_environment_tells_the_code_where_it_runs(app_stack):
    for function in app_stack.functions.values():
        variables = function.environment
        assert (variables["APP_NAME"], variables["ENVIRONMENT"], variables["LOG_LEVEL"]) == ("practice", "dev", "INFO")


def test_common_tags_through_provider_default_tags(app_stack):
    (aws,) = app_stack.json["provider"]["aws"]
    assert aws["default_tags"] == [{"tags": {"Environment": "dev", "ManagedBy": "cdktf", "Project": "practice"}}]
    assert aws["region"] == "us-east-1"


def test_provider_constraint_admits_the_local_mirror_and_the_bindings_major(app_stack):
    source = {"cdktf": "aws", "cdktn": "hashicorp/aws"}[cdk.flavor()]
    assert app_stack.json["terraform"]["required_providers"]["aws"] == {"source": source, "version": ">= 5.100, < 7"}
    assert AWS_PROVIDER_VERSION == ">= 5.100, < 7"


def test_state_path_is_relative(app_stack):
    assert app_stack.json["terraform"]["backend"] == {"local": {"path": "../../../terraform.practice-dev.tfstate"}}


def test_outputs_for_every_function_arn_and_package_hash(app_stack):
    outputs = app_stack.outputs
    for name in FUNCTIONS:
        assert outputs[f"{name}_function_arn"] == app_stack.function(name).resource.ref("arn")
        assert len(outputs[f"{name}_zip_hash"]) == 44
    assert outputs["api_server_invoke_arn"] == app_stack.function("api_server").alias.ref("invoke_arn")
    assert outputs["runtime_layer_arn"].startswith("${aws_lambda_layer_version.")


def test_no_absolute_path_of_this_machine(app_stack):
    text = json.dumps(app_stack.json)
    assert str(PROJECT_ROOT) not in text and '"/tmp' not in text and "/root" not in text


def test_synthesizing_twice_gives_identical_json(app_stack):
    assert app().json == app_stack.json


def test_archive_file_mode_stack_synthesizes_with_seed_output_dir():
    archives = app(packaging_mode="archive_file").data_sources("archive_file")
    assert sorted(a["output_path"] for a in archives) == sorted(
        f"../../../out/{n}.zip" for n in (*FUNCTIONS, "practice_util")
    )


def test_http_api_proxies_everything_to_api_server(app_stack):
    api_server = app_stack.function("api_server")
    (trigger,) = api_server.triggered_by("http_api")
    integration = trigger.resource
    api = assert_resource(app_stack, "aws_apigatewayv2_api", name="practice-dev-api", protocol_type="HTTP")
    assert (trigger.source, trigger.details["routes"]) == ("practice-dev-api", ["$default"])
    assert integration["integration_type"] == "AWS_PROXY"
    assert integration["payload_format_version"] == "2.0"
    assert integration["integration_uri"] == api_server.alias.ref("invoke_arn")
    assert_resource(
        app_stack, "aws_apigatewayv2_route", route_key="$default", target=f"integrations/{integration.ref('id')}"
    )
    stage = assert_resource(app_stack, "aws_apigatewayv2_stage", name="$default", auto_deploy=True)
    access_logs = app_stack.resource("aws_cloudwatch_log_group", name="/aws/apigateway/practice-dev-api")
    assert stage["access_log_settings"]["destination_arn"] == access_logs.ref("arn")
    assert json.loads(stage["access_log_settings"]["format"])["requestId"] == "$context.requestId"
    assert app_stack.outputs["api_endpoint"] == api.ref("api_endpoint")


def test_api_gateway_may_invoke_api_server_only_from_this_api(app_stack):
    api = app_stack.resource("aws_apigatewayv2_api")
    permission = app_stack.resource("aws_lambda_permission", principal="apigateway.amazonaws.com")
    assert permission["action"] == "lambda:InvokeFunction"
    assert permission["source_arn"] == f"{api.ref('execution_arn')}/*/*"
    api_server = app_stack.function("api_server")
    assert permission["function_name"] == api_server.resource.ref("function_name")
    assert permission["qualifier"] == api_server.alias.ref("name")


def test_cron_server_runs_on_a_scheduler_schedule_in_madrid_time(app_stack):
    cron = app_stack.function("cron_server")
    (trigger,) = cron.triggers
    schedule = trigger.resource
    dlq = app_stack.resource("aws_sqs_queue", name="practice-dev-cron-server-dlq")
    assert (trigger.kind, trigger.source, trigger.details["timezone"]) == (
        "scheduler",
        "cron(15 0 * * ? *)",
        "Europe/Madrid",
    )
    assert (schedule["name"], schedule["schedule_expression"], schedule["schedule_expression_timezone"]) == (
        "practice-dev-cron-server",
        "cron(15 0 * * ? *)",
        "Europe/Madrid",
    )
    assert schedule["flexible_time_window"] == {"mode": "OFF"}
    target = schedule["target"]
    assert target["arn"] == cron.alias.ref("arn")
    assert target["retry_policy"] == {"maximum_event_age_in_seconds": 86400, "maximum_retry_attempts": 185}
    assert target["dead_letter_config"] == {"arn": dlq.ref("arn")}
    # account and region are Terraform expressions (split from the alias ARN); JSON once Terraform resolves them.
    event = json.loads(re.sub(r"\$\{[^}]*\}", "resolved", target["input"]))
    assert 'element(split(":", aws_lambda_alias.' in target["input"]
    assert (event["source"], event["detail-type"], event["detail"]) == ("aws.scheduler", "Scheduled Event", "{}")
    assert (event["time"], event["resources"]) == ("<aws.scheduler.scheduled-time>", ["<aws.scheduler.schedule-arn>"])
    policy = app_stack.resource("aws_iam_role_policy", name="invoke")
    assert json.loads(policy["policy"])["Statement"] == [
        {"Action": ["lambda:InvokeFunction"], "Effect": "Allow", "Resource": [cron.alias.ref("arn")]},
        {"Action": ["sqs:SendMessage"], "Effect": "Allow", "Resource": [dlq.ref("arn")]},
    ]
    assert "aws_cloudwatch_event_rule" not in app_stack.resource_types()
    assert [p["principal"] for p in app_stack.resources("aws_lambda_permission")] == ["apigateway.amazonaws.com"], (
        "Scheduler invokes with its role: no resource-based permission"
    )


def test_without_a_time_zone_the_schedule_is_a_rule_invoking_the_alias():
    stack = app(cron_timezone=None)
    cron = stack.function("cron_server")
    (trigger,) = cron.triggers
    rule = stack.resource("aws_cloudwatch_event_rule")
    assert (trigger.kind, trigger.source, trigger.details["rule"]) == (
        "schedule",
        "cron(15 0 * * ? *)",
        "practice-dev-cron-server",
    )
    assert (rule["name"], rule["schedule_expression"]) == ("practice-dev-cron-server", "cron(15 0 * * ? *)")
    assert (trigger.resource["arn"], trigger.resource["rule"]) == (cron.alias.ref("arn"), rule.ref("name"))
    permission = stack.resource("aws_lambda_permission", principal="events.amazonaws.com")
    assert permission["source_arn"] == rule.ref("arn")
    assert permission["function_name"] == cron.resource.ref("function_name")
    assert permission["qualifier"] == cron.alias.ref("name")
    assert "aws_scheduler_schedule" not in stack.resource_types()


def test_every_function_publishes_and_has_the_alias_live_on_its_version(app_stack):
    functions = app_stack.functions.values()
    assert all(f.config["publish"] is True for f in functions)
    assert sorted((a["name"], a["function_version"]) for a in app_stack.resources("aws_lambda_alias")) == sorted(
        ("live", f.resource.ref("version")) for f in functions
    )
    assert {f.alias["name"] for f in functions} == {"live"}
    assert {n for n in FUNCTIONS if f"{n}_alias_arn" in app_stack.outputs} == set(FUNCTIONS)


def test_snap_start_on_api_server_only(app_stack):
    assert {f.function_name: f.config.get("snap_start") for f in app_stack.functions.values()} == {
        "practice-dev-api-server": {"apply_on": "PublishedVersions"},
        "practice-dev-cron-server": None,
        "practice-dev-worker": None,
    }


def test_json_logs_at_the_apps_level_into_the_functions_own_log_group(app_stack):
    for function in app_stack.functions.values():
        assert function.config["logging_config"] == {
            "log_format": "JSON",
            "log_group": f"/aws/lambda/{function.function_name}",
            "application_log_level": "INFO",
            "system_log_level": "INFO",
        }
    levels = {f.config["logging_config"]["application_log_level"] for f in app(log_level="WARNING").functions.values()}
    assert levels == {"WARN"}, "Python's WARNING is Lambda's WARN"


def test_recursive_loops_are_terminated_for_every_function(app_stack):
    configs = app_stack.resources("aws_lambda_function_recursion_config")
    assert sorted(c["function_name"] for c in configs) == sorted(
        f.resource.ref("function_name") for f in app_stack.functions.values()
    )
    assert {c["recursive_loop"] for c in configs} == {"Terminate"}


def test_worker_queue_with_dlq_sse_and_partial_batch_failures(app_stack):
    queues = {q["name"]: q for q in app_stack.resources("aws_sqs_queue")}
    assert sorted(queues) == ["practice-dev-cron-server-dlq", "practice-dev-worker", "practice-dev-worker-dlq"]
    queue = queues["practice-dev-worker"]
    assert json.loads(queue["redrive_policy"]) == {
        "deadLetterTargetArn": queues["practice-dev-worker-dlq"].ref("arn"),
        "maxReceiveCount": 5,
    }
    assert queue["visibility_timeout_seconds"] == 6 * 30
    assert all(q["sqs_managed_sse_enabled"] is True for q in queues.values())
    worker = app_stack.function("worker")
    (trigger,) = worker.triggers
    assert (trigger.kind, trigger.source) == ("sqs", "practice-dev-worker")
    mapping = trigger.resource
    assert mapping["event_source_arn"] == queue.ref("arn")
    assert mapping["function_response_types"] == ["ReportBatchItemFailures"]
    assert mapping["batch_size"] == 10
    assert mapping["function_name"] == worker.alias.ref("arn")


def test_worker_may_only_consume_its_own_queue(app_stack):
    queue = app_stack.resource("aws_sqs_queue", name="practice-dev-worker")
    worker = app_stack.function("worker")
    (statement,) = [s for s in worker.role.statements if s.policy == "queue"]
    assert statement.actions == ("sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage")
    assert statement.resources == (queue.ref("arn"),)
    assert worker.role.grants("sqs:") == {queue.ref("arn"): set(statement.actions)}
    assert_allows(worker, "sqs:ReceiveMessage", queue.ref("arn"))


def test_no_policy_grants_a_wildcard_resource_except_xray_which_has_no_resource_arns(app_stack):
    for policy in app_stack.resources("aws_iam_role_policy"):
        for statement in json.loads(policy["policy"])["Statement"]:
            if all(action.startswith("xray:") for action in statement["Action"]):
                assert statement["Resource"] == "*"
                continue
            assert "*" not in statement["Resource"] and statement["Resource"] != "*"


def test_functions_trace_with_xray(app_stack):
    for function in app_stack.functions.values():
        assert function.config["tracing_config"] == {"mode": "Active"}
        assert_allows(function, "xray:PutTraceSegments", "*")
    assert len(app_stack.resources("aws_iam_role_policy", name="xray")) == 3


def test_cron_server_sends_failed_async_events_to_its_dead_letter_queue(app_stack):
    dlq = app_stack.resource("aws_sqs_queue", name="practice-dev-cron-server-dlq")
    cron = app_stack.function("cron_server")
    config = app_stack.resource("aws_lambda_function_event_invoke_config")
    assert config["qualifier"] == cron.alias.ref("name")
    assert (config["maximum_retry_attempts"], config["maximum_event_age_in_seconds"]) == (2, 3600)
    assert config["destination_config"] == {"on_failure": {"destination": dlq.ref("arn")}}
    policy = app_stack.resource("aws_iam_role_policy", name="destinations")
    assert policy["role"] == cron.role.resource.ref("name")
    assert json.loads(policy["policy"])["Statement"] == [
        {"Action": ["sqs:SendMessage"], "Effect": "Allow", "Resource": [dlq.ref("arn")]}
    ]
    assert config["depends_on"] == [policy.address]


def test_s3_backend_choice():
    stack = app(backend="s3", state_bucket="acme-tf-state", state_lock_table="tf-locks")
    assert stack.json["terraform"]["backend"] == {
        "s3": {
            "bucket": "acme-tf-state",
            "dynamodb_table": "tf-locks",
            "encrypt": True,
            "key": "practice/dev/terraform.tfstate",
            "region": "us-east-1",
        }
    }
    native = app(backend="s3", state_bucket="acme-tf-state", state_key="k", state_region="eu-west-1")
    backend = native.json["terraform"]["backend"]["s3"]
    assert (backend["key"], backend["region"], backend["use_lockfile"]) == ("k", "eu-west-1", True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"backend": "s3"}, "Invalid state_bucket: None. Allowed: an S3 bucket name when backend='s3'"),
        ({"backend": "gcs"}, "Invalid backend: 'gcs'. Allowed: one of 'local', 's3'"),
    ],
)
def test_bad_backend_settings(overrides, message):
    from cdktf_lambda import InvalidParameterError

    with pytest.raises(InvalidParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        AppStack(cdk.Testing.app(), "x", config=AppStackConfig(**overrides))
