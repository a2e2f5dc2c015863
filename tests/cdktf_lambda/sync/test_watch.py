"""``sync --watch``: every save of a function's or layer's source syncs once; excluded paths sync nothing."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cdktf_lambda.packaging.package_source import PackageSource
from cdktf_lambda.sync.report import SyncReport
from cdktf_lambda.sync.watch import SyncFilter, watch, watch_roots


@dataclass
class FakeTarget:
    source: PackageSource


@dataclass
class RecordingSyncer:
    """What :func:`watch` needs of a syncer; records each batch of changed paths."""

    project: Path
    batches: queue.Queue = field(default_factory=queue.Queue)
    prepared: bool = False

    def prepare(self) -> None:
        self.prepared = True

    @property
    def functions(self) -> tuple[FakeTarget, ...]:
        return (FakeTarget(PackageSource("src/api", "api", "function", ("python3.13",))),)

    def watched(self) -> list[Path]:
        return [self.project / "src" / "api", self.project / "src" / "Pipfile.lock"]

    def sync(self, changed: set[Path]) -> list[SyncReport]:
        self.batches.put(changed)
        return [SyncReport("synced", "api", "code")]


@pytest.fixture
def project(make_source, tmp_path) -> Path:
    return make_source({"src/api/__init__.py": "", "src/api/api.py": "X = 1\n", "src/Pipfile.lock": "{}"}, tmp_path)


@pytest.fixture
def watching(project) -> Iterator[tuple[RecordingSyncer, list[list[SyncReport]]]]:
    syncer = RecordingSyncer(project)
    stop, ready, reports = threading.Event(), threading.Event(), []
    thread = threading.Thread(
        target=watch,
        args=(syncer, reports.append),
        kwargs={"stop": stop, "on_ready": lambda roots: ready.set() if syncer.prepared else None},
        daemon=True,
    )
    thread.start()
    assert ready.wait(30), "the watcher did not start (or said it was ready before the syncer was prepared)"
    yield syncer, reports
    stop.set()
    thread.join(30)
    assert not thread.is_alive(), "the watcher did not stop when asked"


def next_batch(syncer: RecordingSyncer, timeout: float = 30) -> set[Path]:
    return syncer.batches.get(timeout=timeout)


def test_a_save_syncs_once_with_the_changed_file(watching, project):
    syncer, reports = watching
    (project / "src/api/api.py").write_text("X = 2\n")
    assert next_batch(syncer) == {project / "src/api/api.py"}
    assert reports == [[SyncReport("synced", "api", "code")]]


def test_a_lock_file_change_syncs(watching, project):
    syncer, _ = watching
    (project / "src/Pipfile.lock").write_text('{"changed": true}')
    assert next_batch(syncer) == {project / "src/Pipfile.lock"}


def test_excluded_paths_sync_nothing(watching, project):
    syncer, _ = watching
    (project / "src/api/__pycache__").mkdir()
    (project / "src/api/__pycache__/api.cpython-313.pyc").write_bytes(b"\0")
    (project / "src/api/.api.py.swp").write_text("swap")
    (project / "src/api/api.py~").write_text("backup")
    (project / "src/api/4913").write_text("")
    (project / "src/README.md").write_text("not code")
    (project / "src/.git").mkdir()
    (project / "src/.git/index").write_text("git")
    # A save after all of them: the first batch the syncer sees holds it alone.
    (project / "src/api/api.py").write_text("X = 3\n")
    assert next_batch(syncer) == {project / "src/api/api.py"}


def test_a_new_directory_beside_the_functions_is_passed_on(watching, project):
    syncer, _ = watching
    (project / "src/newfn").mkdir()
    (project / "src/newfn/newfn.py").write_text("def lambda_handler(e, c): ...\n")
    # The file may come in the same batch or, when the watcher adds the new directory's watch after it was
    # written, not at all: the directory is what the syncer looks into.
    assert project / "src/newfn" in next_batch(syncer)


@pytest.mark.parametrize(
    ("relative", "passed"),
    [
        ("src/api/api.py", True),
        ("src/api/sub/data.json", True),
        ("src/Pipfile.lock", True),
        ("src/Pipfile", False),
        ("src/api/__pycache__/api.cpython-313.pyc", False),
        ("src/api/.api.py.swp", False),
        ("src/api/.#api.py", False),
        ("src/api/api.py___jb_tmp___", False),
        ("src/api/tests/test_api.py", False),
        ("src/other/new.py", True),
        ("src/api", True),
        ("src/other/.hidden.swp", False),
        ("src/tests/test_other.py", False),
        ("src/other/__pycache__/new.cpython-313.pyc", False),
    ],
)
def test_the_filter(project, relative, passed):
    sync_filter = SyncFilter([project / "src/api", project / "src/Pipfile.lock"])
    assert sync_filter(None, str(project / relative)) is passed


def test_the_watched_directories_are_the_parents_without_nesting(tmp_path):
    paths = [tmp_path / "src/api", tmp_path / "src/worker", tmp_path / "src/Pipfile.lock", tmp_path / "src/x/y"]
    assert watch_roots(paths) == [tmp_path / "src"]
