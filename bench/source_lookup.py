"""A runtime lookup from a published ids document over https, cold and warm, against a lookup
from a local lockfile.

    python bench/source_lookup.py

Each figure is the median of 7 fresh interpreters (as a service starts): ``import asst_deploy``
plus the first ``assistant_id`` call, then the median of 10,000 further calls in the same process.
The document is served over TLS on 127.0.0.1 by the standard library's server with ETags, so the
network cost is near zero and what is measured is the tool's own. "cold": no copy in the cache
folder (a full GET); "restart": a copy kept by an earlier process (a conditional GET, 304).
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.tls import self_signed  # noqa: E402

PROBE = """
import json, sys, time
start = time.perf_counter()
import asst_deploy
first = asst_deploy.assistant_id("bot-0")
took = time.perf_counter() - start
start = time.perf_counter()
for _ in range(10000):
    asst_deploy.assistant_id("bot-7")
warm = (time.perf_counter() - start) / 10000
print(json.dumps({"first_ms": took * 1000, "warm_us": warm * 1e6,
                  "modules": sorted(m for m in ("boto3", "urllib.request", "ssl") if m in sys.modules)}))
"""


def document(names: int) -> dict:
    assistants = {f"bot-{i}": {"api": "assistants", "id": f"asst_{i:024d}", "vector_store_id": f"vs_{i:024d}",
                               "code_interpreter_file_ids": []} for i in range(names)}
    return {"format": "asst-deploy/ids", "version": 1, "project": "bench", "environment": "prod",
            "published_at": "2026-12-08T00:00:00Z", "assistants": assistants}


def serve(body: bytes, cert: Path, key: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"https://127.0.0.1:{server.server_address[1]}/ids/prod.json", server


def run(folder: Path, env: dict[str, str]) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=folder, env={"PATH": os.environ["PATH"], **env},
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def median(rows: list[dict], key: str) -> float:
    return statistics.median(row[key] for row in rows)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        doc = document(30)
        lock = {"version": 1, "project": "bench", "environment": "prod",
                "assistants": {k: {"id": v["id"], "vector_store_id": v["vector_store_id"]}
                               for k, v in doc["assistants"].items()}}
        (root / "assistants.prod.lock.json").write_text(json.dumps(lock))
        cert, key = self_signed(root)
        url, server = serve(json.dumps(doc).encode(), cert, key)
        base = {"HOME": tmp, "ASST_DEPLOY_ENV": "prod", "SSL_CERT_FILE": str(cert)}
        rows = {"local lockfile": [run(root, base) for _ in range(7)]}
        cold = []
        for i in range(7):
            cold.append(run(root, {**base, "ASST_DEPLOY_SOURCE": url, "XDG_CACHE_HOME": f"{tmp}/cache{i}"}))
        rows["https source, cold (no copy: GET 200)"] = cold
        rows["https source, restart (copy kept: GET 304)"] = [
            run(root, {**base, "ASST_DEPLOY_SOURCE": url, "XDG_CACHE_HOME": f"{tmp}/cache0"}) for _ in range(7)]
        server.shutdown()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Load average when it ended: {load} ({os.cpu_count()} cores). 30 assistants in the document.\n")
    print("| lookup | import + first lookup (median of 7) | each later lookup (median) | modules loaded |")
    print("|---|---:|---:|---|")
    for label, found in rows.items():
        print(f"| {label} | {median(found, 'first_ms'):.1f} ms | {median(found, 'warm_us'):.2f} µs | "
              f"{', '.join(found[0]['modules']) or '-'} |")


if __name__ == "__main__":
    main()
