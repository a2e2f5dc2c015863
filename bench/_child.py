"""Run one Python script in this process, as ``python SCRIPT ARGS…`` would, and report what it cost.

Used by ``python -m bench`` for every measured synth, so each measurement is a fresh process::

    python bench/_child.py --result r.json [--time-packaging] -- main.py

At exit (after jsii has stopped its node process and waited for it) the result file gets:

``python_maxrss_kib``
    Peak RSS of this Python process (``getrusage(RUSAGE_SELF).ru_maxrss``).
``children_maxrss_kib``
    Largest peak RSS among the processes this one waited for (``RUSAGE_CHILDREN``): jsii's node runtime, which in
    turn waits for the node process that runs the kernel, so this is the largest node process. ``pip``, if a
    packaging step runs one, is counted here as well.
``in_process_s``
    Seconds from the start of this wrapper to its exit (no interpreter start-up).
``provider_modules``, ``cdktn_modules``
    How many ``<aws provider package>.*`` modules and ``cdktn*`` modules were imported.
``packaging``
    With ``--time-packaging``: seconds of Python-side work inside the packaging constructs (``LambdaPythonPackage``
    and, when the library has one, ``DependencyLayer``), outermost calls only, by class; see :class:`PackagingTimer`.
"""

from __future__ import annotations

import argparse
import atexit
import functools
import importlib
import json
import resource
import runpy
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Constructs whose construction is packaging work (listing, hashing, zipping, pip installs), timed by
#: ``--time-packaging``: (module, class). Missing ones are skipped, so this works before and after a library change.
PACKAGING_CLASSES: tuple[tuple[str, str], ...] = (
    ("cdktf_lambda.code.lambda_python_package", "LambdaPythonPackage"),
    ("cdktf_lambda.code.dependency_layer", "DependencyLayer"),
)

_START = time.perf_counter()


def _module_counts() -> dict[str, Any]:
    counts: dict[str, Any] = {
        "cdktn_modules": sum(1 for name in sys.modules if name == "cdktn" or name.startswith("cdktn_")),
        "fast_import": None,
        "provider_package": None,
        "provider_modules": None,
    }
    cdk = sys.modules.get("cdktf_lambda.cdk")
    if cdk is not None:
        package = cdk.FLAVOR_PACKAGES[cdk.flavor()]["aws"]
        counts["fast_import"] = cdk.fast_import_enabled()
        counts["provider_package"] = package
        counts["provider_modules"] = sum(1 for name in sys.modules if name.startswith(f"{package}."))
    return counts


class PackagingTimer:
    """Times the packaging constructs' ``__init__`` (outermost calls only), less the jsii calls made inside them.

    A packaging construct also creates resources (a ``TerraformAsset``, a layer version), each a round trip to the
    jsii kernel in node that costs the same with a cold or a warm cache. Those round trips (``_NodeProcess.send`` of
    the jsii runtime) are timed separately and subtracted, so ``total_s`` is the Python-side packaging work: listing,
    hashing, zipping, and pip when a layer is built.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.jsii_seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.jsii_timed = False
        self._depth = 0
        self._jsii_in_call = 0.0

    def install(self) -> list[str]:
        found = []
        for module_name, class_name in PACKAGING_CLASSES:
            try:
                cls = getattr(importlib.import_module(module_name), class_name, None)
            except ImportError:
                cls = None
            if isinstance(cls, type):
                cls.__init__ = self._wrap(class_name, cls.__init__)  # type: ignore[method-assign]
                found.append(class_name)
        self._wrap_jsii()
        return found

    def _wrap_jsii(self) -> None:
        try:
            from jsii._kernel.providers.process import _NodeProcess
        except ImportError:  # pragma: no cover - another jsii layout: report construct time only
            return
        send = _NodeProcess.send

        @functools.wraps(send)
        def timed_send(*args: Any, **kwargs: Any) -> Any:
            if self._depth == 0:
                return send(*args, **kwargs)
            start = time.perf_counter()
            try:
                return send(*args, **kwargs)
            finally:
                self._jsii_in_call += time.perf_counter() - start

        _NodeProcess.send = timed_send  # type: ignore[method-assign]
        self.jsii_timed = True

    def _wrap(self, name: str, init: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(init)
        def timed_init(*args: Any, **kwargs: Any) -> None:
            outermost = self._depth == 0
            if outermost:
                self._jsii_in_call = 0.0
            self._depth += 1
            start = time.perf_counter()
            try:
                init(*args, **kwargs)
            finally:
                self._depth -= 1
                if outermost:
                    elapsed = time.perf_counter() - start
                    self.seconds[name] = self.seconds.get(name, 0.0) + elapsed - self._jsii_in_call
                    self.jsii_seconds[name] = self.jsii_seconds.get(name, 0.0) + self._jsii_in_call
                    self.calls[name] = self.calls.get(name, 0) + 1

        return timed_init

    def report(self) -> dict[str, Any]:
        return {
            "total_s": sum(self.seconds.values()),
            "seconds": self.seconds,
            "jsii_s": sum(self.jsii_seconds.values()),
            "jsii_seconds": self.jsii_seconds,
            "jsii_subtracted": self.jsii_timed,
            "calls": self.calls,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--result", required=True, type=Path, help="JSON file to write the measurements to")
    parser.add_argument("--time-packaging", action="store_true", help="time the packaging constructs")
    parser.add_argument("script", type=Path, help="the Python script to run")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="its arguments")
    options = parser.parse_args()

    timer = PackagingTimer() if options.time_packaging else None
    result: dict[str, Any] = {"script": str(options.script), "exit": "ok"}

    def report() -> None:
        # Registered before the script runs, so it runs after every exit hook the script registers (jsii's stops
        # node and waits for it): RUSAGE_CHILDREN then includes node.
        result["in_process_s"] = time.perf_counter() - _START
        result["python_maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result["children_maxrss_kib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        result.update(_module_counts())
        if timer is not None:
            result["packaging"] = timer.report()
        options.result.write_text(json.dumps(result, indent=2, sort_keys=True))

    atexit.register(report)

    script = options.script.resolve()
    sys.argv = [str(options.script), *[a for a in options.args if a != "--"]]
    sys.path[0] = str(script.parent)  # as `python SCRIPT` does
    if timer is not None:
        result["packaging_classes"] = timer.install()
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (None, 0):
            result["exit"] = f"SystemExit({exc.code!r})"
            raise
    except BaseException as exc:
        result["exit"] = f"{type(exc).__name__}: {exc}"
        raise


if __name__ == "__main__":
    main()
