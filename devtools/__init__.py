"""Local-deploy helpers of this repository (not part of the installed library).

They run the app against the local AWS emulator and offline Terraform of :mod:`cdktf_lambda.local`
(:mod:`~cdktf_lambda.local.moto`, :mod:`~cdktf_lambda.local.inventory`, :mod:`~cdktf_lambda.local.terraform`,
:mod:`~cdktf_lambda.local.terraform_run`), so synthesized stacks can be applied, re-planned and destroyed without
touching real AWS.

Modules:

* :mod:`devtools.local_aws` -- ``python -m devtools.local_aws up|down|env|status|run``.
* :mod:`devtools.deploy_local` -- ``make deploy-local`` / ``make destroy-local``: ``cdktf deploy``/``destroy``
  into moto.
* :mod:`devtools.smoke` -- ``python -m devtools.smoke``: a small Terraform app through a
  full apply/re-plan/update/destroy lifecycle on moto, with phase timings.
"""
