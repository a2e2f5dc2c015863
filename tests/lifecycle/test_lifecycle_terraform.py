"""The app's full Terraform lifecycle against moto, with raw terraform.

synth -> init -> validate -> apply -> check every deployed object through boto3 -> plan is empty -> the same
project synthesized with CDK Terrain (``CDKTF_LAMBDA_FLAVOR=cdktn``) validates and plans no change against that state
(both flavors describe the same deployed objects: switching needs no state migration) -> edit one line of worker's
source in the copy, re-synth -> the plan updates worker's code (a new published version) and moves its alias to that
version, nothing else -> apply -> plan is empty -> destroy -> nothing left in moto.

One deployment serves both flavors: each SQS queue costs ~25 s of the aws provider's own waiting (a client-side
floor of six reads 5 s apart, see README "Performance"), so a second apply of the same objects would prove nothing
the cdktn plan does not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cdktf_lambda.emulator.server import MotoServer
from tests.lifecycle._lifecycle import (
    CHANGED_FUNCTION,
    LIFECYCLE_BUDGET_SECONDS,
    Deployment,
    Phases,
    address_of,
    assert_moto_patches_applied,
    assert_nothing_left,
    check_deployed,
    copy_project,
    echo,
    edit_one_line,
    moto_report,
    synth_app,
)

pytestmark = pytest.mark.terraform

#: Attributes of aws_lambda_function that a code change may change in the plan (the zip's path carries its hash).
CODE_ATTRIBUTES = {"filename", "source_code_hash"}


def test_app_lifecycle_cdktf(tmp_path: Path, cli_config: Path, moto: MotoServer, capsys: pytest.CaptureFixture) -> None:
    phases = Phases("app lifecycle, cdktf flavor, raw terraform")
    try:
        _cdktf_lifecycle(tmp_path, cli_config, moto, phases)
    finally:
        with capsys.disabled():
            echo("\n" + phases.report() + "\n" + moto_report(moto))
    assert phases.total < LIFECYCLE_BUDGET_SECONDS, f"lifecycle took {phases.total:.0f} s\n{phases.report()}"


def init_validate_apply(tf: Deployment, phases: Phases) -> None:
    with phases("init"):
        tf.terraform("init", "-input=false")
    with phases("validate"):
        tf.terraform("validate")
    with phases("apply"):
        tf.terraform("apply", "-input=false", "-auto-approve")


def _cdktf_lifecycle(tmp_path: Path, cli_config: Path, moto: MotoServer, phases: Phases) -> None:
    assert_moto_patches_applied(moto)
    project = copy_project(tmp_path / "project")
    with phases("synth"):
        stack_dir = synth_app(project)
    tf = Deployment(stack_dir, moto, cli_config)
    assert tf.config["//"]["metadata"]["version"].startswith("0.21."), "not synthesized with cdktf 0.21"

    init_validate_apply(tf, phases)
    with phases("check objects (boto3)"):
        state, outputs = tf.show()
        before = check_deployed(tf.config, state, outputs, stack_dir, moto.endpoint_url)
    with phases("plan (no drift)"):
        tf.assert_no_drift("after the first apply")
    with phases("cdktn: synth + init + validate + plan"):
        assert_cdktn_plans_no_change(project, moto, cli_config)

    # One line of one function's source changes: only that function's code may change.
    edit_one_line(project / "lambda_src" / CHANGED_FUNCTION / f"{CHANGED_FUNCTION}.py")
    with phases("re-synth"):
        synth_app(project)
    changed_address = address_of(
        tf.config, "aws_lambda_function", function_name=outputs[f"{CHANGED_FUNCTION}_function_name"]
    )
    alias_address = address_of(tf.config, "aws_lambda_alias", function_name=f"${{{changed_address}.function_name}}")
    with phases("plan (code change)"):
        result = tf.plan_exit_code("-out=code-change.tfplan")
        assert result.returncode == 2, f"the edit of {CHANGED_FUNCTION}'s source planned nothing:\n{result.output}"
        changes = tf.planned_changes("code-change.tfplan")
        assert sorted(changes) == sorted([(changed_address, ["update"]), (alias_address, ["update"])]), (
            f"a one-line edit of {CHANGED_FUNCTION} must update only its function (publishing a version) and move its "
            f"alias, in place; got {changes}\n{result.output}"
        )
        alias_change = tf.planned_resource_change("code-change.tfplan", alias_address)
        assert set(alias_change.get("after_unknown", {})) >= {"function_version"}, alias_change
        change = tf.planned_resource_change("code-change.tfplan", changed_address)
        known_changes = {key for key, value in change["after"].items() if change["before"].get(key) != value} - set(
            change.get("after_unknown", {})
        )
        assert known_changes == CODE_ATTRIBUTES, f"{changed_address}: changed {sorted(known_changes)}, not only code"
    with phases("apply (code change)"):
        tf.terraform("apply", "-input=false", "code-change.tfplan")
    with phases("check objects (boto3) 2"):
        state, outputs = tf.show()
        after = check_deployed(tf.config, state, outputs, stack_dir, moto.endpoint_url)
        assert after[CHANGED_FUNCTION] != before[CHANGED_FUNCTION], "the edited function's CodeSha256 did not change"
        assert {k: v for k, v in after.items() if k != CHANGED_FUNCTION} == {
            k: v for k, v in before.items() if k != CHANGED_FUNCTION
        }, "functions that were not edited got new code"
    with phases("plan (no drift) 2"):
        tf.assert_no_drift("after the code-change apply")

    with phases("destroy"):
        tf.terraform("destroy", "-input=false", "-auto-approve")
    assert_nothing_left(moto.endpoint_url)


def assert_cdktn_plans_no_change(project: Path, moto: MotoServer, cli_config: Path) -> None:
    """The project synthesized with cdktn: its stack directory sits at the same depth, so its local backend points at
    the cdktf deployment's state file; it must validate and plan nothing."""
    other = Deployment(synth_app(project, flavor="cdktn", outdir="cdktf.out.cdktn"), moto, cli_config)
    assert other.config["//"]["metadata"]["version"].startswith("0.24."), "not synthesized with cdktn 0.24"
    other.terraform("init", "-input=false")
    other.terraform("validate")
    other.assert_no_drift("cdktn-synthesized configuration against the state of the cdktf deploy")
