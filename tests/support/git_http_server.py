#!/usr/bin/env python3
"""Smart-HTTP git server with basic auth, for tests: git http-backend behind http.server.

    git_http_server.py --root DIR --token-file FILE --log FILE

Listens on 127.0.0.1 on a free port and prints "port N" on stdout once it accepts connections.
Every request must carry `Authorization: Basic base64(user:TOKEN)` where TOKEN is the file's
content (stripped), read on each request so a test rotates the token by rewriting the file.
Without credentials: 401 with a Basic challenge (what makes git and libgit2 ask for them).
With the wrong ones: 401 again. Each request that carried credentials appends one line
"<ok|bad> <method> <path>" to the log, so a test counts credentialed attempts (a client that
loops on a rejected token shows up there). Stdlib only; one thread per request.
"""

import argparse
import base64
import http.server
import os
import subprocess
import sys
import threading
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "oxd-test-git/1"

    def log_message(self, fmt, *args):  # quiet: the test reads the credential log instead
        pass

    def do_GET(self):
        self.serve()

    def do_POST(self):
        self.serve()

    def record(self, verdict):
        with self.server.log_lock, open(self.server.log_path, "a") as log:
            log.write(f"{verdict} {self.command} {self.path}\n")

    def refuse(self):
        body = b"authentication required\n"
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="oxd-test"')
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def authorised_user(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        try:
            user, _, token = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            user, token = "", None
        with open(self.server.token_path) as source:
            expected = source.read().strip()
        ok = token is not None and token == expected and expected != ""
        self.record("ok" if ok else "bad")
        return (user or "token") if ok else ""

    def serve(self):
        user = self.authorised_user()
        if not user:
            self.refuse()
            return
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": self.server.root,
            "GIT_HTTP_EXPORT_ALL": "1",
            "REMOTE_USER": user,
            "REMOTE_ADDR": self.client_address[0],
            "REQUEST_METHOD": self.command,
            "PATH_INFO": urllib.parse.unquote(url.path),
            "QUERY_STRING": url.query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": self.server.root,
        }
        if self.headers.get("Git-Protocol"):
            env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
        result = subprocess.run(["git", "http-backend"], input=body, env=env,
                                capture_output=True, check=False)
        head, _, payload = result.stdout.partition(b"\r\n\r\n")
        if not _:
            head, _, payload = result.stdout.partition(b"\n\n")
        status = 200
        headers = []
        for line in head.decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True, help="directory holding the bare repositories")
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--log", required=True, help="one line per credentialed request")
    options = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.root = os.path.abspath(options.root)
    server.token_path = options.token_file
    server.log_path = options.log
    server.log_lock = threading.Lock()
    open(options.log, "a").close()
    print(f"port {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
