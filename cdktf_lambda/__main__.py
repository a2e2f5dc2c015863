"""``python -m cdktf_lambda``: the ``cdktf-lambda`` command (see :mod:`cdktf_lambda.cli.main`)."""

from __future__ import annotations

import sys

from cdktf_lambda.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
