"""Parsing of JSON payloads (HTTP bodies, queue messages) with clear errors."""

from __future__ import annotations

import json
from typing import Any


class PayloadError(ValueError):
    """A payload is missing, not JSON, or not a JSON object."""


_JSON_TYPE_NAMES: dict[type, str] = {
    list: "array",
    str: "string",
    int: "number",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def parse_json_object(raw: str | bytes | bytearray | None, *, what: str = "body") -> dict[str, Any]:
    """Parse ``raw`` as a JSON object.

    Parameters
    ----------
    raw : str or bytes or None
        The payload text; bytes may be UTF-8/16/32.
    what : str
        Name of the payload, used in error messages.

    Returns
    -------
    dict[str, Any]
        The decoded object.

    Raises
    ------
    PayloadError
        If ``raw`` is empty, not valid JSON, or decodes to something other than an object.
        The message never echoes the payload itself.
    """
    if raw is None or not raw.strip():
        raise PayloadError(f"{what} is empty: expected a JSON object")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise PayloadError(f"{what} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except UnicodeDecodeError:
        raise PayloadError(f"{what} is not valid UTF-8 text") from None
    if not isinstance(value, dict):
        kind = _JSON_TYPE_NAMES.get(type(value), type(value).__name__)
        raise PayloadError(f"{what} must be a JSON object, got a JSON {kind}")
    return value
