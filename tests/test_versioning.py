"""Every table is versioned, and every version carries who, when, from where and why."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask_login import login_user
from sqlalchemy_continuum import version_class

from schema.db import audit_context
from schema.models import Mark, db
from schema.operations.marks import change_mark, delete_mark, record_mark


def _mapped_models():
    from schema.db import db as database

    for mapper in database.Model.registry.mappers:
        cls = mapper.class_
        if cls.__name__.endswith("Version") or cls.__name__ == "Transaction":
            continue
        yield cls


def test_every_mapped_table_has_a_version_table(app):
    models = list(_mapped_models())
    assert len(models) >= 25
    for model in models:
        assert hasattr(model, "__versioned__"), f"{model.__name__} is not versioned"
        version_table = version_class(model).__table__
        assert version_table.name in db.metadata.tables, f"{model.__name__} has no version table"


def test_association_tables_are_versioned_too(app):
    assert "roles_users_version" in db.metadata.tables


def test_secrets_stay_out_of_the_user_history(app):
    columns = set(db.metadata.tables["users_version"].c.keys())
    assert not columns & {"password", "tf_totp_secret", "mf_recovery_codes"}


def _versions_of(mark_id: int):
    MarkVersion = version_class(Mark)
    return db.session.scalars(
        sa.select(MarkVersion).where(MarkVersion.id == mark_id).order_by(MarkVersion.transaction_id)
    ).all()


def test_create_update_delete_leave_three_versions_with_user_time_ip_reason(app, school):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "10.20.30.40"}):
        login_user(school.teacher)
        mark = record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 10, 6), value=7,
                           entered_on=date(2025, 10, 6))  # on its day: no "introducere ulterioară" reason
        mark_id = mark.id
        change_mark(school.teacher, mark, value=9, reason="Greșeală de transcriere")
        delete_mark(school.teacher, db.session.get(Mark, mark_id), reason="Notă trecută la alt elev")

    versions = _versions_of(mark_id)
    assert [v.operation_type for v in versions] == [0, 1, 2]
    assert [v.value for v in versions] == [7, 9, 9]
    for version in versions:
        transaction = version.transaction
        assert transaction.user_id == school.teacher.id
        assert transaction.remote_addr == "10.20.30.40"
        assert transaction.issued_at is not None
    assert [v.transaction.reason for v in versions] == [None, "Greșeală de transcriere", "Notă trecută la alt elev"]


def test_a_script_names_its_user_ip_and_reason_explicitly(app, school):
    with audit_context(reason="Import din SIIIR", user_id=school.secretary.id, remote_addr="127.0.0.1"):
        school.student.address = "Str. Florilor nr. 3, Iași"
        db.session.commit()
    StudentVersion = version_class(type(school.student))
    last = db.session.scalars(
        sa.select(StudentVersion).where(StudentVersion.id == school.student.id).order_by(StudentVersion.transaction_id.desc())
    ).first()
    assert last.address == "Str. Florilor nr. 3, Iași"
    assert (last.transaction.user_id, last.transaction.remote_addr, last.transaction.reason) == (
        school.secretary.id,
        "127.0.0.1",
        "Import din SIIIR",
    )


def test_changing_a_mark_without_a_reason_is_refused_even_outside_operations(app, school):
    from schema.errors import InvariantViolation

    mark = record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 10, 6), value=7)
    mark.value = 8
    with pytest.raises(InvariantViolation) as refused:
        db.session.flush()
    assert refused.value.code == "reason_required"
    db.session.rollback()
    assert db.session.get(Mark, mark.id).value == 7
