"""The web trading page: its HTML at `/` and `/trade/{symbol}`, the admin console's at
`/admin`, their assets under `/static/`, as Vite builds them from `web/` (`make web`) into the
folder the settings name (`web_dist`). Both pages are clients of the API like any other; these
routes serve files alone, under the same Content-Security-Policy."""

from html import escape
from pathlib import Path

from attrs import frozen
from litestar import Response, Router, get
from litestar.datastructures import CacheControlHeader
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.static_files import create_static_files_router

from entrypoints.api.errors import ApiError

# Asset names carry a hash of their content: a new build makes new names.
ASSETS_CACHE = CacheControlHeader(max_age=365 * 24 * 3600, public=True, immutable=True)


@frozen
class PageOrigins:
    """Where the page's assets and market streams come from, when not from its own origin:
    behind CloudFront and the load balancer, as the AWS environment serves them."""

    assets: str | None = None  # such as https://static.example.com
    streams: str | None = None  # such as wss://ws.example.com

    def content_security_policy(self) -> str:
        """Scripts, styles and data from the page's own origin and those named alone; the
        authenticator's QR code comes from the API as a data: URI. No inline script or style
        is allowed anywhere."""
        assets = f" {self.assets}" if self.assets else ""
        streams = f" {self.streams}" if self.streams else ""
        return "; ".join(
            [
                "default-src 'none'",
                f"script-src 'self'{assets}",
                f"style-src 'self'{assets}",
                "img-src 'self' data:",
                f"connect-src 'self'{streams}",
                "base-uri 'none'",
                "form-action 'self'",
                "frame-ancestors 'none'",
            ]
        )

    def headers(self) -> dict[str, str]:
        return {
            "Content-Security-Policy": self.content_security_policy(),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-cache",
        }

    def html(self, built: bytes) -> bytes:
        """The built page, told where the streams are if they are elsewhere."""
        if not self.streams:
            return built
        meta = f'<meta name="bourse-streams" content="{escape(self.streams)}" />\n  </head>'
        return built.replace(b"</head>", meta.encode(), 1)


def page_routes(built: Path, origins: PageOrigins) -> list[HTTPRouteHandler | Router]:
    headers = origins.headers()

    def page(name: str = "index.html") -> Response[bytes]:
        html = built / name
        if not html.is_file():
            raise ApiError(-1000, "The web page is not built: run `make web`.", 404)
        return Response(origins.html(html.read_bytes()), media_type="text/html", headers=headers)

    @get("/", operation_id="tradingPage", include_in_schema=False, sync_to_thread=False)
    def home() -> Response[bytes]:
        return page()

    @get(
        "/trade/{symbol:str}",
        operation_id="marketPage",
        include_in_schema=False,
        sync_to_thread=False,
    )
    def market(symbol: FromPath[str]) -> Response[bytes]:
        return page()

    @get("/admin", operation_id="adminConsole", include_in_schema=False, sync_to_thread=False)
    def admin() -> Response[bytes]:
        return page("admin.html")

    assets = create_static_files_router(
        path="/static/assets",
        directories=[built / "assets"],
        cache_control=ASSETS_CACHE,
        name="page-assets",
        include_in_schema=False,  # files for the browser, not operations of the API
    )
    return [home, market, admin, assets]
