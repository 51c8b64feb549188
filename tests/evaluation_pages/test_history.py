"""The history browser on the evaluation tables, as the auditor sees it: the Romanian labels, a
sheet's stages one version after another with who did each, and the read log kept out of "all
tables" like the other logs."""

from __future__ import annotations

import re

from schema import history
from tests.evaluation_pages.conftest import run_to, sheet_of, text_of

EVALUATION_TABLES = (
    "departments",
    "staff_members",
    "public_holidays",
    "evaluation_campaigns",
    "evaluation_criteria",
    "evaluation_sheets",
    "evaluation_scores",
    "evaluation_participants",
    "evaluation_commission_members",
    "evaluation_contestations",
    "evaluation_views",
)


def _cards(page: str) -> list[str]:
    return [part.split("</article>", 1)[0] for part in page.split('<article class="history-entry')[1:]]


def test_every_evaluation_table_has_a_romanian_label_and_the_read_log_is_a_log(app):
    tables = history.browsable_tables()
    for table in EVALUATION_TABLES:
        assert table in tables, table
        assert tables[table] != table and history.table_label(table, singular=True) != table, table
    assert "evaluation_views" in history.LOG_TABLES
    assert not (set(EVALUATION_TABLES) - {"evaluation_views"}) & history.LOG_TABLES


def test_the_auditor_sees_the_stages_of_a_sheet_with_their_users(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "communicated")
    employee = staff_school.teachers["employee"]
    sheet = sheet_of(campaign, employee)
    client = client_for(staff_school.auditor)
    response = client.get(f"/istoric/evaluation_sheets/{sheet.id}")
    assert response.status_code == 200
    page = text_of(response)
    assert f"Fișă de evaluare — {employee.last_name} {employee.first_name}" in page
    cards = _cards(page)
    # One version per stage, oldest first, each with the stage it reached and who did it.
    expected = [
        ("Deschisă", staff_school.director),
        ("Autoevaluată", employee),
        ("Evaluată în catedră/compartiment", staff_school.teachers["head_maths"]),
        ("Evaluată în consiliul de administrație", staff_school.director),
        ("Comunicată", staff_school.director),
    ]
    stage_cards = [card for card in cards if re.search(r'<th scope="row">Etapa</th>', card)]
    assert len(stage_cards) == len(expected), len(stage_cards)
    for card, (stage, user) in zip(stage_cards, expected, strict=True):
        assert re.search(
            rf'<th scope="row">Etapa</th>\s*(<td class="old">[^<]*</td>)?<td class="new">{stage}</td>', card
        ), stage
        assert f"{user.last_name} {user.first_name}" in card, (stage, user.last_name)
    assert "Punctaj final" in page and "Calificativ" in page
    assert "opened" not in page and "self_evaluated" not in page  # values in Romanian, not codes


def test_scores_and_reads_name_the_sheet_and_reads_stay_out_of_all_tables(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "self_evaluated")
    employee = staff_school.teachers["employee"]
    sheet = sheet_of(campaign, employee)
    assert client_for(employee).get(f"/evaluare/fisa/{sheet.id}").status_code == 200  # a logged read
    client = client_for(staff_school.auditor)
    scores = text_of(client.get("/istoric/?tabel=evaluation_scores"))
    # Newest first: the last sheet self-evaluated is on the first page, each score named by its sheet.
    names = [
        f"Punctaj pe criteriu — {user.last_name} {user.first_name} ({campaign.name})"
        for user in staff_school.teachers.values()
    ]
    assert any(name in scores for name in names)
    assert "Punctaj pe criteriu #" not in scores
    assert "Autoevaluare" in scores
    reads = text_of(client.get("/istoric/?tabel=evaluation_views"))
    assert "Accesare a fișei de evaluare" in reads and "fișa de evaluare" in reads
    everything = text_of(client.get("/istoric/"))
    assert "Accesare a fișei de evaluare" not in everything


def test_a_teacher_may_not_browse_the_evaluation_history(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "self_evaluated")
    sheet = sheet_of(campaign, staff_school.teachers["employee"])
    response = client_for(staff_school.teachers["employee"]).get(f"/istoric/evaluation_sheets/{sheet.id}")
    assert response.status_code in (403, 404)
