"""QueueWorker: visibility timeout rule, batching parameters, DLQ and least-privilege queue access."""

from __future__ import annotations

import json

import pytest

from cdktf_lambda import InvalidParameterError, QueueWorker
from tests.cdktf_lambda._builders import function, role, stack
from tests.conftest import only, resources, synth_json


def _worker(timeout: int = 30, **kwargs):
    scope = stack()
    worker = QueueWorker(
        scope, "q", queue_name="jobs", function=function(scope, timeout=timeout), role=role(scope), **kwargs
    )
    return worker, synth_json(scope)


@pytest.mark.parametrize(
    ("timeout", "kwargs", "message"),
    [
        (
            30,
            {"visibility_timeout_seconds": 179},
            r"Invalid visibility_timeout_seconds: 179. Allowed: at least 6 × the function's timeout \(30 s\) = 180",
        ),
        (
            30,
            {"visibility_timeout_seconds": 50_000},
            r"Invalid visibility_timeout_seconds: 50000. Allowed: an integer from 0 to 43200",
        ),
        (30, {"max_receive_count": 0}, r"Invalid max_receive_count: 0"),
        (30, {"batch_size": 0}, r"Invalid batch_size: 0"),
        (30, {"batch_size": 100}, r"Invalid maximum_batching_window_in_seconds: 0. Allowed: at least 1 second"),
        (30, {"maximum_batching_window_in_seconds": 301}, r"Invalid maximum_batching_window_in_seconds: 301"),
        (30, {"maximum_concurrency": 1}, r"Invalid maximum_concurrency: 1"),
    ],
)
def test_bad_parameters_raise_clear_errors(timeout, kwargs, message):
    with pytest.raises(InvalidParameterError, match=message):
        _worker(timeout, **kwargs)


def test_defaults_follow_the_function_timeout():
    worker, synthesized = _worker(timeout=45)
    queue = next(q for q in resources(synthesized, "aws_sqs_queue").values() if q["name"] == "jobs")
    assert queue["visibility_timeout_seconds"] == 270 == worker.visibility_timeout_seconds
    assert json.loads(queue["redrive_policy"])["maxReceiveCount"] == 5


def test_batching_parameters_and_concurrency_reach_the_mapping():
    _, synthesized = _worker(
        batch_size=50,
        maximum_batching_window_in_seconds=5,
        maximum_concurrency=4,
        max_receive_count=3,
        visibility_timeout_seconds=600,
    )
    mapping = only(resources(synthesized, "aws_lambda_event_source_mapping"))
    assert (mapping["batch_size"], mapping["maximum_batching_window_in_seconds"]) == (50, 5)
    assert mapping["scaling_config"] == {"maximum_concurrency": 4}
    assert mapping["function_response_types"] == ["ReportBatchItemFailures"]
    queue = next(q for q in resources(synthesized, "aws_sqs_queue").values() if q["name"] == "jobs")
    assert queue["visibility_timeout_seconds"] == 600 and json.loads(queue["redrive_policy"])["maxReceiveCount"] == 3


def test_mapping_waits_for_the_queue_permission():
    _, synthesized = _worker()
    (policy_id,) = resources(synthesized, "aws_iam_role_policy")
    assert only(resources(synthesized, "aws_lambda_event_source_mapping"))["depends_on"] == [
        f"aws_iam_role_policy.{policy_id}"
    ]
