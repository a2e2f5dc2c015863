"""The worked example of the documentation's "Testing your stack" page (docs/testing.md): its files, written into a
project, and its handlers broken.

Each file of the example is a ```python block whose first line is a comment naming its path (``# main.py``);
tests/test_client_project.py runs the example's tests in a new project, and ``make bench`` times its session.

    python -m devtools.example DEST   # write the example project into DEST
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The page that holds the example: every complete file on it belongs to the example.
PAGE = ROOT / "docs" / "testing.md"
_BLOCK = re.compile(r"```python\n# (?P<path>[\w./-]+)\n(?P<body>.*?)```", re.S)
_HANDLER = re.compile(r"^(?P<indent>[ \t]*)def lambda_handler\(.*\):\n", re.M)
#: What a broken handler raises (the tests must fail naming it).
BROKEN = "handler broken on purpose"


def complete_files(page: Path) -> dict[str, str]:
    """The complete files a documentation page shows, by path: every ```python block starting with ``# <path>``."""
    text = page.read_text(encoding="utf-8")
    return {match["path"]: f"# {match['path']}\n{match['body']}" for match in _BLOCK.finditer(text)}


def example_files(page: Path = PAGE) -> dict[str, str]:
    """The example's files by path: every ```python block of the page that starts with ``# <path>``."""
    files = complete_files(page)
    if not files:
        raise ValueError(f"{page} has no ```python block starting with '# <path>'")
    return files


def write_example(dest: Path, page: Path = PAGE) -> Path:
    """Write the example project into ``dest``; ``dest``."""
    for relative, text in example_files(page).items():
        path = dest / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return dest


def break_handlers(project: Path) -> list[Path]:
    """Make every ``lambda_handler`` under ``project/functions`` raise :data:`BROKEN` first; the files changed."""
    changed = []
    for path in sorted((project / "functions").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        broken = _HANDLER.sub(lambda m: f"{m[0]}{m['indent']}    raise RuntimeError({BROKEN!r})\n", text)
        if broken != text:
            path.write_text(broken, encoding="utf-8")
            changed.append(path)
    return changed


if __name__ == "__main__":
    print(write_example(Path(sys.argv[1])))
