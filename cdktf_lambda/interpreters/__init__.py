"""CPython of a Lambda runtime's version on this machine: found on ``PATH``, or provisioned into a Debian root
filesystem in the per-user runtime cache (:mod:`.rootfs`), without Docker or root.

The floor below packaging: it imports only the base modules. Packaging asks it for a compiler through one function,
:func:`bytecode_command` (the command that runs CPython of a runtime's version, and what its bytecode depends on);
the local runtime asks it for the interpreter a function runs on (:func:`target_python`).
"""

from __future__ import annotations

from cdktf_lambda.interpreters.python import TargetPython, bytecode_command, find_python, target_python
from cdktf_lambda.interpreters.rootfs import Rootfs, find_rootfs, host_architecture, provision_rootfs, runtime_dir

__all__ = [
    "Rootfs",
    "TargetPython",
    "bytecode_command",
    "find_python",
    "find_rootfs",
    "host_architecture",
    "provision_rootfs",
    "runtime_dir",
    "target_python",
]
