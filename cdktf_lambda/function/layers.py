"""The layers of a function: the package's own, then the extra ones; their architecture; runtime/size checks."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_lambda.code.package_info import LayerInfo
from cdktf_lambda.errors import LayerIncompatibleError, PackageTooLargeError
from cdktf_lambda.limits import MAX_UNZIPPED_BYTES, Architecture
from cdktf_lambda.tokens import is_token

__all__ = ["architecture_of", "check_layers", "split_layers"]


def split_layers(
    package_layers: Sequence[LayerInfo], layers: Sequence[str | LayerInfo] | None
) -> tuple[list[LayerInfo], list[str], Sequence[str | LayerInfo]]:
    """``(layer infos, layer ARNs known at synth, extra layers)``: a list known only at apply time (a token) is passed
    through whole as the extra layers; otherwise each layer is known here."""
    extra_layers: Sequence[str | LayerInfo] = layers if layers is not None and is_token(layers) else list(layers or [])
    all_layers: list[str | LayerInfo] = [*package_layers, *([] if is_token(extra_layers) else extra_layers)]
    layer_infos = [layer for layer in all_layers if isinstance(layer, LayerInfo)]
    layer_arns = [layer.arn if isinstance(layer, LayerInfo) else layer for layer in all_layers]
    return layer_infos, layer_arns, extra_layers


def architecture_of(layer_infos: Sequence[LayerInfo]) -> Architecture:
    """The architecture of the layers built for one (e.g. a dependency layer for arm64), else ``x86_64``."""
    built_for = {info.compatible_architectures[0] for info in layer_infos if len(info.compatible_architectures) == 1}
    return built_for.pop() if len(built_for) == 1 else "x86_64"  # type: ignore[return-value]


def check_layers(
    layers: Sequence[LayerInfo], runtime: str, architecture: str, function_unzipped_size: int | None
) -> None:
    """Each layer fits the function's runtime and architecture; code + layers stay within 250 MB unzipped."""
    for layer in layers:
        if layer.compatible_runtimes and runtime not in layer.compatible_runtimes:
            raise LayerIncompatibleError(
                f"Layer {layer.name!r} was built for {', '.join(layer.compatible_runtimes)}, "
                f"not for the function's runtime={runtime!r}"
            )
        if layer.compatible_architectures and architecture not in layer.compatible_architectures:
            raise LayerIncompatibleError(
                f"Layer {layer.name!r} was built for {', '.join(layer.compatible_architectures)}, "
                f"not for the function's architecture={architecture!r}"
            )
    sizes = {
        "function code": function_unzipped_size,
        **{f"layer {layer.name}": layer.unzipped_size for layer in layers},
    }
    known = {label: size for label, size in sizes.items() if size is not None}
    total = sum(known.values())
    if total > MAX_UNZIPPED_BYTES:
        parts = ", ".join(f"{label} {size / 2**20:.1f} MiB" for label, size in known.items())
        raise PackageTooLargeError(
            f"Function code and layers are {total / 2**20:.1f} MiB unzipped ({parts}); "
            f"Lambda allows at most {MAX_UNZIPPED_BYTES / 2**20:.0f} MiB"
        )
