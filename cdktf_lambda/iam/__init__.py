"""IAM as AWS applies it to a request, in plain Python (no moto, no jsii): the local cloud enforces it with this.

* :mod:`.policy` -- policy documents compiled and evaluated (identity and resource-based policies, conditions);
* :mod:`.naming` -- what a request asks for: its actions and the ARN of the resource of each, per service;
* :mod:`.denials` -- what AWS answers a denied request, in each protocol's shape.

The moto side (whose credentials a request carries, a role's policies, the patch that checks every request) is
:mod:`cdktf_lambda.emulator.cloud.iam`.
"""

from __future__ import annotations

from cdktf_lambda.iam.denials import Denial, bad_token, denial, message
from cdktf_lambda.iam.naming import Call, requested
from cdktf_lambda.iam.policy import Decision, Principal, Statement, compile_policy, evaluate, unsupported

__all__ = [
    "Call",
    "Decision",
    "Denial",
    "Principal",
    "Statement",
    "bad_token",
    "compile_policy",
    "denial",
    "evaluate",
    "message",
    "requested",
    "unsupported",
]
