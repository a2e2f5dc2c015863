"""Entry point of the moto server subprocess: ``python devtools/moto_entry.py -H 127.0.0.1 -p PORT``.

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

This file is run as a script (it does not import ``devtools``), so it works from any
working directory.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

#: If set to a PID, the server exits as soon as that process is gone (used by test
#: fixtures so a killed test run cannot leave an orphan server behind).
WATCH_PID_ENV_VAR = "CDKTF_LAMBDA_MOTO_WATCH_PID"


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


PATCHES = {"sqs-compact-redrive-policy": _compact_sqs_redrive_policy}


def apply_patches() -> dict[str, str]:
    results = {}
    for name, patch in PATCHES.items():
        try:
            results[name] = patch()
        except Exception as exc:  # a moto upgrade must not stop the server from starting
            results[name] = f"failed: {exc!r}"
    return results


def _watch(pid: int, interval: float = 0.5) -> None:
    while True:
        time.sleep(interval)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            print(f"devtools.moto_entry: watched process {pid} is gone, exiting", file=sys.stderr, flush=True)
            os._exit(0)
        except PermissionError:
            pass


def main(argv: list[str] | None = None) -> None:
    for name, outcome in apply_patches().items():
        print(f"devtools.moto_entry: patch {name}: {outcome}", file=sys.stderr, flush=True)
    watch = os.environ.get(WATCH_PID_ENV_VAR, "")
    if watch.isdigit():
        threading.Thread(target=_watch, args=(int(watch),), name="watch-parent", daemon=True).start()
    from moto.server import main as moto_main

    moto_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
