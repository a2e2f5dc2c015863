"""``python -m devtools.settings_table``: print the Markdown table of every ``CDKTF_LAMBDA_*`` variable
(:func:`cdktf_lambda.settings.markdown_table`), for the documentation."""

from __future__ import annotations

from cdktf_lambda.settings import markdown_table

if __name__ == "__main__":  # pragma: no cover - prints the table
    print(markdown_table(), end="")
