"""Helpers of this repository only (not part of the installed library).

* :mod:`devtools.smoke` -- ``python -m devtools.smoke``: a small hand-written Terraform app through a full
  apply/re-plan/update/destroy lifecycle on moto, with phase timings (the harness's own smoke test).
* :mod:`devtools.settings_table` -- ``python -m devtools.settings_table``: the Markdown table of every
  ``CDKTF_LAMBDA_*`` variable (:func:`cdktf_lambda.settings.markdown_table`).

Local deploys (``make deploy-local`` / ``make destroy-local``) are the library's ``cdktf-lambda local up`` /
``down`` (:mod:`cdktf_lambda.deploy.local`), which work in any client project.
"""
