"""Security headers and the Content-Security-Policy (Flask-Talisman), with a nonce per response.

Every <script> and <style> element needs the page's nonce (FAB's templates and ours carry
`baselib.get_nonce()`); scripts from other origins, inline event handlers and eval are refused.
Inline style *attributes* stay allowed (style-src-attr): FAB's templates and the bundled jQuery
plug-ins (select2, the date picker) write dozens of them, and a style attribute cannot run code.
"""

from __future__ import annotations

from flask import Flask
from flask_talisman import Talisman

SELF = "'self'"
CSP = {
    "default-src": SELF,
    "script-src": SELF,
    "style-src": SELF,
    "style-src-attr": "'unsafe-inline'",
    "img-src": [SELF, "data:"],
    "font-src": SELF,
    "connect-src": SELF,
    "object-src": "'none'",
    "base-uri": SELF,
    "form-action": SELF,
    "frame-ancestors": "'none'",
}


def install_security_headers(app: Flask) -> Talisman:
    """CSP with nonces, X-Frame-Options, nosniff, Referrer-Policy; HTTPS redirect and HSTS only where configured."""
    return Talisman(
        app,
        content_security_policy=CSP,
        content_security_policy_nonce_in=["script-src", "style-src"],
        force_https=app.config["SECURITY_FORCE_HTTPS"],
        strict_transport_security=app.config["SECURITY_HSTS"],
        strict_transport_security_include_subdomains=False,
        frame_options="DENY",
        referrer_policy="same-origin",
        # Talisman would otherwise overwrite the cookie settings of config.py.
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=app.config["SESSION_COOKIE_HTTPONLY"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
