from tests.live_server import live

__all__ = ["live"]
