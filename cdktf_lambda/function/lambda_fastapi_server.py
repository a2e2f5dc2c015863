"""``LambdaFastapiServer``: the seed's *lambda_fastapi_server* component."""

from __future__ import annotations

from cdktf_lambda.function.lambda_python_function import LambdaPythonFunction

__all__ = ["LambdaFastapiServer"]


class LambdaFastapiServer(LambdaPythonFunction):
    """A Lambda function serving a FastAPI app through Mangum, with its log group.

    Same keyword arguments as :class:`LambdaPythonFunction` (the seed's twelve variables, plus ``package=`` and
    the extras), except that ``handler`` defaults to the seed's ``"api_server.lambda_handler"`` when no package
    gives one. Use ``invoke_arn`` as the ``integration_uri`` of an API Gateway v2 ``AWS_PROXY`` integration.

    Examples
    --------
    >>> code = RuntimeCodeModules(self, "code", source_base_path="lambda_src")  # doctest: +SKIP
    >>> api = LambdaFastapiServer(self, "api", function_name="practice-dev-api-server",  # doctest: +SKIP
    ...                           package=code.api_server, execution_role_arn=role.arn)
    """

    default_handler = "api_server.lambda_handler"
