"""What one sync did, one :class:`SyncReport` per function or layer, and the one line the CLI prints for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Outcome", "SyncReport", "size_text"]

#: ``synced``: new code or layers uploaded; ``unchanged``: the deployed code is what the sources build;
#: ``invalid``: bad input, nothing uploaded; ``needs-deploy``: a change only Terraform can make; ``failed``: an API
#: call failed; ``note``: something to know (the new code fails to import, a configuration drift).
Outcome = Literal["synced", "unchanged", "invalid", "needs-deploy", "failed", "note"]


def size_text(size: int) -> str:
    """``812 B``, ``21.4 KiB``, ``12.3 MiB``."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / 2**20:.1f} MiB"


@dataclass(frozen=True)
class SyncReport:
    """The outcome for one function or layer.

    Attributes
    ----------
    outcome
        See :data:`Outcome`.
    subject
        The function or layer name.
    detail
        What changed (``code (api_server.py)``, ``layer version 3``) or why nothing was uploaded.
    size
        Bytes uploaded (the zip), when something was.
    seconds
        Time from the start of this sync to the end of its last API call.
    version, alias
        The version published and the alias moved to it, when the function has an alias.
    """

    outcome: Outcome
    subject: str
    detail: str
    size: int | None = None
    seconds: float | None = None
    version: str | None = None
    alias: str | None = None

    @property
    def ok(self) -> bool:
        """Nothing went wrong (``invalid``, ``needs-deploy`` and ``failed`` are not ok)."""
        return self.outcome in ("synced", "unchanged", "note")

    def line(self) -> str:
        """The line printed for it, e.g. ``synced practice-dev-api-server: code (api_server.py), 21.4 KiB, version 5
        → alias live, 0.31 s``."""
        if self.outcome == "synced":
            parts = [self.detail]
            if self.size is not None:
                parts.append(size_text(self.size))
            if self.version is not None:
                parts.append(
                    f"version {self.version} → alias {self.alias}" if self.alias else f"version {self.version}"
                )
            if self.seconds is not None:
                parts.append(f"{self.seconds:.2f} s")
            return f"synced {self.subject}: " + ", ".join(parts)
        prefix = {
            "unchanged": "up to date",
            "invalid": "not synced",
            "needs-deploy": "needs cdktf deploy",
            "failed": "failed",
            "note": "note",
        }[self.outcome]
        return f"{prefix}: {self.subject}" + (f": {self.detail}" if self.detail else "")
