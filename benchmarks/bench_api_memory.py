"""Measure the API server's peak memory (RSS) while it answers oversized and at-the-cap requests (issue 19).

Starts the portal in a child process (Werkzeug's server, one thread, on a migrated SQLite database in a
temporary folder), then sends, with a write token:

1. a 20 MB PUT of a draft with its Content-Length (refused 413 before it is read),
2. a 20 MB PUT sent chunked, without a Content-Length (read up to the 5 MB cap, then refused 413),
3. a PUT of 5,000 fuel lines (the line cap, accepted),
4. a PUT of 100,000 short fuel lines under 5 MB (refused 422 on the raw JSON, before decoding the lines),

and prints the server's peak resident memory (VmHWM from /proc) after each. The issue's 19 MB PUT peaked
at ~847 MiB; the target is below 300 MB.
Run: ``.venv/bin/python benchmarks/bench_api_memory.py``.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's portal, not the one the virtualenv installed
EXAMPLE = ROOT / "portal" / "demo_data" / "ghg-jx-cement-2024.json"
LIMIT_MB = 300


def _serve(folder: str, port: int) -> None:
    """Run in the child: make the database, a filing and a token, print the token, serve."""
    from argon2 import PasswordHasher
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from portal import create_app
    from portal.auth import passwords
    from portal.domain.codec import canonical_json, document_from_json
    from portal.extensions import db
    from portal.models import Filing
    from portal.services import accounts, tokens

    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # setup only
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3", "SECRET_KEY": "bench",
                      "JOB_QUEUE": "immediate", "STORAGE_URL": f"file://{folder}/store",
                      "API_RATE_LIMIT": "10000 per minute"})
    with app.app_context():
        upgrade()
        enterprise = accounts.create_enterprise(
            None, uscc="91360700MA38P2K51K", name="江西赣峰水泥有限公司", region_code="360700",
            industry_code="3011", permit_number="91360700MA38P2K51K001P", is_key_emitter=True)
        user = accounts.create_user(None, email="filer@bench.cn", name="filer", password="benchmark-password-1")
        accounts.add_membership(None, user, enterprise, "filer")
        document = document_from_json(EXAMPLE.read_text("utf-8"))
        filing = Filing(enterprise=enterprise, enterprise_id=enterprise.id, kind="ghg_annual_report", year=2024,
                        status="draft", draft_json=canonical_json(document))
        db.session.add(filing)
        secret = tokens.issue(user, user, name="bench", scope="write")[1]
        db.session.commit()
        print(json.dumps({"token": secret, "filing": filing.id}), flush=True)
    make_server("127.0.0.1", port, app, threaded=False).serve_forever()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _peak_mb(pid: int) -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmHWM"].split()[0]) / 1024, int(fields["VmRSS"].split()[0]) / 1024


def _put(port: int, path: str, headers: dict[str, str], body: bytes, *, chunked: bool = False) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    if chunked:
        connection.putrequest("PUT", path)
        for name, value in {**headers, "Transfer-Encoding": "chunked"}.items():
            connection.putheader(name, value)
        connection.endheaders()
        try:
            for start in range(0, len(body), 1 << 20):
                piece = body[start:start + (1 << 20)]
                connection.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            connection.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered 413 and closed before the whole body was sent
    else:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.request("PUT", path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def main() -> int:
    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        child = subprocess.Popen([sys.executable, __file__, "--serve", folder, str(port)], stdout=subprocess.PIPE,
                                 cwd=ROOT, text=True)
        try:
            assert child.stdout is not None
            setup = json.loads(child.stdout.readline())
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            path = f"/api/v1/filings/{setup['filing']}/draft"
            auth = {"Authorization": f"Bearer {setup['token']}", "Content-Type": "application/json"}
            base, _ = _peak_mb(child.pid)
            print(f"server started: peak RSS {base:.0f} MB")
            example = json.loads(EXAMPLE.read_text("utf-8"))
            revision = 1

            def etag() -> dict[str, str]:
                return {**auth, "If-Match": f'"{revision}"'}

            twenty = b'{"kind": "ghg_annual_report", "fuels": [' + b" " * (20 * 1024 * 1024) + b"]}"
            status, body = _put(port, path, etag(), twenty)
            print(f"20 MB PUT with Content-Length: {status} {json.loads(body).get('limit')}; "
                  f"peak RSS {_peak_mb(child.pid)[0]:.0f} MB")
            assert status == 413
            status, body = _put(port, path, etag(), twenty, chunked=True)
            print(f"20 MB PUT chunked:             {status}; peak RSS {_peak_mb(child.pid)[0]:.0f} MB")
            assert status == 413
            line = example["fuels"][0]
            capped = {**example, "fuels": [{**line, "source": f"{i}#", "consumption": 1000 + i} for i in range(5000)]}
            text = json.dumps(capped).encode()
            status, body = _put(port, path, etag(), text)
            print(f"5,000 fuel lines ({len(text) / 1e6:.1f} MB): {status}; peak RSS {_peak_mb(child.pid)[0]:.0f} MB")
            assert status == 200, body[:500]
            revision = json.loads(body)["revision"]
            many = {**example, "fuels": [{"fuel": "bituminous", "consumption": 1}] * 100_000}
            text = json.dumps(many, separators=(",", ":")).encode()
            status, body = _put(port, path, etag(), text)
            print(f"100,000 fuel lines ({len(text) / 1e6:.1f} MB): {status} {json.loads(body).get('limit')}; "
                  f"peak RSS {_peak_mb(child.pid)[0]:.0f} MB")
            assert status in (413, 422)
            peak, _ = _peak_mb(child.pid)
        finally:
            child.terminate()
            child.wait(10)
    verdict = "OK" if peak < LIMIT_MB else "ABOVE THE TARGET"
    print(f"peak RSS of the server over all requests: {peak:.0f} MB (target < {LIMIT_MB} MB): {verdict}")
    return 0 if peak < LIMIT_MB else 1


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        _serve(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(main())
