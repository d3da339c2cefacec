"""A local RFC 3161 time-stamping authority for tests: ``openssl ts -reply`` behind HTTP on loopback.

``LocalTsa()`` makes a throwaway root and a time-stamping certificate (critical extended key usage
timeStamping, as RFC 3161 requires) with the openssl command, then serves POSTed queries on
127.0.0.1 at a free port. Use it as a context manager; ``url`` and ``ca_file`` go into TSA_URL and
TSA_CA_FILE. ``requests`` counts the queries answered.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

CONFIG = """
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_tsa ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


class LocalTsa:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="iepright-tsa-"))
        self.requests = 0
        self.refuse = False  # when True, answers 503 (an authority that is down)
        d = self.dir
        (d / "openssl.cnf").write_text(CONFIG.format(dir=d))
        (d / "serial").write_text("01\n")
        cnf = str(d / "openssl.cnf")
        _openssl("req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                 "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650", "-subj", "/CN=Test TSA Root",
                 "-config", cnf, "-extensions", "v3_ca", cwd=d)  # fmt: skip
        _openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                 "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/CN=Test TSA", "-config", cnf, cwd=d)  # fmt: skip
        _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                 "-out", "tsa.pem", "-days", "3650", "-extfile", cnf, "-extensions", "v3_tsa", cwd=d)  # fmt: skip
        self.ca_file = str(d / "ca.pem")
        self._lock = threading.Lock()
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                query = self.rfile.read(min(length, 64 * 1024))
                if tsa.refuse:
                    self.send_response(503)
                    self.end_headers()
                    return
                with tsa._lock:
                    tsa.requests += 1
                    (d / "query.tsq").write_bytes(query)
                    _openssl("ts", "-reply", "-config", cnf, "-queryfile", "query.tsq", "-out", "reply.tsr", cwd=d)
                    reply = (d / "reply.tsr").read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LocalTsa:
        self.thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.server.shutdown()
        self.server.server_close()
        shutil.rmtree(self.dir, ignore_errors=True)
