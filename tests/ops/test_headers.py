"""Security headers and the nonce-based CSP on every page."""

from __future__ import annotations

import re

from config import Config, ProductionConfig


def test_every_script_and_style_element_carries_the_nonce_of_its_response(login):
    response = login("appeals").get("/appealview/list/")
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", csp).group(1)
    assert f"style-src 'self' 'nonce-{nonce}'" in csp
    scripts = re.findall(r"<script\b[^>]*>", response.text)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert all(f'nonce="{nonce}"' in tag for tag in re.findall(r"<style\b[^>]*>", response.text))


def test_each_response_gets_a_fresh_nonce(app):
    client = app.test_client()
    first, second = (client.get("/login/").headers["Content-Security-Policy"] for _ in range(2))
    assert first != second


def test_policy_refuses_foreign_scripts_inline_handlers_framing_and_plugins(app):
    headers = app.test_client().get("/login/").headers
    csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["default-src"] == "'self'" and csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert (headers["X-Frame-Options"], headers["X-Content-Type-Options"]) == ("DENY", "nosniff")
    assert headers["Referrer-Policy"] == "same-origin"


def test_no_https_redirect_or_hsts_in_development_and_tests(app):
    response = app.test_client().get("/login/")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
    assert (
        "Secure"
        not in app.test_client()
        .post("/login/", data={"username": "admin", "password": "Uprava-Demo-2026"})
        .headers["Set-Cookie"]
    )


def test_production_sends_hsts_and_https_redirect_is_a_setting():
    assert ProductionConfig.SECURITY_HSTS is True
    assert Config.SECURITY_FORCE_HTTPS is False  # nginx redirects to HTTPS itself; UPRAVA_FORCE_HTTPS=1 otherwise


def test_health_answers_json_under_the_same_headers(app):
    response = app.test_client().get("/health")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
