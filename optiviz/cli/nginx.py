"""The nginx configuration in front of Optiviz replicas, and where nginx is.

Streamlit keeps a session's state in the server process that holds its WebSocket, so
every request of a browser must reach the same replica. Open-source nginx has no
``sticky`` directive; the same effect comes from a cookie that names the replica:

- a request whose ``optiviz_replica`` cookie names none of the replicas (a first visit,
  or a forged or stale cookie) goes to the pool, which takes turns (round robin, its
  state shared by nginx's workers in a ``zone``), so a class splits evenly;
- the response sets the cookie to the address of the replica that answered, and a map
  from the replicas' addresses pins every later request (the page's scripts, the
  WebSocket) to it: ``proxy_pass`` to an address in a variable needs no resolver, and
  a cookie that is not in the map never chooses where nginx connects;
- a pinned replica that refuses connections or times out (502 or 504) sends the request
  to the pool (``error_page ... = @pool``), which skips a dead replica
  (``proxy_next_upstream error timeout``) and sets the cookie to the live one, so a dead
  replica's visitors reconnect to a live one, which rebuilds their page from its URL.

The WebSocket upgrade is passed on (``Upgrade`` and ``Connection`` headers, HTTP/1.1),
with timeouts of a day so an idle lecture does not drop its sessions. The header
``X-Optiviz-Replica`` names the replica that answered an HTTP request (nginx adds no
header to a WebSocket's 101), and the access log (``ACCESS_LOG``'s format) has each
request's client port, cookie, replicas tried, the one that answered, status and path,
the WebSocket's included, once it closes.
"""

from __future__ import annotations

import ipaddress
import shutil
from collections.abc import Sequence
from pathlib import Path

PACKAGE = "nginx"
"""The Debian package that provides ``/usr/sbin/nginx``."""

ROUTE_COOKIE = "optiviz_replica"
"""The cookie that pins a browser to one replica: that replica's "address:port"."""

REPLICA_HEADER = "X-Optiviz-Replica"

ACCESS_LOG = "optiviz_route"
"""The access log's format: client port, cookie, replicas tried, replica, status, path."""

POOL = "optiviz"
"""The upstream group that takes turns among the replicas."""

TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def binary() -> str | None:
    """The nginx executable: on PATH, or Debian's ``/usr/sbin/nginx``; None if missing."""
    found = shutil.which("nginx")
    if found:
        return found
    debian = Path("/usr/sbin/nginx")
    return str(debian) if debian.is_file() else None


def address(server: str) -> str:
    """``server`` ("ip:port", IPv6 as "[ip]:port") as nginx's ``$upstream_addr`` writes
    it; ``ValueError`` for a host name, whose addresses nginx would only know at start."""
    host, sep, port = server.rpartition(":")
    if not sep or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(f"replica {server!r} is not address:port")
    try:
        ip = ipaddress.ip_address(host.removeprefix("[").removesuffix("]"))
    except ValueError:
        raise ValueError(f"replica {server!r}: give an IP address, not a host name") from None
    return f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}"


def _upstream(servers: Sequence[str]) -> str:
    lines = "".join(f"        server {s} max_fails=1 fail_timeout=5s;\n" for s in servers)
    return f"    upstream {POOL} {{\n        zone {POOL} 64k;\n{lines}    }}\n"


def _pinned(servers: Sequence[str]) -> str:
    lines = "".join(f'        "{s}" {s};\n' for s in servers)
    head = f"    map $cookie_{ROUTE_COOKIE} $optiviz_pinned {{\n        default {POOL};\n"
    return f"{head}{lines}    }}\n"


def _access(workdir: Path | None) -> str:
    fields = f"$remote_port $cookie_{ROUTE_COOKIE} $upstream_addr $optiviz_answered $status $uri"
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
    """nginx.conf for the replicas ``servers`` ("ip:port" each, see ``address``),
    listening on ``listen`` ("port" or "address:port"); with ``workdir``, nginx runs
    unprivileged from there."""
    servers = [address(s) for s in servers]
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

    # The cookie names the replica that answered before; any other value goes to the pool.
{_pinned(servers)}
    # The replica that answered: the last address tried (", " between the tries of one
    # group, " : " after the fallback to the pool), unless its try failed (502, 504).
    map "$upstream_addr|$upstream_status" $optiviz_answered {{
        default "";
        "~(?<optiviz_addr>[^ ,|]+)\\|.*(?<!502|504)$" $optiviz_addr;
    }}
    # The cookie is set when a replica answered that it does not already name.
    map "$cookie_{ROUTE_COOKIE}|$optiviz_answered" $optiviz_set_cookie {{
        "~\\|$" "";
        "~^(?<optiviz_kept>[^|]*)\\|\\k<optiviz_kept>$" "";
        default "{ROUTE_COOKIE}=$optiviz_answered; Path=/; HttpOnly; SameSite=Lax";
    }}

{_upstream(servers)}
    server {{
        listen {listen};

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
        add_header {REPLICA_HEADER} $optiviz_answered always;

        location / {{
            proxy_pass http://$optiviz_pinned;
            error_page 502 504 = @pool;
        }}

        # A pinned replica that is gone: the pool's next live replica takes the visitor.
        location @pool {{
            proxy_pass http://{POOL};
        }}
    }}
}}
"""
