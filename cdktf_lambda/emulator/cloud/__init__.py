"""The local cloud: what makes an app deployed into moto run, with no Docker.

:mod:`cdktf_lambda.emulator.entry` (the moto server process) calls :func:`install` before moto starts. Then, in the
moto process:

* Lambda ``Invoke`` runs the deployed code through the local runtime (:mod:`.invoke`; the runner is chosen in one
  place, :mod:`.runners`; the deployed zips and layers become files in :mod:`.artifacts`; boto3 is provided as the
  Lambda runtime provides it, :mod:`.runtime_packages`); ``Event`` invocations run in the background with retries,
  destinations and the dead-letter queue (:mod:`.asynchronous`);
* SQS event source mappings deliver batches (:mod:`.esm`, :mod:`.sqs_events`);
* every HTTP API and function URL answers on its own 127.0.0.1 port (:mod:`.fronts`, :mod:`.http`, :mod:`.apigw`,
  :mod:`.routes`);
* schedules fire (:mod:`.schedules`, :mod:`.cron`);
* IAM is enforced: functions act with their roles, services with their own principals (:mod:`.iam`);
* ``/_local/*`` on the moto port tells what runs where, and fires schedules on demand (:mod:`.server`,
  :mod:`.inventory`).

Settings come from the environment (:mod:`.config`). Nothing here sends traffic anywhere but 127.0.0.1.
"""

from __future__ import annotations

import atexit
from collections.abc import Mapping, Sequence

from cdktf_lambda import settings

__all__ = ["install"]


def install(environ: Mapping[str, str] | None = None, argv: Sequence[str] | None = None) -> str:
    """Apply every part of the local cloud to this process's moto; ``applied (...)``, ``skipped: ...``."""
    from cdktf_lambda.emulator.cloud import (
        artifacts,
        clock,
        code_updates,
        control,
        esm,
        fronts,
        iam,
        invoke,
        invoke_api,
    )
    from cdktf_lambda.emulator.cloud.config import CloudConfig

    config = CloudConfig.from_env(environ, argv)
    if not config.enabled:
        return f"skipped: {settings.LOCAL_CLOUD.name}=0"
    outcomes = {"invoke": invoke_api.install(config)}
    if outcomes["invoke"] != "applied":
        return f"skipped: {outcomes['invoke']}"
    outcomes["layer-snapshots"] = artifacts.install_layer_snapshots()
    outcomes["code-updates"] = code_updates.install()
    outcomes["sqs-pollers"] = esm.install()
    outcomes["http-fronts"] = fronts.install()
    outcomes["schedules"] = clock.install()
    outcomes["endpoints"] = control.install()
    outcomes["iam"] = iam.install(config.iam)
    atexit.register(invoke.engine().runners.close)
    parts = ", ".join(f"{name} {outcome}" for name, outcome in outcomes.items())
    return f"applied ({config.endpoint_url}: {parts})"
