"""The value that travels from a package to the function that runs it."""

from __future__ import annotations

from dataclasses import dataclass, field

from cdktf_lambda.packaging.package_source import PackageSource

__all__ = ["LayerInfo", "PackageInfo"]


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
        Layers the code needs at run time (e.g. the ``practice_util`` layer), as :class:`LayerInfo`.
    unzipped_size
        Bytes of packaged files, when known at synth time.
    s3_bucket, s3_key
        Where the zip is stored on S3 (``store_on_s3=True``): the function deploys from there instead of uploading
        ``zip_path`` directly. ``None`` for a direct upload.
    source
        How the zip was built from its sources (``packaging_mode="synth"``): the function records it in the stack
        JSON, so ``cdktf-lambda sync`` can build it again. ``None`` for a zip Terraform builds or one given by path.
    """

    zip_path: str
    zip_hash: str
    handler: str | None = None
    modules: tuple[str, ...] = ()
    layers: tuple[LayerInfo, ...] = field(default=())
    unzipped_size: int | None = None
    s3_bucket: str | None = None
    s3_key: str | None = None
    source: PackageSource | None = None


@dataclass(frozen=True)
class LayerInfo:
    """A layer version a function attaches, with what is known about it at synth time.

    Attributes
    ----------
    arn
        The layer version ARN (usually a token: ``aws_lambda_layer_version.<id>.arn``).
    compatible_runtimes, compatible_architectures
        What the layer was built for; a function with another runtime or architecture is refused at synth.
    unzipped_size
        Bytes of the layer's files, counted against Lambda's 250 MB (function + layers, unzipped) limit.
    name
        A readable name for error messages.
    """

    arn: str
    compatible_runtimes: tuple[str, ...] = ()
    compatible_architectures: tuple[str, ...] = ()
    unzipped_size: int | None = None
    name: str = "layer"
