"""The reference app stack: resources, names, permissions, outputs, portability and the snapshot."""

from __future__ import annotations

import json
import re

import pytest

from cdktf_lambda import AWS_PROVIDER_VERSION, cdk
from stacks import AppStack, AppStackConfig
from tests.conftest import PROJECT_ROOT, flavor_neutral, resources, synth_json
from tests.stacks._app import _by_name, _one

FUNCTIONS = ("api_server", "cron_server", "worker")


def test_snapshot(app_stack, snapshot):
    # The provider source is "aws" under cdktf and "hashicorp/aws" under cdktn (the same registry address); the
    # snapshot records the full form so both flavors compare against one snapshot.
    assert flavor_neutral(app_stack[1]) == snapshot


def test_three_functions_named_project_env_function(app_stack):
    functions = _by_name(app_stack[1], "aws_lambda_function")
    assert sorted(functions) == ["practice-dev-api-server", "practice-dev-cron-server", "practice-dev-worker"]
    assert {f["handler"] for f in functions.values()} == {f"{n}.lambda_handler" for n in FUNCTIONS}


def test_log_groups_per_function_with_retention_14(app_stack):
    log_groups = _by_name(app_stack[1], "aws_cloudwatch_log_group", "name")
    log_groups = {name: group for name, group in log_groups.items() if name.startswith("/aws/lambda/")}
    assert sorted(log_groups) == sorted(f"/aws/lambda/practice-dev-{n.replace('_', '-')}" for n in FUNCTIONS)
    assert {g["retention_in_days"] for g in log_groups.values()} == {14}


def test_every_function_uses_the_practice_util_and_dependency_layers(app_stack):
    layers = {r["layer_name"]: lid for lid, r in resources(app_stack[1], "aws_lambda_layer_version").items()}
    assert sorted(layers) == ["practice-dev-dependencies", "practice-dev-practice-util"]
    for function in resources(app_stack[1], "aws_lambda_function").values():
        assert function["layers"] == [
            f"${{aws_lambda_layer_version.{layers['practice-dev-practice-util']}.arn}}",
            f"${{aws_lambda_layer_version.{layers['practice-dev-dependencies']}.arn}}",
        ]


def test_each_function_has_its_own_role_trusting_lambda(app_stack):
    roles = resources(app_stack[1], "aws_iam_role")
    functions = resources(app_stack[1], "aws_lambda_function")
    assert len({f["role"] for f in functions.values()}) == 3
    services = {}
    for role in roles.values():
        (statement,) = json.loads(role["assume_role_policy"])["Statement"]
        assert (statement["Action"], statement["Effect"]) == ("sts:AssumeRole", "Allow")
        services[role["name"]] = statement["Principal"]["Service"]
    assert services == {
        **{f"practice-dev-{n.replace('_', '-')}-role": "lambda.amazonaws.com" for n in FUNCTIONS},
        "practice-dev-cron-server-scheduler": "scheduler.amazonaws.com",
    }


def test_logs_permissions_are_scoped_to_the_functions_own_log_group(app_stack):
    synthesized = app_stack[1]
    log_group_ids = {
        g["name"].rsplit("/", 1)[1]: gid
        for gid, g in resources(synthesized, "aws_cloudwatch_log_group").items()
        if g["name"].startswith("/aws/lambda/")
    }
    role_ids = {r["name"]: rid for rid, r in resources(synthesized, "aws_iam_role").items()}
    policies = [p for p in resources(synthesized, "aws_iam_role_policy").values() if p["name"] == "logs"]
    assert len(policies) == 3
    for function_name, log_group_id in log_group_ids.items():
        role_ref = f"${{aws_iam_role.{role_ids[function_name + '-role']}.name}}"
        (policy,) = [p for p in policies if p["role"] == role_ref]
        (statement,) = json.loads(policy["policy"])["Statement"]
        assert statement["Resource"] == [f"${{aws_cloudwatch_log_group.{log_group_id}.arn}}:*"]
        assert statement["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]


def test_environment_tells_the_code_where_it_runs(app_stack):
    for function in resources(app_stack[1], "aws_lambda_function").values():
        variables = function["environment"]["variables"]
        assert (variables["APP_NAME"], variables["ENVIRONMENT"], variables["LOG_LEVEL"]) == ("practice", "dev", "INFO")


def test_common_tags_through_provider_default_tags(app_stack):
    (aws,) = app_stack[1]["provider"]["aws"]
    assert aws["default_tags"] == [{"tags": {"Environment": "dev", "ManagedBy": "cdktf", "Project": "practice"}}]
    assert aws["region"] == "us-east-1"


def test_provider_constraint_admits_the_local_mirror_and_the_bindings_major(app_stack):
    source = {"cdktf": "aws", "cdktn": "hashicorp/aws"}[cdk.flavor()]
    assert app_stack[1]["terraform"]["required_providers"]["aws"] == {"source": source, "version": ">= 5.100, < 7"}
    assert AWS_PROVIDER_VERSION == ">= 5.100, < 7"


def test_state_path_is_relative(app_stack):
    assert app_stack[1]["terraform"]["backend"] == {"local": {"path": "../../../terraform.practice-dev.tfstate"}}


def test_outputs_for_every_function_arn_and_package_hash(app_stack):
    outputs = app_stack[1]["output"]
    for name in FUNCTIONS:
        assert outputs[f"{name}_function_arn"]["value"].endswith(".arn}")
        assert len(outputs[f"{name}_zip_hash"]["value"]) == 44
    assert outputs["api_server_invoke_arn"]["value"].endswith(".invoke_arn}")
    assert outputs["runtime_layer_arn"]["value"].startswith("${aws_lambda_layer_version.")


def test_no_absolute_path_of_this_machine(app_stack):
    text = json.dumps(app_stack[1])
    assert str(PROJECT_ROOT) not in text and '"/tmp' not in text and "/root" not in text


def test_synthesizing_twice_gives_identical_json(app_stack):
    again = AppStack(cdk.Testing.app(), "practice-dev", config=AppStackConfig())
    assert synth_json(again) == app_stack[1]


def test_archive_file_mode_stack_synthesizes_with_seed_output_dir():
    stack = AppStack(cdk.Testing.app(), "practice-dev", config=AppStackConfig(packaging_mode="archive_file"))
    synthesized = synth_json(stack)
    outputs = sorted(a["output_path"] for a in synthesized["data"]["archive_file"].values())
    assert outputs == sorted(f"../../../out/{n}.zip" for n in (*FUNCTIONS, "practice_util"))


def _alias_id(synthesized, function):
    (alias_id,) = [k for k in resources(synthesized, "aws_lambda_alias") if k.startswith(f"{function}_alias")]
    return alias_id


def test_http_api_proxies_everything_to_api_server(app_stack):
    synthesized = app_stack[1]
    api_id, api = _one(synthesized, "aws_apigatewayv2_api")
    integration_id, integration = _one(synthesized, "aws_apigatewayv2_integration")
    alias_id = _alias_id(synthesized, "api_server")
    assert (api["name"], api["protocol_type"]) == ("practice-dev-api", "HTTP")
    assert integration["integration_type"] == "AWS_PROXY"
    assert integration["payload_format_version"] == "2.0"
    assert integration["integration_uri"] == f"${{aws_lambda_alias.{alias_id}.invoke_arn}}"
    _, route = _one(synthesized, "aws_apigatewayv2_route")
    assert (route["route_key"], route["target"]) == (
        "$default",
        f"integrations/${{aws_apigatewayv2_integration.{integration_id}.id}}",
    )
    _, stage = _one(synthesized, "aws_apigatewayv2_stage")
    assert (stage["name"], stage["auto_deploy"]) == ("$default", True)
    access_logs = next(
        k
        for k, g in resources(synthesized, "aws_cloudwatch_log_group").items()
        if g["name"] == "/aws/apigateway/practice-dev-api"
    )
    assert stage["access_log_settings"]["destination_arn"] == f"${{aws_cloudwatch_log_group.{access_logs}.arn}}"
    assert json.loads(stage["access_log_settings"]["format"])["requestId"] == "$context.requestId"
    assert synthesized["output"]["api_endpoint"]["value"] == f"${{aws_apigatewayv2_api.{api_id}.api_endpoint}}"


def _permission(synthesized, principal):
    (permission,) = [p for p in resources(synthesized, "aws_lambda_permission").values() if p["principal"] == principal]
    return permission


def test_api_gateway_may_invoke_api_server_only_from_this_api(app_stack):
    synthesized = app_stack[1]
    api_id, _ = _one(synthesized, "aws_apigatewayv2_api")
    permission = _permission(synthesized, "apigateway.amazonaws.com")
    assert permission["action"] == "lambda:InvokeFunction"
    assert permission["source_arn"] == f"${{aws_apigatewayv2_api.{api_id}.execution_arn}}/*/*"
    assert "api_server_function" in permission["function_name"]
    assert permission["qualifier"] == f"${{aws_lambda_alias.{_alias_id(synthesized, 'api_server')}.name}}"


def test_cron_server_runs_on_a_scheduler_schedule_in_madrid_time(app_stack):
    synthesized = app_stack[1]
    _, schedule = _one(synthesized, "aws_scheduler_schedule")
    alias_arn = f"${{aws_lambda_alias.{_alias_id(synthesized, 'cron_server')}.arn}}"
    dlq_id = next(
        k for k, q in resources(synthesized, "aws_sqs_queue").items() if q["name"].endswith("cron-server-dlq")
    )
    assert (schedule["name"], schedule["schedule_expression"], schedule["schedule_expression_timezone"]) == (
        "practice-dev-cron-server",
        "cron(15 0 * * ? *)",
        "Europe/Madrid",
    )
    assert schedule["flexible_time_window"] == {"mode": "OFF"}
    target = schedule["target"]
    assert target["arn"] == alias_arn
    assert target["retry_policy"] == {"maximum_event_age_in_seconds": 86400, "maximum_retry_attempts": 185}
    assert target["dead_letter_config"] == {"arn": f"${{aws_sqs_queue.{dlq_id}.arn}}"}
    # account and region are Terraform expressions (split from the alias ARN); JSON once Terraform resolves them.
    event = json.loads(re.sub(r"\$\{[^}]*\}", "resolved", target["input"]))
    assert 'element(split(":", aws_lambda_alias.' in target["input"]
    assert (event["source"], event["detail-type"], event["detail"]) == ("aws.scheduler", "Scheduled Event", "{}")
    assert (event["time"], event["resources"]) == ("<aws.scheduler.scheduled-time>", ["<aws.scheduler.schedule-arn>"])
    (policy,) = [p for p in resources(synthesized, "aws_iam_role_policy").values() if p["name"] == "invoke"]
    assert json.loads(policy["policy"])["Statement"] == [
        {"Action": ["lambda:InvokeFunction"], "Effect": "Allow", "Resource": [alias_arn]},
        {"Action": ["sqs:SendMessage"], "Effect": "Allow", "Resource": [f"${{aws_sqs_queue.{dlq_id}.arn}}"]},
    ]
    assert "aws_cloudwatch_event_rule" not in synthesized["resource"]
    assert [p["principal"] for p in resources(synthesized, "aws_lambda_permission").values()] == [
        "apigateway.amazonaws.com"
    ], "Scheduler invokes with its role: no resource-based permission"


def test_without_a_time_zone_the_schedule_is_a_rule_invoking_the_alias():
    synthesized = synth_json(AppStack(cdk.Testing.app(), "practice-dev", config=AppStackConfig(cron_timezone=None)))
    rule_id, rule = _one(synthesized, "aws_cloudwatch_event_rule")
    assert (rule["name"], rule["schedule_expression"]) == ("practice-dev-cron-server", "cron(15 0 * * ? *)")
    _, target = _one(synthesized, "aws_cloudwatch_event_target")
    alias_id = _alias_id(synthesized, "cron_server")
    assert (target["arn"], target["rule"]) == (
        f"${{aws_lambda_alias.{alias_id}.arn}}",
        f"${{aws_cloudwatch_event_rule.{rule_id}.name}}",
    )
    permission = _permission(synthesized, "events.amazonaws.com")
    assert permission["source_arn"] == f"${{aws_cloudwatch_event_rule.{rule_id}.arn}}"
    assert "cron_server_function" in permission["function_name"]
    assert permission["qualifier"] == f"${{aws_lambda_alias.{alias_id}.name}}"
    assert "aws_scheduler_schedule" not in synthesized["resource"]


def test_every_function_publishes_and_has_the_alias_live_on_its_version(app_stack):
    synthesized = app_stack[1]
    functions = resources(synthesized, "aws_lambda_function")
    aliases = resources(synthesized, "aws_lambda_alias")
    assert all(f["publish"] is True for f in functions.values())
    assert sorted((a["name"], a["function_version"]) for a in aliases.values()) == sorted(
        ("live", f"${{aws_lambda_function.{fid}.version}}") for fid in functions
    )
    assert {n for n in FUNCTIONS if f"{n}_alias_arn" in synthesized["output"]} == set(FUNCTIONS)


def test_snap_start_on_api_server_only(app_stack):
    functions = _by_name(app_stack[1], "aws_lambda_function")
    assert {name: f.get("snap_start") for name, f in functions.items()} == {
        "practice-dev-api-server": {"apply_on": "PublishedVersions"},
        "practice-dev-cron-server": None,
        "practice-dev-worker": None,
    }


def test_json_logs_at_the_apps_level_into_the_functions_own_log_group(app_stack):
    for name, function in _by_name(app_stack[1], "aws_lambda_function").items():
        assert function["logging_config"] == {
            "log_format": "JSON",
            "log_group": f"/aws/lambda/{name}",
            "application_log_level": "INFO",
            "system_log_level": "INFO",
        }
    warning = AppStack(cdk.Testing.app(), "x", config=AppStackConfig(log_level="WARNING"))
    levels = {
        f["logging_config"]["application_log_level"]
        for f in resources(synth_json(warning), "aws_lambda_function").values()
    }
    assert levels == {"WARN"}, "Python's WARNING is Lambda's WARN"


def test_recursive_loops_are_terminated_for_every_function(app_stack):
    configs = resources(app_stack[1], "aws_lambda_function_recursion_config")
    functions = resources(app_stack[1], "aws_lambda_function")
    assert sorted(c["function_name"] for c in configs.values()) == sorted(
        f"${{aws_lambda_function.{fid}.function_name}}" for fid in functions
    )
    assert {c["recursive_loop"] for c in configs.values()} == {"Terminate"}


def test_worker_queue_with_dlq_sse_and_partial_batch_failures(app_stack):
    synthesized = app_stack[1]
    queues = {q["name"]: (qid, q) for qid, q in resources(synthesized, "aws_sqs_queue").items()}
    assert sorted(queues) == ["practice-dev-cron-server-dlq", "practice-dev-worker", "practice-dev-worker-dlq"]
    dlq_id, _ = queues["practice-dev-worker-dlq"]
    queue_id, queue = queues["practice-dev-worker"]
    assert json.loads(queue["redrive_policy"]) == {
        "deadLetterTargetArn": f"${{aws_sqs_queue.{dlq_id}.arn}}",
        "maxReceiveCount": 5,
    }
    assert queue["visibility_timeout_seconds"] == 6 * 30
    assert all(q["sqs_managed_sse_enabled"] is True for _, q in queues.values())
    _, mapping = _one(synthesized, "aws_lambda_event_source_mapping")
    assert mapping["event_source_arn"] == f"${{aws_sqs_queue.{queue_id}.arn}}"
    assert mapping["function_response_types"] == ["ReportBatchItemFailures"]
    assert mapping["batch_size"] == 10
    assert mapping["function_name"] == f"${{aws_lambda_alias.{_alias_id(synthesized, 'worker')}.arn}}"


def test_worker_may_only_consume_its_own_queue(app_stack):
    synthesized = app_stack[1]
    queue_id = next(k for k, q in resources(synthesized, "aws_sqs_queue").items() if q["name"] == "practice-dev-worker")
    (policy,) = [p for p in resources(synthesized, "aws_iam_role_policy").values() if p["name"] == "queue"]
    assert "worker_role" in policy["role"]
    (statement,) = json.loads(policy["policy"])["Statement"]
    assert statement["Action"] == ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
    assert statement["Resource"] == [f"${{aws_sqs_queue.{queue_id}.arn}}"]


def test_no_policy_grants_a_wildcard_resource_except_xray_which_has_no_resource_arns(app_stack):
    for policy in resources(app_stack[1], "aws_iam_role_policy").values():
        for statement in json.loads(policy["policy"])["Statement"]:
            if all(action.startswith("xray:") for action in statement["Action"]):
                assert statement["Resource"] == "*"
                continue
            assert "*" not in statement["Resource"] and statement["Resource"] != "*"


def test_functions_trace_with_xray(app_stack):
    for function in resources(app_stack[1], "aws_lambda_function").values():
        assert function["tracing_config"] == {"mode": "Active"}
    xray = [p for p in resources(app_stack[1], "aws_iam_role_policy").values() if p["name"] == "xray"]
    assert len(xray) == 3


def test_cron_server_sends_failed_async_events_to_its_dead_letter_queue(app_stack):
    synthesized = app_stack[1]
    dlq_id = next(
        k for k, q in resources(synthesized, "aws_sqs_queue").items() if q["name"].endswith("cron-server-dlq")
    )
    _, config = _one(synthesized, "aws_lambda_function_event_invoke_config")
    assert config["qualifier"] == f"${{aws_lambda_alias.{_alias_id(synthesized, 'cron_server')}.name}}"
    assert (config["maximum_retry_attempts"], config["maximum_event_age_in_seconds"]) == (2, 3600)
    assert config["destination_config"] == {"on_failure": {"destination": f"${{aws_sqs_queue.{dlq_id}.arn}}"}}
    (policy,) = [p for p in resources(synthesized, "aws_iam_role_policy").values() if p["name"] == "destinations"]
    assert "cron_server_role" in policy["role"]
    assert json.loads(policy["policy"])["Statement"] == [
        {"Action": ["sqs:SendMessage"], "Effect": "Allow", "Resource": [f"${{aws_sqs_queue.{dlq_id}.arn}}"]}
    ]
    assert config["depends_on"] == [
        f"aws_iam_role_policy.{k}" for k, p in resources(synthesized, "aws_iam_role_policy").items() if p is policy
    ]


def test_s3_backend_choice():
    config = AppStackConfig(backend="s3", state_bucket="acme-tf-state", state_lock_table="tf-locks")
    synthesized = synth_json(AppStack(cdk.Testing.app(), "practice-dev", config=config))
    assert synthesized["terraform"]["backend"] == {
        "s3": {
            "bucket": "acme-tf-state",
            "dynamodb_table": "tf-locks",
            "encrypt": True,
            "key": "practice/dev/terraform.tfstate",
            "region": "us-east-1",
        }
    }
    native = AppStackConfig(backend="s3", state_bucket="acme-tf-state", state_key="k", state_region="eu-west-1")
    backend = synth_json(AppStack(cdk.Testing.app(), "x", config=native))["terraform"]["backend"]["s3"]
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


# ------------------------------------------------------------------------------------------ the greetings system
