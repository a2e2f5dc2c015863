#!/usr/bin/env python
"""Build the App and one stack per environment, then synthesize (run by ``cdktf synth`` via ``cdktf.json``)."""

from __future__ import annotations

from cdktf_lambda import cdk
from stacks import AppStack, AppStackConfig


def main() -> None:
    app = cdk.App()
    project_name = app.node.try_get_context("projectName") or "practice"
    environments = app.node.try_get_context("environments") or ["dev"]
    packaging_mode = app.node.try_get_context("packagingMode") or "synth"
    backend = app.node.try_get_context("backend") or {}  # {"type": "s3", "bucket": ..., "region": ..., ...}
    for environment in environments:
        config = AppStackConfig(
            project_name=project_name,
            environment=environment,
            packaging_mode=packaging_mode,
            backend=backend.get("type", "local"),
            state_bucket=backend.get("bucket"),
            state_key=backend.get("key", "").format(project=project_name, environment=environment) or None,
            state_region=backend.get("region"),
            state_lock_table=backend.get("lockTable"),
        )
        AppStack(app, config.prefix, config=config)
    app.synth()


if __name__ == "__main__":
    main()
