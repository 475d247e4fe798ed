"""A stand-in for the edge's purge endpoint: a real HTTP server on 127.0.0.1 that records what
it is sent and answers as it is told (only the network boundary is replaced, nothing in Lantern)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class EdgeServer:
    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.body = b'{"success": true}'
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with server.lock:
                    server.requests.append(
                        {
                            "method": self.command,
                            "path": self.path,
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "body": body,
                        }
                    )
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            do_PURGE = do_POST = do_GET = answer

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def purged_keys(self, header="xkey-purge", separator=" ") -> set[str]:
        found = set()
        for request in self.requests:
            if header == "tags":
                found.update(json.loads(request["body"])["tags"])
            else:
                found.update(request["headers"][header].split(separator))
        return found

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def edge_server():
    server = EdgeServer()
    yield server
    server.stop()


@pytest.fixture
def varnish(settings, edge_server):
    """EDGE_CACHE=varnish, purged at the stand-in server."""
    settings.EDGE_CACHE = "varnish"
    settings.EDGE_CACHE_URL = edge_server.url + "/"
    return edge_server
