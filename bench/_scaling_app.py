"""A synthetic app with N Python functions, for measuring how synth time grows with the number of functions.

Run from a project directory made by ``python -m bench`` (``lambda_src/fn_01`` … ``fn_NN`` plus ``practice_util``),
with the repository on ``PYTHONPATH`` and ``CDKTF_OUTDIR`` set::

    python bench/_scaling_app.py 30

One stack: the aws provider, ``RuntimeCodeModules`` packaging every function (``packaging_mode="synth"``) and the
one shared ``practice_util`` layer, and per function its own ``ExecutionRole`` (role + logging policy) and
``LambdaPythonFunction`` (function + log group). No dependency layer, API, schedule or queue: only what every
function adds.
"""

from __future__ import annotations

import sys

from cdktf_lambda import ExecutionRole, LambdaPythonFunction, RuntimeCodeModules, add_aws_provider, cdk


def function_names(count: int) -> list[str]:
    """``fn_01`` … ``fn_NN``: the function directories of a synthetic app with ``count`` functions."""
    return [f"fn_{index:02d}" for index in range(1, count + 1)]


class ScalingStack(cdk.TerraformStack):
    def __init__(self, scope: cdk.Construct, id_: str, *, count: int) -> None:
        super().__init__(scope, id_)
        add_aws_provider(self, region="us-east-1", default_tags={"Project": "bench"})
        names = function_names(count)
        code = RuntimeCodeModules(
            self, "code", source_base_path="lambda_src", functions=names, packaging_mode="synth", name_prefix="bench-"
        )
        for name in names:
            function_name = f"bench-{name.replace('_', '-')}"
            role = ExecutionRole(self, f"{name}_role", role_name=f"{function_name}-role")
            function = LambdaPythonFunction(
                self, name, function_name=function_name, package=code.packages[name], execution_role_arn=role.arn
            )
            role.allow_logging(function.log_group_arn)


def main() -> None:
    count = int(sys.argv[1])
    app = cdk.App()
    ScalingStack(app, f"bench-{count}", count=count)
    app.synth()


if __name__ == "__main__":
    main()
