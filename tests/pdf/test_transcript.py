"""Foaia matricolă over all of a student's years, rendered from the demo school."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pdf.documents import result_text
from schema.models import AnnualAverage, CurriculumEntry, Enrolment, SchoolYear, Student, Subject, YearResult, db
from tests.pdf import FILE_NAME, REMOTE_NAME, dispose, flat, network_trap, opened_files, pages_text, rename_student, seeded_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    app, drop = seeded_demo(tmp_path_factory.mktemp("transcript"))
    yield app
    dispose(app, drop)


def _student_with_two_years() -> Student:
    """A student enrolled in both demo years, with a diacritic in the name if there is one."""
    two_years = db.session.scalars(
        sa.select(Enrolment.student_id).group_by(Enrolment.student_id).having(sa.func.count() == 2)).all()
    students = db.session.scalars(sa.select(Student).where(Student.id.in_(two_years)).order_by(Student.id)).all()
    return next((s for s in students if any(ch in s.full_name for ch in "ăâîșțĂÂÎȘȚ")), students[0])


def test_the_transcript_lists_every_year_with_its_averages(demo):
    from pdf.documents.transcript import render_transcript, transcript_context

    with demo.app_context():
        student = _student_with_two_years()
        context = transcript_context(student.id)
        assert [y["name"] for y in context["years"]] == ["2025-2026", "2026-2027"]
        pages = pages_text(render_transcript(student.id))
        assert len(pages) == 1  # identity and one column per year: up to six years fit one page
        text = flat(pages[0])
        assert "FOAIA MATRICOLĂ" in text
        for value in (student.last_name, student.first_name, student.cnp, f"{student.birth_date:%d.%m.%Y}",
                      student.birth_place, "Liceul Teoretic „Ion Creangă”"):
            assert value in text
        past = db.session.scalar(sa.select(Enrolment).join(SchoolYear).where(
            Enrolment.student_id == student.id, SchoolYear.name == "2025-2026"))
        averages = db.session.execute(
            sa.select(Subject.name, AnnualAverage.value, AnnualAverage.calificativ)
            .join(CurriculumEntry, CurriculumEntry.id == AnnualAverage.curriculum_entry_id)
            .join(Subject, Subject.id == CurriculumEntry.subject_id)
            .where(AnnualAverage.enrolment_id == past.id)).all()
        assert averages
        for subject, value, calificativ in averages:
            assert f"{subject} {result_text(value, calificativ)}" in text
        result = db.session.scalar(sa.select(YearResult).where(YearResult.enrolment_id == past.id))
        assert {"amanat": "amânat"}.get(result.status, result.status) in text
        if result.general_average is not None:
            assert f"Media generală {result_text(result.general_average, None)}" in text
        assert "în curs" in text  # the open year 2026-2027


def test_hostile_names_in_the_transcript_render_as_text(demo, monkeypatch):
    from pdf.documents.transcript import render_transcript

    with demo.app_context():
        first, second = db.session.scalars(sa.select(Student.id).order_by(Student.id).limit(2)).all()
        with network_trap() as (port, connections):
            remote = REMOTE_NAME.format(port=port)
            rename_student(first, FILE_NAME)
            rename_student(second, remote)
            with opened_files(monkeypatch) as paths:
                texts = [flat("\n".join(pages_text(render_transcript(sid)))) for sid in (first, second)]
        assert FILE_NAME in texts[0] and remote in texts[1]
        assert connections == []
        assert not any("passwd" in path or "x.png" in path for path in paths)
