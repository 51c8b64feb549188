"""HTTPS only (000 ¶17, rules.md R-SEC-20): plain HTTP is redirected, HTTPS answers carry HSTS,
and every cookie the portal sets is Secure, HttpOnly and SameSite.

Behind a TLS-terminating proxy, CATALOG_TRUSTED_PROXIES enables ProxyFix (in `create_app`), so
`request.is_secure` follows X-Forwarded-Proto. CATALOG_FORCE_HTTPS (on by default, off in tests
unless a test turns it on) controls the redirect; /healthz stays reachable over HTTP for probes.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, redirect, request

#: Cookie settings applied to every app (config.py sets the session and remember cookies too).
COOKIE_SETTINGS: dict[str, Any] = {
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "SECURITY_TWO_FACTOR_VALIDITY_COOKIE": {"httponly": True, "secure": True, "samesite": "Strict"},
}
#: Reachable over plain HTTP (load-balancer probes).
HTTP_ALLOWED_ENDPOINTS = frozenset({"healthz"})


def redirect_to_https() -> Any:
    """Before each request: plain HTTP → the same URL over HTTPS (308 keeps method and body)."""
    if not current_app.config.get("CATALOG_FORCE_HTTPS") or request.is_secure:
        return None
    if request.endpoint in HTTP_ALLOWED_ENDPOINTS:
        return None
    return redirect("https://" + request.url.split("://", 1)[1], code=308)


def add_hsts(response: Response) -> Response:
    """After each HTTPS response: browsers use HTTPS only, for CATALOG_HSTS_SECONDS."""
    if request.is_secure:
        seconds = current_app.config["CATALOG_HSTS_SECONDS"]
        response.headers.setdefault("Strict-Transport-Security", f"max-age={seconds}; includeSubDomains")
    return response


def init_https(app: Flask) -> None:
    for key, value in COOKIE_SETTINGS.items():
        app.config.setdefault(key, value)
    app.before_request(redirect_to_https)
    app.after_request(add_hsts)
