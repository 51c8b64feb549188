"""The REST API under /api/v1 (issue 7 item 1), with its OpenAPI document at
/api/v1/openapi.json and a documentation page at /api/v1/docs (served locally from the
document: no CDN). See docs/api.md.

`init_api(app)` wires it: Flask-Smorest for the document and the argument validation, the
catalog's JSON errors, the per-token rate limit, CSRF exemption (bearer tokens, no cookies for
writes) and the token pages under /cont/tokenuri.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify, render_template
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from views.api import auth
from views.api.schemas import ErrorSchema

API_PREFIX = "/api/v1"

#: Romanian and English texts of the HTTP errors that do not come from an operation.
HTTP_MESSAGES: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "Cererea nu este validă (de exemplu, corpul JSON nu poate fi citit).", "Bad request."),
    401: ("unauthorized", "Lipsește un token de acces valabil.", "A valid access token is required."),
    403: ("forbidden", "Nu aveți dreptul să faceți această operație.", "Forbidden."),
    404: ("not_found", "Înregistrarea nu există.", "No such record."),
    405: ("method_not_allowed", "Metoda HTTP nu este permisă aici.", "Method not allowed."),
    409: ("conflict", "Cererea intră în conflict cu datele existente.", "Conflict."),
    413: ("too_large", "Cererea este prea mare.", "Request too large."),
    415: ("unsupported_media_type", "Trimiteți corpul cererii ca JSON (Content-Type: application/json).",
          "Send the body as JSON."),
    422: ("validation_error", "Datele trimise nu sunt valide: vedeți câmpurile din „errors”.",
          "The request data is invalid: see `errors`."),
    429: ("rate_limited", "Prea multe cereri cu acest token; încercați din nou peste un minut.",
          "Too many requests with this token; retry in a minute."),
}


class CatalogApi(Api):
    """Flask-Smorest, documenting the catalog's error shape, and leaving the rest of the portal's
    error pages alone (its own handlers answer only inside the API blueprint)."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        """Flask-Smorest would turn every HTTP error of the whole portal into JSON."""


def error_response(error: Exception) -> Any:
    from schema.errors import CatalogError, InvariantViolation

    if isinstance(error, CatalogError):
        body = {"code": error.code, "message": error.message_ro, "message_en": error.message_en}
        # 422 is kept for requests that do not match the OpenAPI document; a well-formed request
        # that a rule of the catalog refuses (closed average, date outside the periods...) is 409.
        status = 409 if isinstance(error, InvariantViolation) else error.http_status
        headers = {}
    else:
        assert isinstance(error, HTTPException)
        status = error.code or 500
        code, message, message_en = HTTP_MESSAGES.get(status, ("error", "Cererea nu a putut fi servită.", "Error."))
        body = {"code": code, "message": message, "message_en": message_en}
        data = getattr(error, "data", None) or {}
        if data.get("messages"):
            body["errors"] = data["messages"]
        headers = dict(data.get("headers") or {})
        if status == 429:
            headers["Retry-After"] = "60"
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="catalog"'
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers)
    return response


def init_api(app: Flask) -> None:
    from portal import csrf
    from views.api import tokens_pages
    from views.api import messages  # noqa: F401  (adds the /messages endpoints to blp)
    from views.api.resources import blp

    app.config.setdefault("API_TITLE", "Catalog școlar")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("CATALOG_API_RATE_LIMIT", "120 per minute")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": "API-ul catalogului școlar. Autentificare: `Authorization: Bearer <token>` "
                                "(tokenuri personale, create din pagina contului). Vedeți docs/api.md."},
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
        "servers": [{"url": "/"}],
    })
    api = CatalogApi(app)
    api.register_blueprint(blp)
    csrf.exempt(blp)
    limiters = app.extensions.get("limiter") or set()
    for limiter in limiters:
        limiter.limit(lambda: current_app.config["CATALOG_API_RATE_LIMIT"], key_func=auth.rate_limit_key)(blp)
    app.extensions["catalog_api"] = api

    @app.get(f"{API_PREFIX}/docs")
    def api_docs() -> Any:
        """The API's documentation page, built from the OpenAPI document (no CDN)."""
        spec = api.spec.to_dict()
        return render_template("api/docs.html", spec=spec, operations=_operations(spec))

    app.register_blueprint(tokens_pages.bp)


def _operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """(method, path, summary, parameters, body schema name) of every operation, by path."""
    rows = []
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "post", "patch", "put", "delete"):
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            ok = next((code for code in operation.get("responses", {}) if code.startswith("2")), "")
            rows.append({
                "method": method.upper(),
                "path": path,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [p for p in operation.get("parameters", []) if p.get("in") in ("query", "path")],
                "body": body.get("$ref", "").rsplit("/", 1)[-1],
                "ok": ok,
            })
    return rows
