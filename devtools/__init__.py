"""Local-deploy harness for cdktf-lambda.

Helpers to run Terraform offline against a local filesystem provider mirror and a
local moto server (a fake AWS on 127.0.0.1), so synthesized stacks can be
applied, re-planned and destroyed without touching real AWS.

Modules:

* :mod:`devtools.terraform_cli` -- find the provider mirror, write the Terraform CLI
  config, build subprocess environments and run ``terraform``.
* :mod:`devtools.moto_server` -- start/stop a moto server subprocess by PID, with a
  state file, and inventory what exists in it.
* :mod:`devtools.moto_entry` -- the server process: ``moto.server`` plus AWS-fidelity patches.
* :mod:`devtools.local_aws` -- ``python -m devtools.local_aws up|down|env|status|run``.
* :mod:`devtools.smoke` -- ``python -m devtools.smoke``: a small Terraform app through a
  full apply/re-plan/update/destroy lifecycle on moto, with phase timings.
"""
