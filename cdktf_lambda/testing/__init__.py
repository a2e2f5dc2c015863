"""Test a stack the way it runs: a pytest toolkit for projects that use cdktf-lambda.

Install ``cdktf-lambda[cdktf,local,testing]``; pytest then finds the plugin (:mod:`.plugin`, a ``pytest11`` entry
point) and its fixtures:

=====================  ==================================================================================
``cdktf_project``       which app, how it runs (:class:`Project`; override it in a ``conftest.py``)
``cdktf_app``           the app synthesized once per session into a temporary directory (:class:`SynthesizedApp`)
``cdktf_stack``         its stack, typed (:class:`SynthesizedStack`: resources, outputs, :class:`Function`)
``lambda_invoke``       run a function on its own runtime from the synthesized artifacts (:class:`Invoker`)
``local_cloud``         the stack deployed into a local cloud once per session or xdist worker (:class:`LocalCloud`)
=====================  ==================================================================================

and, to import: :mod:`.events` (event factories), :func:`assert_resource`, :func:`assert_matches`,
:func:`assert_allows`, :func:`assert_no_resource`, :func:`wait_for`, :func:`synth_stack` (a stack built in the
test, synthesized in memory). Names load on first use: importing this package loads no jsii, boto3 or moto.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - read by type checkers; __getattr__ below loads the same names on first use
    from cdktf_lambda.testing import events as events
    from cdktf_lambda.testing.assertions import assert_allows as assert_allows
    from cdktf_lambda.testing.assertions import assert_matches as assert_matches
    from cdktf_lambda.testing.assertions import assert_no_resource as assert_no_resource
    from cdktf_lambda.testing.assertions import assert_resource as assert_resource
    from cdktf_lambda.testing.cloud import LocalCloud as LocalCloud
    from cdktf_lambda.testing.deploy import deploy_local_cloud as deploy_local_cloud
    from cdktf_lambda.testing.functions import Function as Function
    from cdktf_lambda.testing.functions import Layer as Layer
    from cdktf_lambda.testing.functions import Role as Role
    from cdktf_lambda.testing.functions import Statement as Statement
    from cdktf_lambda.testing.functions import Trigger as Trigger
    from cdktf_lambda.testing.http import HttpAnswer as HttpAnswer
    from cdktf_lambda.testing.invoke import Invocation as Invocation
    from cdktf_lambda.testing.invoke import Invoker as Invoker
    from cdktf_lambda.testing.project import Project as Project
    from cdktf_lambda.testing.resources import Resource as Resource
    from cdktf_lambda.testing.stack import SynthesizedStack as SynthesizedStack
    from cdktf_lambda.testing.synth import SynthesizedApp as SynthesizedApp
    from cdktf_lambda.testing.synth import synth_app as synth_app
    from cdktf_lambda.testing.synth import synth_stack as synth_stack
    from cdktf_lambda.testing.waiting import wait_for as wait_for

_MODULES = {
    "events": "",
    "assert_allows": ".assertions",
    "assert_matches": ".assertions",
    "assert_no_resource": ".assertions",
    "assert_resource": ".assertions",
    "LocalCloud": ".cloud",
    "deploy_local_cloud": ".deploy",
    "Function": ".functions",
    "Layer": ".functions",
    "Role": ".functions",
    "Statement": ".functions",
    "Trigger": ".functions",
    "HttpAnswer": ".http",
    "Invocation": ".invoke",
    "Invoker": ".invoke",
    "Project": ".project",
    "Resource": ".resources",
    "SynthesizedStack": ".stack",
    "SynthesizedApp": ".synth",
    "synth_app": ".synth",
    "synth_stack": ".synth",
    "wait_for": ".waiting",
}
__all__ = sorted(_MODULES)


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if module == "":
        return importlib.import_module(f"{__name__}.{name}")
    return getattr(importlib.import_module(module, __name__), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODULES])
