"""A synthesized stack, looked at the way a test asks about it: resources by type and attributes, outputs, and the
functions with their configuration, layers, role statements and triggers (:mod:`.functions`).

:class:`SynthesizedStack` wraps the stack's Terraform JSON (``cdk.tf.json``); nothing here loads jsii. Its
:attr:`~SynthesizedStack.json` is the plain dict, for the user's own snapshots (``assert cdktf_stack.json ==
snapshot`` with syrupy).

Examples
--------
>>> stack = SynthesizedStack.from_directory(Path("cdktf.out/stacks/shop-dev"))  # doctest: +SKIP
>>> stack.function("orders").memory_size  # doctest: +SKIP
256
>>> stack.resource("aws_dynamodb_table", name="shop-dev-orders").ref("arn")  # doctest: +SKIP
'${aws_dynamodb_table.orders_table_1A2B3C4D.arn}'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from cdktf_lambda.errors import NotInStackError, SourceError
from cdktf_lambda.testing.functions import Function, function_of
from cdktf_lambda.testing.resources import Resource

__all__ = ["SynthesizedStack"]


def _matches(config: Mapping[str, Any], match: Mapping[str, Any]) -> bool:
    return all(key in config and config[key] == value for key, value in match.items())


@dataclass(frozen=True)
class SynthesizedStack:
    """One stack as synthesized (see the module docstring).

    Parameters
    ----------
    name
        The stack name.
    json
        Its Terraform JSON, as a dict.
    directory
        ``<outdir>/stacks/<name>`` when it was written to disk (its assets beside it); ``None`` for a stack
        synthesized in memory (:func:`cdktf_lambda.testing.synth.synth_stack`).
    """

    name: str
    json: Mapping[str, Any]
    directory: Path | None = None
    #: Construct paths by logical id, kept for JSON without cdktf's metadata (from
    #: :func:`~cdktf_lambda.testing.synth.synth_stack`); a stack written to disk records them itself.
    construct_paths: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_directory(cls, directory: str | Path) -> SynthesizedStack:
        """The stack written in ``directory`` (``<outdir>/stacks/<name>``, holding ``cdk.tf.json``)."""
        directory = Path(directory)
        path = directory / "cdk.tf.json"
        try:
            stack_json = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SourceError(f"cannot read the synthesized stack {path}: {exc}") from None
        return cls(directory.name, stack_json, directory.absolute())

    # --- resources ---------------------------------------------------------------------------------------------------
    def resource_types(self) -> dict[str, int]:
        """How many resources of each type the stack has."""
        return {kind: len(items) for kind, items in sorted(self.json.get("resource", {}).items())}

    def resources(self, resource_type: str, **match: Any) -> list[Resource]:
        """Every resource of ``resource_type`` whose configuration has the ``match`` values (top-level keys)."""
        items = self.json.get("resource", {}).get(resource_type, {})
        paths = self.construct_paths
        return [
            Resource(resource_type, logical_id, config, path=paths.get(logical_id, ""))
            for logical_id, config in items.items()
            if _matches(config, match)
        ]

    def data_sources(self, data_type: str, **match: Any) -> list[Resource]:
        """Every data source of ``data_type`` with the ``match`` values."""
        items = self.json.get("data", {}).get(data_type, {})
        return [Resource(data_type, lid, config, data=True) for lid, config in items.items() if _matches(config, match)]

    def resource(self, resource_type: str, logical_id: str | None = None, **match: Any) -> Resource:
        """The one resource of ``resource_type`` with that ``logical_id`` (or the ``match`` values).

        Raises
        ------
        NotInStackError
            None or several match; the message lists what the stack has.
        """
        __tracebackhide__ = True
        found = self.resources(resource_type, **match)
        if logical_id is not None:
            found = [item for item in found if item.logical_id == logical_id]
        if len(found) == 1:
            return found[0]
        wanted = " with " + ", ".join([*([f"logical id {logical_id!r}"] if logical_id else []), *_shown(match)])
        wanted = wanted if logical_id or match else ""
        if found:
            raise NotInStackError(
                f"stack {self.name!r} has {len(found)} {resource_type}{wanted}: "
                f"{', '.join(r.logical_id for r in found)}; name one by logical id or by more attributes"
            )
        every = self.resources(resource_type)
        if not every:
            kinds = ", ".join(f"{kind} ({count})" for kind, count in self.resource_types().items()) or "none"
            raise NotInStackError(f"stack {self.name!r} has no {resource_type} at all; its resource types: {kinds}")
        raise NotInStackError(
            f"stack {self.name!r} has no {resource_type}{wanted}; its {resource_type}: "
            + ", ".join(_describe(item, match) for item in every)
        )

    def by_address(self, address: str) -> Resource:
        """The resource (or ``data.`` source) at a Terraform ``address``."""
        data = address.startswith("data.")
        kind, _, logical_id = address.removeprefix("data.").partition(".")
        items = self.json.get("data" if data else "resource", {}).get(kind, {})
        if logical_id not in items:
            raise NotInStackError(f"stack {self.name!r} has no {address}")
        return Resource(kind, logical_id, items[logical_id], data=data)

    @property
    def outputs(self) -> dict[str, Any]:
        """Each output's value expression, by name (``${aws_sqs_queue.jobs_1A2B3C4D.url}``: known after apply)."""
        return {name: output.get("value") for name, output in self.json.get("output", {}).items()}

    # --- functions ---------------------------------------------------------------------------------------------------
    @cached_property
    def functions(self) -> dict[str, Function]:
        """Every ``aws_lambda_function``, by construct id (``orders``), as a typed :class:`~.functions.Function`."""
        found = (function_of(self, resource) for resource in self.resources("aws_lambda_function"))
        return {function.construct_id: function for function in found}

    def function(self, name: str) -> Function:
        """The function whose construct id (``orders``), ``function_name`` (``shop-dev-orders``) or logical id is
        ``name``.

        Raises
        ------
        NotInStackError
            No function has that name; the message lists the stack's functions.
        """
        __tracebackhide__ = True
        for function in self.functions.values():
            if name in (function.construct_id, function.function_name, function.logical_id):
                return function
        known = ", ".join(f"{f.construct_id} ({f.function_name})" for f in self.functions.values()) or "none"
        raise NotInStackError(
            f"stack {self.name!r} has no function {name!r}; its functions, by construct id (function name): {known}"
        )


def _shown(match: Mapping[str, Any]) -> list[str]:
    return [f"{key}={value!r}" for key, value in match.items()]


def _describe(resource: Resource, match: Mapping[str, Any]) -> str:
    keys = list(match) or ["name"]
    values = ", ".join(f"{key}={resource.config.get(key, '<unset>')!r}" for key in keys)
    return f"{resource.logical_id} ({values})"
