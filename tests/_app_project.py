"""The reference app as the toolkit's fixtures see it in this repository's own tests (``cdktf_project`` in
tests/conftest.py): a copy of the checkout's app whose ``main.py`` has the tests' configuration.

Worker timeout 3 s, so its queue's visibility timeout is 18 s, and a malformed message reaches the dead-letter queue
after two deliveries, within a test (tests/cloud); a failed asynchronous invocation is retried after 0.2 s, so a
failed cron_server run reaches its on-failure destination within a test too. ``cdktf_app`` synthesizes it once per
session (per xdist worker), ``lambda_invoke`` runs its functions and ``local_cloud`` deploys it, as in a client
project.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cdktf_lambda import settings
from cdktf_lambda.testing import Project
from tests._checkout import copy_checkout

TEST_MAIN = '''"""The reference app with the tests' configuration (written by tests/_app_project.py)."""
from cdktf_lambda import cdk
from stacks import AppStack, AppStackConfig

app = cdk.App()
config = AppStackConfig(worker_timeout=3, worker_max_receive_count=2)
AppStack(app, config.prefix, config=config)
app.synth()
'''


def app_project(directory: Path, wheelhouse: Path) -> Project:
    """The app copied into ``directory`` with :data:`TEST_MAIN`; dependency layers built offline from ``wheelhouse``
    (the synth's, and the local cloud's rebuild for the host fallback)."""
    project = copy_checkout(directory)
    (project / "main.py").write_text(TEST_MAIN)
    env = {settings.WHEELHOUSE.name: str(wheelhouse), settings.LOCAL_ASYNC_RETRY_DELAYS.name: "0.2"}
    return Project(project, app=[sys.executable, "main.py"], env=env)
