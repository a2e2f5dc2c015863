"""The pytest plugin in a pytest session of its own (pytester), with a stand-in app: it loads cheaply, its fixtures
fail a test with the cause alone, its summary reports the timings."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.cdktf_lambda.testing.test_synth import APP

pytestmark = pytest.mark.usefixtures("_stand_in_project")


@pytest.fixture
def _stand_in_project(pytester: pytest.Pytester) -> None:
    pytester.makefile(".py", main=APP)
    pytester.makefile(".json", cdktf=json.dumps({"app": "python main.py", "context": {"stacks": ["app"]}}))


def test_the_plugin_module_imports_nothing_heavy() -> None:
    """pytest imports every pytest11 plugin in every session: this one must not load the toolkit, jsii or boto3."""
    probe = (
        "import json, sys, cdktf_lambda.testing.plugin\n"
        "tops = {m.split('.')[0] for m in sys.modules}\n"
        "print(json.dumps([sorted(m for m in sys.modules if m.startswith('cdktf_lambda')),"
        " sorted(tops & {'jsii', 'cdktf', 'cdktn', 'constructs', 'boto3', 'botocore', 'moto'})]))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    ours, heavy = json.loads(result.stdout)
    assert ours == ["cdktf_lambda", "cdktf_lambda.testing", "cdktf_lambda.testing.plugin"] and heavy == []


def test_it_is_registered_by_the_entry_point(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--help")
    assert "--cdktf-project=DIR" in result.stdout.str() and "--cdktf-report=PATH" in result.stdout.str()


def test_cdktf_stack_is_the_app_synthesized_once(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_one(cdktf_stack, cdktf_app):
            assert cdktf_stack.name == "app" and cdktf_app.stacks["app"] is cdktf_stack

        def test_two(cdktf_app, cdktf_project):
            assert cdktf_app.project is cdktf_project
            assert cdktf_project.directory.name == "test_cdktf_stack_is_the_app_synthesized_once0"
        """
    )
    report = pytester.path / "report.json"
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", f"--cdktf-report={report}")
    result.assert_outcomes(passed=2)
    timings = json.loads(report.read_text())
    assert len(timings["synth_seconds"]) == 1 and timings["deploys"] == [] and timings["deploy_share"] == 0
    result.stdout.re_match_lines([r"-+ cdktf-lambda -+", r"synth \d+\.\d s; session \d+\.\d s$"])


def test_an_app_that_does_not_synthesize_fails_each_test_with_its_error_once(pytester: pytest.Pytester) -> None:
    pytester.makefile(".py", main="raise SystemExit('the stack is broken: no table')")
    pytester.makepyfile("def test_a(cdktf_stack): pass\ndef test_b(cdktf_stack): pass\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=2)
    output = result.stdout.str()
    assert output.count("cdktf-lambda: the app did not synthesize: `python main.py` in ") == 2
    assert "the stack is broken: no table" in output
    assert "plugin.py" not in output and "synth.py" not in output, "the cause, not a traceback from inside"


def test_an_unknown_stack_is_named_with_the_app_s_stacks(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_a(cdktf_stack): pass\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--cdktf-stack", "shop-prod")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["cdktf-lambda: the app has no stack 'shop-prod'; its stacks: app"])


def test_an_unknown_function_fails_the_test_naming_the_stack_s_functions(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_a(lambda_invoke): lambda_invoke('orders', {})\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*NotInStackError: stack 'app' has no function 'orders'; its functions*: none"])


def test_a_local_cloud_that_cannot_start_says_why(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDKTF_LAMBDA_TERRAFORM", "/no/terraform")
    pytester.makepyfile("def test_a(local_cloud): pass\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "cdktf-lambda: the local cloud could not be deployed: "
            "$CDKTF_LAMBDA_TERRAFORM='/no/terraform' is not an executable file"
        ]
    )


def test_the_project_fixture_can_be_overridden(pytester: pytest.Pytester) -> None:
    (pytester.path / "other").mkdir()
    (pytester.path / "other" / "app.py").write_text(APP)
    pytester.makeconftest(
        """
        import pytest
        from cdktf_lambda.testing import Project

        @pytest.fixture(scope="session")
        def cdktf_project(pytestconfig):
            other = pytestconfig.rootpath / "other"
            return Project(other, app="python app.py", context={"stacks": ["x", "y"]}, stack="y")
        """
    )
    pytester.makepyfile("def test_a(cdktf_stack):\n    assert cdktf_stack.name == 'y'\n")
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
