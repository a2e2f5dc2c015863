"""Stack JSON written by hand, shaped as cdktf writes it, for the toolkit's unit tests (no jsii needed)."""

from __future__ import annotations

import json
from typing import Any

FN = "aws_lambda_function.jobs_function_1A2B3C4D"


def meta(path: str) -> dict[str, Any]:
    return {"//": {"metadata": {"path": path, "uniqueId": path.replace("/", "_")}}}


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


#: One function, ``jobs``, wired to every kind of trigger the toolkit knows, with an alias, a role whose policies
#: come as JSON, as a policy document data source, inline and managed; and a second function, ``other``.
TRIGGERS: dict[str, Any] = {
    "provider": {"aws": [{"region": "eu-west-1"}]},
    "data": {
        "aws_iam_policy_document": {
            "doc": {
                "statement": [
                    {"effect": "Allow", "actions": ["s3:Get*"], "resources": ["${aws_s3_bucket.uploads.arn}/*"]},
                    {"effect": "Deny", "actions": ["s3:GetObjectAcl"], "resources": ["*"]},
                ]
            }
        }
    },
    "resource": {
        "aws_lambda_function": {
            "jobs_function_1A2B3C4D": {
                **meta("app/jobs/function"),
                "function_name": "app-jobs",
                "handler": "jobs.lambda_handler",
                "runtime": "python3.12",
                "architectures": ["arm64"],
                "memory_size": 512,
                "timeout": 60,
                "filename": "assets/jobs.zip",
                "role": "${aws_iam_role.jobs_role.arn}",
                "environment": {"variables": {"TABLE": "${aws_dynamodb_table.t.name}", "MODE": "batch"}},
                "layers": ["${aws_lambda_layer_version.deps.arn}", "arn:aws:lambda:eu-west-1:1:layer:ext:3"],
                "logging_config": {"log_format": "JSON", "log_group": "/custom/jobs"},
            },
            "other": {**meta("app/other"), "function_name": "app-other", "role": "arn:aws:iam::1:role/x"},
        },
        "aws_lambda_alias": {
            "jobs_alias": {"function_name": f"${{{FN}.function_name}}", "function_version": "1", "name": "live"}
        },
        "aws_lambda_layer_version": {
            "deps": {
                "layer_name": "app-deps",
                "filename": "assets/deps.zip",
                "//": {"cdktf_lambda_dependency_layer": {"lock_file": "x"}},
            }
        },
        "aws_cloudwatch_log_group": {"g": {"name": "/custom/jobs"}, "h": {"name": "/aws/lambda/app-other"}},
        "aws_iam_role": {
            "jobs_role": {
                "name": "app-jobs-role",
                "inline_policy": [
                    {"name": "inline", "policy": policy({"Effect": "Allow", "Action": "sqs:*", "Resource": "*"})}
                ],
                "managed_policy_arns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
            }
        },
        "aws_iam_role_policy": {
            "table": {
                "name": "table",
                "role": "${aws_iam_role.jobs_role.name}",
                "policy": policy(
                    {"Effect": "Allow", "Action": ["dynamodb:PutItem"], "Resource": ["${aws_dynamodb_table.t.arn}"]}
                ),
            },
            "doc": {
                "name": "doc",
                "role": "${aws_iam_role.jobs_role.id}",
                "policy": "${data.aws_iam_policy_document.doc.json}",
            },
            "elsewhere": {
                "name": "x",
                "role": "other-role",
                "policy": policy({"Effect": "Allow", "Action": "*", "Resource": "*"}),
            },
        },
        "aws_iam_role_policy_attachment": {
            "basic": {"role": "${aws_iam_role.jobs_role.name}", "policy_arn": "arn:aws:iam::aws:policy/Basic"}
        },
        "aws_dynamodb_table": {"t": {"name": "app-table", "hash_key": "id", "billing_mode": "PAY_PER_REQUEST"}},
        "aws_sqs_queue": {"q": {"name": "app-jobs"}, "q2": {"name": "app-dlq"}},
        "aws_kinesis_stream": {"k": {"name": "app-stream"}},
        "aws_s3_bucket": {"uploads": {"bucket": "app-uploads"}},
        "aws_sns_topic": {"topic": {"name": "app-topic"}},
        "aws_apigatewayv2_api": {"api": {"name": "app-api", "protocol_type": "HTTP"}},
        "aws_apigatewayv2_integration": {
            "int": {
                "api_id": "${aws_apigatewayv2_api.api.id}",
                "integration_uri": "${aws_lambda_alias.jobs_alias.invoke_arn}",
                "payload_format_version": "2.0",
            }
        },
        "aws_apigatewayv2_route": {
            "r1": {
                "api_id": "${aws_apigatewayv2_api.api.id}",
                "route_key": "GET /jobs",
                "target": "integrations/${aws_apigatewayv2_integration.int.id}",
            },
            "r2": {
                "api_id": "${aws_apigatewayv2_api.api.id}",
                "route_key": "POST /jobs",
                "target": "integrations/${aws_apigatewayv2_integration.int.id}",
            },
        },
        "aws_lambda_function_url": {"url": {"function_name": f"${{{FN}.function_name}}", "authorization_type": "NONE"}},
        "aws_lambda_event_source_mapping": {
            "sqs": {
                "function_name": "${aws_lambda_alias.jobs_alias.arn}",
                "event_source_arn": "${aws_sqs_queue.q.arn}",
                "batch_size": 5,
            },
            "kinesis": {"function_name": "app-jobs", "event_source_arn": "${aws_kinesis_stream.k.arn}"},
            "not_ours": {"function_name": "app-other", "event_source_arn": "${aws_sqs_queue.q2.arn}"},
        },
        "aws_cloudwatch_event_rule": {
            "nightly": {"name": "app-nightly", "schedule_expression": "cron(0 3 * * ? *)"},
            "pattern": {"name": "app-on-upload", "event_pattern": '{"source": ["aws.s3"]}'},
        },
        "aws_cloudwatch_event_target": {
            "nightly": {"rule": "${aws_cloudwatch_event_rule.nightly.name}", "arn": f"${{{FN}.arn}}"},
            "pattern": {"rule": "${aws_cloudwatch_event_rule.pattern.name}", "arn": f"${{{FN}.arn}}"},
        },
        "aws_scheduler_schedule": {
            "s": {
                "name": "app-hourly",
                "schedule_expression": "rate(1 hour)",
                "schedule_expression_timezone": "Europe/Madrid",
                "target": {"arn": "${aws_lambda_alias.jobs_alias.arn}", "role_arn": "x"},
            }
        },
        "aws_s3_bucket_notification": {
            "n": {
                "bucket": "${aws_s3_bucket.uploads.id}",
                "lambda_function": [
                    {"lambda_function_arn": f"${{{FN}.arn}}", "events": ["s3:ObjectCreated:*"], "filter_prefix": "in/"}
                ],
            }
        },
        "aws_sns_topic_subscription": {
            "sub": {
                "topic_arn": "${aws_sns_topic.topic.arn}",
                "protocol": "lambda",
                "endpoint": "${aws_lambda_alias.jobs_alias.arn}",
            },
            "mail": {"topic_arn": "${aws_sns_topic.topic.arn}", "protocol": "email", "endpoint": "me@example.com"},
        },
    },
    "output": {"queue_url": {"value": "${aws_sqs_queue.q.url}"}},
}
