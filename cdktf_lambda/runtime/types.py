"""The shapes a run of a function answers with, as Lambda's runtime interface defines them: TypedDicts.

:class:`ErrorObject` is what a failed invocation returns in place of the handler's response, the same whether the
function ran on its own runtime (AWS's runtime client writes it), on the host fallback (the bootstrap writes it), or
the runner failed it (a timeout, an exit).

Examples
--------
>>> from cdktf_lambda.runtime.types import ErrorObject
>>> error: ErrorObject = {"errorType": "Sandbox.Timedout", "errorMessage": "Task timed out after 3.00 seconds"}
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

__all__ = ["ErrorObject"]


class ErrorObject(TypedDict):
    """Lambda's error object: ``errorType`` (``Runtime.ImportModuleError``, ``Runtime.ExitError``,
    ``Sandbox.Timedout``, or the exception's class), ``errorMessage``, and for handler exceptions the request id and
    the stack trace."""

    errorType: str
    errorMessage: str
    requestId: NotRequired[str]
    stackTrace: NotRequired[list[str]]
