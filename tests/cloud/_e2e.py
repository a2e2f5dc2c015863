"""Building blocks of the local cloud's end-to-end tests: the team's S3 backend with two applies started together
(test_cloud_s3_lock.py), reading a table and a queue, and figures (test_cloud_e2e.py)."""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdktf_lambda.deploy.terraform import TerraformResult, run_terraform
from cdktf_lambda.emulator.server import MotoServer, aws_client

STATE_BUCKET = "practice-e2e-state"
STATE_KEY = "practice/dev/terraform.tfstate"


def backend_config(directory: Path, endpoint_url: str) -> Path:
    """The S3 backend settings a moto endpoint needs (path-style addressing, no AWS account lookups)."""
    path = directory / "backend.hcl"
    path.write_text(
        f'endpoints = {{ s3 = "{endpoint_url}" }}\n'
        "use_path_style = true\n"
        "skip_credentials_validation = true\n"
        "skip_requesting_account_id = true\n"
        "skip_metadata_api_check = true\n"
        "skip_region_validation = true\n"
    )
    return path


@dataclass
class TwoApplies:
    """Two ``terraform apply`` of the same stack from two working directories, started together."""

    results: list[TerraformResult] = field(default_factory=list)
    lock_seen: bool = False
    seconds: float = 0.0


def apply_twice_at_once(directories: list[Path], env: dict[str, str], server: MotoServer) -> TwoApplies:
    """Start ``apply`` in both ``directories`` at the same moment; watch the S3 lock file while they run."""
    outcome = TwoApplies()
    s3 = aws_client("s3", server.endpoint_url)
    start = threading.Barrier(len(directories) + 1)
    results: dict[int, TerraformResult] = {}

    def apply(index: int, directory: Path) -> None:
        start.wait()
        results[index] = run_terraform(
            ["apply", "-input=false", "-auto-approve", "-lock-timeout=10m"],
            directory,
            env,
            ok_codes=(0, 1),
            abort_if=server.gone_reason,
        )

    threads = [threading.Thread(target=apply, args=item) for item in enumerate(directories)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    start.wait()
    while any(thread.is_alive() for thread in threads):
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=STATE_BUCKET).get("Contents", [])]
        outcome.lock_seen = outcome.lock_seen or f"{STATE_KEY}.tflock" in keys
        time.sleep(0.5)
    outcome.seconds = time.monotonic() - began
    outcome.results = [results[index] for index in sorted(results)]
    return outcome


def second_working_dir(stack_dir: Path) -> Path:
    """A copy of the synthesized stack (its JSON and assets) at the same depth: another team member's checkout."""
    other = stack_dir.with_name(stack_dir.name + "-colleague")
    shutil.copytree(stack_dir, other, ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl"))
    return other


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values`` (``fraction`` 0.5 = p50, 0.99 = p99)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(fraction * len(ordered) + 0.5)) - 1))]


def scan_table(cloud: Any, table: str) -> list[dict[str, str]]:
    """Every item of ``table`` (string attributes) in the local cloud ``cloud`` (a ``LocalCloud``)."""
    pages = cloud.client("dynamodb").get_paginator("scan").paginate(TableName=table)
    return [{k: v["S"] for k, v in item.items()} for page in pages for item in page["Items"]]


def queue_bodies(cloud: Any, url: str) -> list[str]:
    """The bodies of every message in the queue (received with a long visibility timeout, so each shows once)."""
    sqs, bodies = cloud.client("sqs"), []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600).get("Messages", [])
        if not got:
            return bodies
        bodies += [message["Body"] for message in got]
