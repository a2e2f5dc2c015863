"""The read-only outputs of a :class:`~cdktf_lambda.LambdaPythonFunction`: the seed's three, and those of its alias."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cdktf_lambda import cdk

__all__ = ["FunctionOutputs"]


class FunctionOutputs:
    """Attributes derived from ``self.function`` (an ``aws_lambda_function``), ``self.log_group`` and ``self.alias``
    (an ``aws_lambda_alias`` or ``None``), which the construct sets."""

    function: cdk.LambdaFunction
    log_group: cdk.CloudwatchLogGroup
    alias: cdk.LambdaAlias | None

    @property
    def function_arn(self) -> str:
        return self.function.arn

    @property
    def function_name(self) -> str:
        return self.function.function_name

    @property
    def invoke_arn(self) -> str:
        return self.function.invoke_arn

    @property
    def log_group_arn(self) -> str:
        return self.log_group.arn

    @property
    def alias_arn(self) -> str | None:
        return self.alias.arn if self.alias is not None else None

    @property
    def alias_invoke_arn(self) -> str | None:
        return self.alias.invoke_arn if self.alias is not None else None

    @property
    def qualifier(self) -> str | None:
        """The alias name consumers invoke, or ``None`` (the unqualified function)."""
        return self.alias.name if self.alias is not None else None

    @property
    def invoke_target_arn(self) -> str:
        """The alias ARN if there is an alias, else the function ARN: what a schedule or a queue invokes."""
        return self.alias.arn if self.alias is not None else self.function.arn

    @property
    def invoke_target_invoke_arn(self) -> str:
        """The API Gateway invoke ARN of the alias if there is one, else of the function."""
        return self.alias.invoke_arn if self.alias is not None else self.function.invoke_arn
