"""The deployment kit (deploy/) agrees with the app: one upload limit in nginx, Streamlit and
the upload box's words; every file is commented; the headers nginx adds are sent `always`."""

from __future__ import annotations

import re
import tomllib

from kpi.text.catalog import t

from ..conftest import ROOT

DEPLOY = ROOT / "deploy"


def test_the_upload_limit_is_one_number_in_nginx_streamlit_and_the_upload_box() -> None:
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    body = re.findall(r"^\s*client_max_body_size (\d+)m;", nginx, flags=re.M)
    streamlit = tomllib.loads((DEPLOY / "streamlit-config.toml").read_text(encoding="utf-8"))
    limit = streamlit["server"]["maxUploadSize"]
    assert body == [str(limit)]
    assert f"{limit}MB" in t("uploader_limit", "ja") and f"{limit}MB" in t("uploader_limit", "en")


def test_the_security_headers_are_sent_on_every_response_including_errors() -> None:
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    headers = dict(re.findall(r'^\s*add_header ([\w-]+) "(.*)" always;', nginx, flags=re.M))
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Referrer-Policy" in headers and headers["Strict-Transport-Security"].startswith("max-age=")
    # nginx drops a server's add_header in a location that has its own: keep them in the server.
    for block in re.findall(r"location [^{]*\{(.*?)\}", nginx, flags=re.S):
        assert "add_header" not in block


def test_the_websocket_is_upgraded_with_a_long_read_timeout_and_the_upstream_is_sticky() -> None:
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    stream = re.search(r"location /_stcore/stream \{(.*?)\}", nginx, flags=re.S)
    assert stream is not None
    assert "proxy_set_header Upgrade $http_upgrade;" in stream.group(1)
    assert re.search(r"proxy_read_timeout (1d|\d{5,}s?);", stream.group(1))
    assert re.search(r"upstream kpi_app \{\s*hash \$kpi_route consistent;", nginx)
    assert "return 301 https://" in nginx


def test_every_deploy_file_is_commented() -> None:
    files = sorted(p for p in DEPLOY.iterdir() if p.is_file())
    assert {p.name for p in files} >= {"nginx.conf", "kpi@.service", "streamlit-config.toml", "kpi.env.example"}
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("#"), path.name
        assert sum(line.lstrip().startswith("#") for line in lines) >= 5, path.name
