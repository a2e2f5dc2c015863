"""The moto server process: ``python -m cdktf_lambda.emulator.entry -H 127.0.0.1 -p PORT``.

The same as ``python -m moto.server``, plus, before moto starts:

1. the fidelity patches (:mod:`.fidelity`): moto answers as AWS does where a difference shows as Terraform drift;
2. the local cloud (:mod:`.cloud`): Lambda ``Invoke`` runs the deployed code, SQS event source mappings deliver,
   HTTP APIs and function URLs answer on 127.0.0.1, schedules fire;
3. a watch of the process named by ``settings.MOTO_WATCH_PID``: the server exits as soon as that process is gone, so
   a killed test run cannot leave an orphan server behind.

The process's stderr is the server's log: every note of ours in this process (the local cloud's, and what it runs)
goes there as ``cdktf-lambda: <message>`` (:func:`cdktf_lambda.logs.logging_to`), each outcome above as one line
(``cdktf-lambda: patch <name>: applied``, ``cdktf-lambda: local cloud: applied (...)``).
"""

from __future__ import annotations

import os
import sys
import threading
import time

from cdktf_lambda import settings
from cdktf_lambda.emulator.fidelity import apply_patches
from cdktf_lambda.logs import logging_to, room_logger

__all__ = ["install_local_cloud", "main"]

log = room_logger(__spec__.name if __spec__ is not None else __name__)  # run as __main__, still the emulator's


def install_local_cloud() -> str:
    """Install the local cloud into this process's moto (after the patches); its outcome, for the log."""
    from cdktf_lambda.emulator.cloud import install

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
            log.info("watched process %d is gone, exiting", pid)
            os._exit(0)
        except PermissionError:
            pass


def main(argv: list[str] | None = None) -> None:
    """Apply the patches and the local cloud (logging each outcome), watch the parent, then run ``moto.server``."""
    with logging_to(sys.stderr):
        for name, outcome in apply_patches().items():
            log.info("patch %s: %s", name, outcome)
        log.info("local cloud: %s", install_local_cloud())
        watch = settings.MOTO_WATCH_PID.get()
        if watch is not None:
            threading.Thread(target=_watch, args=(watch,), name="watch-parent", daemon=True).start()
        from moto.server import main as moto_main

        moto_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
