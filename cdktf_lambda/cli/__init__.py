"""The ``cdktf-lambda`` command: the one place that writes to the terminal (see :mod:`.main`)."""

from __future__ import annotations

from cdktf_lambda.cli.main import main

__all__ = ["main"]
