"""Packaging, in plain Python (no jsii, no construct tree): source listing, deterministic zips, content hashes,
handler discovery, lock files (Pipfile.lock, uv.lock, poetry.lock, hashed requirements), the Lambda target
platform, and dependency layers built by pip for it.

The constructs (:class:`~cdktf_lambda.LambdaPythonPackage`, :class:`~cdktf_lambda.RuntimeCodeModules`,
:class:`~cdktf_lambda.DependencyLayer`) are thin layers over these functions, which can be used and tested alone::

    from cdktf_lambda.packaging import build_zip, list_files

    built = build_zip(list_files("lambda_src/worker"), ".cdktf-lambda-cache", "worker")
    print(built.path, built.zip_hash)
"""

from __future__ import annotations

from cdktf_lambda.packaging.files import DEFAULT_EXCLUDES, SourceFile, list_files
from cdktf_lambda.packaging.handlers import find_handler, handler_module_exists, top_level_modules
from cdktf_lambda.packaging.hashing import base64_sha256, hash_files
from cdktf_lambda.packaging.layer_build import BuiltLayer, build_layer, strip_tree
from cdktf_lambda.packaging.layer_install import download_wheels
from cdktf_lambda.packaging.locks import (
    LOCK_FORMATS,
    LockedPackage,
    LockFormat,
    ResolvedLock,
    read_lock,
    requirements_for,
)
from cdktf_lambda.packaging.package_sizes import PackageSize
from cdktf_lambda.packaging.pip import PipRunner
from cdktf_lambda.packaging.target import Target, local_target
from cdktf_lambda.packaging.zips import BuiltZip, build_zip, unzipped_size, write_zip

__all__ = [
    "DEFAULT_EXCLUDES",
    "LOCK_FORMATS",
    "BuiltLayer",
    "BuiltZip",
    "LockFormat",
    "LockedPackage",
    "PackageSize",
    "PipRunner",
    "ResolvedLock",
    "SourceFile",
    "Target",
    "base64_sha256",
    "build_layer",
    "build_zip",
    "download_wheels",
    "find_handler",
    "handler_module_exists",
    "hash_files",
    "list_files",
    "local_target",
    "read_lock",
    "requirements_for",
    "strip_tree",
    "top_level_modules",
    "unzipped_size",
    "write_zip",
]
