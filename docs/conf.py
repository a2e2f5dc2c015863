"""Sphinx configuration of the documentation site (``make docs``).

Why Sphinx: the library's docstrings are NumPy style with reST cross-references (``:class:``, ``:func:``, ``:mod:``,
``:data:``) in 15,000 lines; Sphinx with napoleon renders them as they are and, in nitpicky mode, fails the build on a
reference that points nowhere. The guides are Markdown (myst-parser), the API reference is generated from the
docstrings (autodoc), and the search index is Sphinx's own.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the repository's own docs helpers (devtools/) next to the installed library
os.environ.setdefault("CDKTF_LAMBDA_PROJECT_DIR", str(ROOT))

import cdktf_lambda  # noqa: E402

project = "cdktf-lambda"
author = "the cdktf-lambda authors"
copyright = "2026, the cdktf-lambda authors"
release = version = cdktf_lambda.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinx.ext.intersphinx",
    "myst_parser",
    "devtools.sphinx_api",  # the export list, settings, CLI and fixtures pages; references resolved in the code
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "performance-figures/*"]
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence", "deflist"]

# API reference: signatures with their types and defaults, members in source order, the docstrings' NumPy sections.
autodoc_default_options = {"members": True, "member-order": "bysource", "show-inheritance": True}
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
autodoc_class_signature = "separated"  # __init__ with its keywords: jsii's metaclass hides them from the class line
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False
python_use_unqualified_type_names = True
add_module_names = False  # `LambdaPythonFunction(...)`, not its module path: each page says its room

# Strict: every cross-reference must resolve (make docs runs with -W -n).
nitpicky = True
intersphinx_mapping = {"python": ("https://docs.python.org/3", None)} if os.environ.get("DOCS_ONLINE") else {}

html_theme = "furo"
html_title = f"cdktf-lambda {release}"
html_static_path: list[str] = []
