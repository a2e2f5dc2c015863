"""Helpers of this repository only (not part of the installed library).

* :mod:`devtools.example` -- the worked example of docs/testing.md ("Testing your stack"), extracted into a project
  (and its handlers broken on demand), for the client-project test and the bench; the complete files of any page.
* :mod:`devtools.sphinx_api` -- the documentation site's Sphinx extension: the API reference from the export list,
  the settings table, the CLI's commands and the plugin's fixtures (``make docs``).
* :mod:`devtools.watcher` -- ``cdktf-lambda local sync --watch`` in the background, its lines awaited, for the sync
  lifecycle test and the bench.

Local deploys (``make deploy-local`` / ``make destroy-local``) are the library's ``cdktf-lambda local up`` /
``down`` (:mod:`cdktf_lambda.deploy.local`), which work in any client project.
"""
