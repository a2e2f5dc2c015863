"""``python -m cdktf_lambda.cli.mirror``: the offline Terraform provider mirror (:mod:`cdktf_lambda.deploy.mirror`)
from the command line; the Makefile's ``.terraform.d/cli.tfrc`` rule runs it::

    python -m cdktf_lambda.cli.mirror write-config [DEST]   # default .terraform.d/cli.tfrc; prints DEST
    python -m cdktf_lambda.cli.mirror find-mirror           # prints the mirror and its aws provider versions
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cdktf_lambda.deploy.mirror import (
    DEFAULT_PROVIDER,
    ProviderMirrorNotFound,
    find_provider_mirror,
    provider_versions,
    write_cli_config,
)

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status (2, with the searched places on stderr, when no mirror is found)."""
    parser = argparse.ArgumentParser(prog="python -m cdktf_lambda.cli.mirror")
    sub = parser.add_subparsers(dest="command", required=True)
    p_write = sub.add_parser("write-config", help="write the Terraform CLI config (provider mirror)")
    p_write.add_argument("dest", nargs="?", type=Path, default=Path(".terraform.d/cli.tfrc"))
    sub.add_parser("find-mirror", help="print the provider mirror directory and its aws versions")
    args = parser.parse_args(argv)
    try:
        if args.command == "write-config":
            print(write_cli_config(args.dest))
        else:
            mirror = find_provider_mirror()
            print(f"{mirror}\t{DEFAULT_PROVIDER} {' '.join(provider_versions(mirror))}")
    except ProviderMirrorNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
