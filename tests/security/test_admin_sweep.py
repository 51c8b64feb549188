"""A sweep over every registered Flask-Admin view, through HTTP: parents, students and statistics
viewers are refused everywhere; administrators get 403 on writing catalog rows; every role gets
exactly what the view's read/write roles say."""

from __future__ import annotations

import pytest

from security import policy
from tests.factories import make_user
from tests.security.access_helpers import login_as
from views.admin import ADMIN_VIEWS, CatalogReadOnlyView

ROLES = [policy.ADMINISTRATOR, policy.DIRECTOR, policy.DEPUTY_DIRECTOR, policy.SECRETARY, policy.TEACHER,
         policy.PARENT, policy.STUDENT, policy.AUDITOR, policy.STATISTICS_VIEWER]
VIEWS = [(view_class, model.__tablename__) for view_class, model, _name, _category in ADMIN_VIEWS]
CATALOG_ENDPOINTS = {"marks", "absences", "motivations", "period_averages", "annual_averages", "behaviour_marks",
                     "year_results"}


def test_every_admin_view_derives_from_the_secured_base(app):
    from flask_admin.contrib.sqla import ModelView

    from views.admin import SecuredModelView

    admin = app.extensions["admin"][0]
    model_views = [view for view in admin._views if isinstance(view, ModelView)]
    assert len(model_views) == len(ADMIN_VIEWS)
    for view in model_views:
        assert isinstance(view, SecuredModelView), type(view).__name__
        assert not getattr(view, "fast_mass_delete", False)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view_class, endpoint", VIEWS, ids=[endpoint for _, endpoint in VIEWS])
def test_list_access_follows_the_view_roles(app, school, role, view_class, endpoint):
    user = make_user(school.school, role)
    client = login_as(app, user)
    response = client.get(f"/admin/{endpoint}/")
    if role in view_class.allowed_roles:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
    if role in {policy.PARENT, policy.STUDENT, policy.STATISTICS_VIEWER}:
        assert response.status_code == 403


#: Views whose rows are never created here (the school's own record exists once).
NOT_CREATED_HERE = {"schools"}
#: Views whose rows are never deleted here (history refers to them; enrolments end by transfer).
NOT_DELETED_HERE = {"schools", "users", "enrolments"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view_class, endpoint", VIEWS, ids=[endpoint for _, endpoint in VIEWS])
def test_create_and_delete_follow_the_view_write_roles(app, school, role, view_class, endpoint):
    """Deny by default for writes too: the create form opens only for the view's write roles,
    and a delete by anyone else is refused before any row is looked up."""
    client = login_as(app, make_user(school.school, role))
    may_write = role in view_class.allowed_roles and role in view_class.write_roles
    response = client.get(f"/admin/{endpoint}/new/")
    assert response.status_code == (200 if may_write and endpoint not in NOT_CREATED_HERE else 403)
    if not may_write or endpoint in NOT_DELETED_HERE:
        assert client.post(f"/admin/{endpoint}/delete/", data={"id": "1"}).status_code == 403


@pytest.mark.parametrize("endpoint", sorted(CATALOG_ENDPOINTS))
def test_administrator_gets_403_on_writing_catalog_rows(app, school, endpoint):
    client = login_as(app, school.administrator)
    assert client.get(f"/admin/{endpoint}/new/").status_code == 403
    assert client.post(f"/admin/{endpoint}/new/", data={}).status_code == 403
    assert client.get(f"/admin/{endpoint}/edit/?id=1").status_code == 403
    assert client.post(f"/admin/{endpoint}/edit/?id=1", data={}).status_code == 403
    assert client.post(f"/admin/{endpoint}/delete/", data={"id": "1"}).status_code == 403
    assert client.post(f"/admin/{endpoint}/action/", data={"action": "delete", "rowid": "1"}).status_code == 403


@pytest.mark.parametrize("view_class, endpoint", [v for v in VIEWS if issubclass(v[0], CatalogReadOnlyView)],
                         ids=[e for c, e in VIEWS if issubclass(c, CatalogReadOnlyView)])
@pytest.mark.parametrize("role", ROLES)
def test_nobody_writes_catalog_rows_through_the_admin(app, school, role, view_class, endpoint):
    client = login_as(app, make_user(school.school, role))
    assert client.post(f"/admin/{endpoint}/new/", data={}).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(app, school):
    client = app.test_client()
    response = client.get("/admin/marks/", base_url="https://localhost")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_opening_a_students_record_in_the_admin_is_logged(app, school):
    import sqlalchemy as sa

    from schema.audit_log import PersonalDataAccess
    from schema.models import db

    client = login_as(app, school.secretary)
    assert client.get(f"/admin/students/details/?id={school.student.id}").status_code == 200
    entry = db.session.scalar(sa.select(PersonalDataAccess))
    assert (entry.user_id, entry.student_id) == (school.secretary.id, school.student.id)
    assert "fișa elevului" in entry.what
