"""``FunctionUrl``: a Lambda function URL, the simpler alternative to an HTTP API."""

from __future__ import annotations

from cdktf_lambda import cdk
from cdktf_lambda.function.lambda_python_function import LambdaPythonFunction
from cdktf_lambda.limits import validate_choice
from cdktf_lambda.triggers.http_api import CorsOptions
from cdktf_lambda.types import AUTH_TYPES, AuthType

__all__ = ["FunctionUrl"]


class FunctionUrl(cdk.Construct):
    """An HTTPS endpoint served directly by the function (payload format 2.0, which Mangum handles).

    Parameters
    ----------
    function
        The function; the URL serves its alias when it has one (``qualifier``). Required.
    authorization_type
        ``"AWS_IAM"`` (callers sign requests and need ``lambda:InvokeFunctionUrl``) or ``"NONE"`` (public: the
        function gets the resource-based permission that lets anyone invoke the URL, without which AWS answers 403).
        Default: ``"AWS_IAM"``.
    cors
        CORS settings. Default: none.

    Attributes
    ----------
    function_url
        The ``aws_lambda_function_url``.
    url
        The endpoint URL.
    permission
        The ``aws_lambda_permission`` that makes a ``"NONE"`` URL public (None for ``"AWS_IAM"``).

    Raises
    ------
    InvalidParameterError
        An ``authorization_type`` other than ``"AWS_IAM"`` or ``"NONE"``.
    """

    def __init__(
        self,
        scope: cdk.Construct,
        id_: str,
        *,
        function: LambdaPythonFunction,
        authorization_type: AuthType = "AWS_IAM",
        cors: CorsOptions | None = None,
    ) -> None:
        super().__init__(scope, id_)
        validate_choice("authorization_type", authorization_type, AUTH_TYPES)
        self.function_url = cdk.LambdaFunctionUrl(
            self,
            "url",
            function_name=function.function_name,
            qualifier=function.qualifier,
            authorization_type=authorization_type,
            cors=cdk.LambdaFunctionUrlCors(**cors.as_kwargs()) if cors else None,
        )
        self.url: str = self.function_url.function_url
        self.permission: cdk.LambdaPermission | None = None
        if authorization_type == "NONE":
            self.permission = cdk.LambdaPermission(
                self,
                "public",
                statement_id="AllowPublicFunctionUrl",
                action="lambda:InvokeFunctionUrl",
                function_name=function.function_name,
                qualifier=function.qualifier,
                principal="*",
                function_url_auth_type="NONE",
            )
