"""uv.lock: the project's dependencies found by walking the graph, groups and extras, workspaces, refusals."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cdktf_lambda.errors import SourceError
from cdktf_lambda.packaging.locks import read_lock, requirements_for
from cdktf_lambda.packaging.target import Target
from tests.fixtures.layers import UV_WORKSPACE, WEBAPP_LOCKS, WEBAPP_PY313, names_for

UV_LOCK = WEBAPP_LOCKS["uv"]
WORKSPACE = UV_WORKSPACE / "uv.lock"
HASH = "sha256:" + "a" * 64
PYPI = 'registry = "https://pypi.org/simple"'


def write_uv_lock(path: Path, packages: str, header: str = "") -> Path:
    path.write_text(f'version = 1\nrevision = 3\nrequires-python = ">=3.11"\n{header}\n' + textwrap.dedent(packages))
    return path


ROOT = """
    [[package]]
    name = "app"
    version = "0.1.0"
    source = { editable = "." }
    dependencies = [{ name = "dep" }]
"""


def test_the_project_s_dependencies_for_python3_13():
    lock = read_lock(UV_LOCK)
    assert tuple(p.pin for p in requirements_for(lock, Target())) == WEBAPP_PY313
    assert "webapp" not in lock.names, "the project itself goes into the function's package, not the layer"
    assert [p.name for p in lock.packages if p.sdist_only] == ["docopt"]
    assert (lock.format, lock.groups, lock.extras, lock.requires_python) == ("uv", (), (), ">=3.11")


def test_markers_are_the_conjunction_along_each_path():
    markers = {p.name: p.marker for p in read_lock(UV_LOCK).packages}
    assert markers["legacy-cgi"] == 'python_full_version >= "3.13"'
    assert markers["backports-tarfile"] == 'python_full_version < "3.12"'
    assert markers["tzdata"] == 'sys_platform == "win32"'
    assert markers["fastapi"] is None
    assert names_for(read_lock(UV_LOCK), Target("python3.11")) - names_for(read_lock(UV_LOCK)) == {"backports-tarfile"}


@pytest.mark.parametrize(
    ("options", "added"),
    [
        ({"groups": ["dev"]}, {"iniconfig"}),
        ({"extras": ["cli"]}, {"click"}),
        ({"extras": ["email"]}, {"email-validator", "dnspython"}),  # pydantic[email]: an extra of a dependency
        ({"extras": ["CLI", "email"], "groups": ["Dev"]}, {"click", "email-validator", "dnspython", "iniconfig"}),
    ],
)
def test_groups_and_extras_add_their_packages(options, added):
    lock = read_lock(UV_LOCK, **options)
    assert names_for(lock) == names_for(read_lock(UV_LOCK)) | added
    assert lock.sha256 != read_lock(UV_LOCK).sha256


def test_a_workspace_installs_what_its_members_need_but_not_the_members():
    lock = read_lock(WORKSPACE)
    assert names_for(lock) == {"docopt", "mangum", "typing-extensions", "tzlocal"}, "ws-core[tz] brings tzlocal"
    assert not {"ws-app", "ws-core"} & lock.names
    assert lock.notes == (
        "tests/fixtures/locks/uv-workspace/uv.lock: workspace members ws-app, ws-core are not installed into the "
        "layer (their code belongs in the function's package)",
    )
    assert names_for(read_lock(WORKSPACE, groups=["dev"])) == names_for(lock) | {"iniconfig"}


def test_a_lock_for_a_python_the_target_is_not_is_refused():
    with pytest.raises(SourceError, match=r"locked for requires-python '>=3.11'; the target python3.10/x86_64 is"):
        requirements_for(read_lock(UV_LOCK), Target("python3.10"))


def test_forked_versions_are_chosen_by_the_target(tmp_path):
    path = write_uv_lock(
        tmp_path / "uv.lock",
        f"""
        [[package]]
        name = "app"
        version = "0.1.0"
        source = {{ virtual = "." }}
        dependencies = [
            {{ name = "dep", version = "1.0", source = {{ {PYPI} }}, marker = "python_full_version < '3.12'" }},
            {{ name = "dep", version = "2.0", source = {{ {PYPI} }}, marker = "python_full_version >= '3.12'" }},
        ]

        [[package]]
        name = "dep"
        version = "1.0"
        source = {{ registry = "https://pypi.org/simple" }}
        wheels = [{{ url = "https://x.invalid/dep-1.0-py3-none-any.whl", hash = "{HASH}" }}]

        [[package]]
        name = "dep"
        version = "2.0"
        source = {{ registry = "https://pypi.org/simple" }}
        sdist = {{ url = "https://x.invalid/dep-2.0.tar.gz", hash = "sha256:{"b" * 64}" }}
        """,
    )
    lock = read_lock(path)
    assert [p.pin for p in requirements_for(lock, Target("python3.11"))] == ["dep==1.0"]
    assert [(p.pin, p.sdist_only) for p in requirements_for(lock, Target("python3.13"))] == [("dep==2.0", True)]


@pytest.mark.parametrize(
    ("dep", "match"),
    [
        ('source = { git = "https://example.invalid/dep.git?rev=main#abc" }', "comes from .*git.*only registry"),
        ('source = { path = "dep-1.0.tar.gz" }', "comes from .*path.*only registry"),
        ('source = { editable = "../dep" }', "comes from .*editable.*only registry"),
        ('source = { registry = "https://pypi.org/simple" }\nwheels = [{ url = "x", hash = "md5:00" }]', "uses md5"),
        ('source = { registry = "https://pypi.org/simple" }', "has no file hashes; re-lock with `uv lock`"),
    ],
)
def test_what_cannot_be_installed_from_an_index_by_hash_is_refused(tmp_path, dep, match):
    lock = write_uv_lock(tmp_path / "uv.lock", ROOT + f'\n[[package]]\nname = "dep"\nversion = "1.0"\n{dep}\n')
    with pytest.raises(SourceError, match=match):
        read_lock(lock)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("version = 2\n[[package]]\nname = 'x'\n", "is not a uv.lock of version 1"),
        ("not = [toml", "is not a uv.lock \\(TOML\\)"),
        ('version = 1\nconflicts = [[{ package = "app", extra = "a" }]]\n[[package]]\nname = "x"\n', "conflicts"),
    ],
)
def test_an_unsupported_uv_lock_is_refused(tmp_path, content, match):
    (tmp_path / "uv.lock").write_text(content)
    with pytest.raises(SourceError, match=match):
        read_lock(tmp_path / "uv.lock")
