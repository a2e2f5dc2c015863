"""Exceptions raised by cdktf-lambda at synth time, before Terraform ever runs.

All of them are ``ValueError`` subclasses, so ``except ValueError`` catches any bad input. Each message names the
parameter, the bad value and what is allowed.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CdktfLambdaError",
    "InvalidParameterError",
    "SourceError",
    "HandlerNotFoundError",
    "DependencyBuildError",
    "PackageTooLargeError",
    "LayerIncompatibleError",
]


class CdktfLambdaError(ValueError):
    """Base class of every error this library raises for bad input."""


class InvalidParameterError(CdktfLambdaError):
    """A construct parameter has a value outside what is allowed.

    Parameters
    ----------
    parameter
        The keyword argument's name, e.g. ``"memory_size"``.
    value
        The value that was given.
    allowed
        What is allowed, in words, e.g. ``"an integer from 128 to 10240 (MB)"``.
    """

    def __init__(self, parameter: str, value: Any, allowed: str) -> None:
        self.parameter = parameter
        self.value = value
        self.allowed = allowed
        super().__init__(f"Invalid {parameter}: {value!r}. Allowed: {allowed}.")


class SourceError(CdktfLambdaError):
    """A source directory or file is missing, or not what packaging needs."""


class HandlerNotFoundError(SourceError):
    """A handler string does not point at a module that exists in the package."""


class DependencyBuildError(SourceError):
    """pip could not install the locked packages for the target platform (e.g. a package has no matching wheel), or
    sdist-only packages would need compiling.

    Parameters
    ----------
    message
        What failed and what to do.
    output
        The tool's whole output (stdout and stderr), for callers that tell failures apart.
    """

    def __init__(self, message: str, *, output: str = "") -> None:
        super().__init__(message)
        self.output = output


class PackageTooLargeError(CdktfLambdaError):
    """A deployment package exceeds a Lambda quota."""


class LayerIncompatibleError(CdktfLambdaError):
    """A layer was built for another runtime or architecture than the function it is attached to."""
