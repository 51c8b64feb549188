"""Who reads which evaluation sheet, the read log and the statistics counts (issue 9 item 5)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from schema.errors import NotFound, PermissionDenied
from schema.evaluation import EvaluationView
from schema.models import db
from schema.operations import evaluation as ops
from security import policy
from security.evaluation_access import (
    access_sheet,
    can_read_sheet,
    can_see_evaluations,
    log_evaluation_view,
    rating_counts,
    readable_sheets,
)
from tests.evaluation.conftest import points
from tests.factories import make_school, make_user


@pytest.fixture
def sheets(ev):
    campaign = ev.teaching_campaign()
    own = ev.sheet_for(campaign, ev.teacher)
    colleague = ev.sheet_for(campaign, ev.colleague)
    other_department = ev.sheet_for(campaign, ev.outsiders[1])
    return campaign, own, colleague, other_department


def test_read_matrix(ev, sheets):
    campaign, own, colleague, other_department = sheets
    auditor = make_user(ev.base.school, policy.AUDITOR)
    statistics = make_user(ev.base.school, policy.STATISTICS_VIEWER)
    expected = {
        "teacher": (ev.teacher, {own.id}),
        "colleague": (ev.colleague, {colleague.id}),
        "head of the maths catedră": (ev.head, {own.id, colleague.id}),
        "head of the other catedră": (ev.outsiders[0], {other_department.id}),
        "director": (ev.director, {own.id, colleague.id, other_department.id}),
        "deputy": (ev.deputy, {own.id, colleague.id, other_department.id}),
        "secretary": (ev.secretary, {own.id, colleague.id, other_department.id}),
        "auditor": (auditor, {own.id, colleague.id, other_department.id}),
        "administrator": (ev.administrator, set()),
        "statistics viewer": (statistics, set()),
    }
    for label, (user, readable) in expected.items():
        assert {sheet.id for sheet in readable_sheets(user, campaign)} == readable, label
        for sheet in (own, colleague, other_department):
            assert can_read_sheet(user, sheet) == (sheet.id in readable), (label, sheet.id)
            if sheet.id not in readable:
                with pytest.raises(NotFound):
                    access_sheet(user, sheet.id)
            else:
                assert access_sheet(user, sheet.id) is sheet
    assert not can_see_evaluations(ev.administrator)
    assert can_see_evaluations(ev.teacher)


def test_another_school_never_reads_a_sheet(ev, sheets):
    _campaign, own, _colleague, _other = sheets
    stranger = make_user(make_school(), policy.DIRECTOR)
    assert not can_read_sheet(stranger, own)
    with pytest.raises(NotFound):
        access_sheet(stranger, own.id)
    with pytest.raises(NotFound):
        access_sheet(ev.director, 987654)


def test_non_teaching_evaluator_and_countersigner_read_the_sheet(ev):
    ev.set_today(date(2026, 1, 20))
    campaign = ev.non_teaching_campaign()
    sheet = ev.sheet_for(campaign, ev.caretaker)
    assert can_read_sheet(ev.caretaker_boss, sheet) and can_read_sheet(ev.director, sheet)
    assert can_read_sheet(ev.caretaker, sheet)
    assert not can_read_sheet(ev.teacher, sheet)


def test_every_read_is_logged(ev, sheets):
    _campaign, own, _colleague, _other = sheets
    log_evaluation_view(ev.head, own, "fișa de evaluare")
    log_evaluation_view(ev.director, own, "fișa de evaluare (PDF)")
    rows = db.session.execute(
        sa.select(EvaluationView.user_id, EvaluationView.sheet_id, EvaluationView.what).order_by(EvaluationView.id)
    ).all()
    assert rows == [(ev.head.id, own.id, "fișa de evaluare"), (ev.director.id, own.id, "fișa de evaluare (PDF)")]


def test_statistics_viewer_gets_counts_per_rating_only(ev, sheets):
    campaign, own, colleague, _other = sheets
    report = b"%PDF-1.4 raport"
    for user, sheet, minus in ((ev.teacher, own, "10"), (ev.colleague, colleague, "35")):
        ops.submit_self_evaluation(user, sheet, points(campaign), report_filename="r.pdf", report_data=report)
        ops.record_department_score(
            ev.head, sheet, points(campaign, minus), meeting_on=date(2026, 9, 30), member_ids=[ev.head.id], minutes="PV"
        )
        ev.set_today(date(2026, 10, 7))
        ops.record_board_score(
            ev.director,
            sheet,
            points(campaign, minus),
            meeting_on=date(2026, 10, 7),
            board_member_ids=[ev.director.id],
            present=True,
        )
    statistics = make_user(ev.base.school, policy.STATISTICS_VIEWER)
    counts = rating_counts(statistics, campaign)
    assert counts == {"Foarte bine": 1, "Bine": 0, "Satisfăcător": 1, "Nesatisfăcător": 0}
    assert rating_counts(ev.director, campaign) == counts
    for intruder in (ev.teacher, ev.head):
        with pytest.raises(PermissionDenied):
            rating_counts(intruder, campaign)
