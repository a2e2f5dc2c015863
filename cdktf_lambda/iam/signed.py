"""Who signed a request: the access key, region and service of its SigV4 credential scope, and its session token;
a :class:`Session` is what a role's credentials stand for.

Credentials come from an ``Authorization`` header (SigV4), or from a presigned URL: ``X-Amz-Credential`` (SigV4) or
``AWSAccessKeyId`` (SigV2, S3 only). The service is the signing name, mapped to the IAM prefix where they differ
(``monitoring`` -> ``cloudwatch``).

Examples
--------
>>> header = "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host"
>>> credentials({"Authorization": header}, "http://127.0.0.1:5000/", "us-east-1")
('ASIAEXAMPLE', 'us-east-1', 'dynamodb')
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

__all__ = ["Session", "credentials", "is_json", "parameters", "session_token"]

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
#: SigV4 signing names that are not the IAM prefix.
_PREFIX = {"monitoring": "cloudwatch", "email": "ses"}


def credentials(headers: Mapping[str, Any], uri: str, region: str) -> tuple[str | None, str, str]:
    """(access key or None, region, IAM service prefix) of a request (``region``: a SigV2 URL's, which has none)."""
    found = _CREDENTIAL.search(str(headers.get("Authorization") or ""))
    if found:
        return found.group(1), found.group(2), _PREFIX.get(found.group(3), found.group(3))
    query = parse_qs(urlparse(uri).query)
    scope = (query.get("X-Amz-Credential") or [""])[0].split("/")
    if len(scope) == 5:
        return scope[0], scope[2], _PREFIX.get(scope[3], scope[3])
    if query.get("AWSAccessKeyId"):
        return query["AWSAccessKeyId"][0], region, "s3"
    return None, "", ""


def session_token(headers: Mapping[str, Any], uri: str) -> str | None:
    """The ``X-Amz-Security-Token`` header, or the query parameter of a presigned URL."""
    token = headers.get("X-Amz-Security-Token")
    if token:
        return str(token)
    query = {key.lower(): value for key, value in parse_qs(urlparse(uri).query).items()}
    tokens = query.get("x-amz-security-token")
    return str(tokens[0]) if tokens else None


def parameters(parsed: Any, body: Any, query: Mapping[str, Any] | None) -> dict[str, Any]:
    """A request's parameters: ``parsed`` by the server if it did, else the JSON ``body``, else the query string
    (first values)."""
    if isinstance(parsed, dict) and parsed:
        return parsed
    if isinstance(body, bytes | str) and body[:1] in ("{", b"{"):
        try:
            loaded = json.loads(body)
        except ValueError:
            loaded = None
        if isinstance(loaded, dict):
            return loaded
    return {key: value[0] if isinstance(value, list) and value else value for key, value in (query or {}).items()}


def is_json(headers: Mapping[str, Any]) -> bool:
    """Whether the request speaks a JSON protocol (its answer must too)."""
    return "json" in str(headers.get("Content-Type") or "")


@dataclass(frozen=True)
class Session:
    """Credentials minted for a role: the keys, and the ARNs they stand for."""

    access_key_id: str
    secret_access_key: str
    session_token: str
    role_arn: str
    arn: str  # arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION

    @property
    def account(self) -> str:
        return self.role_arn.split(":")[4]

    def environment(self) -> dict[str, str]:
        return {
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
            "AWS_SESSION_TOKEN": self.session_token,
        }
