"""``cdktf-lambda sync``: a code change in front of the deployed function in about a second, without Terraform.

From the last synthesized stack it knows where each function's and layer's zip comes from (the synth records it,
:mod:`cdktf_lambda.packaging.package_source`). A sync repackages what changed with the same functions a synth uses
(:mod:`.package`), checks it (:mod:`.checks`: syntax and handler, with file and line; bad input uploads nothing),
and updates only that through the Lambda API (:mod:`.publish`: ``UpdateFunctionCode``; ``PublishLayerVersion`` and
``UpdateFunctionConfiguration``; a version published and the alias moved). :mod:`.syncer` puts it together,
:mod:`.watch` runs it on every save, :mod:`.stack` reads the stack, :mod:`.report` says what happened.

The same code path serves AWS (boto3's default session: the environment, the profile) and the local cloud
(``cdktf-lambda local sync``: its endpoint and test credentials). After a sync, Terraform's state still holds the old
code hash: the next ``cdktf deploy`` uploads the same code again and converges (README, "Sync").

Plain Python, no jsii: nothing here imports the CDK.
"""

from __future__ import annotations

from cdktf_lambda.sync.publish import LambdaApi
from cdktf_lambda.sync.report import SyncReport
from cdktf_lambda.sync.stack import FunctionTarget, LayerTarget, SyncStack, read_stack
from cdktf_lambda.sync.syncer import Syncer
from cdktf_lambda.sync.watch import watch

__all__ = ["FunctionTarget", "LambdaApi", "LayerTarget", "SyncReport", "SyncStack", "Syncer", "read_stack", "watch"]
