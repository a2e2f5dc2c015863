"""The deployed code of a moto function, as files a runner can run: :meth:`Artifacts.function_code`.

* Zips come from moto's stored bytes (``fn.code_bytes``, each layer version's ``code_bytes``) and are written once to
  a content-addressed directory (``zips/<sha256>.zip``).
* Layers are snapshotted when a function is created or updated (:func:`install_layer_snapshots`): as on AWS, a
  function keeps running on the layer versions it was deployed with after one of them is deleted.
* **Dependency layers and their lock files.** moto holds only the deployed zips. A dependency layer built for
  ``python3.13`` does not import on another interpreter (its binary wheels), so when the runner runs another target
  (:mod:`.runners`) the layer is rebuilt for that target from its lock file. The link from a deployed layer to its
  lock is the stack JSON the local cloud deployed: every ``aws_lambda_layer_version`` there records its zip's
  ``source_code_hash`` (= moto's ``CodeSha256``) and, for a :class:`~cdktf_lambda.DependencyLayer`, the build
  metadata (lock file, runtime, architecture). :class:`Artifacts` scans the synth output directories it is given
  (:data:`~cdktf_lambda.settings.LOCAL_SYNTH_DIRS`) for them, keyed by that hash; the lock file is read relative to the
  project of that synth output (the nearest directory above it with a ``cdktf.json``). A layer without such metadata
  runs as it was deployed.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdktf_lambda.errors import InvokeError
from cdktf_lambda.logs import room_logger
from cdktf_lambda.packaging.layer_build import METADATA_KEY, build_layer
from cdktf_lambda.packaging.locks import read_lock
from cdktf_lambda.packaging.target import Target
from cdktf_lambda.paths import cache_dir
from cdktf_lambda.runtime.code import FunctionCode

__all__ = ["Artifacts", "LayerMetadata", "install_layer_snapshots", "layer_contents"]

log = room_logger(__name__)


@dataclass(frozen=True)
class LayerMetadata:
    """How a deployed dependency layer was built, and the project its lock file belongs to."""

    lock_file: Path
    lock_sha256: str
    runtime: str
    architecture: str


def _lambda_backend(account_id: str, region: str) -> Any:
    from moto.awslambda.models import lambda_backends

    return lambda_backends[account_id][region]


def install_layer_snapshots() -> str:
    """Keep each function's layer bytes from the time it was created or updated (moto drops them with the layer)."""
    from moto.awslambda.models import LambdaFunction

    original = getattr(LambdaFunction, "_get_layers_data", None)
    if not callable(original):
        return "skipped: LambdaFunction._get_layers_data not found"

    def _get_layers_data(self: Any, arns: list[str]) -> Any:
        data = original(self, arns)
        backend = _lambda_backend(self.account_id, self.region)
        snapshot = {}
        for arn in arns:
            version = backend.layers_versions_by_arn(arn)
            if version is not None:
                snapshot[version.arn] = (version.code_bytes, version.code_digest, version.code_sha_256)
        self._local_layer_snapshot = snapshot
        return data

    LambdaFunction._get_layers_data = _get_layers_data
    return "applied"


def layer_contents(fn: Any) -> Iterator[tuple[str, bytes, str, str]]:
    """``(version ARN, zip bytes, hex sha256, base64 sha256)`` of each of ``fn``'s layers, in order."""
    snapshot = getattr(fn, "_local_layer_snapshot", None) or {}
    backend = _lambda_backend(fn.account_id, fn.region)
    for layer in fn.layers:
        arn = layer["Arn"]
        if arn in snapshot:
            yield (arn, *snapshot[arn])
            continue
        version = backend.layers_versions_by_arn(arn)
        if version is None or not version.code_bytes:
            raise InvokeError(f"layer version {arn} of {fn.function_name} has no code in the local cloud")
        yield arn, version.code_bytes, version.code_digest, version.code_sha_256


class Artifacts:
    """Files of deployed functions, under ``root``; dependency layers mapped through the stacks in ``synth_dirs``.

    Thread-safe: every file is written once, through a temporary file and ``os.replace``.
    """

    def __init__(self, root: Path, synth_dirs: Sequence[Path] = ()) -> None:
        self.root = Path(root)
        self.synth_dirs = tuple(Path(d) for d in synth_dirs)
        self._metadata: dict[str, LayerMetadata] = {}
        self._layer_zips: dict[tuple[str, str], Path] = {}
        self._lock = threading.Lock()
        self._build_locks: dict[tuple[str, str], threading.Lock] = {}

    def function_code(self, fn: Any, target: Target, environment: Mapping[str, str]) -> FunctionCode:
        """``fn`` (a moto ``LambdaFunction``) as deployed, its layers made runnable on ``target``."""
        if getattr(fn, "package_type", "Zip") == "Image" or not getattr(fn, "code_bytes", b""):
            raise InvokeError(f"{fn.function_name} has no zip code (container images do not run in the local cloud)")
        code_zip = self.zip_path(fn.code_bytes, fn.code_digest)
        layers = tuple(
            self.layer_zip(data, hexdigest, b64, target, arn) for arn, data, hexdigest, b64 in layer_contents(fn)
        )
        return FunctionCode(
            function_name=fn.function_name,
            handler=fn.handler or "lambda_function.lambda_handler",
            runtime=fn.run_time or target.runtime,
            code_zip=code_zip,
            layer_zips=layers,
            architecture=(fn.architectures or ["x86_64"])[0],
            timeout=int(fn.timeout or 3),
            memory_size=int(fn.memory_size or 128),
            environment=dict(environment),
            region=fn.region,
        )

    def zip_path(self, data: bytes, hexdigest: str) -> Path:
        """``data`` stored as ``zips/<hexdigest>.zip`` (written on first use)."""
        path = self.root / "zips" / f"{hexdigest}.zip"
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".zip-", dir=path.parent)
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
            os.replace(tmp, path)
        return path

    def layer_zip(self, data: bytes, hexdigest: str, b64sha256: str, target: Target, arn: str = "") -> Path:
        """The zip of a deployed layer to run on ``target``: its own, or its dependency layer rebuilt for it."""
        key = (hexdigest, target.label)
        with self._lock:
            known = self._layer_zips.get(key)
            build_lock = self._build_locks.setdefault(key, threading.Lock())
        if known is not None:
            return known
        with build_lock:  # one build per layer and target, however many invocations wait for it
            if key in self._layer_zips:
                return self._layer_zips[key]
            meta = self.dependency_metadata(b64sha256)
            if meta is None or (meta.runtime, meta.architecture) == (target.runtime, target.architecture):
                path = self.zip_path(data, hexdigest)
            else:
                path = self._rebuild(meta, target, arn)
            with self._lock:
                self._layer_zips[key] = path
        return path

    def _rebuild(self, meta: LayerMetadata, target: Target, arn: str) -> Path:
        if not meta.lock_file.is_file():
            raise InvokeError(
                f"layer {arn} is built for {meta.runtime}/{meta.architecture} and cannot run on {target.label}; "
                f"its lock file {meta.lock_file} (needed to rebuild it) is not there"
            )
        if read_lock(meta.lock_file).sha256 != meta.lock_sha256:
            log.warning("%s changed since the synth; the local layer follows the lock now", meta.lock_file)
        log.info(
            "layer %s is built for %s/%s: rebuilding it for %s", arn, meta.runtime, meta.architecture, target.label
        )
        return build_layer(meta.lock_file, target, cache_dir()).path

    def dependency_metadata(self, b64sha256: str) -> LayerMetadata | None:
        """The build metadata of the dependency layer whose zip has this ``CodeSha256`` (None: not one)."""
        with self._lock:
            if b64sha256 in self._metadata:
                return self._metadata[b64sha256]
        found = dict(self._scan())
        with self._lock:
            self._metadata.update(found)
            return self._metadata.get(b64sha256)

    def _scan(self) -> Iterator[tuple[str, LayerMetadata]]:
        for synth_dir in self.synth_dirs:
            project = _project_of(synth_dir)
            for stack_json in sorted(synth_dir.glob("stacks/*/cdk.tf.json")):
                try:
                    layers = json.loads(stack_json.read_text(encoding="utf-8"))["resource"]["aws_lambda_layer_version"]
                except (OSError, ValueError, KeyError, TypeError):
                    continue
                for layer in layers.values():
                    meta = (layer.get("//") or {}).get(METADATA_KEY)
                    if isinstance(meta, dict) and layer.get("source_code_hash") and meta.get("lock_file"):
                        yield (
                            layer["source_code_hash"],
                            LayerMetadata(
                                lock_file=project / meta["lock_file"],
                                lock_sha256=str(meta.get("lock_default_sha256", "")),
                                runtime=str(meta.get("runtime", "")),
                                architecture=str(meta.get("architecture", "")),
                            ),
                        )


def _project_of(synth_dir: Path) -> Path:
    """The nearest directory at or above ``synth_dir`` with a ``cdktf.json`` (else ``synth_dir``'s parent)."""
    for directory in (synth_dir, *synth_dir.parents):
        if (directory / "cdktf.json").is_file():
            return directory
    return synth_dir.parent
