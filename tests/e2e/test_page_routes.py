"""The page's routes serve what `make web` built, with a Content-Security-Policy that allows
only the page's own origin, or also the CDN and the streams' name the settings give; a page not
built yet is a 404 that says how to build it."""

from pathlib import Path

import attrs
from litestar.testing import AsyncTestClient

from entrypoints.server import build_app
from tests.e2e.conftest import SETTINGS

PAGE = b'<!doctype html><html><head><script type="module" src="/static/assets/a.js"></script>'
PAGE += b"</head><body></body></html>"


CONSOLE = PAGE.replace(b"a.js", b"admin.js")


def built(folder: Path) -> Path:
    (folder / "assets").mkdir()
    (folder / "index.html").write_bytes(PAGE)
    (folder / "admin.html").write_bytes(CONSOLE)
    (folder / "assets" / "a.js").write_text("export {};\n")
    return folder


async def test_the_page_and_its_assets_are_served_under_a_strict_policy(tmp_path: Path) -> None:
    app, _ = build_app(attrs.evolve(SETTINGS, web_dist=str(built(tmp_path))))
    async with AsyncTestClient(app) as client:
        home = await client.get("/")
        market = await client.get("/trade/ETHUSDT")
        console = await client.get("/admin")
        script = await client.get("/static/assets/a.js")
        missing = await client.get("/static/assets/b.js")
    assert home.status_code == market.status_code == console.status_code == 200
    assert home.content == market.content == PAGE
    assert console.content == CONSOLE
    assert console.headers["content-security-policy"] == home.headers["content-security-policy"]
    assert home.headers["content-type"].startswith("text/html")
    policy = home.headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "connect-src 'self';" in policy
    assert "default-src 'none'" in policy
    assert "unsafe" not in policy
    assert script.status_code == 200
    assert "immutable" in script.headers["cache-control"]
    assert missing.status_code == 404


async def test_a_deployment_names_its_cdn_and_streams(tmp_path: Path) -> None:
    settings = attrs.evolve(
        SETTINGS,
        web_dist=str(built(tmp_path)),
        assets_origin="https://static.example.com",
        streams_url="wss://ws.example.com",
    )
    app, _ = build_app(settings)
    async with AsyncTestClient(app) as client:
        home = await client.get("/")
    policy = home.headers["content-security-policy"]
    assert "script-src 'self' https://static.example.com;" in policy
    assert "style-src 'self' https://static.example.com;" in policy
    assert "connect-src 'self' wss://ws.example.com;" in policy
    assert b'<meta name="bourse-streams" content="wss://ws.example.com" />' in home.content


async def test_a_page_not_built_is_a_404_saying_how_to_build_it(tmp_path: Path) -> None:
    app, _ = build_app(attrs.evolve(SETTINGS, web_dist=str(tmp_path / "nothing")))
    async with AsyncTestClient(app) as client:
        answer = await client.get("/")
    assert answer.status_code == 404
    assert answer.json() == {"code": -1000, "msg": "The web page is not built: run `make web`."}
