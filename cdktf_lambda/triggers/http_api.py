"""``HttpApi``: an API Gateway v2 HTTP API in front of a Lambda function (``AWS_PROXY``, payload 2.0)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypedDict

from cdktf_lambda import cdk
from cdktf_lambda.function.lambda_python_function import LambdaPythonFunction
from cdktf_lambda.limits import tags_argument, validate_log_retention_days

__all__ = ["ACCESS_LOG_FORMAT", "CorsOptions", "HttpApi"]

#: Access log line: one JSON object per request (the fields API Gateway documents for HTTP APIs).
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "httpMethod": "$context.httpMethod",
        "routeKey": "$context.routeKey",
        "status": "$context.status",
        "protocol": "$context.protocol",
        "responseLength": "$context.responseLength",
        "integrationError": "$context.integrationErrorMessage",
    },
    sort_keys=True,
)


class CorsKwargs(TypedDict):
    """The CORS block's keywords, as an HTTP API and a function URL both take them."""

    allow_origins: list[str]
    allow_methods: list[str]
    allow_headers: list[str]
    max_age: int
    allow_credentials: bool


@dataclass(frozen=True)
class CorsOptions:
    """CORS settings of an HTTP API (or a function URL).

    Attributes
    ----------
    allow_origins
        Origins allowed, e.g. ``("https://example.com",)``. Required.
    allow_methods
        Default: ``("GET", "POST", "OPTIONS")``.
    allow_headers
        Default: ``("content-type", "authorization")``.
    max_age
        Seconds browsers may cache the preflight answer. Default: ``300``.
    allow_credentials
        Default: ``False``.
    """

    allow_origins: Sequence[str]
    allow_methods: Sequence[str] = ("GET", "POST", "OPTIONS")
    allow_headers: Sequence[str] = ("content-type", "authorization")
    max_age: int = 300
    allow_credentials: bool = False

    def as_kwargs(self) -> CorsKwargs:
        """The keyword arguments shared by an HTTP API's and a function URL's CORS block."""
        return {
            "allow_origins": list(self.allow_origins),
            "allow_methods": list(self.allow_methods),
            "allow_headers": list(self.allow_headers),
            "max_age": self.max_age,
            "allow_credentials": self.allow_credentials,
        }


class HttpApi(cdk.Construct):
    """HTTP API → ``$default`` route → Lambda proxy integration, with a ``$default`` auto-deploy stage.

    Parameters
    ----------
    api_name
        Name of the API. Required.
    function
        The function serving every route (e.g. a :class:`LambdaFastapiServer`); its alias when it has one. Required.
    cors
        CORS settings. Default: none (no CORS headers).
    access_log_retention_days
        Retention of the stage's access log group ``/aws/apigateway/<api_name>``. Default: ``14``.
    tags
        Tags of the API, stage and log group. Default: ``{}``.

    Attributes
    ----------
    api, integration, route, stage, access_log_group, permission
        The underlying resources; ``permission`` lets ``apigateway.amazonaws.com`` invoke the function from this
        API only (``<execution_arn>/*/*``), and to the function's alias when it has one (``qualifier``).
    api_endpoint
        The URL of the API (the ``$default`` stage serves at its root).

    Raises
    ------
    InvalidParameterError
        An ``access_log_retention_days`` that is not one of CloudWatch's values.
    """

    def __init__(
        self,
        scope: cdk.Construct,
        id_: str,
        *,
        api_name: str,
        function: LambdaPythonFunction,
        cors: CorsOptions | None = None,
        access_log_retention_days: int = 14,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(scope, id_)
        validate_log_retention_days(access_log_retention_days, "access_log_retention_days")
        tags = tags_argument(tags)
        self.api = cdk.Apigatewayv2Api(
            self,
            "api",
            name=api_name,
            protocol_type="HTTP",
            cors_configuration=cdk.Apigatewayv2ApiCorsConfiguration(**cors.as_kwargs()) if cors else None,
            tags=tags,
        )
        self.integration = cdk.Apigatewayv2Integration(
            self,
            "integration",
            api_id=self.api.id,
            integration_type="AWS_PROXY",
            integration_uri=function.invoke_target_invoke_arn,
            integration_method="POST",
            payload_format_version="2.0",
        )
        self.route = cdk.Apigatewayv2Route(
            self,
            "route",
            api_id=self.api.id,
            route_key="$default",
            target=f"integrations/{self.integration.id}",
        )
        self.access_log_group = cdk.CloudwatchLogGroup(
            self,
            "access_logs",
            name=f"/aws/apigateway/{api_name}",
            retention_in_days=access_log_retention_days,
            tags=tags,
        )
        self.stage = cdk.Apigatewayv2Stage(
            self,
            "stage",
            api_id=self.api.id,
            name="$default",
            auto_deploy=True,
            access_log_settings=cdk.Apigatewayv2StageAccessLogSettings(
                destination_arn=self.access_log_group.arn, format=ACCESS_LOG_FORMAT
            ),
            tags=tags,
        )
        self.permission = cdk.LambdaPermission(
            self,
            "permission",
            statement_id="AllowHttpApiInvoke",
            action="lambda:InvokeFunction",
            function_name=function.function_name,
            qualifier=function.qualifier,
            principal="apigateway.amazonaws.com",
            source_arn=f"{self.api.execution_arn}/*/*",
        )
        self.api_endpoint: str = self.api.api_endpoint
