"""``local status`` says whether the local cloud enforces IAM, and which SQS mapping a role keeps from polling."""

from __future__ import annotations

from cdktf_lambda.deploy.status import iam_text, status_text

QUEUE = "arn:aws:sqs:us-east-1:123456789012:"
PROBLEM = "PROBLEM: The provided execution role does not have permissions to call ReceiveMessage on SQS"


def test_the_iam_line_says_on_or_off() -> None:
    assert iam_text({"enforced": True, "checks": 12, "denied": 1}) == (
        "IAM: enforced, functions act with their roles (12 checks, 1 denied; CDKTF_LAMBDA_LOCAL_IAM=0 at `local up` "
        "turns it off)"
    )
    assert iam_text({"enforced": False}) == "IAM: not enforced, functions may do anything (CDKTF_LAMBDA_LOCAL_IAM=0)"


def test_status_shows_the_iam_line_and_a_mapping_that_cannot_poll() -> None:
    info = {
        "endpoint_url": "http://127.0.0.1:5000",
        "pid": 1,
        "log_path": "moto.log",
        "http_apis": {},
        "function_urls": {},
        "schedules": [],
        "functions": ["worker"],
        "invocations": {},
        "outputs": {},
        "iam": {"enforced": True, "checks": 3, "denied": 3},
        "event_source_mappings": [
            {"queue": QUEUE + "jobs", "function": "arn:f", "last_processing_result": PROBLEM},
            {"queue": QUEUE + "ok", "function": "arn:g", "last_processing_result": "OK"},
        ],
    }
    lines = status_text(info).splitlines()
    assert "IAM: enforced, functions act with their roles (3 checks, 3 denied;" in "\n".join(lines)
    assert f"  arn:aws:sqs:us-east-1:123456789012:jobs -> arn:f: {PROBLEM}" in lines
    assert not any(":ok ->" in line for line in lines)
