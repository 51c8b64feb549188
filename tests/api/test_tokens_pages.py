"""The token pages under /cont/tokenuri (create once-shown, revoke), the rules of create_token,
the per-token rate limit and the browser session on the API (reads only)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from schema.api_tokens import ApiToken
from schema.errors import PermissionDenied
from schema.models import db
from schema.operations.api_tokens import create_token, hash_secret
from security import policy
from tests.security.access_helpers import login_as
from tests.security.helpers import csrf_token, make_person, prepare_account

TOKEN_PATTERN = re.compile(r'id="new-token"[^>]*>(cat_[A-Za-z0-9_-]+)<')


def _create_on_page(client, **form):
    page = client.get("/cont/tokenuri/")
    assert page.status_code == 200
    return client.post("/cont/tokenuri/", data={"csrf_token": csrf_token(page.get_data(as_text=True)), **form})


def test_a_teacher_creates_a_token_seen_once_and_revokes_it(app, school):
    prepare_account(school.teacher)
    client = login_as(app, school.teacher)
    assert "/cont/tokenuri/" in client.get("/cont/").get_data(as_text=True)
    created = _create_on_page(client, name="exportul notelor", scope="read_write", valid_days="30")
    html = created.get_data(as_text=True)
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    secret = TOKEN_PATTERN.search(html).group(1)
    db.session.rollback()
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.owner_id == school.teacher.id))
    assert token.secret_hash == hash_secret(secret) and token.scope == "read_write"
    assert (token.expires_at - token.created_at).days == 30
    again = client.get("/cont/tokenuri/").get_data(as_text=True)
    assert secret not in again and token.prefix in again and "citire și scriere" in again

    assert client.get("/api/v1/years", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    page = client.get("/cont/tokenuri/")
    revoked = client.post(f"/cont/tokenuri/{token.id}/revocare", data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert revoked.status_code == 302
    assert client.get("/api/v1/years", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_staff_need_two_factor_and_parents_get_read_only_tokens(app, school):
    with pytest.raises(PermissionDenied) as refused:
        create_token(school.teacher, name="fără 2FA", scope="read")
    assert refused.value.code == "token_needs_two_factor"
    parent = make_person(school.school, policy.PARENT)
    prepare_account(parent, two_factor=None)
    with pytest.raises(PermissionDenied) as read_only:
        create_token(parent, name="scriere", scope="read_write")
    assert read_only.value.code == "token_read_only"
    token, _ = create_token(parent, name="citire", scope="read")
    assert token.scope == "read" and token.owner_id == parent.id

    client = login_as(app, parent)
    page = client.get("/cont/tokenuri/")
    assert page.status_code == 200 and 'value="read"' in page.get_data(as_text=True)
    assert 'value="read_write"' not in page.get_data(as_text=True)
    answer = _create_on_page(client, name="încercare", scope="read_write")
    assert answer.status_code == 403 and "doar tokenuri de citire" in answer.get_data(as_text=True)


def test_another_users_token_cannot_be_revoked(app, school):
    prepare_account(school.teacher)
    token, _ = create_token(school.teacher, name="al profesorului", scope="read")
    client = login_as(app, school.director)
    page = client.get("/cont/tokenuri/")
    answer = client.post(f"/cont/tokenuri/{token.id}/revocare", data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert answer.status_code == 404
    db.session.rollback()
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_the_session_reads_but_never_writes(app, school):
    client = login_as(app, school.teacher)
    assert client.get("/api/v1/classes").status_code == 200
    answer = client.post("/api/v1/marks", json={"enrolment_id": school.enrolment.id,
                                                "curriculum_entry_id": school.maths.id, "value": 9})
    assert answer.status_code == 401 and answer.get_json()["code"] == "unauthorized"


def test_requests_are_rate_limited_per_token(tmp_path):
    from tests.conftest import make_test_app, new_database_url
    from tests.factories import build_school
    from tests.security.helpers import https_client

    url, drop = new_database_url(str(tmp_path))
    limited = make_test_app(url, RATELIMIT_ENABLED=True, CATALOG_API_RATE_LIMIT="3 per minute")
    try:
        with limited.app_context():
            db.create_all()
            built = build_school()
            prepare_account(built.teacher)
            prepare_account(built.director)
            _, first = create_token(built.teacher, name="unu", scope="read")
            _, second = create_token(built.director, name="doi", scope="read")
            client = https_client(limited)
            statuses = [client.get("/api/v1/years", headers={"Authorization": f"Bearer {first}"}).status_code
                        for _ in range(4)]
            assert statuses == [200, 200, 200, 429]
            answer = client.get("/api/v1/years", headers={"Authorization": f"Bearer {first}"})
            assert answer.get_json()["code"] == "rate_limited" and answer.headers["Retry-After"]
            assert client.get("/api/v1/years", headers={"Authorization": f"Bearer {second}"}).status_code == 200
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()
