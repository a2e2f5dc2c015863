"""``RuntimeCodeModules``: the seed's *runtime_code_modules* module, all function packages and layers at once."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from cdktf_lambda import cdk
from cdktf_lambda.code.lambda_python_package import LambdaPythonPackage
from cdktf_lambda.code.package_info import LayerInfo, PackageInfo
from cdktf_lambda.code.s3_artifacts import DEFAULT_S3_PREFIX, S3Artifacts
from cdktf_lambda.errors import CdktfLambdaError, InvalidParameterError, SourceError
from cdktf_lambda.limits import Architecture, PackagingMode, Runtime, validate_architecture, validate_runtime
from cdktf_lambda.packaging.files import list_files
from cdktf_lambda.packaging.handlers import find_handler
from cdktf_lambda.packaging.package_source import METADATA_KEY as PACKAGE_METADATA_KEY
from cdktf_lambda.paths import resolve

__all__ = ["RuntimeCodeModules", "SEED_FUNCTIONS", "SEED_RUNTIME_MODULES"]

SEED_FUNCTIONS: tuple[str, ...] = ("api_server", "cron_server", "worker")
SEED_RUNTIME_MODULES: tuple[str, ...] = ("practice_util",)


class RuntimeCodeModules(cdk.Construct):
    """Package every Lambda function directory, and ship the shared runtime modules once as Lambda layers.

    Parameters
    ----------
    scope, id_
        Construct scope and id.
    source_base_path
        Directory holding one sub-directory per function and runtime module, relative to the project directory
        (where the app's ``cdktf.json`` is), or absolute. Required (as in the seed).
    output_dir
        ``archive_file`` mode: where the zips are written, relative to the stack directory, or absolute (written
        into the JSON relative to the stack directory). Default: ``"../../../out"`` (the seed's default).
    functions
        Function directories to package. Default: ``("api_server", "cron_server", "worker")``.
    runtime_modules
        Shared packages every function can import at run time, each shipped once as a layer
        (``python/<module>/``). Default: ``("practice_util",)``.
    packaging_mode
        ``"archive_file"`` or ``"synth"``; see :class:`LambdaPythonPackage`. Default: ``"archive_file"``.
    name_prefix
        Prefix of the layer names: a layer is named ``<name_prefix><module with - for _>``. Default: ``""``.
    compatible_runtimes
        Runtimes the layers declare, and whose bytecode every zip carries. Default: ``("python3.13",)``.
    compatible_architectures
        Architectures the layers declare. Default: ``("x86_64", "arm64")``: runtime modules are plain Python.
    bytecode
        ``synth`` mode: ship ``__pycache__/*.cpython-3XX.pyc`` for ``compatible_runtimes`` in every zip (see
        :class:`LambdaPythonPackage`). Default: ``True`` (:data:`BYTECODE=0 <cdktf_lambda.settings.BYTECODE>` turns it
        off).
    store_on_s3, s3_bucket, s3_prefix
        Store every zip (functions and layers) on S3 and deploy from there: see :class:`~cdktf_lambda.S3Artifacts`.
        Defaults: ``False``, none, ``"builds/"``.

    Attributes
    ----------
    api_server, cron_server, worker
        The seed's outputs: a :class:`PackageInfo` per function (``zip_path``, ``zip_hash``, the handler found and
        the runtime layers' ARNs).
    packages
        ``{function name: PackageInfo}`` for every function.
    layers
        ``{runtime module: aws_lambda_layer_version}``.
    layer_infos, layer_arns
        The layers as :class:`LayerInfo` and as ARNs, in ``runtime_modules`` order.

    Raises
    ------
    InvalidParameterError
        A keyword outside what is allowed (names, runtimes, architectures, the S3 options).
    SourceError
        ``source_base_path`` or one of its function or module directories missing.
    HandlerNotFoundError
        A function directory without ``lambda_handler.py`` or ``<name>.py``.
    PackageTooLargeError
        A zip over Lambda's limits (50 MB uploaded directly, 250 MB unzipped).
    """

    def __init__(
        self,
        scope: cdk.Construct,
        id_: str,
        *,
        source_base_path: str | Path,
        output_dir: str | Path = "../../../out",
        functions: Sequence[str] = SEED_FUNCTIONS,
        runtime_modules: Sequence[str] = SEED_RUNTIME_MODULES,
        packaging_mode: PackagingMode = "archive_file",
        name_prefix: str = "",
        compatible_runtimes: Sequence[Runtime] = ("python3.13",),
        compatible_architectures: Sequence[Architecture] = ("x86_64", "arm64"),
        bytecode: bool = True,
        store_on_s3: bool = False,
        s3_bucket: str | None = None,
        s3_prefix: str = DEFAULT_S3_PREFIX,
    ) -> None:
        super().__init__(scope, id_)
        self._s3 = S3Artifacts(store_on_s3, s3_bucket, s3_prefix)
        if source_base_path is None or (isinstance(source_base_path, str) and not source_base_path.strip()):
            raise InvalidParameterError("source_base_path", source_base_path, "a path to the Lambda source directory")
        base = resolve(source_base_path)
        if not base.is_dir():
            raise SourceError(f"source_base_path={str(source_base_path)!r} is not a directory")
        if not functions:
            raise InvalidParameterError("functions", functions, "at least one function directory name")
        for runtime in compatible_runtimes:
            validate_runtime(runtime, "compatible_runtimes")
        for architecture in compatible_architectures:
            validate_architecture(architecture, "compatible_architectures")
        for label, names in (("functions", functions), ("runtime_modules", runtime_modules)):
            missing = [n for n in names if not (base / n).is_dir()]
            if missing:
                raise SourceError(
                    f"{label}: {', '.join(missing)} not found under source_base_path={str(source_base_path)!r}"
                )

        # Every source tree is checked (package, handler file, symlinks) before the first zip is written.
        for function in functions:
            find_handler(base / function, function)
            list_files(base / function)
        for module in runtime_modules:
            list_files(base / module)

        self._written: list[Path] = []
        try:
            self._add_packages(
                base,
                functions,
                runtime_modules,
                packaging_mode,
                output_dir,
                name_prefix,
                compatible_runtimes,
                compatible_architectures,
                bytecode,
            )
        except CdktfLambdaError:
            for path in self._written:  # a later package failed (e.g. too large): leave no zip of this construct
                path.unlink(missing_ok=True)
            raise

    def _track(self, package: LambdaPythonPackage) -> LambdaPythonPackage:
        if package.built is not None and package.built.created:
            self._written.append(package.built.path)
        return package

    def _add_packages(
        self,
        base: Path,
        functions: Sequence[str],
        runtime_modules: Sequence[str],
        packaging_mode: PackagingMode,
        output_dir: str | Path,
        name_prefix: str,
        compatible_runtimes: Sequence[Runtime],
        compatible_architectures: Sequence[Architecture],
        bytecode: bool,
    ) -> None:
        # All zips first, so that a package over a limit fails before any resource exists.
        layer_packages = {
            module: self._track(
                LambdaPythonPackage(
                    self,
                    module,
                    source_dir=base / module,
                    kind="layer",
                    packaging_mode=packaging_mode,
                    output_dir=output_dir,
                    runtimes=compatible_runtimes,
                    bytecode=bytecode,
                    **dataclasses.asdict(self._s3),
                )
            )
            for module in runtime_modules
        }
        function_packages = {
            function: self._track(
                LambdaPythonPackage(
                    self,
                    function,
                    source_dir=base / function,
                    packaging_mode=packaging_mode,
                    output_dir=output_dir,
                    runtimes=compatible_runtimes,
                    bytecode=bytecode,
                    **dataclasses.asdict(self._s3),
                )
            )
            for function in functions
        }

        self.layers: dict[str, cdk.LambdaLayerVersion] = {
            module: cdk.LambdaLayerVersion(
                self,
                f"{module}_layer",
                layer_name=f"{name_prefix}{module.replace('_', '-')}",
                filename=None if package.info.s3_key else package.zip_path,
                s3_bucket=package.info.s3_bucket,
                s3_key=package.info.s3_key,
                source_code_hash=package.zip_hash,
                compatible_runtimes=list(compatible_runtimes),
                compatible_architectures=list(compatible_architectures),
                description=f"Runtime module {module} (python/{module})",
            )
            for module, package in layer_packages.items()
        }
        for module, layer in self.layers.items():  # for `cdktf-lambda sync` (Terraform ignores "//")
            source = layer_packages[module].source
            if source is not None:
                layer.add_override(f"//.{PACKAGE_METADATA_KEY}", source.metadata())
        self.layer_infos: tuple[LayerInfo, ...] = tuple(
            LayerInfo(
                arn=layer.arn,
                compatible_runtimes=tuple(compatible_runtimes),
                compatible_architectures=tuple(compatible_architectures),
                unzipped_size=layer_packages[module].info.unzipped_size,
                name=module,
            )
            for module, layer in self.layers.items()
        )
        self.layer_arns: tuple[str, ...] = tuple(info.arn for info in self.layer_infos)
        self.packages: dict[str, PackageInfo] = {
            function: dataclasses.replace(package.info, layers=self.layer_infos)
            for function, package in function_packages.items()
        }

    def _package(self, name: str) -> PackageInfo:
        try:
            return self.packages[name]
        except KeyError:
            raise AttributeError(f"{name!r} is not among this construct's functions: {sorted(self.packages)}") from None

    @property
    def api_server(self) -> PackageInfo:
        return self._package("api_server")

    @property
    def cron_server(self) -> PackageInfo:
        return self._package("cron_server")

    @property
    def worker(self) -> PackageInfo:
        return self._package("worker")
