"""Building blocks of the lifecycle tests: a project copy, synth, terraform bound to one moto server, checks.

Every test works in a copy of the project under ``tmp_path``, so it never touches the checkout's ``cdktf.out/`` or
Terraform state, and tests can run while someone works in the checkout. The stack's local backend keeps its state
three directories above the stack directory, i.e. beside the synth output in the copy.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdktf_lambda.deploy.mirror import terraform_env
from cdktf_lambda.deploy.terraform import TerraformResult, run_terraform
from cdktf_lambda.emulator.contents import leftovers
from cdktf_lambda.emulator.server import MotoServer, aws_client
from cdktf_lambda.packaging.hashing import base64_sha256
from tests._checkout import copy_checkout
from tests._synth import synth
from tests.lifecycle._feature_checks import check_features

PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: What the ``cdktf`` CLI additionally needs in the project it runs in: its ``package.json`` and modules, and
#: ``Pipfile``/``Pipfile.lock`` + ``.venv`` for the ``pipenv run python main.py`` of ``cdktf.json``.
CLI_FILES = ("package.json", "Pipfile", "Pipfile.lock")
CLI_LINKS = ("node_modules", ".venv")

STACK = "practice-dev"
FUNCTIONS = ("api_server", "cron_server", "worker")
#: The function whose source the code-change step edits.
CHANGED_FUNCTION = "worker"

#: A guard against a hang or a runaway phase, not a speed target (those are in bench/). Alone on this 2-core
#: machine the raw-terraform lifecycle takes about 117 s (the phase report it prints); in `make test` it runs beside
#: three other workers from the start and took 157-233 s from one run to the next, so the earlier 180 s flaked.
LIFECYCLE_BUDGET_SECONDS = 600.0

#: Where moto differs from AWS for this app, and how the tests deal with it. Printed by every lifecycle test.
MOTO_WORKAROUNDS = {
    "sqs-compact-redrive-policy": (
        "SQS GetQueueAttributes: moto re-serializes RedrivePolicy with spaces; AWS returns compact JSON. "
        "Unpatched, worker_queue re-plans a whitespace-only redrive_policy diff forever. "
        "Patched in cdktf_lambda/emulator/fidelity.py."
    ),
    "lambda-dead-letter-config": (
        "Lambda DeadLetterConfig: moto 5.2 drops it on CreateFunction/UpdateFunctionConfiguration and never "
        "returns it. Unpatched, a function with dead_letter_config re-plans an update forever (the app's "
        "cron_server now uses an on-failure destination instead). Patched in cdktf_lambda/emulator/fidelity.py."
    ),
    "lambda-function-settings": (
        "Lambda SnapStart/LoggingConfig/EphemeralStorage: moto 5.2 answers SnapStart ApplyOn=None whatever was set, "
        "never returns LoggingConfig and ignores an EphemeralStorage update. Unpatched, api_server (SnapStart) and "
        "every function (JSON logs) re-plan an update forever. Patched in cdktf_lambda/emulator/fidelity.py."
    ),
    "lambda-event-invoke-config": (
        "Lambda event invoke config: moto 5.2 appends on every Put, Get returns the first, Qualifier is ignored. "
        "Unpatched, cron_server's async config on the alias drifts after any change. "
        "Patched in cdktf_lambda/emulator/fidelity.py."
    ),
    "lambda-event-source-mapping-qualifier": (
        "Lambda event source mapping for an alias: moto 5.2 reports the version's ARN (function:name:1) instead of "
        "the alias ARN given (function:name:live). Unpatched, worker's mapping re-plans function_name forever. "
        "Patched in cdktf_lambda/emulator/fidelity.py."
    ),
    "lambda-recursion-config": (
        "Lambda recursion config: moto 5.2 has no Put/GetFunctionRecursionConfig; every function's "
        "aws_lambda_function_recursion_config fails to apply. Patched in cdktf_lambda/emulator/fidelity.py."
    ),
}
MOTO_NOT_EXERCISED = (
    "By this lifecycle: running the functions. The local cloud below does (tests/cloud, tests/lifecycle/"
    "test_lifecycle_cli.py); these checks are about what Terraform deploys, plans and destroys.",
    "SnapStart takes no snapshot; memory size and CPU share are not enforced on the local runtime.",
    "Each SQS queue create costs ~25 s: the aws provider waits for attribute propagation (six reads 5 s apart, "
    "client-side), most of apply's wall time.",
    "IAM policies are enforced by the local cloud, not by moto (tests/cloud/test_cloud_iam_statements.py runs the "
    "app's roles statement by statement); this lifecycle deploys with the local cloud's administrator keys.",
)
#: What the local cloud (cdktf_lambda/emulator/cloud) adds to moto; exercised by tests/cloud.
LOCAL_CLOUD = (
    "Lambda Invoke runs the deployed zips and layers through the local runtime (no Docker).",
    "SQS event source mappings deliver; HTTP APIs and function URLs answer on 127.0.0.1; schedules fire.",
)

_REFERENCE = re.compile(r"^\$\{(?P<type>[a-z0-9_]+)\.(?P<name>[A-Za-z0-9_-]+)\.(?P<attr>[a-z_]+)\}$")


# ----------------------------------------------------------------------------------------------- project + synth


def copy_project(dest: Path, *, for_cli: bool = False) -> Path:
    """Copy what synth needs into ``dest`` (plus, ``for_cli``, what the ``cdktf`` CLI and ``pipenv run`` need)."""
    if for_cli:
        return copy_checkout(dest, extra=CLI_FILES, links=CLI_LINKS)
    return copy_checkout(dest)


def synth_app(project: Path, *, flavor: str = "cdktf", outdir: str = "cdktf.out") -> Path:
    """Run ``main.py`` in ``project`` (as ``cdktf synth`` does) with ``flavor``; return the stack directory.

    Zips and the dependency layer come from the session's package cache (``CDKTF_LAMBDA_CACHE_DIR``, set by
    ``tests/conftest.py``), so only the first synth of a session runs pip.
    """
    cache = Path(os.environ["CDKTF_LAMBDA_CACHE_DIR"])
    synth(project, project / outdir, cache, CDKTF_LAMBDA_FLAVOR=flavor)
    stack_dir = project / outdir / "stacks" / STACK
    assert (stack_dir / "cdk.tf.json").is_file(), f"synth wrote no {stack_dir}/cdk.tf.json"
    return stack_dir


def edit_one_line(path: Path) -> tuple[str, str]:
    """Change the first line of ``path`` (the opening line of its module docstring); returns (old, new)."""
    lines = path.read_text().splitlines(keepends=True)
    old = lines[0]
    assert old.startswith('"""'), f"{path} should start with its docstring, got {old!r}"
    lines[0] = old.replace('"""', '"""Edited by the lifecycle test. ', 1)
    path.write_text("".join(lines))
    return old.rstrip("\n"), lines[0].rstrip("\n")


# -------------------------------------------------------------------------------------------------- timing


@dataclass
class Phases:
    """Wall time per phase of a lifecycle."""

    title: str
    seconds: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.monotonic()
        try:
            yield
        finally:
            self.seconds[name] = time.monotonic() - start

    @property
    def total(self) -> float:
        return time.monotonic() - self.started

    def report(self) -> str:
        width = max([len(name) for name in self.seconds] + [len("total (wall)")])
        lines = [f"== {self.title}: phase timings"]
        lines += [f"   {name:<{width}}  {seconds:6.1f} s" for name, seconds in self.seconds.items()]
        lines.append(f"   {'total (wall)':<{width}}  {self.total:6.1f} s")
        return "\n".join(lines)


def moto_report(server: MotoServer) -> str:
    """Which moto gaps were patched (read from the server's log: proof the patches are live) and what is not run."""
    log = Path(server.log_path).read_text(errors="replace") if server.log_path else ""
    lines = [f"== moto limitations worked around (server {server.endpoint_url}, log {server.log_path}):"]
    for patch, text in MOTO_WORKAROUNDS.items():
        match = re.search(rf"patch {re.escape(patch)}: (.*)", log)
        lines.append(f"   [{match.group(1) if match else 'NOT REPORTED'}] {patch}: {text}")
    lines.append(f"   [{'applied' if 'local cloud: applied' in log else 'NOT REPORTED'}] local cloud:")
    lines += [f"      {text}" for text in LOCAL_CLOUD]
    lines.append("== not exercised against moto:")
    lines += [f"   - {text}" for text in MOTO_NOT_EXERCISED]
    return "\n".join(lines)


def assert_moto_patches_applied(server: MotoServer) -> None:
    """Fail early, by name, when a moto upgrade made a fidelity patch inapplicable (the plan would drift)."""
    log = Path(server.log_path).read_text(errors="replace") if server.log_path else ""
    for patch in MOTO_WORKAROUNDS:
        assert f"patch {patch}: applied" in log, (
            f"the moto fidelity patch {patch!r} was not applied (see {server.log_path}); "
            f"without it: {MOTO_WORKAROUNDS[patch]}"
        )


# ---------------------------------------------------------------------------------------------- terraform


@dataclass
class Deployment:
    """One synthesized stack directory, deployed into one moto server with raw terraform."""

    stack_dir: Path
    server: MotoServer
    cli_config: Path

    @property
    def env(self) -> dict[str, str]:
        return terraform_env(self.cli_config, self.server.endpoint_url)

    def terraform(self, *args: str, ok_codes: tuple[int, ...] = (0,)) -> TerraformResult:
        """``terraform <args>``; stopped at once, with a :class:`TerraformError` naming the endpoint, if moto dies."""
        return run_terraform(list(args), self.stack_dir, self.env, ok_codes=ok_codes, abort_if=self.server.gone_reason)

    @property
    def config(self) -> dict[str, Any]:
        return json.loads((self.stack_dir / "cdk.tf.json").read_text())

    def plan_exit_code(self, *extra: str) -> TerraformResult:
        return self.terraform("plan", "-input=false", "-detailed-exitcode", *extra, ok_codes=(0, 2))

    def assert_no_drift(self, when: str) -> None:
        result = self.plan_exit_code()
        assert result.returncode == 0, f"{when}: `terraform plan -detailed-exitcode` shows changes:\n{result.output}"

    def planned_changes(self, planfile: str) -> list[tuple[str, list[str]]]:
        """(address, actions) of every resource change in a saved plan, no-ops and reads left out."""
        plan = json.loads(self.terraform("show", "-json", planfile).output)
        return sorted(
            (change["address"], change["change"]["actions"])
            for change in plan.get("resource_changes", [])
            if change["change"]["actions"] not in (["no-op"], ["read"])
        )

    def planned_resource_change(self, planfile: str, address: str) -> dict[str, Any]:
        plan = json.loads(self.terraform("show", "-json", planfile).output)
        return next(rc["change"] for rc in plan["resource_changes"] if rc["address"] == address)

    def show(self) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
        """The state (attribute values of every resource, by address) and the stack outputs (by name)."""
        return state_and_outputs(json.loads(self.terraform("show", "-json").output))


def state_and_outputs(shown: Mapping[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Resource values by address and output values by name, from ``terraform show -json`` of a state."""
    values = shown.get("values", {})
    resources = values.get("root_module", {}).get("resources", [])
    state = {r["address"]: r["values"] for r in resources if r.get("mode") == "managed"}
    return state, {name: output["value"] for name, output in values.get("outputs", {}).items()}


def address_of(config: Mapping[str, Any], resource_type: str, **match: Any) -> str:
    """Address of the single resource of ``resource_type`` whose configuration has the ``match`` values."""
    found = [
        f"{resource_type}.{logical_id}"
        for logical_id, body in config.get("resource", {}).get(resource_type, {}).items()
        if all(body.get(key) == value for key, value in match.items())
    ]
    assert len(found) == 1, f"expected one {resource_type} with {match}, found {found}"
    return found[0]


def resolve(reference: str, state: Mapping[str, Mapping[str, Any]]) -> Any:
    """The deployed value of ``${type.name.attr}``."""
    match = _REFERENCE.match(reference)
    assert match, f"not a plain resource reference: {reference!r}"
    return state[f"{match['type']}.{match['name']}"][match["attr"]]


# ------------------------------------------------------------------------------------------------- checks


def check_deployed(
    config: Mapping[str, Any],
    state: Mapping[str, Mapping[str, Any]],
    outputs: Mapping[str, Any],
    stack_dir: Path,
    endpoint_url: str,
) -> dict[str, str]:
    """Compare what moto holds with the synthesized configuration; returns ``CodeSha256`` by function.

    Per function: runtime, handler, memory, timeout, architectures, environment, tracing, role, dead-letter target,
    the layers (the deployed layer version ARNs, in order), ``CodeSha256`` equal to the construct's ``zip_hash``
    (stack output ``<function>_zip_hash``) and to the hash of the zip in the synth output, tags from the provider's
    ``default_tags``; its log group ``/aws/lambda/<name>`` and retention. Per layer version: ``CodeSha256`` and
    compatible runtimes/architectures. Then the production options (:func:`tests.lifecycle._feature_checks.
    check_features`): alias on the published version, SnapStart, logging config, recursion guard, async config,
    the Scheduler schedule.
    """
    lam = aws_client("lambda", endpoint_url)
    logs = aws_client("logs", endpoint_url)
    default_tags = config["provider"]["aws"][0]["default_tags"][0]["tags"]
    code_sha256: dict[str, str] = {}

    for function in FUNCTIONS:
        name = outputs[f"{function}_function_name"]
        address = address_of(config, "aws_lambda_function", function_name=name)
        want = config["resource"]["aws_lambda_function"][address.split(".", 1)[1]]
        response = lam.get_function(FunctionName=name)
        got = response["Configuration"]
        where = f"{function} ({name})"

        assert got["Runtime"] == want["runtime"] == "python3.13", where
        assert got["Handler"] == want["handler"] == f"{function}.lambda_handler", where
        assert got["MemorySize"] == want["memory_size"], where
        assert got["Timeout"] == want["timeout"], where
        assert got["Architectures"] == want["architectures"], where
        want_variables = {
            key: resolve(value, state) if value.startswith("${") else value
            for key, value in want["environment"]["variables"].items()
        }
        assert got.get("Environment", {}).get("Variables", {}) == want_variables, where
        assert got["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == function, where
        assert got["TracingConfig"]["Mode"] == want["tracing_config"]["mode"], where
        assert got["Role"] == resolve(want["role"], state), where
        assert got["Version"] == "$LATEST", where
        if "dead_letter_config" in want:
            assert got.get("DeadLetterConfig", {}).get("TargetArn") == resolve(
                want["dead_letter_config"]["target_arn"], state
            ), where
        deployed_layers = [layer["Arn"] for layer in got.get("Layers", [])]
        assert deployed_layers == [resolve(ref, state) for ref in want["layers"]], where
        assert len(deployed_layers) == 2, f"{where}: practice_util + dependency layer, got {deployed_layers}"

        zip_hash = outputs[f"{function}_zip_hash"]
        assert got["CodeSha256"] == zip_hash, f"{where}: CodeSha256 in moto != the construct's zip_hash"
        assert want["source_code_hash"] == zip_hash, where
        assert base64_sha256(stack_dir / want["filename"]) == zip_hash, f"{where}: zip in the synth output"
        code_sha256[function] = got["CodeSha256"]

        tags = response.get("Tags", {})
        assert {k: tags.get(k) for k in default_tags} == default_tags, f"{where}: tags {tags}"

        log_group_name = f"/aws/lambda/{name}"
        log_group = config["resource"]["aws_cloudwatch_log_group"][
            address_of(config, "aws_cloudwatch_log_group", name=log_group_name).split(".", 1)[1]
        ]
        groups = [
            g
            for g in logs.describe_log_groups(logGroupNamePrefix=log_group_name)["logGroups"]
            if g["logGroupName"] == log_group_name
        ]
        assert len(groups) == 1, f"{where}: log group {log_group_name} not found"
        assert groups[0].get("retentionInDays") == log_group["retention_in_days"] == 14, where

    for logical_id, want in config["resource"]["aws_lambda_layer_version"].items():
        deployed = state[f"aws_lambda_layer_version.{logical_id}"]
        # GetLayerVersionByArn is not routed by moto's server (HTTP 500): by name and version instead.
        got = lam.get_layer_version(LayerName=deployed["layer_name"], VersionNumber=int(deployed["version"]))
        assert got["LayerVersionArn"] == deployed["arn"], logical_id
        assert got["Content"]["CodeSha256"] == want["source_code_hash"], logical_id
        assert base64_sha256(stack_dir / want["filename"]) == want["source_code_hash"], logical_id
        assert got["CompatibleRuntimes"] == want["compatible_runtimes"], logical_id
        assert (
            got.get("CompatibleArchitectures", want["compatible_architectures"]) == want["compatible_architectures"]
        ), logical_id
    layer_arns = {values["arn"] for address, values in state.items() if address.startswith("aws_lambda_layer_version.")}
    assert {outputs["runtime_layer_arn"], outputs["dependency_layer_arn"]} == layer_arns
    check_features(config, state, outputs, endpoint_url)
    return code_sha256


def assert_nothing_left(endpoint_url: str) -> None:
    remaining = leftovers(endpoint_url)
    assert remaining == {}, f"destroy left resources in moto: {json.dumps(remaining, indent=2)}"


def echo(text: str) -> None:
    """Write to the terminal even under pytest's output capture (used with ``capsys.disabled()``)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
