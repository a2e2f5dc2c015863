"""The plain-Python rooms import no jsii (packaging, interpreters, runtime, tools, emulator, deploy, the console
script);
the public names stay importable from ``cdktf_lambda`` and load the CDK only when a construct is asked for."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT

NO_JSII = "import sys; {imports}; assert not [m for m in sys.modules if m.split('.')[0] in ('jsii', 'cdktf', 'cdktn')]"


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    "imports",
    [
        "import cdktf_lambda",
        "import cdktf_lambda.packaging",
        "import cdktf_lambda.interpreters, cdktf_lambda.runtime.selection, cdktf_lambda.runtime.install",
        "import cdktf_lambda.tools.invoke, cdktf_lambda.tools.doctor, cdktf_lambda.tools.serve",
        "import cdktf_lambda.emulator.recorded, cdktf_lambda.emulator.contents, cdktf_lambda.emulator.cloud.invoke_api",
        "import cdktf_lambda.deploy.local, cdktf_lambda.deploy.status",
        "import cdktf_lambda.cli.main, cdktf_lambda.settings, cdktf_lambda.types",
        "from cdktf_lambda import PackageInfo, LayerInfo, InvalidParameterError, is_token",
        "from cdktf_lambda.packaging import build_zip, list_files, build_layer",
    ],
)
def test_plain_python_parts_load_no_jsii(imports):
    result = run_python(NO_JSII.format(imports=imports))
    assert result.returncode == 0, result.stderr


def test_the_console_script_help_starts_without_jsii():
    code = (
        "import sys\nfrom cdktf_lambda.cli.main import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
    )
    code += "assert not [m for m in sys.modules if m.split('.')[0] in ('jsii', 'cdktf', 'cdktn')]\n"
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert "invoke" in result.stdout


def test_every_public_name_of_the_readme_is_importable_from_the_package():
    import cdktf_lambda

    for name in cdktf_lambda.__all__:
        assert getattr(cdktf_lambda, name) is not None, name
