"""nginx running the shipped site file `deploy/nginx/kesco.conf`, rewritten only for ports and
paths (each rewrite must match exactly once, so a changed config breaks the test loudly), under
a minimal main configuration in a temporary directory."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

from tests.deploy.tls_ca import Issued

SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "kesco.conf"


def rewrite_site(app_port: int, http_port: int, https_port: int, tls: Issued) -> str:
    text = SITE.read_text(encoding="utf-8")
    for old, new in (("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
                     ("listen 80;", f"listen 127.0.0.1:{http_port};"),
                     ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
                     ("/etc/kesco/tls/server.crt", str(tls.cert)),
                     ("/etc/kesco/tls/server.key", str(tls.key))):
        assert text.count(old) == 1, f"deploy/nginx/kesco.conf no longer has exactly one {old!r}"
        text = text.replace(old, new)
    return text


class Nginx:
    def __init__(self, binary: str, root: Path, site_text: str, https_port: int) -> None:
        self.binary, self.root, self.site_text, self.https_port = binary, root, site_text, https_port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Nginx:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "site.conf").write_text(self.site_text, encoding="utf-8")
        temp = " ".join(f"{k}_temp_path {self.root / k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        user = "user root;" if os.geteuid() == 0 else ""
        (self.root / "nginx.conf").write_text(f"""
{user}
daemon off;
worker_processes 1;
pid {self.root / 'nginx.pid'};
error_log {self.root / 'error.log'} info;
events {{ worker_connections 256; }}
http {{
    access_log {self.root / 'access.log'};
    {temp}
    include {self.root / 'site.conf'};
}}
""", encoding="utf-8")
        test = subprocess.run([self.binary, "-t", "-p", str(self.root), "-c", str(self.root / "nginx.conf")],
                              capture_output=True, text=True)
        assert test.returncode == 0, test.stderr
        self.proc = subprocess.Popen([self.binary, "-p", str(self.root), "-c", str(self.root / "nginx.conf")])
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("nginx did not start: " + (self.root / "error.log").read_text()[-2000:]) from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.proc = None
