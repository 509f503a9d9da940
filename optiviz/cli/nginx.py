"""The nginx configuration in front of Optiviz replicas, and where nginx is.

Streamlit keeps a session's state in the server process that holds its WebSocket, so
every request of a browser must reach the same replica. Open-source nginx has no
``sticky`` directive; the same effect comes from a cookie and a consistent hash:

- a first visit has no ``optiviz_replica`` cookie, so its route is the request's own
  random ``$request_id``, and the response sets the cookie to it;
- every later request (the page's scripts, the WebSocket) hashes the cookie to the same
  replica (``hash ... consistent``);
- a replica that refuses connections is skipped (``proxy_next_upstream error``), so a
  dead replica's visitors reconnect to a live one, which rebuilds their page from its URL.

The WebSocket upgrade is passed on (``Upgrade`` and ``Connection`` headers, HTTP/1.1),
with timeouts of a day so an idle lecture does not drop its sessions. The header
``X-Optiviz-Replica`` names the replica that answered an HTTP request (nginx adds no
header to a WebSocket's 101), and the access log (``ACCESS_LOG``'s format) has each
request's route, replica and status, the WebSocket's included, once it closes.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

PACKAGE = "nginx"
"""The Debian package that provides ``/usr/sbin/nginx``."""

ROUTE_COOKIE = "optiviz_replica"
"""The cookie that pins a browser to one replica."""

REPLICA_HEADER = "X-Optiviz-Replica"

ACCESS_LOG = "optiviz_route"
"""The access log's format: the route, the replicas tried, the status, the path."""

TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def binary() -> str | None:
    """The nginx executable: on PATH, or Debian's ``/usr/sbin/nginx``; None if missing."""
    found = shutil.which("nginx")
    if found:
        return found
    debian = Path("/usr/sbin/nginx")
    return str(debian) if debian.is_file() else None


def _upstream(servers: Sequence[str]) -> str:
    lines = "".join(f"        server {s} max_fails=1 fail_timeout=5s;\n" for s in servers)
    return f"    upstream optiviz {{\n        hash $optiviz_route consistent;\n{lines}    }}\n"


def _access(workdir: Path | None) -> str:
    fields = "$optiviz_route $upstream_addr $status $uri"
    where = "/dev/stdout" if workdir is None else f"{workdir}/access.log"
    return f"    log_format {ACCESS_LOG} '{fields}';\n    access_log {where} {ACCESS_LOG};\n"


def _process(workdir: Path | None) -> str:
    """Where nginx keeps its pid, log and temp files: ``workdir`` for ``optiviz serve``,
    the image's defaults (logs to the container's stderr) otherwise."""
    if workdir is None:
        return "error_log /dev/stderr warn;\n"
    return f"pid {workdir}/nginx.pid;\nerror_log {workdir}/error.log warn;\n"


def _temp(workdir: Path | None) -> str:
    if workdir is None:
        return ""
    return "".join(f"    {name}_temp_path {workdir}/{name};\n" for name in TEMP_PATHS)


def config(servers: Sequence[str], listen: str, workdir: Path | None = None) -> str:
    """nginx.conf for the replicas ``servers`` ("host:port" each), listening on ``listen``
    ("port" or "address:port"); with ``workdir``, nginx runs unprivileged from there."""
    return f"""# nginx in front of Optiviz replicas: WebSocket upgrade and a sticky cookie.
# Written by optiviz.cli.nginx.config (deploy/nginx.conf is its output for compose).
worker_processes auto;
{_process(workdir)}
events {{
    worker_connections 4096;
}}

http {{
{_access(workdir)}{_temp(workdir)}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        "" close;
    }}

    # A visitor without the cookie gets a random route, and the cookie that keeps it.
    map $cookie_{ROUTE_COOKIE} $optiviz_route {{
        "" $request_id;
        default $cookie_{ROUTE_COOKIE};
    }}
    map $cookie_{ROUTE_COOKIE} $optiviz_set_cookie {{
        "" "{ROUTE_COOKIE}=$request_id; Path=/; HttpOnly; SameSite=Lax";
        default "";
    }}

{_upstream(servers)}
    server {{
        listen {listen};

        location / {{
            proxy_pass http://optiviz;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_buffering off;
            proxy_connect_timeout 2s;
            proxy_read_timeout 1d;
            proxy_send_timeout 1d;
            proxy_next_upstream error timeout;
            add_header Set-Cookie $optiviz_set_cookie always;
            add_header {REPLICA_HEADER} $upstream_addr always;
        }}
    }}
}}
"""
