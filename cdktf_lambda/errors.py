"""Every exception cdktf-lambda raises, in two families.

* **Bad input** (:class:`CdktfLambdaError`, a ``ValueError``): a construct keyword, a source tree, a lock file, a
  command's argument. Raised at synth time, before Terraform runs and before anything is written; each message names
  the parameter, the bad value and what is allowed. ``except ValueError`` catches all of it.
* **A failure of the environment** (:class:`EnvironmentFailure`, a ``RuntimeError``): the machine, a tool or a
  service did not do its part — a runtime could not be provisioned, an interpreter failed while compiling, the local
  emulator did not start, Terraform or ``cdktf`` failed. The input may be fine; the message says what failed and
  what to do.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BytecodeError",
    "DeployError",
    "SyncError",
    "EmulatorError",
    "EnvironmentFailure",
    "InvokeError",
    "ProvisionError",
    "SynthError",
    "CdktfLambdaError",
    "InvalidParameterError",
    "NotInStackError",
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


class InvokeError(CdktfLambdaError):
    """A function cannot be run locally as asked: no synth output, an unknown function, a missing zip."""


class NotInStackError(CdktfLambdaError, LookupError):
    """A lookup in a synthesized stack (a function, a resource) found nothing, or more than one; the message lists
    what the stack has."""


class EnvironmentFailure(RuntimeError):
    """Base class of the failures of the environment: the machine, a tool or a service, not the input."""


class ProvisionError(EnvironmentFailure):
    """A runtime cannot be provisioned here (no Debian release ships it, not Linux, no mirror, a tool failed)."""


class BytecodeError(EnvironmentFailure):
    """The target interpreter failed while compiling (not a source file's own syntax error)."""


class EmulatorError(EnvironmentFailure):
    """The local emulator (the moto server) could not be started, reached or stopped."""


class DeployError(EnvironmentFailure):
    """A ``cdktf`` or ``terraform`` command failed, or the CLI is missing (the message says what to do)."""


class SynthError(EnvironmentFailure):
    """The app command (``cdktf.json``'s ``app``, e.g. ``python main.py``) failed or wrote no stack.

    Parameters
    ----------
    message
        What failed, with the app's own error output.
    output
        The app's whole output (stdout and stderr).
    """

    def __init__(self, message: str, *, output: str = "") -> None:
        super().__init__(message)
        self.output = output


class SyncError(EnvironmentFailure):
    """A Lambda or S3 API call of ``cdktf-lambda sync`` failed (credentials, permissions, the function not deployed)."""
