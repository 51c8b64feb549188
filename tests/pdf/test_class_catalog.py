"""Catalogul clasei and the class statistics, rendered from the demo school and read back as text."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pdf.documents import result_text
from schema.models import (
    AnnualAverage,
    Enrolment,
    LearningPeriod,
    Mark,
    SchoolClass,
    SchoolYear,
    Student,
    YearResult,
    db,
)
from tests.pdf import (
    FILE_NAME,
    REMOTE_NAME,
    count_queries,
    dispose,
    flat,
    network_trap,
    opened_files,
    pages_text,
    rename_student,
    seeded_demo,
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    app, drop = seeded_demo(tmp_path_factory.mktemp("catalog"))
    yield app
    dispose(app, drop)


def _past_classes() -> list[SchoolClass]:
    """The closed year's classes, biggest first."""
    year = db.session.scalar(sa.select(SchoolYear).where(SchoolYear.name == "2025-2026"))
    classes = db.session.scalars(sa.select(SchoolClass).where(SchoolClass.year_id == year.id)).all()
    size = {c.id: db.session.scalar(sa.select(sa.func.count()).where(Enrolment.class_id == c.id)) for c in classes}
    return sorted(classes, key=lambda c: (-size[c.id], c.id))


def _class_with_diacritics() -> tuple[SchoolClass, Student]:
    """A closed-year class (with marks) that has a student whose name has ă â î ș or ț."""
    for school_class in _past_classes():
        for student in db.session.scalars(sa.select(Student).join(Enrolment).where(Enrolment.class_id == school_class.id)):
            if any(ch in student.full_name for ch in "ăâîșțĂÂÎȘȚ"):
                return school_class, student
    raise AssertionError("the demo school has no student name with diacritics in the closed year")


def test_the_catalog_has_a_cover_page_and_one_page_per_student(demo):
    from pdf.documents.class_catalog import render_class_catalog

    with demo.app_context():
        school_class, student = _class_with_diacritics()
        enrolments = db.session.scalars(sa.select(Enrolment).where(Enrolment.class_id == school_class.id)).all()
        pages = pages_text(render_class_catalog(school_class.id))
        # The layout: a cover page (school, class, the list of students, signatures), then a page
        # break before each student; a student's page holds at most 20 subject rows on one page.
        assert len(pages) == 1 + len(enrolments)
        cover = flat(pages[0])
        assert f"CATALOGUL CLASEI {school_class.name}" in cover and "2025-2026" in cover
        assert "Liceul Teoretic „Ion Creangă”" in cover
        assert school_class.class_master.full_name in cover
        student_pages = [flat(p) for p in pages[1:]]
        own = [p for p in student_pages if student.full_name in p]
        assert len(own) == 1, "the student has exactly one page"
        page = own[0]
        assert student.cnp in page
        enrolment = next(e for e in enrolments if e.student_id == student.id)
        marks = db.session.scalars(sa.select(Mark).where(Mark.enrolment_id == enrolment.id, Mark.kind == "regular")).all()
        assert marks
        for mark in marks:
            assert f"{mark.display}/{mark.given_on:%d.%m}" in page
        for average in db.session.scalars(sa.select(AnnualAverage).where(AnnualAverage.enrolment_id == enrolment.id)):
            assert result_text(average.value, average.calificativ) in page
        result = db.session.scalar(sa.select(YearResult).where(YearResult.enrolment_id == enrolment.id))
        assert {"amanat": "amânat"}.get(result.status, result.status) in page
        if result.general_average is not None:
            assert result_text(result.general_average, None) in page
        # Students appear in the catalog's (Romanian alphabetical) order, numbered.
        from pdf.documents import student_order_key

        ordered = sorted(enrolments, key=lambda e: student_order_key(e.student.last_name, e.student.first_name,
                                                                     e.student_id))
        for number, (text, enrolment) in enumerate(zip(student_pages, ordered, strict=True), start=1):
            assert f"{number}. {enrolment.student.full_name} — clasa {school_class.name}" in text


def test_the_catalog_prints_marks_in_blue_and_averages_in_red(demo):
    from pdf.render import render_html

    from pdf.documents.class_catalog import class_catalog_context

    with demo.app_context():
        school_class, _student = _class_with_diacritics()
        html = render_html("class_catalog.html", class_catalog_context(school_class.id))
        assert '<span class="mark">' in html and '<span class="average">' in html


def test_the_catalog_reads_a_fixed_number_of_queries(demo):
    from pdf.documents.class_catalog import class_catalog_context

    with demo.app_context():
        counts = []
        for school_class in _past_classes()[:1] + _past_classes()[-1:]:
            db.session.expire_all()
            statements, stop = count_queries()
            try:
                context = class_catalog_context(school_class.id)
            finally:
                stop()
            counts.append((len(statements), len(context["students"])))
        # 15 reads of the catalog plus the class master's roles; one query per student (4 here)
        # or per subject would break the bound.
        assert all(students >= 4 for _queries, students in counts), counts
        assert counts[0][0] == counts[1][0] <= 16, counts


def test_the_class_statistics_show_the_aggregates(demo):
    from pdf.documents.class_statistics import class_statistics_context, render_class_statistics

    with demo.app_context():
        school_class = next(c for c in _past_classes() if c.grade_level.evaluation_scale == "marks")
        student = db.session.scalars(sa.select(Student).join(Enrolment).where(Enrolment.class_id == school_class.id)).first()
        context = class_statistics_context(school_class.id, None)
        pages = pages_text(render_class_statistics(school_class.id, None))
        assert len(pages) == 1  # one page: at most 20 subject rows and five short tables
        text = flat(pages[0])
        assert f"Statistici — clasa {school_class.name}" in text
        assert "Distribuția mediilor încheiate pe discipline" in text and "Situația școlară" in text
        assert student.full_name not in text and student.cnp not in text  # aggregates only
        annual = db.session.scalar(sa.select(sa.func.count()).select_from(AnnualAverage)
                                   .where(AnnualAverage.class_id == school_class.id, AnnualAverage.value.is_not(None)))
        assert sum(row["total"] for row in context["marks"]) == annual
        promoted = db.session.scalar(sa.select(sa.func.count()).select_from(YearResult).join(Enrolment)
                                     .where(Enrolment.class_id == school_class.id, YearResult.status == "promovat"))
        assert context["results"]["promovat"] == promoted
        assert context["general_mean"] and context["general_mean"] in text
        period = db.session.scalar(sa.select(LearningPeriod).where(LearningPeriod.year_id == school_class.year_id,
                                                                   LearningPeriod.ordinal == 1))
        first = pages_text(render_class_statistics(school_class.id, period.id))
        assert len(first) == 1 and period.name in flat(first[0])


def test_hostile_names_render_as_text_without_file_or_network_access(demo, monkeypatch):
    from pdf.documents.class_catalog import render_class_catalog

    with demo.app_context():
        school_class = _past_classes()[0]
        students = db.session.scalars(sa.select(Enrolment.student_id).where(Enrolment.class_id == school_class.id)
                                      .order_by(Enrolment.id)).all()
        with network_trap() as (port, connections):
            remote = REMOTE_NAME.format(port=port)
            rename_student(students[0], FILE_NAME)
            rename_student(students[1], remote)
            with opened_files(monkeypatch) as paths:
                data = render_class_catalog(school_class.id)
        text = flat("\n".join(pages_text(data)))
        assert FILE_NAME in text and remote in text
        assert connections == []
        assert not any("passwd" in path or "x.png" in path for path in paths)
