"""The committed fixture locks are what the real tools write: lock the project again, from scratch, with uv, poetry
(+ poetry-plugin-export), pipenv and pip-compile (installed from the registry into a cached virtualenv,
``tests/fixtures/lock_tools.py``), and compare what each resolves with the committed file.

Network-bound (the tools resolve against the package registry): not part of ``make test``; ``make relock-check`` runs
it (``pytest --relock``)."""

from __future__ import annotations

import pytest

from cdktf_lambda.packaging.locks import read_lock
from tests.fixtures.layers import UV_WORKSPACE as WORKSPACE
from tests.fixtures.layers import WEBAPP
from tests.fixtures.lock_tools import lock_project, outputs_of

pytestmark = [pytest.mark.slow, pytest.mark.relock]

#: The selections compared, per project and output: the default and every option it has.
SELECTIONS = {
    (WEBAPP, "uv.lock"): [{}, {"groups": ["dev"], "extras": ["cli", "email"]}],
    (WEBAPP, "poetry.lock"): [{}, {"groups": ["dev"], "extras": ["cli", "email"]}],
    (WEBAPP, "Pipfile.lock"): [{}, {"categories": ["default", "develop", "cli"]}],
    (WORKSPACE, "uv.lock"): [{}, {"groups": ["dev"]}],
}


def resolved(path, **selection) -> list[tuple[str, str, str | None]]:
    """What a lock resolves, file hashes aside (an index may add a wheel to a release later)."""
    return [(p.name, p.version, p.marker) for p in read_lock(path, **selection).packages]


@pytest.mark.parametrize("project", [WEBAPP, WORKSPACE], ids=lambda project: project.name)
def test_each_tool_resolves_what_the_committed_lock_holds(project, tmp_path, capsys):
    work = tmp_path / project.name
    timings = lock_project(project, work)
    assert sorted(timings) == sorted(outputs_of(project)) and timings
    for output in timings:
        if output.endswith("nohashes.txt"):  # refused by read_lock (as it should be): compare what pip-compile wrote
            assert (work / output).read_text() == (project / output).read_text()
            continue
        for selection in SELECTIONS.get((project, output), [{}]):
            assert resolved(work / output, **selection) == resolved(project / output, **selection), (output, selection)
    with capsys.disabled():
        print("\n" + "\n".join(f"  {seconds:6.2f} s  {project.name}/{output}" for output, seconds in timings.items()))
