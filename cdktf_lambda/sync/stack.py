"""What ``cdktf-lambda sync`` can update, read from a synthesized stack: its functions and layers, each with the
sources its zip was built from (recorded by the synth, :mod:`cdktf_lambda.packaging.package_source`), and what it is
deployed as (names, alias, S3 location, configuration).

Only what the JSON holds as literals can be synced: a function whose name is known only at apply time is listed in
:attr:`SyncStack.skipped` with the reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdktf_lambda.errors import InvalidParameterError, SourceError
from cdktf_lambda.packaging.layer_build import METADATA_KEY as DEPENDENCY_METADATA_KEY
from cdktf_lambda.packaging.package_source import METADATA_KEY as PACKAGE_METADATA_KEY
from cdktf_lambda.packaging.package_source import PackageSource
from cdktf_lambda.tools.synthesized import construct_id, stack_names

__all__ = ["FunctionTarget", "LayerTarget", "S3Location", "SyncStack", "read_stack"]

_REFERENCE = re.compile(r"^\$\{(?P<type>[a-z0-9_]+)\.(?P<id>[A-Za-z0-9_-]+)\.(?P<attr>[a-z_]+)\}$")


def _is_token(value: object) -> bool:
    return isinstance(value, str) and "${" in value


def _reference(value: object, resource_type: str) -> str | None:
    """The logical id ``value`` refers to (``${<resource_type>.<id>.<attr>}``), else None."""
    match = _REFERENCE.match(value) if isinstance(value, str) else None
    return match.group("id") if match and match.group("type") == resource_type else None


@dataclass(frozen=True)
class S3Location:
    """Where a package deployed from S3 is stored: its bucket and the key prefix before ``<name>-<hash>.zip``."""

    bucket: str
    prefix: str

    def key(self, zip_name: str) -> str:
        return f"{self.prefix}{zip_name}"


@dataclass(frozen=True)
class LayerTarget:
    """A layer version the stack publishes: a runtime module (``source``) or a dependency layer (``dependencies``)."""

    logical_id: str
    layer_name: str
    source: PackageSource | None = None
    dependencies: Mapping[str, Any] | None = None
    compatible_runtimes: tuple[str, ...] = ()
    compatible_architectures: tuple[str, ...] = ()
    description: str | None = None
    s3: S3Location | None = None
    #: Why it cannot be published from here (e.g. its S3 bucket is known only at apply time), else None.
    problem: str | None = None

    def watched(self, project: Path) -> tuple[Path, ...]:
        """The files or directories whose changes rebuild this layer."""
        if self.source is not None:
            return (self.source.directory(project),)
        lock = (self.dependencies or {}).get("lock_file")
        return (project / str(lock),) if lock else ()


@dataclass(frozen=True)
class FunctionTarget:
    """A function the stack deploys, and the sources of its zip (``source``; None when it was not built by a synth)."""

    logical_id: str
    short_name: str
    function_name: str
    handler: str
    runtime: str
    architecture: str
    source: PackageSource | None
    alias: str | None = None
    #: The stack's layers it attaches (logical ids), in order.
    layers: tuple[str, ...] = ()
    #: Configuration as synthesized (``handler``, ``runtime``, ``memory_size``, ``timeout``, ``environment``).
    configuration: Mapping[str, Any] = field(default_factory=dict)
    s3: S3Location | None = None
    problem: str | None = None

    def label(self) -> str:
        return self.function_name


@dataclass(frozen=True)
class SyncStack:
    """One synthesized stack, as sync sees it."""

    name: str
    project: Path
    #: The aws provider's region ("" when it is known only at apply time).
    region: str
    functions: tuple[FunctionTarget, ...]
    layers: Mapping[str, LayerTarget]
    #: ``{construct id or logical id: why it cannot be synced}``.
    skipped: Mapping[str, str] = field(default_factory=dict)

    def function(self, name: str) -> FunctionTarget:
        """The function named ``name``: its ``function_name``, construct id (``api_server``) or logical id."""
        for target in self.functions:
            if name in (target.function_name, target.short_name, target.logical_id):
                return target
        if name in self.skipped:
            raise InvalidParameterError("FUNCTION", name, f"a function sync can update ({self.skipped[name]})")
        known = ", ".join(f"{t.short_name} ({t.function_name})" for t in self.functions) or "none"
        raise InvalidParameterError("FUNCTION", name, f"a function of stack {self.name}: {known}")

    def users(self, layer_id: str) -> tuple[FunctionTarget, ...]:
        """The functions that attach the layer ``layer_id``."""
        return tuple(target for target in self.functions if layer_id in target.layers)


def read_stack(outdir: Path, project: Path, stack: str | None = None) -> SyncStack:
    """The stack ``stack`` of the synth output ``outdir`` (default: the only one) of ``project``.

    Raises
    ------
    SourceError
        Nothing is synthesized there.
    InvalidParameterError
        ``stack`` is not one of them, or several stacks are there and none was named.
    """
    names = stack_names(outdir)
    if not names:
        raise SourceError(f"No synthesized stack under {outdir}: run `make synth` (or `cdktf synth`) first")
    if stack is None:
        if len(names) > 1:
            raise InvalidParameterError("--stack", None, "one of " + ", ".join(names) + " (there are several)")
        stack = names[0]
    if stack not in names:
        raise InvalidParameterError("--stack", stack, "one of " + ", ".join(names))
    data = json.loads((outdir / "stacks" / stack / "cdk.tf.json").read_text(encoding="utf-8"))
    return parse_stack(stack, project, data)


def _region(data: Mapping[str, Any]) -> str:
    providers = data.get("provider", {}).get("aws") or [{}]
    region = providers[0].get("region") if isinstance(providers, list) and providers else None
    return region if isinstance(region, str) and not _is_token(region) else ""


def _s3_location(resources: Mapping[str, Any], bucket_ref: object, key_ref: object, name: str) -> S3Location | str:
    """Where the package named ``name`` is stored on S3, or why that is not known before apply."""
    objects = resources.get("aws_s3_object", {})
    obj = objects.get(_reference(bucket_ref, "aws_s3_object") or _reference(key_ref, "aws_s3_object") or "")
    bucket = obj.get("bucket") if obj else bucket_ref
    key = obj.get("key") if obj else key_ref
    bucket_id = _reference(bucket, "aws_s3_bucket")
    if bucket_id is not None:
        bucket = resources.get("aws_s3_bucket", {}).get(bucket_id, {}).get("bucket")
    match = re.fullmatch(rf"(.*){re.escape(name)}-[0-9a-f]{{24}}\.zip", key) if isinstance(key, str) else None
    if not isinstance(bucket, str) or _is_token(bucket) or match is None:
        return "its S3 bucket or key is known only at apply time"
    return S3Location(bucket, match.group(1))


def _source(resource: Mapping[str, Any]) -> PackageSource | None:
    recorded = (resource.get("//") or {}).get(PACKAGE_METADATA_KEY)
    return PackageSource.from_metadata(recorded) if isinstance(recorded, Mapping) else None


def _dependency_stem(dependencies: Any) -> str:
    """What a dependency layer's zip name starts with (``deps-<runtime>-<arch>``, :mod:`.layer_build`)."""
    return f"deps-{dependencies.get('runtime')}-{dependencies.get('architecture')}"


def _layers(resources: Mapping[str, Any]) -> dict[str, LayerTarget]:
    layers: dict[str, LayerTarget] = {}
    for logical_id, resource in resources.get("aws_lambda_layer_version", {}).items():
        source = _source(resource)
        dependencies = (resource.get("//") or {}).get(DEPENDENCY_METADATA_KEY)
        name = resource.get("layer_name")
        if (source is None and not isinstance(dependencies, Mapping)) or not isinstance(name, str) or _is_token(name):
            continue  # not built by this library's synth, or its name is known only at apply
        s3: S3Location | str | None = None
        if resource.get("s3_bucket") is not None:
            stem = source.name if source is not None else _dependency_stem(dependencies)
            s3 = _s3_location(resources, resource.get("s3_bucket"), resource.get("s3_key"), stem)
        layers[logical_id] = LayerTarget(
            logical_id=logical_id,
            layer_name=name,
            source=source,
            dependencies=dependencies if source is None else None,
            compatible_runtimes=tuple(resource.get("compatible_runtimes") or ()),
            compatible_architectures=tuple(resource.get("compatible_architectures") or ()),
            description=resource.get("description") if isinstance(resource.get("description"), str) else None,
            s3=s3 if isinstance(s3, S3Location) else None,
            problem=s3 if isinstance(s3, str) else None,
        )
    return layers


def _aliases(resources: Mapping[str, Any]) -> dict[str, str]:
    """``{function logical id: alias name}`` (the first literal alias of each function)."""
    found: dict[str, str] = {}
    for alias in resources.get("aws_lambda_alias", {}).values():
        function_id = _reference(alias.get("function_name"), "aws_lambda_function")
        name = alias.get("name")
        if function_id and isinstance(name, str) and not _is_token(name):
            found.setdefault(function_id, name)
    return found


def _configuration(resource: Mapping[str, Any]) -> dict[str, Any]:
    variables = (resource.get("environment") or {}).get("variables") or {}
    if not isinstance(variables, dict):
        variables = {}
    return {
        "handler": resource.get("handler"),
        "runtime": resource.get("runtime"),
        "memory_size": int(resource.get("memory_size", 128)),
        "timeout": int(resource.get("timeout", 3)),
        # a value known only at apply time is None: only its name can be compared with what is deployed
        "environment": {k: None if _is_token(v) else v for k, v in variables.items()}
        if isinstance(variables, dict)
        else {},
    }


def parse_stack(name: str, project: Path, data: Mapping[str, Any]) -> SyncStack:
    """The :class:`SyncStack` of one stack's Terraform JSON ``data``."""
    resources = data.get("resource", {})
    layers = _layers(resources)
    aliases = _aliases(resources)
    functions: list[FunctionTarget] = []
    skipped: dict[str, str] = {}
    for logical_id, resource in sorted(resources.get("aws_lambda_function", {}).items()):
        short = construct_id(resource) or logical_id
        function_name = resource.get("function_name")
        if not isinstance(function_name, str) or _is_token(function_name):
            skipped[short] = "its function_name is known only at apply time"
            continue
        source = _source(resource)
        problem = None if source is not None else "its zip was not built by a synth (packaging_mode='synth' needed)"
        s3: S3Location | str | None = None
        if source is not None and resource.get("s3_bucket") is not None:
            s3 = _s3_location(resources, resource.get("s3_bucket"), resource.get("s3_key"), source.name)
        attached = [_reference(ref, "aws_lambda_layer_version") for ref in resource.get("layers") or ()]
        functions.append(
            FunctionTarget(
                logical_id=logical_id,
                short_name=short,
                function_name=function_name,
                handler=str(resource.get("handler", "")),
                runtime=str(resource.get("runtime", "")),
                architecture=str((resource.get("architectures") or ["x86_64"])[0]),
                source=source,
                alias=aliases.get(logical_id),
                layers=tuple(layer for layer in attached if layer is not None and layer in layers),
                configuration=_configuration(resource),
                s3=s3 if isinstance(s3, S3Location) else None,
                problem=problem or (s3 if isinstance(s3, str) else None),
            )
        )
    return SyncStack(name, project, _region(data), tuple(functions), layers, skipped)


def select(stack: SyncStack, names: Sequence[str]) -> tuple[FunctionTarget, ...]:
    """The functions named (all when ``names`` is empty), each checked to be a function of the stack."""
    if not names:
        return stack.functions
    chosen = {target.logical_id: target for target in (stack.function(name) for name in names)}
    return tuple(chosen.values())
