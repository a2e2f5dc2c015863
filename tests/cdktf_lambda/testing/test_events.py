"""The event factories give AWS's shapes: compared key by key (and type by type) with the real events of
tests/events, and checked for what a handler reads."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cdktf_lambda.errors import SourceError
from cdktf_lambda.testing import events
from tests.conftest import PROJECT_ROOT

EVENTS = PROJECT_ROOT / "tests" / "events"
WHEN = datetime(2024, 3, 1, 6, 0, tzinfo=UTC)


def shape(value: Any) -> Any:
    """The keys and value types of a JSON value (lists: the shape of their first item)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def real(name: str) -> Any:
    return json.loads((EVENTS / name).read_text())


@pytest.mark.parametrize(
    ("made", "file"),
    [
        (events.http_api("GET", "/"), "apigw_http_v2_get_root.json"),
        (events.http_api("GET", "/hello/Ada", query={"lang": "es"}), "apigw_http_v2_get_hello_es.json"),
        (events.http_api("POST", "/greetings", json={"name": "Ada"}), "apigw_http_v2_post_greetings.json"),
        (events.sqs({"request_id": "r"}, "x"), "sqs_batch_all_good.json"),
        (events.eventbridge_schedule("practice-nightly"), "eventbridge_schedule.json"),
        (events.scheduler("practice-dev-cron-server"), "eventbridge_scheduler_schedule.json"),
    ],
)
def test_the_shape_is_the_real_events(made: dict[str, Any], file: str) -> None:
    assert shape(made) == shape(real(file))


def test_http_api_carries_what_a_handler_reads() -> None:
    event = events.http_api(
        "post",
        "/orders/7",
        query="a=1&a=2",
        headers={"X-Tenant": "acme"},
        json={"item": "tea"},
        cookies={"session": "s1"},
        path_parameters={"id": "7"},
        now=WHEN,
    )
    assert (event["rawPath"], event["rawQueryString"], event["queryStringParameters"]) == (
        "/orders/7",
        "a=1&a=2",
        {"a": "1,2"},
    )
    assert event["requestContext"]["http"]["method"] == "POST"
    assert event["headers"]["x-tenant"] == "acme" and event["headers"]["content-type"] == "application/json"
    assert event["headers"]["content-length"] == str(len(event["body"]))
    assert (json.loads(event["body"]), event["isBase64Encoded"]) == ({"item": "tea"}, False)
    assert (event["cookies"], event["pathParameters"]) == (["session=s1"], {"id": "7"})
    assert event["requestContext"]["time"] == "01/Mar/2024:06:00:00 +0000"
    assert event["requestContext"]["timeEpoch"] == 1709272800000


def test_a_binary_body_arrives_base64_encoded() -> None:
    event = events.http_api("PUT", "/blob", body=b"\x00\xff", headers={"content-type": "application/octet-stream"})
    assert (event["isBase64Encoded"], base64.b64decode(event["body"])) == (True, b"\x00\xff")
    with pytest.raises(SourceError, match="json= or body=, not both"):
        events.http_api("POST", "/", json={}, body="x")


def test_function_url_is_payload_2_on_its_lambda_url_domain() -> None:
    event = events.function_url("GET", "/status", url_id="abc123")
    assert shape(event) == shape(events.http_api("GET", "/status"))
    assert event["requestContext"]["domainName"] == "abc123.lambda-url.us-east-1.on.aws"
    assert (event["requestContext"]["apiId"], event["routeKey"]) == ("abc123", "$default")


def test_sqs_records_each_body_with_its_md5_and_queue() -> None:
    batch = events.sqs({"n": 1}, "plain", queue="jobs", attributes={"kind": "test"}, region="eu-west-1")
    first, second = batch["Records"]
    assert (first["body"], second["body"]) == ('{"n": 1}', "plain")
    assert first["md5OfBody"] == hashlib.md5(b'{"n": 1}').hexdigest()
    assert first["eventSourceARN"] == "arn:aws:sqs:eu-west-1:123456789012:jobs" and first["awsRegion"] == "eu-west-1"
    assert first["messageAttributes"]["kind"]["stringValue"] == "test"
    assert first["messageId"] != second["messageId"]


def test_schedules_name_their_rule_or_schedule() -> None:
    rule = events.eventbridge_schedule("nightly", now=WHEN)
    assert (rule["source"], rule["time"], rule["resources"]) == (
        "aws.events",
        "2024-03-01T06:00:00Z",
        ["arn:aws:events:us-east-1:123456789012:rule/nightly"],
    )
    schedule = events.scheduler("hourly", group="jobs")
    assert schedule["resources"] == ["arn:aws:scheduler:us-east-1:123456789012:schedule/jobs/hourly"]
    assert (schedule["source"], schedule["detail"]) == ("aws.scheduler", "{}")


def test_s3_and_sns_notifications() -> None:
    records = events.s3("uploads", "in/a b.csv", "in/c.csv", size=12)["Records"]
    assert [r["s3"]["object"]["key"] for r in records] == ["in/a+b.csv", "in/c.csv"]
    assert (records[0]["eventName"], records[0]["s3"]["bucket"]["arn"]) == ("ObjectCreated:Put", "arn:aws:s3:::uploads")
    assert records[0]["s3"]["object"]["size"] == 12 and records[0]["eventSource"] == "aws:s3"
    (note,) = events.sns({"order": 1}, topic="orders", subject="new", attributes={"kind": "x"})["Records"]
    assert (note["EventSource"], json.loads(note["Sns"]["Message"]), note["Sns"]["Subject"]) == (
        "aws:sns",
        {"order": 1},
        "new",
    )
    assert note["Sns"]["TopicArn"] == "arn:aws:sns:us-east-1:123456789012:orders"
    assert note["Sns"]["MessageAttributes"] == {"kind": {"Type": "String", "Value": "x"}}


def test_load_reads_an_event_file_or_says_why_not(tmp_path: Path) -> None:
    assert events.load(EVENTS / "sqs_batch_all_good.json") == real("sqs_batch_all_good.json")
    with pytest.raises(SourceError, match=r"event file '.*missing.json' cannot be read: No such file"):
        events.load(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(SourceError, match=r"event file '.*bad.json' is not JSON"):
        events.load(tmp_path / "bad.json")
