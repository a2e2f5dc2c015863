"""Entry point of the moto server subprocess: ``python .../cdktf_lambda/local/moto_entry.py -H 127.0.0.1 -p PORT``.

Same as ``python -m moto.server`` plus fidelity fixes that make moto answer the way
real AWS does where the difference causes false Terraform drift. Each fix is
applied only if moto still has the shape it patches; otherwise a note goes to the log
and moto runs unpatched (the harness's lifecycle test would then show the drift).

Fixes:

* SQS ``GetQueueAttributes`` returns ``RedrivePolicy`` as compact JSON
  (``{"deadLetterTargetArn":"arn:...","maxReceiveCount":5}``) like AWS does; moto
  re-serializes it with ``json.dumps`` defaults (``", "``/``": "`` separators). The
  aws provider's ``redrive_policy`` attribute normalizes the configured value but
  stores the API string verbatim, so moto's spacing is a whitespace-only diff on
  every plan -- also for queues whose redrive policy is managed by a separate
  ``aws_sqs_queue_redrive_policy`` (the queue's computed attribute re-plans).

The Lambda fixes (``DeadLetterConfig``; SnapStart, logging config, ephemeral storage, event invoke configs per
qualifier, recursion config, the alias ARN of an event source mapping) live in the sibling
:mod:`cdktf_lambda.local.moto_fidelity`, loaded by path and registered in :data:`PATCHES` too. The local cloud sends
failed asynchronous events to a function's dead-letter target (:mod:`cdktf_lambda.local.cloud.asynchronous`).

Then the local cloud (:mod:`cdktf_lambda.local.cloud`, :func:`install_local_cloud`): Lambda ``Invoke`` runs the
deployed code, SQS event source mappings deliver, HTTP APIs and function URLs answer on 127.0.0.1, schedules fire.

This file is run as a script, by path (:data:`cdktf_lambda.local.moto.ENTRY_SCRIPT`). The fidelity patches need
only moto (the sibling is loaded by file path); the local cloud imports ``cdktf_lambda`` (after :func:`_unshadow`),
and is skipped, with a note in the log, by an interpreter that does not have it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import threading
import time
from pathlib import Path

#: If set to a PID, the server exits as soon as that process is gone (used by test
#: fixtures so a killed test run cannot leave an orphan server behind).
WATCH_PID_ENV_VAR = "CDKTF_LAMBDA_MOTO_WATCH_PID"


def _unshadow() -> None:
    """Drop this file's directory from ``sys.path``, where Python put it for a script run by path.

    It holds the library's own ``moto.py`` (and ``inventory.py``, ``processes.py``, ...), which would shadow the
    ``moto`` package and anything else of the same name.
    """
    here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
    sys.path[:] = [entry for entry in sys.path if os.path.realpath(entry or os.curdir) != here]


def _compact_sqs_redrive_policy() -> str:
    from moto.sqs import models

    prop = getattr(models.Queue, "attributes", None)
    if not isinstance(prop, property) or prop.fget is None:
        return "skipped: moto.sqs.models.Queue.attributes is not a property"
    original = prop.fget

    def attributes(self):  # type: ignore[no-untyped-def]
        result = original(self)
        policy = getattr(self, "redrive_policy", None)
        if isinstance(policy, dict) and "RedrivePolicy" in result:
            result["RedrivePolicy"] = json.dumps(policy, separators=(",", ":"))
        return result

    models.Queue.attributes = property(attributes, doc=prop.__doc__)
    return "applied"


def _sibling_patches(module: str = "moto_fidelity") -> dict:
    """The ``FIDELITY_PATCHES`` of a sibling module, loaded by file path (no package import)."""
    spec = importlib.util.spec_from_file_location(f"_cdktf_lambda_{module}", Path(__file__).with_name(f"{module}.py"))
    loaded = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(loaded)  # type: ignore[union-attr]
    return dict(loaded.FIDELITY_PATCHES)


PATCHES = {
    "sqs-compact-redrive-policy": _compact_sqs_redrive_policy,
    **_sibling_patches(),
}


def apply_patches() -> dict[str, str]:
    """Apply every patch of :data:`PATCHES`; the outcome by name: ``applied``, ``skipped: ...`` or ``failed: ...``."""
    results = {}
    for name, patch in PATCHES.items():
        try:
            results[name] = patch()
        except Exception as exc:  # a moto upgrade must not stop the server from starting
            results[name] = f"failed: {exc!r}"
    return results


def install_local_cloud() -> str:
    """Install the local cloud into this process's moto (after the patches); its outcome, for the log."""
    try:
        from cdktf_lambda.local.cloud import install
    except ImportError as exc:
        return f"skipped: cdktf_lambda is not importable by {sys.executable} ({exc})"
    try:
        return install()
    except Exception as exc:  # the emulator still starts; the log says why the local cloud did not
        return f"failed: {exc!r}"


def _watch(pid: int, interval: float = 0.5) -> None:
    while True:
        time.sleep(interval)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            print(f"moto_entry: watched process {pid} is gone, exiting", file=sys.stderr, flush=True)
            os._exit(0)
        except PermissionError:
            pass


def main(argv: list[str] | None = None) -> None:
    """Apply the patches and the local cloud (logging each outcome), watch ``$CDKTF_LAMBDA_MOTO_WATCH_PID``, then run
    ``moto.server``."""
    _unshadow()
    for name, outcome in apply_patches().items():
        print(f"moto_entry: patch {name}: {outcome}", file=sys.stderr, flush=True)
    print(f"moto_entry: local cloud: {install_local_cloud()}", file=sys.stderr, flush=True)
    watch = os.environ.get(WATCH_PID_ENV_VAR, "")
    if watch.isdigit():
        threading.Thread(target=_watch, args=(int(watch),), name="watch-parent", daemon=True).start()
    from moto.server import main as moto_main

    moto_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
