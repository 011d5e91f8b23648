"""One `bourse serve` with its demo bots (memory mode, the page built by `make web`) and one
headless Chromium for all the browser tests: Debian's `chromium`, which .ci/run installs, since
Playwright cannot download a browser of its own here. Without either the tests fail, saying how
to get it. Both are package-scoped: the sync Playwright's event loop must end before the async
tests of other packages run. Screenshots are kept in build/browser/ (BOURSE_ARTIFACTS to put
them elsewhere)."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from entrypoints.settings import WEB_DIST as BUILT

# What a page shows may take a few seconds to come on a machine whose two cores also run the
# suite's other worker: the assertions wait as long as the pages' own actions do.
expect.set_options(timeout=15_000)

CHROMIUM = os.environ.get("BOURSE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(
    os.environ.get("BOURSE_ARTIFACTS", Path(__file__).parents[2] / "build" / "browser")
)


class PageServer:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.api = httpx.Client(base_url=base_url, timeout=10)
        self.complaints: list[str] = []  # what pages wrote to their console as errors

    def watch(self, page: Page) -> Page:
        def heard(message: ConsoleMessage) -> None:
            # A refusal the page shows its user (a login asking for the second factor) is
            # logged by the browser too: it is no fault of the page.
            refusal = message.text.startswith(
                "Failed to load resource: the server responded with a status of 4"
            )
            if message.type in ("error", "warning") and not refusal:
                self.complaints.append(f"{page.url}: {message.text}")

        page.on("console", heard)
        page.on("pageerror", lambda error: self.complaints.append(f"{page.url}: {error}"))
        return page


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="package")
def page_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PageServer]:
    if not (BUILT / "index.html").is_file():
        pytest.fail(
            f"The web page is not built at {BUILT}: run `make web` (Node.js 20.19 or later)"
        )
    port = _free_port()
    # This checkout's code, whatever is installed: PYTHONPATH leads to it.
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2]), "BOURSE_ADAPTERS": "memory"}
    command = [
        sys.executable,
        "-m",
        "entrypoints.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    # Its log goes to a file: a pipe nobody reads fills, and the server stops at its next line.
    log = tmp_path_factory.mktemp("page-server") / "serve.log"
    with log.open("wb") as written:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=written)
    server = PageServer(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if server.api.get("/health/ready").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait(timeout=5)
                pytest.fail(f"bourse serve did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)
        server.api.close()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"No Chromium at {CHROMIUM}: install Debian's (`apt-get install -y chromium`, as "
            ".ci/run does) or name another with BOURSE_CHROMIUM"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


@pytest.fixture(scope="package")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
