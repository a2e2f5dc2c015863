"""IAM in the local cloud, the services' own principals: an SQS mapping polls with the function's role, HTTP APIs,
function URLs and rules invoke what a resource-based permission allows, destinations and dead-letter queues are sent
with the sender's role, a Scheduler schedule invokes with its role."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError

from cdktf_lambda.testing import wait_for
from tests.cdktf_lambda.emulator.cloud._cloud import Cloud
from tests.cdktf_lambda.emulator.cloud._iam import ACCOUNT, allow, document, function, invoke, role, server_log_has

pytestmark = pytest.mark.slow

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
POLL = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def get(url: str) -> tuple[int, Any]:
    try:
        with _OPENER.open(url, timeout=60) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def counts(cloud: Cloud, url: str) -> tuple[int, int]:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = cloud.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return int(attributes[names[0]]), int(attributes[names[1]])


def mapping_result(cloud: Cloud, queue_arn: str) -> str | None:
    mappings = cloud.local("inventory")[1]["event_source_mappings"]
    return next((m["last_processing_result"] for m in mappings if m["queue"] == queue_arn), None)


def test_an_sqs_mapping_polls_with_the_functions_role(cloud: Cloud) -> None:
    url, arn = cloud.queue("iam-poll", VisibilityTimeout="2")
    function(cloud, "iam-poller", role(cloud, "iam-poller-role"), "echo")
    lam, iam = cloud.client("lambda"), cloud.client("iam")
    with pytest.raises(ClientError, match="does not have permissions to call ReceiveMessage on SQS"):
        lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="iam-poller")
    poll = document(allow(POLL, arn))
    iam.put_role_policy(RoleName="iam-poller-role", PolicyName="poll", PolicyDocument=poll)
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="iam-poller", BatchSize=1)
    sqs = cloud.client("sqs")
    sqs.send_message(QueueUrl=url, MessageBody="first")
    assert wait_for(lambda: counts(cloud, url) == (0, 0) and mapping_result(cloud, arn) == "OK", timeout=20)

    iam.delete_role_policy(RoleName="iam-poller-role", PolicyName="poll")
    problem = "PROBLEM: The provided execution role does not have permissions to call ReceiveMessage on SQS"
    assert wait_for(lambda: mapping_result(cloud, arn) == problem, timeout=10)
    sqs.send_message(QueueUrl=url, MessageBody="second")
    assert counts(cloud, url) == (1, 0), "nothing receives it while the role may not"

    iam.put_role_policy(RoleName="iam-poller-role", PolicyName="poll", PolicyDocument=poll)
    assert wait_for(lambda: counts(cloud, url) == (0, 0), timeout=20), "delivered once the role may again"


ACCESS_LOG = '{"status":"$context.status","error":"$context.integrationErrorMessage"}'


def test_an_http_api_invokes_only_what_a_permission_for_its_source_arn_allows(cloud: Cloud) -> None:
    arn = function(cloud, "iam-api-fn", role(cloud, "iam-api-role"), "echo")
    gateway, logs = cloud.client("apigatewayv2"), cloud.client("logs")
    api_id = cloud.http_api("iam-api", arn, ["GET /hello"])
    logs.create_log_group(logGroupName="/iam-api")
    group_arn = logs.describe_log_groups(logGroupNamePrefix="/iam-api")["logGroups"][0]["arn"]
    settings = {"DestinationArn": group_arn, "Format": ACCESS_LOG}
    gateway.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True, AccessLogSettings=settings)
    url = wait_for(lambda: cloud.local("endpoints")[1]["http_apis"].get("iam-api"), timeout=10)

    assert get(f"{url}/hello") == (500, {"message": "Internal Server Error"})
    lines = [json.loads(e["message"]) for e in logs.filter_log_events(logGroupName="/iam-api")["events"]]
    assert lines[-1]["error"].startswith("The IAM role configured on the integration or API Gateway doesn't have")

    lam = cloud.client("lambda")
    source = f"arn:aws:execute-api:us-east-1:{ACCOUNT}:"
    grant = {"Action": "lambda:InvokeFunction", "Principal": "apigateway.amazonaws.com"}
    lam.add_permission(FunctionName="iam-api-fn", StatementId="other", SourceArn=f"{source}other/*/*", **grant)
    assert get(f"{url}/hello")[0] == 500, "a permission for another API does not count"
    lam.add_permission(FunctionName="iam-api-fn", StatementId="api", SourceArn=f"{source}{api_id}/*/*", **grant)
    assert get(f"{url}/hello")[0] == 200


def test_a_function_url_needs_a_public_permission_or_a_signer_who_may(cloud: Cloud) -> None:
    function(cloud, "iam-url-fn", role(cloud, "iam-url-role"), "echo")
    function(cloud, "iam-signed-url-fn", role(cloud, "iam-signed-url-role"), "echo")
    caller_role = role(cloud, "iam-caller-role")
    function(cloud, "iam-caller", caller_role, "signed_get")
    lam = cloud.client("lambda")
    lam.create_function_url_config(FunctionName="iam-url-fn", AuthType="NONE")
    lam.create_function_url_config(FunctionName="iam-signed-url-fn", AuthType="AWS_IAM")
    urls = wait_for(
        lambda: len(cloud.local("endpoints")[1]["function_urls"]) >= 2 and cloud.local("endpoints")[1], timeout=10
    )
    public, signed = urls["function_urls"]["iam-url-fn"], urls["function_urls"]["iam-signed-url-fn"]

    assert get(public) == (403, {"Message": "Forbidden"})
    grant = {"Action": "lambda:InvokeFunctionUrl", "Principal": "*", "FunctionUrlAuthType": "NONE"}
    lam.add_permission(FunctionName="iam-url-fn", StatementId="public", **grant)
    assert get(public)[0] == 200

    assert get(signed)[0] == 403, "AWS_IAM: an unsigned request"
    assert invoke(cloud, "iam-caller", {"url": signed}) == 403, "signed by a role that may not"
    may = document(allow("lambda:InvokeFunctionUrl", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:iam-signed-url-fn"))
    cloud.client("iam").put_role_policy(RoleName="iam-caller-role", PolicyName="url", PolicyDocument=may)
    assert invoke(cloud, "iam-caller", {"url": signed}) == 200


def test_destinations_and_the_dead_letter_queue_are_sent_with_the_functions_role(cloud: Cloud) -> None:
    destination_url, destination = cloud.queue("iam-on-failure")
    dead_url, dead = cloud.queue("iam-dead")
    fn_role = role(cloud, "iam-failing-role", allow("sqs:SendMessage", destination))
    function(cloud, "iam-failing", fn_role, "fail", DeadLetterConfig={"TargetArn": dead}, Publish=True)
    lam = cloud.client("lambda")
    alias = lam.create_alias(FunctionName="iam-failing", Name="live", FunctionVersion="1")["AliasArn"]
    lam.put_function_event_invoke_config(  # the alias's, as the app configures it (and invokes the alias)
        FunctionName="iam-failing",
        Qualifier="live",
        MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": destination}},
    )

    lam.invoke(FunctionName=alias, InvocationType="Event", Payload=b'{"n": 1}')

    sqs = cloud.client("sqs")
    records = wait_for(lambda: sqs.receive_message(QueueUrl=destination_url).get("Messages"), timeout=20)
    assert json.loads(records[0]["Body"])["requestPayload"] == {"n": 1}, "the role may send to the destination"
    assert server_log_has(cloud, f"delivery to {dead} denied: {fn_role} may not sqs:SendMessage on {dead}")
    assert counts(cloud, dead_url) == (0, 0), "but not to the dead-letter queue: nothing there"


def test_a_schedule_invokes_with_its_role_and_sends_what_it_may_not_to_its_dead_letter_queue(cloud: Cloud) -> None:
    target = function(cloud, "iam-nightly", role(cloud, "iam-nightly-role"), "echo")
    dead_url, dead = cloud.queue("iam-schedule-dlq")
    schedule_role = role(cloud, "iam-schedule-role", allow("sqs:SendMessage", dead), services=("scheduler",))
    targets = {"Arn": target, "RoleArn": schedule_role, "Input": '{"job": "x"}', "DeadLetterConfig": {"Arn": dead}}
    cloud.client("scheduler").create_schedule(
        Name="iam-nightly", ScheduleExpression="cron(0 3 * * ? *)", FlexibleTimeWindow={"Mode": "OFF"}, Target=targets
    )

    status, answer = cloud.local("fire?name=iam-nightly&wait=30", method="POST")
    assert status == 200 and "is not authorized to perform: lambda:InvokeFunction" in answer["fired"][0]["error"]
    (message,) = wait_for(
        lambda: cloud.client("sqs").receive_message(QueueUrl=dead_url, MessageAttributeNames=["All"]).get("Messages"),
        timeout=10,
    )
    assert message["Body"] == '{"job": "x"}'
    assert message["MessageAttributes"]["TARGET_ARN"]["StringValue"] == target

    invoke_policy = document(allow("lambda:InvokeFunction", target))
    cloud.client("iam").put_role_policy(RoleName="iam-schedule-role", PolicyName="invoke", PolicyDocument=invoke_policy)
    status, answer = cloud.local("fire?name=iam-nightly&wait=30", method="POST")
    assert (answer["fired"][0]["condition"], answer["fired"][0]["response"]) == (None, {"job": "x"})


def test_a_rule_invokes_only_what_a_permission_for_it_allows(cloud: Cloud) -> None:
    target = function(cloud, "iam-ruled", role(cloud, "iam-ruled-role"), "echo")
    events = cloud.client("events")
    rule = events.put_rule(Name="iam-rule", ScheduleExpression="rate(1 day)")["RuleArn"]
    events.put_targets(Rule="iam-rule", Targets=[{"Id": "1", "Arn": target, "Input": '{"r": 1}'}])

    answer = cloud.local("fire?name=iam-rule&wait=30", method="POST")[1]
    assert "no resource-based policy" in answer["fired"][0]["error"]

    grant = {"Action": "lambda:InvokeFunction", "Principal": "events.amazonaws.com", "SourceArn": rule}
    cloud.client("lambda").add_permission(FunctionName="iam-ruled", StatementId="rule", **grant)
    answer = cloud.local("fire?name=iam-rule&wait=30", method="POST")[1]
    assert answer["fired"][0]["response"] == {"r": 1}
