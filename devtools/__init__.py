"""Helpers of this repository only (not part of the installed library).

* :mod:`devtools.settings_table` -- ``python -m devtools.settings_table``: the Markdown table of every
  ``CDKTF_LAMBDA_*`` variable (:func:`cdktf_lambda.settings.markdown_table`), as the README carries it.
* :mod:`devtools.example` -- the README's "Testing your stack" example, extracted into a project (and its handlers
  broken on demand), for the client-project test and the bench.

Local deploys (``make deploy-local`` / ``make destroy-local``) are the library's ``cdktf-lambda local up`` /
``down`` (:mod:`cdktf_lambda.deploy.local`), which work in any client project.
"""
