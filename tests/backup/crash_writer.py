"""Run by test_crash_safety.py in a separate process: writes marks through the operations and
prints "ack <mark id>" after each commit, until killed. Usage: crash_writer.py DB_URL JOURNAL COUNT"""

from __future__ import annotations

import sys
from datetime import date, timedelta

import sqlalchemy as sa


def main(database_url: str, journal_path: str, count: int) -> None:
    from schema.models import CurriculumEntry, Enrolment, TeachingAssignment, User, db
    from schema.operations.marks import record_mark
    from tests.conftest import make_test_app

    app = make_test_app(database_url, CATALOG_JOURNAL_PATH=journal_path)
    with app.app_context():
        assignment = db.session.scalars(sa.select(TeachingAssignment).order_by(TeachingAssignment.id)).first()
        teacher = db.session.get(User, assignment.teacher_id)
        entry = db.session.get(CurriculumEntry, assignment.curriculum_entry_id)
        enrolment = db.session.scalars(sa.select(Enrolment).where(Enrolment.class_id == entry.class_id)).first()
        print("ready", flush=True)
        for index in range(count):
            mark = record_mark(teacher, enrolment, entry, given_on=date(2025, 10, 1) + timedelta(days=index % 50),
                               value=index % 10 + 1)
            print(f"ack {mark.id}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
