"""Publishing tests' helpers: a project's ``publish:``, moto's standalone S3 server, and a
service started in an empty folder that looks ids up from a published document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any


def with_publish(root: Path, *destinations: str) -> Path:
    """The project's asst-deploy.yaml with ``publish:`` listing ``destinations``."""
    config = root / "asst-deploy.yaml"
    lines = "".join(f"  - {d}\n" for d in destinations)
    config.write_text(config.read_text(encoding="utf-8") + f"publish:\n{lines}", encoding="utf-8")
    return root


class S3Server:
    """moto's standalone S3 server on a free port: the real S3 API over HTTP, reached through boto3
    only by the standard variables a user sets (``AWS_ENDPOINT_URL`` and credentials)."""

    def __init__(self, home: Path) -> None:
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        self.home = home
        self.running = True
        urllib.request.urlopen(urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST"), timeout=10)

    def environ(self) -> dict[str, str]:
        """What a user (or a service) sets to reach this S3 with boto3, and nothing from this machine's ~/.aws."""
        return {"AWS_ENDPOINT_URL": self.endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": str(self.home / "no-config"),
                "AWS_SHARED_CREDENTIALS_FILE": str(self.home / "no-credentials")}

    def client(self) -> Any:
        import boto3

        env = self.environ()
        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])

    def document(self, bucket: str, key: str) -> dict[str, Any]:
        return json.loads(self.client().get_object(Bucket=bucket, Key=key)["Body"].read())

    def stop(self) -> None:
        if self.running:
            self.running = False
            self._server.stop()


LOOKUP = """
import json, sys
import asst_deploy
names = sys.argv[1:] or ["support-bot"]
print(json.dumps({"ids": [asst_deploy.assistant_id(n) for n in names],
                  "heavy": sorted(m for m in ("yaml", "pydantic", "openai", "click") if m in sys.modules)}))
"""


def service(folder: Path, environ: dict[str, str], *names: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter in an empty ``folder`` (no project, no lockfile), as another team's
    service starts, looking ids up with ``environ`` (ASST_DEPLOY_SOURCE, AWS_*, XDG_CACHE_HOME)."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder), **environ}
    done = subprocess.run([sys.executable, "-c", LOOKUP, *names], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == code, done.stderr
    return done
