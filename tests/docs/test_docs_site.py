"""The documentation site as built (``make docs``'s command, strict, once per session into a temporary directory)
and as a browser shows it: every export of ``cdktf_lambda`` has its entry, every keyword of ``LambdaPythonFunction``
its default, the settings and the CLI their pages, the search its index; headless Chromium (Debian's ``chromium``)
renders the home page and an API page with their navigation."""

from __future__ import annotations

import ast
import html
import inspect
import json
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

import cdktf_lambda
from cdktf_lambda import settings
from cdktf_lambda.function.lambda_python_function import LambdaPythonFunction
from devtools.sphinx_api import exports
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow

#: The guides the sidebar links to (file names of the built pages).
GUIDES = ("getting-started", "functions", "packaging", "local-runs", "local-cloud", "sync", "ci", "testing")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built strictly (``-W -n``: a warning fails it) from the checkout's docs/."""
    out = tmp_path_factory.mktemp("site")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-q", "-b", "html", "docs", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, f"make docs would fail:\n{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
    print(f"site built in {time.monotonic() - started:.1f} s")
    return out


class _Text(HTMLParser):
    """The text of a page (scripts and styles left out), and its element ids."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.ids: set[str] = set()
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style")
        self.ids |= {value for name, value in attrs if name == "id" and value}

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _read(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _text(path: Path) -> str:
    return " ".join("".join(_read(path).parts).split())


def test_every_export_of_cdktf_lambda_has_its_entry(site):
    ids = set().union(*(_read(page).ids for page in (site / "reference").glob("*.html")))
    missing = []
    for name, module in exports("cdktf_lambda").items():
        entry = f"module-{module}" if module.endswith(f".{name}") else f"{module}.{name}"
        if entry not in ids:
            missing.append(name)
    assert len(exports("cdktf_lambda")) == len(cdktf_lambda.__all__) - 1  # all but __version__
    assert missing == []


def test_every_export_of_the_testing_toolkit_and_every_fixture_has_its_entry(site):
    page = _read(site / "reference" / "testing.html")
    missing = [
        name
        for name, module in exports("cdktf_lambda.testing").items()
        if (f"module-{module}" if module.endswith(f".{name}") else f"{module}.{name}") not in page.ids
    ]
    assert missing == []
    fixtures = ("cdktf_project", "cdktf_app", "cdktf_stack", "lambda_invoke", "local_cloud")
    assert [name for name in fixtures if f"cdktf_lambda.testing.plugin.{name}" not in page.ids] == []


def _signature(site: Path, dotted: str) -> str:
    """The text of the signature line (``<dt id=...>``) of ``dotted``."""
    page = (site / "reference" / "functions.html").read_text(encoding="utf-8")
    found = re.search(rf'<dt class="sig[^"]*" id="{re.escape(dotted)}">(.*?)</dt>', page, re.S)
    assert found, dotted
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).split())
    return text.replace("¶", "").removesuffix("[source]").strip().removesuffix("→ None").strip()


def test_every_keyword_of_lambda_python_function_is_on_the_site_with_its_default(site):
    shown = _signature(site, "cdktf_lambda.function.lambda_python_function.LambdaPythonFunction.__init__")
    parameters = [p for p in inspect.signature(LambdaPythonFunction.__init__).parameters.values() if p.name != "self"]
    assert len(parameters) > 35
    for parameter in parameters:
        if parameter.name in ("scope", "id_"):
            assert re.search(rf"\b{parameter.name}\b", shown)
            continue
        found = re.search(rf"\b{parameter.name}: [^=]+?(?: = (?P<default>.+?))?(?:, \w+:|\)$)", shown)
        assert found, f"{parameter.name} not in {shown!r}"
        if parameter.default is inspect.Parameter.empty:
            assert found["default"] is None, parameter.name
        else:
            assert found["default"] is not None, parameter.name
            assert ast.literal_eval(found["default"]) == parameter.default, (parameter.name, found["default"])
    documented = _text(site / "reference" / "functions.html")
    assert all(parameter.name in documented for parameter in parameters)
    assert "Raises" in documented and "LayerIncompatibleError" in documented


def test_every_setting_and_every_command_has_its_page(site):
    text = _text(site / "reference" / "settings.html")
    assert [name for name in settings.SETTINGS if name not in text] == []
    assert "$XDG_CACHE_HOME/cdktf-lambda/runtimes" in text  # a default as the module describes it
    cli = _text(site / "reference" / "cli.html")
    commands = ("invoke", "doctor", "runtime install", "serve", "sync", "local up", "local down", "local status")
    assert [command for command in commands if f"cdktf-lambda {command}" not in cli] == []
    assert "--event EVENT" in cli


def test_the_site_has_a_search_index(site):
    script = (site / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(script.removeprefix("Search.setIndex(").removesuffix(")"))
    assert "snapstart" in index["terms"] and "lambdapythonfunct" in index["terms"]
    assert "Getting started" in index["titles"] and "Deploying from CI" in index["titles"]
    assert (site / "search.html").is_file()


def _chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.fail(
            "headless Chromium is needed to check the documentation site in a browser: Debian's package `chromium` "
            "(as root: `make browser`, or `apt-get install -y chromium`)"
        )
    return found


def _rendered(page: Path, tmp_path: Path) -> str:
    """The page's DOM after Chromium loaded it and ran its scripts."""
    result = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0 and "</html>" in result.stdout, result.stderr[-3000:]
    return result.stdout


def _links(dom: str, container: str) -> list[str]:
    part = re.search(rf'<div class="{container}">(.*?)</div>', dom, re.S)
    assert part, container
    return re.findall(r'href="([^"#]+)', part.group(1))


def test_chromium_renders_the_home_page_with_the_navigation_to_the_guides(site, tmp_path):
    dom = _rendered(site / "index.html", tmp_path)
    assert re.search(r'<body[^>]* data-theme="(auto|light|dark)"', dom), "the theme's script did not run"
    text = " ".join(re.sub(r"<[^>]+>", " ", dom.split("<body", 1)[1]).split())
    assert "a Python library of typed CDK for Terraform constructs for AWS Lambda" in text
    sidebar = _links(dom, "sidebar-tree")
    assert [guide for guide in GUIDES if f"{guide}.html" not in sidebar] == []
    assert "reference/index.html" in sidebar


def test_chromium_renders_an_api_page_with_its_signature_and_navigation(site, tmp_path):
    dom = _rendered(site / "reference" / "functions.html", tmp_path)
    text = " ".join(re.sub(r"<[^>]+>", " ", dom.split("<body", 1)[1]).split())
    assert "class LambdaPythonFunction" in text and "memory_size" in text
    sidebar = _links(dom, "sidebar-tree")
    assert "../getting-started.html" in sidebar and "cli.html" in sidebar
