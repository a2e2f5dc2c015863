"""One sync: what changed is repackaged, checked and uploaded through the Lambda API; nothing else is touched.

For each layer of the selected functions whose sources changed (a runtime module, or a dependency layer's lock
file), the zip is rebuilt; when its hash differs from the version the functions run, it is published
(``PublishLayerVersion``). For each selected function whose sources changed, or whose layer was published, the zip
is rebuilt; when its hash differs from the deployed ``CodeSha256``, the sources are checked (:mod:`.checks`) and
uploaded, the new layer versions set, and, when the function has an alias, a version published and the alias moved.

Bad input uploads nothing: a syntax error, a deleted or renamed handler (:mod:`.checks`). A change only Terraform
can make is reported and left alone: a new function directory, a changed handler, a configuration of the
synthesized stack that differs from the deployed one (memory, timeout, runtime, environment).
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from cdktf_lambda.errors import CdktfLambdaError, EnvironmentFailure, HandlerNotFoundError
from cdktf_lambda.packaging.bytecode import bytecode_for
from cdktf_lambda.packaging.files import SourceFile
from cdktf_lambda.packaging.handlers import find_handler
from cdktf_lambda.packaging.package_source import PackageSource
from cdktf_lambda.sync.checks import check_package, handler_file
from cdktf_lambda.sync.package import Artifact, package_code, package_dependencies
from cdktf_lambda.sync.publish import LambdaApi, layer_name_of
from cdktf_lambda.sync.report import SyncReport
from cdktf_lambda.sync.stack import FunctionTarget, LayerTarget, SyncStack, select

__all__ = ["AfterUpdate", "Syncer"]

log = logging.getLogger(__name__)

#: Called with a function right after its code or layers were updated, while its version is published and before its
#: alias moves; returns a note (e.g. the new code's import error) or None. The local cloud starts the new code there.
AfterUpdate = Callable[[FunctionTarget], "str | None"]

_CONFIGURATION = (("handler", "Handler"), ("runtime", "Runtime"), ("memory_size", "MemorySize"), ("timeout", "Timeout"))


def _inside(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def configuration_drift(target: FunctionTarget, deployed: Mapping[str, Any]) -> list[str]:
    """How the synthesized configuration differs from the deployed one, in words (empty: it does not)."""
    drift = []
    for key, api_key in _CONFIGURATION:
        wanted, actual = target.configuration.get(key), deployed.get(api_key)
        if wanted is not None and actual is not None and wanted != actual:
            drift.append(f"{key} is {wanted!r} in the synthesized stack, {actual!r} deployed")
    environment = target.configuration.get("environment") or {}
    variables = (deployed.get("Environment") or {}).get("Variables") or {}
    changed = sorted(
        set(environment) ^ set(variables)
        | {k for k, v in environment.items() if v is not None and variables.get(k, v) != v}
    )
    if changed:
        drift.append(f"environment variables {', '.join(changed)} differ from the deployed ones")
    return drift


class Syncer:
    """Syncs the functions of one synthesized stack (see the module docstring).

    Parameters
    ----------
    stack
        The stack, read by :func:`~cdktf_lambda.sync.stack.read_stack`.
    api
        The Lambda API calls (AWS or the local cloud).
    functions
        Names or construct ids of the functions to sync. Default: all of the stack's.
    after_update
        Called after each function update (the local cloud starts the new code there and returns its import error).
    """

    def __init__(
        self,
        stack: SyncStack,
        api: LambdaApi,
        *,
        functions: Sequence[str] = (),
        after_update: AfterUpdate | None = None,
    ) -> None:
        self.stack = stack
        self.api = api
        self.functions = select(stack, functions)
        self.after_update = after_update
        self._reported: set[str] = set()
        self._unsettled: set[str] = set()

    @property
    def project(self) -> Path:
        return self.stack.project

    def layers(self) -> dict[str, LayerTarget]:
        """The stack's layers the selected functions attach, by logical id."""
        return {lid: self.stack.layers[lid] for target in self.functions for lid in target.layers}

    def watched(self) -> list[Path]:
        """What a watcher watches: each package's source directory and each lock file (deduplicated)."""
        paths = [t.source.directory(self.project) for t in self.functions if t.source is not None]
        paths += [path for layer in self.layers().values() for path in layer.watched(self.project)]
        return sorted(dict.fromkeys(paths))

    # --- what changed --------------------------------------------------------------------------------------------
    def _affected(
        self, changed: Collection[Path] | None
    ) -> tuple[list[FunctionTarget], list[LayerTarget], dict[str, list[str]], list[SyncReport]]:
        layers = self.layers()
        if changed is None:
            return list(self.functions), list(layers.values()), {}, []
        names: dict[str, list[str]] = {}
        functions, hit_layers, unknown = [], [], []
        for target in self.functions:
            if target.source is None:
                continue
            root = target.source.directory(self.project)
            inside = [path for path in changed if _inside(path, root)]
            if inside:
                functions.append(target)
                names[target.logical_id] = sorted(os.path.relpath(p, root) for p in inside if p.is_file())
        for layer in layers.values():
            inside = [path for path in changed for root in layer.watched(self.project) if _inside(path, root)]
            if inside:
                hit_layers.append(layer)
                names[layer.logical_id] = sorted({path.name for path in inside if path.is_file()})
        everything = [t.source.directory(self.project) for t in self.stack.functions if t.source is not None]
        everything += [p for layer in self.stack.layers.values() for p in layer.watched(self.project)]
        for path in sorted(changed):
            if any(_inside(path, root) or _inside(root, path) for root in everything):
                continue
            if str(path) in self._reported:
                continue  # said once per watcher
            if path.suffix == ".py" or (path.is_dir() and next(path.rglob("*.py"), None) is not None):
                unknown.append(path)
                self._reported.add(str(path))
        reports = [
            SyncReport(
                "needs-deploy",
                os.path.relpath(path, self.project),
                f"not part of any function or layer of stack {self.stack.name}: a new function or layer is made by "
                "`cdktf deploy` (after adding it to the stack)",
            )
            for path in unknown
        ]
        return functions, hit_layers, names, reports

    # --- one sync ------------------------------------------------------------------------------------------------
    def sync(self, changed: Collection[Path] | None = None) -> list[SyncReport]:
        """Sync what ``changed`` touches (absolute paths; ``None``: everything); one report per function or layer."""
        started = time.monotonic()
        functions, layers, names, reports = self._affected(changed)
        configurations: dict[str, dict[str, Any]] = {}

        def configuration(target: FunctionTarget) -> dict[str, Any]:
            if target.function_name not in configurations:
                configurations[target.function_name] = self.api.configuration(target.function_name)
            return configurations[target.function_name]

        published: dict[str, str] = {}  # layer name -> new version ARN
        for layer in layers:
            outcome, arn = self._guard(
                layer.layer_name, functools.partial(self._sync_layer, layer, configuration, names, started)
            )
            reports += outcome
            if arn is not None:
                published[layer.layer_name] = arn
        code_functions = {target.logical_id for target in functions}
        for target in self.functions:
            new_layers = any(self.stack.layers[lid].layer_name in published for lid in target.layers)
            if target.logical_id not in code_functions and not new_layers:
                continue
            code = target.logical_id in code_functions
            reports += self._guard(
                target.function_name,
                functools.partial(self._sync_function, target, code, published, configuration, names, started),
            )[0]
        return self._settled(reports)

    def _settled(self, reports: list[SyncReport]) -> list[SyncReport]:
        """Say so when a function or layer that was not synced (bad input, a needed deploy) is back to what is
        deployed: the fix undid the change, so nothing is uploaded, and a watcher would otherwise stay silent."""
        settled = []
        for report in reports:
            if report.outcome == "unchanged" and report.subject in self._unsettled:
                report = SyncReport("unchanged", report.subject, "the sources build the deployed code again")
            settled.append(report)
        for report in settled:
            if report.outcome in ("invalid", "needs-deploy", "failed"):
                self._unsettled.add(report.subject)
            elif report.outcome in ("synced", "unchanged"):
                self._unsettled.discard(report.subject)
        return settled

    def prepare(self) -> None:
        """Do now what the first sync would otherwise pay for: find the runtimes' compilers (bytecode and checks)
        and open the API connection (each selected function's configuration is read)."""
        runtimes = {runtime for target in self.functions if target.source for runtime in target.source.runtimes}
        for runtime in sorted(runtimes):
            bytecode_for((runtime,))
            check_package([], runtime, str)
        for target in self.functions:
            if target.problem is None:
                self._guard(target.function_name, functools.partial(self.api.configuration, target.function_name))

    def _guard(self, subject: str, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except CdktfLambdaError as exc:
            return [SyncReport("invalid", subject, str(exc))], None
        except EnvironmentFailure as exc:
            return [SyncReport("failed", subject, str(exc))], None

    @staticmethod
    def _shown(source: PackageSource) -> Callable[[str], str]:
        """A packaged file as the user knows it: its path relative to the project (``lambda_src/api/api.py``)."""
        return lambda arcname: f"{source.source_dir}/{arcname.removeprefix(source.prefix)}"

    def _sync_layer(
        self,
        layer: LayerTarget,
        configuration: Callable[[FunctionTarget], dict[str, Any]],
        names: Mapping[str, list[str]],
        started: float,
    ) -> tuple[list[SyncReport], str | None]:
        if layer.problem:
            return [SyncReport("needs-deploy", layer.layer_name, f"cannot be published by sync: {layer.problem}")], None
        users = [target for target in self.functions if layer.logical_id in target.layers]
        deployed = {
            arn
            for target in users
            for arn in (item.get("Arn", "") for item in configuration(target).get("Layers") or [])
            if layer_name_of(arn) == layer.layer_name
        }
        on_s3 = layer.s3 is not None
        if layer.source is not None:
            files = layer.source.list_files(self.project)
            artifact = package_code(files, layer.source, self.project, on_s3=on_s3)
        else:
            files, artifact = [], package_dependencies(layer.dependencies or {}, self.project, on_s3=on_s3)
        if deployed and all(self.api.layer_code_sha256(arn) == artifact.zip_hash for arn in deployed):
            return [SyncReport("unchanged", layer.layer_name, "")], None
        if layer.source is not None:
            runtimes = layer.source.runtimes or tuple(target.runtime for target in users)
            problems = check_package(files, runtimes[0], self._shown(layer.source))
            if problems:
                return [SyncReport("invalid", layer.layer_name, self._nothing_uploaded(problems))], None
        arn = self.api.publish_layer(layer, artifact)
        changed = ", ".join(names.get(layer.logical_id, ())) or "rebuilt"
        detail = f"layer version {arn.rsplit(':', 1)[-1]} ({changed})"
        return [SyncReport("synced", layer.layer_name, detail, artifact.size, time.monotonic() - started)], arn

    def _publish(self, target: FunctionTarget, code_sha256: str) -> tuple[str | None, str | None]:
        """With an alias: publish a version and move the alias to it, while ``after_update`` runs (it starts the new
        code in the local cloud, so the alias moves to code that is warm). The version, and the hook's note."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-after-update") as pool:
            hook = pool.submit(self.after_update, target) if self.after_update is not None else None
            version = self.api.publish_version(target.function_name, code_sha256) if target.alias else None
            try:
                note = hook.result() if hook is not None else None
            except Exception as exc:  # the update is done: a failed warm-up is worth a note, not a failed sync
                note = f"the new code could not be started ahead of its first event: {exc}"
        if target.alias is not None and version is not None:
            self.api.move_alias(target.function_name, target.alias, version)
        return version, note

    @staticmethod
    def _nothing_uploaded(problems: Sequence[object]) -> str:
        return "; ".join(map(str, problems)) + " (nothing uploaded: the last good code keeps running)"

    def _handler_moved(self, target: FunctionTarget, files: Sequence[SourceFile]) -> str | None:
        """Why the sources need a new handler (a deploy), when the deployed handler's module is gone and the
        function directory's convention now names another one."""
        assert target.source is not None
        if handler_file(target.handler, [f.arcname for f in files]) is not None:
            return None
        try:
            found = find_handler(target.source.directory(self.project), target.source.name)
        except HandlerNotFoundError:
            return None
        if found == target.handler:
            return None
        return (
            f"the handler is now {found} ({found.split('.')[0]}.py), deployed {target.handler}: a changed handler "
            "needs `cdktf deploy` (nothing uploaded)"
        )

    def _sync_function(
        self,
        target: FunctionTarget,
        code: bool,
        published: Mapping[str, str],
        configuration: Callable[[FunctionTarget], dict[str, Any]],
        names: Mapping[str, list[str]],
        started: float,
    ) -> tuple[list[SyncReport], None]:
        name = target.function_name
        if target.problem:
            if name in self._reported:
                return [], None
            self._reported.add(name)
            return [SyncReport("needs-deploy", name, f"cannot be synced: {target.problem}")], None
        deployed = configuration(target)
        reports = []
        drift = configuration_drift(target, deployed)
        if drift:
            detail = "; ".join(drift) + " (configuration changes need `cdktf deploy`"
            if any(item.startswith("handler ") for item in drift):
                return [SyncReport("needs-deploy", name, detail + "; nothing uploaded)")], None
            if f"{name}: {detail}" not in self._reported:  # said once per watcher; the code is synced anyway
                self._reported.add(f"{name}: {detail}")
                reports.append(SyncReport("note", name, detail + ")"))
        artifact: Artifact | None = None
        if code and target.source is not None:
            files = target.source.list_files(self.project)
            moved = self._handler_moved(target, files)
            if moved:
                return [*reports, SyncReport("needs-deploy", name, moved)], None
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-check") as pool:  # both run a python3.X
                checked = pool.submit(
                    check_package, files, target.runtime, self._shown(target.source), handler=target.handler
                )
                built = package_code(files, target.source, self.project, on_s3=target.s3 is not None)
                problems = checked.result()
            if built.zip_hash != deployed.get("CodeSha256"):
                if problems:
                    return [*reports, SyncReport("invalid", name, self._nothing_uploaded(problems))], None
                artifact = built
        current = [item.get("Arn", "") for item in deployed.get("Layers") or []]
        layers = [published.get(layer_name_of(arn), arn) for arn in current]
        if artifact is None and layers == current:
            return [*reports, SyncReport("unchanged", name, "")], None
        what = []
        if layers != current:
            self.api.update_layers(name, layers)
            what.append("layers (" + ", ".join(a.split(":", 6)[-1] for a in layers if a not in current) + ")")
        if artifact is not None:
            self.api.update_code(name, artifact, target.s3)
            what.insert(0, f"code ({', '.join(names.get(target.logical_id, ())) or 'rebuilt'})")
        version, note = self._publish(target, artifact.zip_hash if artifact else str(deployed.get("CodeSha256", "")))
        size = artifact.size if artifact is not None else None
        reports.append(
            SyncReport(
                "synced", name, ", ".join(what), size, time.monotonic() - started, version=version, alias=target.alias
            )
        )
        if note:
            reports.append(SyncReport("note", name, note))
        return reports, None
