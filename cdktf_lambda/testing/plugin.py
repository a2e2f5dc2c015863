"""The pytest plugin (``pytest11`` entry point ``cdktf_lambda``): fixtures and options only.

pytest loads every installed ``pytest11`` plugin in every session, so this module imports nothing but pytest and the
standard library: the toolkit's modules (and jsii, boto3, moto through them) load when a fixture is first used.

Options (command line, or ini keys of the same name without dashes):

* ``--cdktf-project DIR`` (``cdktf_project``): the project, default the nearest ``cdktf.json`` at or above pytest's
  root directory;
* ``--cdktf-stack NAME`` (``cdktf_stack``): the stack of ``cdktf_stack`` and ``local_cloud``, default the only one;
* ``--cdktf-report PATH``: write the toolkit's timings (synth, the local cloud's deploy, the session) as JSON.

The terminal summary says how long the synth and the local cloud's deploy took, and their share of the session.
A test that uses ``local_cloud`` and fails gets a report section with what every function logged during it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Generator, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    from cdktf_lambda.testing.cloud import LocalCloud
    from cdktf_lambda.testing.invoke import Invoker
    from cdktf_lambda.testing.project import Project
    from cdktf_lambda.testing.stack import SynthesizedStack
    from cdktf_lambda.testing.synth import SynthesizedApp

#: Timings of this process (and, on the xdist controller, of each worker).
TIMINGS = pytest.StashKey[dict[str, Any]]()
#: When a test started (``time.time()``), to show what the functions logged during it.
_STARTED = pytest.StashKey[float]()
_WORKER_KEY = "cdktf_lambda_timings"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cdktf-lambda", "cdktf-lambda: test the stack the way it runs")
    group.addoption("--cdktf-project", metavar="DIR", help="the project (with cdktf.json); default: pytest's rootdir")
    group.addoption("--cdktf-stack", metavar="NAME", help="the stack of cdktf_stack/local_cloud; default: the only one")
    group.addoption("--cdktf-report", metavar="PATH", help="write synth and local cloud timings as JSON")
    parser.addini("cdktf_project", "the project directory (with cdktf.json), relative to the rootdir")
    parser.addini("cdktf_stack", "the stack of the cdktf_stack and local_cloud fixtures")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[TIMINGS] = {"started": time.monotonic(), "synth": [], "deploys": []}


# --- fixtures --------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def cdktf_project(pytestconfig: pytest.Config) -> Project:
    """The app under test (:class:`~cdktf_lambda.testing.project.Project`); override this fixture in a
    ``conftest.py`` to name another directory, app command, stack, context or environment."""
    from cdktf_lambda.errors import CdktfLambdaError
    from cdktf_lambda.testing.project import Project

    option = pytestconfig.getoption("cdktf_project") or pytestconfig.getini("cdktf_project")
    stack = pytestconfig.getoption("cdktf_stack") or pytestconfig.getini("cdktf_stack") or None
    start = pytestconfig.rootpath / option if option else pytestconfig.rootpath
    try:
        return Project.find(start, stack=stack)
    except CdktfLambdaError as exc:
        failure = str(exc)
    _fail(failure)


@pytest.fixture(scope="session")
def cdktf_app(
    cdktf_project: Project, tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> SynthesizedApp:
    """The app synthesized once for the session, as ``cdktf synth`` does, into a temporary ``cdktf.out``."""
    from cdktf_lambda.errors import CdktfLambdaError, EnvironmentFailure
    from cdktf_lambda.testing.synth import synth_app

    try:
        app = synth_app(cdktf_project, tmp_path_factory.mktemp("cdktf.out"))
    except (CdktfLambdaError, EnvironmentFailure) as exc:
        failure = str(exc)
    else:
        pytestconfig.stash[TIMINGS]["synth"].append(app.seconds)
        return app
    _fail(failure)


@pytest.fixture(scope="session")
def cdktf_stack(cdktf_app: SynthesizedApp) -> SynthesizedStack:
    """The project's stack as synthesized (:class:`~cdktf_lambda.testing.stack.SynthesizedStack`)."""
    from cdktf_lambda.errors import NotInStackError

    try:
        return cdktf_app.stack()
    except NotInStackError as exc:
        failure = str(exc)
    _fail(failure)


@pytest.fixture(scope="session")
def lambda_invoke(cdktf_stack: SynthesizedStack) -> Iterator[Invoker]:
    """``lambda_invoke(function, event)``: a function of the stack run locally on its own runtime
    (:class:`~cdktf_lambda.testing.invoke.Invoker`); the runtimes it starts stay warm for the session."""
    from cdktf_lambda.testing.invoke import Invoker

    with Invoker(cdktf_stack) as invoker:
        yield invoker


@pytest.fixture(scope="session")
def local_cloud(
    cdktf_stack: SynthesizedStack,
    cdktf_project: Project,
    tmp_path_factory: pytest.TempPathFactory,
    pytestconfig: pytest.Config,
) -> Iterator[LocalCloud]:
    """The stack deployed into a local cloud once per session (per xdist worker), taken down at the end
    (:class:`~cdktf_lambda.testing.cloud.LocalCloud`)."""
    from cdktf_lambda.errors import CdktfLambdaError, EnvironmentFailure
    from cdktf_lambda.testing.deploy import deploy_local_cloud, environment_name

    name = environment_name()
    with ExitStack() as cleanup:
        try:
            cloud = cleanup.enter_context(
                deploy_local_cloud(
                    cdktf_stack,
                    tmp_path_factory.mktemp(f"local-cloud-{name}"),
                    project_dir=cdktf_project.directory,
                    env=cdktf_project.env,
                    name=name,
                )
            )
        except (CdktfLambdaError, EnvironmentFailure) as exc:
            failure = f"the local cloud could not be deployed: {exc}"
        else:
            pytestconfig.stash[TIMINGS]["deploys"].append({"worker": name, "phases": dict(cloud.timings)})
            yield cloud
            return
    _fail(failure)


def _fail(message: str) -> NoReturn:
    """Fail the test with ``message`` alone: the cause, not a traceback from inside the toolkit."""
    __tracebackhide__ = True
    pytest.fail(f"cdktf-lambda: {message}", pytrace=False)


# --- reports ---------------------------------------------------------------------------------------------------------


def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[_STARTED] = time.time()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.when != "call" or not report.failed or "local_cloud" not in getattr(item, "fixturenames", ()):
        return
    cloud = getattr(item, "funcargs", {}).get("local_cloud")
    if cloud is None or cloud.server.gone_reason() is not None:
        return
    try:
        logged = cloud.recent_logs(item.stash.get(_STARTED, time.time()))
    except Exception as exc:  # a report must not hide the test's own failure
        logged = f"(the functions' logs could not be read: {exc})"
    report.sections.append(("local cloud: what the functions logged during the test", logged or "(nothing)"))


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand the timings to the controller
        workeroutput[_WORKER_KEY] = json.dumps(_recorded(config))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    data = getattr(node, "workeroutput", {}).get(_WORKER_KEY)
    if data:
        timings = node.config.stash[TIMINGS]
        worker = json.loads(data)
        timings["synth"] += worker["synth"]
        timings["deploys"] += worker["deploys"]


def _recorded(config: pytest.Config) -> dict[str, Any]:
    timings = config.stash[TIMINGS]
    return {"synth": list(timings["synth"]), "deploys": list(timings["deploys"])}


def summary(config: pytest.Config) -> dict[str, Any] | None:
    """The toolkit's timings for the report: the session, each synth, each deploy with its share of the session."""
    timings = config.stash.get(TIMINGS, None)
    if timings is None or not (timings["synth"] or timings["deploys"]):
        return None
    session = time.monotonic() - timings["started"]
    deploys = [{**d, "seconds": sum(d["phases"].values())} for d in timings["deploys"]]
    longest = max((d["seconds"] for d in deploys), default=0.0)
    return {
        "session_seconds": session,
        "synth_seconds": list(timings["synth"]),
        "deploys": deploys,
        "deploy_share": longest / session if session else 0.0,
    }


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if getattr(config, "workeroutput", None) is not None:
        return
    report = summary(config)
    if report is None:
        return
    path = config.getoption("cdktf_report")
    if path:
        Path(path).write_text(json.dumps(report, indent=2) + "\n")
    parts = []
    if report["synth_seconds"]:
        parts.append(f"synth {max(report['synth_seconds']):.1f} s")
    for deploy in report["deploys"]:
        phases = ", ".join(f"{name} {seconds:.1f}" for name, seconds in deploy["phases"].items())
        parts.append(f"local cloud deploy ({deploy['worker']}) {deploy['seconds']:.1f} s ({phases})")
    share = f"; the deploy is {report['deploy_share']:.0%} of it" if report["deploys"] else ""
    terminalreporter.write_sep("-", "cdktf-lambda")
    terminalreporter.write_line(f"{'; '.join(parts)}; session {report['session_seconds']:.1f} s{share}")
