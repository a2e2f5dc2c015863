"""A synthesized stack, read back: its functions, their zips, layers, handler, runtime and environment.

What ``cdktf-lambda invoke``, ``doctor`` and the local cloud run: only what ``cdktf synth`` wrote into
``<outdir>/stacks/<stack>/cdk.tf.json`` and the assets beside it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdktf_lambda.errors import InvalidParameterError, InvokeError
from cdktf_lambda.packaging.layer_build import METADATA_KEY
from cdktf_lambda.paths import resolve

__all__ = ["FunctionSpec", "InvokeError", "LayerSpec", "construct_id", "find_function", "load_stack", "stack_names"]

_LAYER_REF = re.compile(r"^\$\{aws_lambda_layer_version\.([A-Za-z0-9_-]+)\.arn\}$")


@dataclass(frozen=True)
class LayerSpec:
    """A layer the function attaches, as found in the stack JSON."""

    logical_id: str
    name: str
    zip_path: Path
    #: The :class:`DependencyLayer` build description, when the layer is one (it can be rebuilt for another target).
    dependencies: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class FunctionSpec:
    """A function as found in the stack JSON, with absolute paths to its artifacts."""

    logical_id: str
    short_name: str
    function_name: str
    handler: str
    runtime: str
    architecture: str
    timeout: int
    memory_size: int
    region: str
    zip_path: Path
    layers: tuple[LayerSpec, ...]
    environment: Mapping[str, str] = field(default_factory=dict)
    #: Layer ARNs not built by this stack (skipped locally).
    external_layers: tuple[str, ...] = ()


def stack_names(outdir: Path) -> list[str]:
    """The stacks synthesized under ``outdir`` (``<outdir>/stacks/<name>/cdk.tf.json``), by name."""
    stacks = outdir / "stacks"
    return sorted(p.name for p in stacks.iterdir() if (p / "cdk.tf.json").is_file()) if stacks.is_dir() else []


def load_stack(outdir: str | os.PathLike[str] = "cdktf.out", stack: str | None = None) -> tuple[Path, dict[str, Any]]:
    """The stack directory and its Terraform JSON. ``stack`` defaults to the only (or first, by name) stack."""
    root = resolve(outdir)
    names = stack_names(root)
    if not names:
        raise InvokeError(f"No synthesized stack under {str(outdir)!r}: run `make synth` (or `cdktf synth`) first")
    if stack is None:
        stack = names[0]
    elif stack not in names:
        raise InvalidParameterError("--stack", stack, "one of " + ", ".join(names))
    stack_dir = root / "stacks" / stack
    return stack_dir, json.loads((stack_dir / "cdk.tf.json").read_text(encoding="utf-8"))


def construct_id(resource: Mapping[str, Any]) -> str | None:
    """``api_server`` for a function whose construct path is ``practice-dev/api_server/function``."""
    parts = str((resource.get("//") or {}).get("metadata", {}).get("path", "")).split("/")
    return parts[-2] if len(parts) >= 3 else None


def find_function(stack_dir: Path, stack_json: Mapping[str, Any], name: str) -> FunctionSpec:
    """The function named ``name``: its ``function_name``, its construct id (``api_server``) or its logical id."""
    resources = stack_json.get("resource", {})
    functions = resources.get("aws_lambda_function", {})
    matches = [
        (logical_id, resource)
        for logical_id, resource in functions.items()
        if name in (resource.get("function_name"), construct_id(resource), logical_id)
    ]
    if len(matches) != 1:
        known = sorted(f"{construct_id(r) or i} ({r.get('function_name')})" for i, r in functions.items())
        raise InvalidParameterError(
            "function", name, "a function of the stack, by name or construct id: " + (", ".join(known) or "none")
        )
    logical_id, resource = matches[0]
    if not resource.get("filename"):
        raise InvokeError(f"Function {name!r} has no local zip (filename) in the stack JSON; it cannot run locally")
    layer_resources = resources.get("aws_lambda_layer_version", {})
    layers: list[LayerSpec] = []
    external: list[str] = []
    for reference in resource.get("layers") or []:
        match = _LAYER_REF.match(reference)
        layer_id = match.group(1) if match else None
        layer = layer_resources.get(layer_id) if layer_id is not None else None
        if layer_id is None or layer is None or not layer.get("filename"):
            external.append(reference)
            continue
        layers.append(
            LayerSpec(
                logical_id=layer_id,
                name=layer.get("layer_name", layer_id),
                zip_path=stack_dir / layer["filename"],
                dependencies=layer.get("//", {}).get(METADATA_KEY),
            )
        )
    providers = stack_json.get("provider", {}).get("aws") or [{}]
    region = providers[0].get("region", "us-east-1") if isinstance(providers[0].get("region"), str) else "us-east-1"
    return FunctionSpec(
        logical_id=logical_id,
        short_name=construct_id(resource) or logical_id,
        function_name=resource.get("function_name", logical_id),
        handler=resource.get("handler", "lambda_function.lambda_handler"),
        runtime=resource.get("runtime", "python3.13"),
        architecture=(resource.get("architectures") or ["x86_64"])[0],
        timeout=int(resource.get("timeout", 3)),
        memory_size=int(resource.get("memory_size", 128)),
        region=region,
        zip_path=stack_dir / resource["filename"],
        layers=tuple(layers),
        environment=dict((resource.get("environment") or {}).get("variables") or {}),
        external_layers=tuple(external),
    )
