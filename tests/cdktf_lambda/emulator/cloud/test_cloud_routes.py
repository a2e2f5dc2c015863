"""HTTP API route selection: the most specific route wins, $default last, None means 404."""

from __future__ import annotations

import pytest

from cdktf_lambda.emulator.cloud.routes import RouteMatch, match_route

ROUTES = [
    "GET /pets",
    "GET /pets/{id}",
    "ANY /pets/{id}",
    "GET /pets/dog/{id}",
    "GET /files/{path+}",
    "ANY /{proxy+}",
    "POST /greetings",
    "GET /greetings/{request_id}",
]


@pytest.mark.parametrize(
    ("method", "path", "route", "parameters"),
    [
        ("GET", "/pets", "GET /pets", {}),
        ("GET", "/pets/", "GET /pets", {}),
        ("GET", "/pets/7", "GET /pets/{id}", {"id": "7"}),
        ("DELETE", "/pets/7", "ANY /pets/{id}", {"id": "7"}),
        ("GET", "/pets/dog/1", "GET /pets/dog/{id}", {"id": "1"}),
        ("GET", "/files/a/b%20c.txt", "GET /files/{path+}", {"path": "a/b c.txt"}),
        ("GET", "/pets/7/toys", "ANY /{proxy+}", {"proxy": "pets/7/toys"}),
        ("post", "/greetings", "POST /greetings", {}),
        ("GET", "/greetings/abc-1", "GET /greetings/{request_id}", {"request_id": "abc-1"}),
    ],
)
def test_most_specific_route(method: str, path: str, route: str, parameters: dict[str, str]) -> None:
    assert match_route(ROUTES, method, path) == RouteMatch(route, parameters)


def test_default_route_only_when_nothing_else_matches() -> None:
    routes = ["GET /pets", "$default"]
    assert match_route(routes, "GET", "/pets").route_key == "GET /pets"
    assert match_route(routes, "PUT", "/anything/else") == RouteMatch("$default", {})


def test_no_route_is_none() -> None:
    assert match_route(["GET /pets"], "GET", "/cats") is None
    assert match_route(["GET /files/{path+}"], "GET", "/files/") is None
    assert match_route([], "GET", "/") is None
