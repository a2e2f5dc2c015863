"""HTTP API route selection, as API Gateway does it for route keys like ``GET /pets/{id}`` and ``ANY /{proxy+}``.

When several routes match a request, the most specific one wins: a route without a greedy ``{name+}`` variable
before one with it, more literal path segments before fewer, an explicit method before ``ANY``; ``$default`` only
when nothing else matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

__all__ = ["RouteMatch", "match_route"]

_VARIABLE = re.compile(r"^\{([^{}+]+)(\+?)\}$")
DEFAULT_ROUTE = "$default"


@dataclass(frozen=True)
class RouteMatch:
    """The chosen route key and the values of its path variables."""

    route_key: str
    path_parameters: dict[str, str]


def _segments(path: str) -> list[str]:
    parts = path.split("/")[1:]
    return parts[:-1] if len(parts) > 1 and parts[-1] == "" else parts


def _match_path(template: str, path: str) -> tuple[dict[str, str], tuple[int, int]] | None:
    """Path variables and a specificity score when ``path`` fits ``template``; else None."""
    wanted, actual = _segments(template), _segments(path)
    parameters: dict[str, str] = {}
    literals = 0
    for index, part in enumerate(wanted):
        variable = _VARIABLE.match(part)
        if variable and variable.group(2):  # greedy: the rest of the path, at least one segment
            if index != len(wanted) - 1 or index >= len(actual) or not "".join(actual[index:]):
                return None
            parameters[variable.group(1)] = unquote("/".join(actual[index:]))
            return parameters, (0, literals)
        if index >= len(actual):
            return None
        if variable:
            if not actual[index]:
                return None
            parameters[variable.group(1)] = unquote(actual[index])
        elif part != actual[index]:
            return None
        else:
            literals += 1
    if len(actual) != len(wanted):
        return None
    return parameters, (1, literals)


def match_route(route_keys: Iterable[str], method: str, path: str) -> RouteMatch | None:
    """The route of ``route_keys`` that serves ``method path`` (None: no route, API Gateway answers 404)."""
    best: tuple[tuple[int, int, int], RouteMatch] | None = None
    keys = list(route_keys)
    for key in keys:
        route_method, sep, template = key.partition(" ")
        if not sep or route_method not in (method.upper(), "ANY"):
            continue
        matched = _match_path(template, path)
        if matched is None:
            continue
        parameters, (exact, literals) = matched
        score = (exact, literals, int(route_method != "ANY"))
        if best is None or score > best[0]:
            best = (score, RouteMatch(key, parameters))
    if best is not None:
        return best[1]
    return RouteMatch(DEFAULT_ROUTE, {}) if DEFAULT_ROUTE in keys else None
