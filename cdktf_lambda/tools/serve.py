"""``cdktf-lambda serve``: a function's ASGI app on uvicorn, for development (uvicorn: the ``local`` extra)."""

from __future__ import annotations

import sys

from cdktf_lambda.errors import SourceError
from cdktf_lambda.paths import resolve

__all__ = ["serve"]


def serve(
    *,
    source_base_path: str = "lambda_src",
    function: str = "api_server",
    app: str = "app",
    host: str = "127.0.0.1",
    port: int = 8000,
    reload: bool = False,
) -> None:
    """Serve ``<source_base_path>/<function>/<function>.py``'s ASGI ``app`` with uvicorn.

    The imports resolve as on Lambda: the function directory first (its module is top level), then
    ``source_base_path`` (for the shared runtime modules, which are a layer on Lambda).

    Raises
    ------
    SourceError
        uvicorn is not installed, or the module is not there.
    """
    try:
        import uvicorn
    except ImportError:
        raise SourceError("serve needs uvicorn: pip install 'cdktf-lambda[local]'") from None
    base = resolve(source_base_path)
    function_dir = base / function
    module_file = function_dir / f"{function}.py"
    if not module_file.is_file():
        raise SourceError(f"{module_file} not found (--source-base-path {source_base_path}, --function {function})")
    for path in (str(base), str(function_dir)):  # function_dir ends up first
        if path in sys.path:
            sys.path.remove(path)
        sys.path.insert(0, path)
    uvicorn.run(f"{function}:{app}", host=host, port=port, reload=reload, reload_dirs=[str(base)] if reload else None)
