"""Logging a user into a test client without going through the login form (the login flow
itself, with 2FA, is tested in tests/security/test_two_factor.py)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.security.helpers import FreshContextClient


def login_as(app: Flask, user) -> FlaskClient:
    """A client over HTTPS whose session belongs to `user`, as after a completed login. Each
    request runs in its own app context, so the logged-in user never leaks between clients."""
    client = FreshContextClient(app, app.response_class, use_cookies=True)
    client.environ_base["wsgi.url_scheme"] = "https"
    with client.session_transaction() as session:
        session["_user_id"] = user.fs_uniquifier
        session["_fresh"] = True
        session["tf_state"] = None
    return client
