"""The emulator's HTTP server against the stdlib's ``http.server``, requests per second.

    python bench/http_vs_stdlib.py

One keep-alive connection sends GETs and POSTs in turn to each server, both answering from the
same trivial app; three rounds. Read in docs/decisions/0002-emulator-on-libraries.md.
"""

from __future__ import annotations

import http.client
import http.server
import json
import threading
import time

from asst_deploy.emulator import http as emulator_http

ANSWER = json.dumps({"object": "list", "data": [], "has_more": False}).encode()
BODY = json.dumps({"model": "gpt-4o", "instructions": "x" * 200}).encode()


def app(method: str, target: str, headers: object, body: bytes) -> tuple[int, dict[str, str], bytes]:
    return 200, {"content-type": "application/json"}, ANSWER


class Stdlib(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True  # without it, headers and body in two writes wait ~40 ms each

    def answer(self) -> None:
        size = int(self.headers.get("content-length") or 0)
        status, extra, payload = app(self.command, self.path, self.headers, self.rfile.read(size))
        self.send_response(status)
        for name, value in {**extra, "content-length": str(len(payload))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = answer

    def log_message(self, *args: object) -> None:
        pass


def per_second(port: int, n: int = 4000) -> float:
    client = http.client.HTTPConnection("127.0.0.1", port)
    start = time.perf_counter()
    for i in range(n):
        if i % 2:
            client.request("POST", "/v1/assistants", BODY, {"content-type": "application/json"})
        else:
            client.request("GET", "/v1/assistants?limit=100")
        client.getresponse().read()
    return n / (time.perf_counter() - start)


def main() -> None:
    ours = emulator_http.Server(("127.0.0.1", 0), app, lambda size: (413, {}, b""), 1 << 26)
    stdlib = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stdlib)
    for server in (ours, stdlib):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    for _ in range(3):
        print(f"emulator/http.py {per_second(ours.server_address[1]):.0f} requests/s, "
              f"http.server {per_second(stdlib.server_address[1]):.0f} requests/s")


if __name__ == "__main__":
    main()
