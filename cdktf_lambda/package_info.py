"""The value that travels from a package to the function that runs it."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["PackageInfo"]


@dataclass(frozen=True)
class PackageInfo:
    """A deployment package: the seed's ``{zip_path, zip_hash}`` object, plus what a function needs to use it.

    Attributes
    ----------
    zip_path
        Path of the zip, relative to the stack directory (or a token resolved by Terraform).
    zip_hash
        base64-encoded SHA-256 of the zip, the value Lambda reports as ``CodeSha256`` (or a token).
    handler
        The handler string found in the package, e.g. ``"api_server.lambda_handler"``; ``None`` for layers.
    modules
        Top-level modules in the package, used to check a handler string at synth time.
    layers
        Layer version ARNs the code needs at run time (e.g. the ``practice_util`` layer).
    unzipped_size
        Bytes of packaged files, when known at synth time.
    """

    zip_path: str
    zip_hash: str
    handler: str | None = None
    modules: tuple[str, ...] = ()
    layers: tuple[str, ...] = field(default=())
    unzipped_size: int | None = None
