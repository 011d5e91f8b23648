"""The web trading page: its HTML at `/` and `/trade/{symbol}`, its assets under `/static/`,
as Vite builds them from `web/` (`make web`) into the folder the settings name (`web_dist`).
The page is a client of the public API like any other; these routes serve files alone."""

from pathlib import Path

from litestar import Response, Router, get
from litestar.datastructures import CacheControlHeader
from litestar.handlers import HTTPRouteHandler
from litestar.static_files import create_static_files_router

from entrypoints.api.errors import ApiError

# The page loads scripts, styles and data from its own origin alone; the authenticator's QR
# code comes from the API as a data: URI. No inline script or style is allowed anywhere.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
# Asset names carry a hash of their content: a new build makes new names.
ASSETS_CACHE = CacheControlHeader(max_age=365 * 24 * 3600, public=True, immutable=True)


def page_routes(built: Path) -> list[HTTPRouteHandler | Router]:
    index = built / "index.html"

    def page() -> Response[bytes]:
        if not index.is_file():
            raise ApiError(-1000, "The web page is not built: run `make web`.", 404)
        return Response(index.read_bytes(), media_type="text/html", headers=PAGE_HEADERS)

    @get("/", operation_id="tradingPage", include_in_schema=False, sync_to_thread=False)
    def home() -> Response[bytes]:
        return page()

    @get(
        "/trade/{symbol:str}",
        operation_id="marketPage",
        include_in_schema=False,
        sync_to_thread=False,
    )
    def market(symbol: str) -> Response[bytes]:
        return page()

    assets = create_static_files_router(
        path="/static/assets",
        directories=[built / "assets"],
        cache_control=ASSETS_CACHE,
        name="page-assets",
    )
    return [home, market, assets]
