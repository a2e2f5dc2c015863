"""Running things locally, without Docker: a synthesized function from its built artifacts (``invoke``), a
function's ASGI app (``serve``), and a local AWS (moto on 127.0.0.1, patched to AWS's behaviour) with Terraform
pointed at it.

Plain Python, no jsii: a client installs it with the library (``pip install 'cdktf-lambda[local]'`` adds uvicorn,
moto and boto3) and runs it as ``cdktf-lambda invoke|serve``. Nothing here imports this repository's ``devtools/``.

Modules: :mod:`.stack` (a synthesized stack read back), :mod:`.invoke` and :mod:`.bootstrap` (running a handler),
:mod:`.context` (the Lambda context), :mod:`.interpreters`, :mod:`.serve`, :mod:`.processes` (PIDs and ports),
:mod:`.moto` and :mod:`.moto_entry` (the emulator), :mod:`.inventory` (what exists in it), :mod:`.terraform` and
:mod:`.terraform_run` (Terraform against it, offline).
"""

from __future__ import annotations

from .context import LambdaContext
from .invoke import InvokeResult, invoke
from .stack import FunctionSpec, InvokeError, LayerSpec, find_function, load_stack

__all__ = [
    "FunctionSpec",
    "InvokeError",
    "InvokeResult",
    "LambdaContext",
    "LayerSpec",
    "find_function",
    "invoke",
    "load_stack",
]
