"""A resource of a synthesized stack, and the references between resources (``${type.id.attribute}``)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Resource", "references"]

#: ``${type.name.attribute...}`` inside any string of the JSON.
_REFERENCE = re.compile(r"\$\{(?:data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_]+))?")


def references(value: Any) -> Iterator[tuple[str, str, str]]:
    """Every ``(resource type, logical id, attribute)`` a JSON value refers to (``${type.id.attr}``), in order."""
    if isinstance(value, str):
        for match in _REFERENCE.finditer(value):
            yield match.group(1), match.group(2), match.group(3) or ""
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if key != "//":
                yield from references(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from references(item)


@dataclass(frozen=True)
class Resource:
    """One resource (or data source) of the stack: its type, logical id and configuration as synthesized."""

    type: str
    logical_id: str
    config: Mapping[str, Any]
    data: bool = False
    #: The construct path when the JSON does not record it (``cdktf.Testing.synth`` leaves metadata out).
    path: str = field(default="", compare=False)

    @property
    def address(self) -> str:
        """The Terraform address, ``aws_sqs_queue.jobs_queue_1A2B3C4D``."""
        return f"{'data.' if self.data else ''}{self.type}.{self.logical_id}"

    @property
    def construct_path(self) -> str:
        """The construct path (``shop-dev/orders/function``), or ``""`` when unknown."""
        return str(self.config.get("//", {}).get("metadata", {}).get("path", "")) or self.path

    @property
    def construct_id(self) -> str:
        """The id of the construct that made the resource (``orders`` for ``shop-dev/orders/function``), as
        ``cdktf-lambda invoke`` names functions; the logical id for a resource made at the stack's top level."""
        parts = self.construct_path.split("/")
        return parts[-2] if len(parts) >= 3 else self.logical_id

    def __hash__(self) -> int:
        return hash((self.type, self.logical_id, self.data))

    def ref(self, attribute: str) -> str:
        """The token another resource uses to refer to ``attribute`` of this one: ``${type.id.attribute}``."""
        return f"${{{self.address}.{attribute}}}"

    def refers_to(self, other: Resource) -> bool:
        """This resource's configuration mentions ``other`` (any attribute)."""
        return any(
            (kind, logical_id) == (other.type, other.logical_id) for kind, logical_id, _ in references(self.config)
        )

    def __getitem__(self, key: str) -> Any:
        return self.config[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.config.get(key, default)
