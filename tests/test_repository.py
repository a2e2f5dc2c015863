"""The repository keeps its own rules: files (and documentation pages) under 400 lines, the layout table of
docs/development.md matching the tree, and the Pipfile's CDK Terrain category matching the library's ``cdktn`` extra."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib

from tests.conftest import FLAVOR_PATHS, LONG_FILES, PROJECT_ROOT, SHARED_DEPLOYMENT

MAX_LINES = 400
#: Source files the rule applies to (data, locks and snapshots are not code).
SOURCE_SUFFIXES = (".py", ".js", ".sh")


def tracked_files() -> list[str]:
    result = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [name for name in result.stdout.splitlines() if (PROJECT_ROOT / name).is_file()]


def test_no_source_file_is_over_400_lines():
    long = {}
    for name in tracked_files():
        if name.endswith(SOURCE_SUFFIXES) or name in ("Makefile", ".ci/run"):
            count = len((PROJECT_ROOT / name).read_text(encoding="utf-8").splitlines())
            if count > MAX_LINES:
                long[name] = count
    assert long == {}, f"files over {MAX_LINES} lines: {long}"


def test_no_documentation_page_is_over_400_lines():
    """A guide that outgrows a page is two topics: split it (the site's navigation then shows both)."""
    pages = [name for name in tracked_files() if name.startswith("docs/") and name.endswith((".md", ".rst"))]
    assert len(pages) > 10
    long = {name: n for name in pages if (n := len((PROJECT_ROOT / name).read_text().splitlines())) > MAX_LINES}
    assert long == {}


def layout_table() -> list[str]:
    page = (PROJECT_ROOT / "docs" / "development.md").read_text()
    section = page.split("## Layout", 1)[1].split("\n## ", 1)[0]
    paths = []
    for cell in re.findall(r"^\| ([^|]+) \|", section, re.M):
        paths += re.findall(r"`([^`]+)`", cell)
    return paths


def test_every_path_of_the_layout_table_exists():
    missing = [path for path in layout_table() if not (PROJECT_ROOT / path.rstrip("/")).exists()]
    assert missing == []


def test_the_layout_table_names_every_top_level_directory_and_library_package():
    listed = {path.rstrip("/") for path in layout_table()}
    top = {name.split("/", 1)[0] for name in tracked_files() if "/" in name and not name.startswith(".")}
    packages = {
        f"cdktf_lambda/{name.split('/')[1]}"
        for name in tracked_files()
        if name.startswith("cdktf_lambda/") and name.count("/") >= 2
    }
    assert sorted((top | packages) - listed) == []


def test_the_pipfile_cdktn_category_has_the_ranges_of_the_cdktn_extra():
    extra = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["cdktn"]
    ranges = dict(re.match(r"^([A-Za-z0-9-]+)(.*)$", item.split("#")[0].strip()).groups() for item in extra)
    category = tomllib.loads((PROJECT_ROOT / "Pipfile").read_text())["cdktn"]
    for name, specifier in category.items():
        assert ranges.get(name) == specifier, f"{name}: Pipfile {specifier!r}, pyproject extra {ranges.get(name)!r}"


def test_the_long_files_handed_out_first_exist():
    """tests/conftest.py orders the run by LONG_FILES (and groups SHARED_DEPLOYMENT): a renamed file would silently go
    back to the end (or deploy the app once more)."""
    assert [path for path in (*LONG_FILES, *SHARED_DEPLOYMENT) if not (PROJECT_ROOT / path).is_file()] == []
    assert len(set(LONG_FILES)) == len(LONG_FILES)


def test_no_room_of_the_library_holds_more_than_a_quarter_of_its_lines_or_twenty_modules():
    """One room per product: a folder that outgrows this is several products again."""
    library = PROJECT_ROOT / "cdktf_lambda"
    lines = {path: len(path.read_text(encoding="utf-8").splitlines()) for path in library.rglob("*.py")}
    total = sum(lines.values())
    too_big = {}
    for folder in sorted({path.parent for path in lines}):
        own = [path for path in lines if path.parent == folder]
        within = sum(count for path, count in lines.items() if folder in path.parents or path.parent == folder)
        if len(own) > 20:
            too_big[str(folder.relative_to(PROJECT_ROOT))] = f"{len(own)} modules of its own"
        if folder != library and within > total / 4:
            too_big[str(folder.relative_to(PROJECT_ROOT))] = f"{within} of {total} lines"
    assert sum(count for path, count in lines.items() if path.parent == library) <= total / 4
    assert too_big == {}


def test_the_paths_run_again_under_cdktn_exist():
    """tests/conftest.py marks the cdktn pass's tests by path: a renamed room would silently drop out of it."""
    assert [path for path in FLAVOR_PATHS if not (PROJECT_ROOT / path).exists()] == []


def test_make_setup_installs_with_the_uv_of_the_lock():
    """The Makefile's bootstrap uv (it installs Pipfile.lock) is the one the lock pins for the tests."""
    pinned = re.search(r"^UV_VERSION := (\S+)$", (PROJECT_ROOT / "Makefile").read_text(), re.M)
    locked = json.loads((PROJECT_ROOT / "Pipfile.lock").read_text())["develop"]["uv"]["version"]
    assert pinned and f"=={pinned.group(1)}" == locked
