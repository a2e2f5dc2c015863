"""Values Terraform knows only at apply time (cdktf tokens), which synth-time validation must let through.

cdktf encodes an unresolved value in the shape the API expects: a string ``"${TfToken[TOKEN.1]}"`` (or one that
contains it), a list ``["#{TfToken[TOKEN.2]}"]``, a map ``{"&{TfToken[TOKEN.3]}": …}``, a number (a huge
negative double, about -1.8e289), or a jsii object (an ``IResolvable``). :func:`is_token` decides lists, maps,
numbers and objects with cdktf's own test, ``Token.is_unresolved``, whenever the selected flavor's core library is
loaded (a token cannot exist otherwise); a cheap plain-Python look at the encodings first spares that jsii call for
every ordinary value. A string holding ``${`` is a token without asking (cdktf's string test is that pattern; a
Terraform expression such as ``"${aws_x.y.arn}"``, an escape hatch, counts too): a synth of 300 functions makes
hundreds of such checks.

A list that merely *contains* tokens (``[layer.arn, "arn:aws:…"]``) is not one: validators check its items.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["is_token"]

_MARKERS = ("${", "#{TfToken[", "&{TfToken[")
#: cdktf's number tokens are doubles around -1.8e289; no real input comes near.
_NUMBER_TOKEN_LIMIT = -1e280
_CORE_MODULES = ("cdktf", "cdktn")


def _may_be_token(value: Any) -> bool:
    """False for values that cannot be an encoded token (most inputs); True for the shapes cdktf uses."""
    if isinstance(value, str):
        return any(marker in value for marker in _MARKERS)
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float)):
        return value <= _NUMBER_TOKEN_LIMIT
    if isinstance(value, Mapping):
        return len(value) == 1 and isinstance(next(iter(value)), str) and next(iter(value)).startswith("&{TfToken[")
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        first = value[0] if len(value) == 1 else None
        return (isinstance(first, str) and first.startswith("#{TfToken[")) or (
            isinstance(first, float) and first <= _NUMBER_TOKEN_LIMIT
        )
    # A jsii object (IResolvable and friends) stands for a value Terraform computes.
    return hasattr(type(value), "__jsii_type__") or type(value).__module__.startswith("jsii")


def _token_class() -> Any:
    for name in _CORE_MODULES:
        core = sys.modules.get(name)
        if core is not None and hasattr(core, "Token"):
            return core.Token
    return None


def is_token(value: Any) -> bool:
    """True when ``value`` is a value Terraform knows only at apply time (see the module docstring)."""
    if not _may_be_token(value):
        return False
    if isinstance(value, str):
        # A string holding "${" is a token to cdktf (its own encoding, "${TfToken[TOKEN.n]}", which its
        # Token.is_unresolved matches by the same pattern) or a raw Terraform expression: no jsii round trip.
        return "${" in value or bool(_token_class() and _token_class().is_unresolved(value))
    token = _token_class()
    return True if token is None else bool(token.is_unresolved(value))
