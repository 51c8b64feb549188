"""Staff annual evaluation, step by step (issue 9; rules.md §9; 002; 001 Art. 54).

Every step is one operation and one audited transaction, so the version history shows each stage
with its user, time and reason:

- staff data: `save_department`, `save_staff_member`, `save_public_holiday`, `ensure_default_holidays`;
- campaigns: `create_campaign` (with the default sheet of 002), `update_campaign_calendar`,
  `add_criterion` / `update_criterion` / `retire_criterion`, `open_sheet`, `open_sheets`;
- teaching and auxiliary staff (R-EVS-02, R-EVS-06, R-EVS-07, R-EVS-09): `submit_self_evaluation`
  -> `record_department_score` -> `record_board_score` -> `record_communication`;
- non-teaching staff (R-EVN-01, R-EVN-05..08): `record_evaluator_marks` -> `sign_interview` (both)
  -> `countersign_sheet` (when there is a countersigner) -> `record_employee_informed`;
- contestations (R-EVS-10..12, R-EVN-09): `appoint_commission`, `file_contestation`,
  `resolve_contestation`, `record_contestation_result_communicated`.

Stages go in order and a communicated sheet is locked: only an admitted contestation changes its
score and rating afterwards. Decisions taken where 002 is silent are in docs/decisions.md
"Staff evaluation (issue 9)".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from schema.db import utc_now
from schema.errors import InvariantViolation, NotFound, PermissionDenied
from schema.evaluation import (
    AUXILIARY,
    DEPARTMENT_KINDS,
    NON_TEACHING,
    POINTS_CATEGORIES,
    STAFF_CATEGORIES,
    TEACHING,
    Department,
    EvaluationCampaign,
    EvaluationCommissionMember,
    EvaluationContestation,
    EvaluationCriterion,
    EvaluationParticipant,
    EvaluationScore,
    EvaluationSheet,
    PublicHoliday,
    StaffMember,
)
from schema.models import SchoolYear, User, db
from schema.operations.attachments import store_attachment
from schema.operations.base import audited
from schema.rules.evaluation import (
    TEACHING_SHEET_TOTAL,
    EmploymentFacts,
    absent_communication_deadline,
    eligibility_exception,
    non_teaching_contestation_deadlines,
    non_teaching_final_mark,
    non_teaching_rating,
    non_teaching_result_deadline,
    parse_score,
    sheet_total,
    teaching_contestation_deadlines,
    teaching_rating,
)
from schema.rules.working_days import romanian_public_holidays
from security import access, policy
from security.evaluation_access import can_act_for_secretariat, can_manage_evaluations, headed_department_ids

#: The teaching-staff sheet of 002 "Evaluarea personalului didactic": domain code, title, and its
#: criteria with the points we give each (002 gives no points; they total 100, decisions.md).
DEFAULT_TEACHING_SHEET: tuple[tuple[str, str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "a",
        "Proiectarea activității",
        (
            (
                "I",
                "Respectarea programei școlare, a normelor de elaborare a documentelor de proiectare, precum și "
                "adaptarea acesteia la particularitățile grupei/clasei",
                "3",
            ),
            ("II", "Implicarea în activitățile de proiectare a ofertei educaționale la nivelul unității", "3"),
            ("III", "Folosirea Tehnologiei Informației și Comunicațiilor - TIC în activitatea de proiectare", "3"),
            (
                "IV",
                "Proiectarea unor activități extracurriculare corelate cu obiectivele curriculare, nevoile și "
                "interesele educabililor, planul managerial al unității",
                "3",
            ),
        ),
    ),
    (
        "b",
        "Realizarea activităților didactice",
        (
            (
                "I",
                "Utilizarea unor strategii didactice care asigură caracterul aplicativ al învățării și formarea "
                "competențelor specifice",
                "4",
            ),
            (
                "II",
                "Utilizarea eficientă a resurselor materiale din unitatea de învățământ în vederea optimizării "
                "activităților didactice, inclusiv utilizarea TIC",
                "4",
            ),
            ("III", "Diseminarea, evaluarea și valorizarea activităților", "4"),
            (
                "IV",
                "Organizarea și desfășurarea activităților extracurriculare, participarea la acțiuni de voluntariat",
                "4",
            ),
            (
                "V",
                "Formarea deprinderilor de studiu individual și în echipă în vederea formării/dezvoltării "
                "competenței de „a învăța să înveți”",
                "4",
            ),
        ),
    ),
    (
        "c",
        "Evaluarea rezultatelor învățării",
        (
            (
                "I",
                "Asigurarea transparenței criteriilor, a procedurilor de evaluare și a rezultatelor activităților "
                "de evaluare",
                "3",
            ),
            ("II", "Aplicarea testelor predictive, interpretarea și comunicarea rezultatelor", "3"),
            (
                "III",
                "Utilizarea diverselor instrumente de evaluare, inclusiv a celor din banca de instrumente de "
                "evaluare unică",
                "3",
            ),
            ("IV", "Promovarea autoevaluării și interevaluării", "3"),
            ("V", "Evaluarea satisfacției beneficiarilor educaționali", "3"),
            ("VI", "Coordonarea elaborării portofoliului educațional ca element central al evaluării învățării", "3"),
        ),
    ),
    (
        "d",
        "Managementul clasei de elevi",
        (
            (
                "I",
                "Stabilirea unui cadru adecvat - reguli de conduită, atitudini, ambient - pentru desfășurarea "
                "activităților în conformitate cu particularitățile clasei de elevi",
                "3.50",
            ),
            ("II", "Monitorizarea comportamentului elevilor și gestionarea situațiilor conflictuale", "3.50"),
            ("III", "Cunoașterea, consilierea și tratarea diferențiată a elevilor", "3.50"),
            ("IV", "Motivarea elevilor prin valorizarea exemplelor de bună practică", "3.50"),
        ),
    ),
    (
        "e",
        "Managementul carierei și al dezvoltării personale",
        (
            (
                "I",
                "Participarea și valorificarea competențelor științifice, metodice dobândite prin participarea la "
                "programele de formare/perfecționare",
                "3",
            ),
            ("II", "Implicarea în organizarea activităților metodice la nivelul comisiei/catedrei/responsabil", "3"),
            ("III", "Realizarea/actualizarea portofoliului și dosarului personal", "3"),
            (
                "IV",
                "Dezvoltarea capacității de comunicare și relaționare în interiorul și în afara unității cu elevii, "
                "personalul colegiului, echipa managerială și în cadrul comunității",
                "3",
            ),
        ),
    ),
    (
        "f",
        "Contribuția la dezvoltarea instituțională și promovarea unității școlare",
        (
            ("I", "Dezvoltarea de parteneriate și proiecte educaționale în vederea dezvoltării instituționale", "2"),
            ("II", "Promovarea ofertei educaționale", "2"),
            (
                "III",
                "Promovarea imaginii colegiului în comunitate prin rezultatele elevilor la olimpiade, concursuri, "
                "competiții",
                "2",
            ),
            (
                "IV",
                "Realizarea/participarea la programe/activități de prevenire și combatere a violenței și "
                "comportamentelor nesănătoase în mediul școlar",
                "2",
            ),
            (
                "V",
                "Respectarea normelor, procedurilor de sănătate și securitate a muncii și de PSI și ISU pentru toate "
                "tipurile de activități desfășurate în cadrul unității de învățământ, precum și a sarcinilor "
                "suplimentare",
                "2",
            ),
            ("VI", "Implicarea activă în crearea unei culturi a calității la nivelul organizației", "2"),
        ),
    ),
    (
        "g",
        "Conduita profesională",
        (
            ("I", "Manifestarea atitudinii morale și civice (limbaj, ținută, respect, comportament)", "6"),
            ("II", "Respectarea și promovarea deontologiei profesionale", "6"),
        ),
    ),
)

#: Non-teaching criteria, each marked 1-5 (R-EVN-05). Annex 1 of 002 is not in the seed; these are
#: the general criteria for contractual execution staff of HG nr. 286/2011 (decisions.md).
DEFAULT_NON_TEACHING_CRITERIA: tuple[str, ...] = (
    "Cunoștințe și experiență profesională",
    "Promptitudine și operativitate în realizarea atribuțiilor de serviciu prevăzute în fișa postului",
    "Calitatea lucrărilor executate și a activităților desfășurate",
    "Asumarea responsabilităților prin receptivitate, disponibilitate la efort suplimentar, perseverență, "
    "obiectivitate, disciplină",
    "Intensitatea implicării în utilizarea echipamentelor și a materialelor cu încadrarea în normativele de consum",
    "Adaptarea la complexitatea muncii, inițiativă și creativitate",
    "Condiții de muncă",
)
NON_TEACHING_DOMAIN = ("1", "Criterii generale de evaluare")


def _ro(day: date) -> str:
    return f"{day:%d.%m.%Y}"


# --- permission helpers ---------------------------------------------------------------------------
def _require_same_school(actor: User, school_id: int) -> None:
    if actor.school_id != school_id:
        raise NotFound("not_found", "Înregistrarea nu există.", "No such record.")


def _require_manager(actor: User, school_id: int) -> None:
    _require_same_school(actor, school_id)
    if not can_manage_evaluations(actor):
        raise PermissionDenied(
            "evaluation_manager_only",
            "Doar directorul sau directorul adjunct (consiliul de administrație) poate face această operație.",
            "Only the director or deputy director may do this.",
        )


def _require_staff_editor(actor: User, school_id: int) -> None:
    _require_same_school(actor, school_id)
    names = access.role_names(actor)
    if not (
        policy.has_permission(names, policy.MANAGE_STRUCTURE) or policy.has_permission(names, policy.MANAGE_EVALUATIONS)
    ):
        raise PermissionDenied(
            "staff_data_denied",
            "Doar administratorul sau directorul poate modifica datele despre personal.",
            "Only the administrator or the director may change staff data.",
        )


def _refuse_own_sheet(actor: User, sheet: EvaluationSheet) -> None:
    if actor.id == sheet.employee_id:
        raise PermissionDenied(
            "own_sheet",
            "Nu vă puteți evalua singur: această etapă a propriei fișe o completează altcineva.",
            "You may not score your own sheet at this stage.",
        )


def _user_of_school(user_id: int, school_id: int, what: str) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.school_id != school_id:
        raise InvariantViolation(
            "unknown_user", f"{what}: persoana aleasă nu există în școală.", f"{what}: unknown user."
        )
    return user


def _require_open_campaign(campaign: EvaluationCampaign) -> None:
    if campaign.is_closed:
        raise InvariantViolation(
            "campaign_closed", f"Campania „{campaign.name}” este închisă.", "The campaign is closed."
        )


def _require_stage(sheet: EvaluationSheet, allowed: tuple[str, ...], message_ro: str) -> None:
    if sheet.stage not in allowed:
        raise InvariantViolation(
            "evaluation_stage_order", message_ro, f"Sheet is at stage {sheet.stage}, not {allowed}."
        )


def _require_points(sheet: EvaluationSheet) -> None:
    if not sheet.campaign.uses_points:
        raise InvariantViolation(
            "wrong_sheet_kind", "Această etapă nu există pentru personalul nedidactic.", "Not a teaching-staff step."
        )


def _require_marks(sheet: EvaluationSheet) -> None:
    if sheet.campaign.uses_points:
        raise InvariantViolation(
            "wrong_sheet_kind",
            "Această etapă există doar pentru personalul nedidactic.",
            "Only a non-teaching-staff step.",
        )


def _not_in_future(day: date, what: str) -> date:
    if day > access.today():
        raise InvariantViolation(
            "date_in_future", f"{what} nu poate fi în viitor ({_ro(day)}).", f"{what} is in the future."
        )
    return day


# --- staff data -----------------------------------------------------------------------------------
def save_department(
    actor: User,
    *,
    department: Department | None = None,
    name: str,
    kind: str = "catedra",
    head_id: int | None = None,
    is_active: bool = True,
    remote_addr: str | None = None,
) -> Department:
    """Create or change a catedră/compartiment and its head (administrator or director)."""
    _require_staff_editor(actor, department.school_id if department else actor.school_id)
    if kind not in DEPARTMENT_KINDS:
        raise InvariantViolation("department_kind", "Tipul trebuie să fie catedră sau compartiment.", "Unknown kind.")
    if not (name or "").strip():
        raise InvariantViolation(
            "department_name", "Numele catedrei/compartimentului este obligatoriu.", "Name required."
        )
    if head_id is not None:
        _user_of_school(head_id, actor.school_id, "Responsabilul")
    with audited(actor, "Catedre și compartimente", remote_addr):
        if department is None:
            department = Department(school_id=actor.school_id)
            db.session.add(department)
        department.name = name.strip()
        department.kind = kind
        department.head_id = head_id
        department.is_active = is_active
    return department


def save_staff_member(
    actor: User,
    *,
    staff_member: StaffMember | None = None,
    user_id: int,
    category: str,
    job_title: str,
    employment_started_on: date,
    department_id: int | None = None,
    superior_id: int | None = None,
    employment_ended_on: date | None = None,
    is_debutant: bool = False,
    probation_ends_on: date | None = None,
    contract_suspended: bool = False,
    suspension_resumed_on: date | None = None,
    long_absence_resumed_on: date | None = None,
    is_active: bool = True,
    remote_addr: str | None = None,
) -> StaffMember:
    """Create or change a staff member's category, department, superior and employment facts."""
    _require_staff_editor(actor, staff_member.school_id if staff_member else actor.school_id)
    if category not in STAFF_CATEGORIES:
        raise InvariantViolation("staff_category", "Categoria de personal nu este cunoscută.", "Unknown category.")
    _user_of_school(user_id, actor.school_id, "Angajatul")
    if superior_id is not None:
        _user_of_school(superior_id, actor.school_id, "Șeful direct")
        if superior_id == user_id:
            raise InvariantViolation("own_superior", "Un angajat nu poate fi propriul șef.", "Own superior.")
    if department_id is not None:
        department = db.session.get(Department, department_id)
        if department is None or department.school_id != actor.school_id:
            raise InvariantViolation("unknown_department", "Catedra/compartimentul nu există.", "Unknown department.")
    if is_debutant and probation_ends_on is None:
        raise InvariantViolation(
            "probation_end_required",
            "Pentru un debutant trebuie trecută data la care se încheie stagiul.",
            "A debutant needs the end of the probation.",
        )
    with audited(actor, "Date despre personal", remote_addr):
        if staff_member is None:
            staff_member = StaffMember(school_id=actor.school_id)
            db.session.add(staff_member)
        staff_member.user_id = user_id
        staff_member.category = category
        staff_member.job_title = job_title.strip()
        staff_member.department_id = department_id
        staff_member.superior_id = superior_id
        staff_member.employment_started_on = employment_started_on
        staff_member.employment_ended_on = employment_ended_on
        staff_member.is_debutant = is_debutant
        staff_member.probation_ends_on = probation_ends_on
        staff_member.contract_suspended = contract_suspended
        staff_member.suspension_resumed_on = suspension_resumed_on
        staff_member.long_absence_resumed_on = long_absence_resumed_on
        staff_member.is_active = is_active
    return staff_member


def save_public_holiday(
    actor: User,
    *,
    holiday: PublicHoliday | None = None,
    day: date,
    name: str,
    is_active: bool = True,
    remote_addr: str | None = None,
) -> PublicHoliday:
    """Add or change a legal holiday of the school's calendar (administrator or director)."""
    _require_staff_editor(actor, holiday.school_id if holiday else actor.school_id)
    with audited(actor, "Zile de sărbătoare legală", remote_addr):
        if holiday is None:
            holiday = PublicHoliday(school_id=actor.school_id)
            db.session.add(holiday)
        holiday.day = day
        holiday.name = name.strip()
        holiday.is_active = is_active
    return holiday


def ensure_default_holidays(actor: User, calendar_year: int, *, remote_addr: str | None = None) -> list[PublicHoliday]:
    """Add the legal holidays of `calendar_year` (Codul muncii art. 139) that the school's calendar
    lacks; days already present (even switched off) are left as they are. Returns the added rows."""
    _require_staff_editor(actor, actor.school_id)
    present = set(db.session.scalars(sa.select(PublicHoliday.day).where(PublicHoliday.school_id == actor.school_id)))
    added = []
    with audited(actor, f"Sărbători legale {calendar_year}", remote_addr):
        for day, name in romanian_public_holidays(calendar_year):
            if day not in present:
                holiday = PublicHoliday(school_id=actor.school_id, day=day, name=name)
                db.session.add(holiday)
                added.append(holiday)
    return added


def school_holidays(school_id: int) -> set[date]:
    """The school's active public holidays (the non-working days besides weekends)."""
    return set(
        db.session.scalars(
            sa.select(PublicHoliday.day).where(PublicHoliday.school_id == school_id, PublicHoliday.is_active.is_(True))
        )
    )


# --- campaigns and the sheet ------------------------------------------------------------------------
def _default_criteria(campaign: EvaluationCampaign) -> list[EvaluationCriterion]:
    rows = []
    if campaign.category in POINTS_CATEGORIES:
        for domain_code, domain_title, criteria in DEFAULT_TEACHING_SHEET:
            for code, text, points in criteria:
                rows.append((domain_code, domain_title, code, text, Decimal(points)))
    else:
        domain_code, domain_title = NON_TEACHING_DOMAIN
        for index, text in enumerate(DEFAULT_NON_TEACHING_CRITERIA, start=1):
            rows.append((domain_code, domain_title, str(index), text, None))
    return [
        EvaluationCriterion(
            school_id=campaign.school_id,
            campaign_id=campaign.id,
            position=position,
            domain_code=domain,
            domain_title=title,
            code=code,
            text=text,
            max_score=points,
        )
        for position, (domain, title, code, text, points) in enumerate(rows, start=1)
    ]


def _check_calendar(
    category: str,
    starts_on: date,
    ends_on: date,
    communication_deadline: date,
    department_meeting_on: date | None,
    board_meeting_on: date | None,
) -> None:
    if starts_on > ends_on:
        raise InvariantViolation(
            "calendar_order", "Perioada de evaluare se termină înainte să înceapă.", "Window reversed."
        )
    if category in POINTS_CATEGORIES:
        if department_meeting_on is None or board_meeting_on is None:
            raise InvariantViolation(
                "calendar_incomplete",
                "Pentru personalul didactic trebuie stabilite data ședinței catedrei și data ședinței consiliului de administrație.",
                "Department and board meeting dates are required.",
            )
        if not ends_on <= department_meeting_on <= board_meeting_on <= communication_deadline:
            raise InvariantViolation(
                "calendar_order",
                "Calendarul trebuie să urmeze ordinea: autoevaluare, ședința catedrei, ședința consiliului de "
                "administrație, termenul de comunicare a calificativelor.",
                "Calendar out of order.",
            )
    elif ends_on > communication_deadline:
        raise InvariantViolation(
            "calendar_order",
            "Termenul de comunicare nu poate fi înaintea sfârșitului perioadei de evaluare.",
            "Communication deadline before the end of the window.",
        )


def create_campaign(
    actor: User,
    *,
    year: SchoolYear,
    category: str,
    evaluated_from: date,
    evaluated_to: date,
    starts_on: date,
    ends_on: date,
    communication_deadline: date,
    department_meeting_on: date | None = None,
    board_meeting_on: date | None = None,
    name: str | None = None,
    remote_addr: str | None = None,
) -> EvaluationCampaign:
    """Open the year's evaluation of one staff category, with its calendar and the default sheet
    (the seven domains of 002 for teaching/auxiliary staff; the 1-5 criteria for non-teaching)."""
    _require_manager(actor, year.school_id)
    if category not in STAFF_CATEGORIES:
        raise InvariantViolation("staff_category", "Categoria de personal nu este cunoscută.", "Unknown category.")
    if category == NON_TEACHING:
        department_meeting_on = board_meeting_on = None
    _check_calendar(category, starts_on, ends_on, communication_deadline, department_meeting_on, board_meeting_on)
    if evaluated_from > evaluated_to:
        raise InvariantViolation(
            "calendar_order", "Perioada evaluată se termină înainte să înceapă.", "Period reversed."
        )
    existing = db.session.scalar(
        sa.select(EvaluationCampaign.id).where(
            EvaluationCampaign.school_id == year.school_id,
            EvaluationCampaign.year_id == year.id,
            EvaluationCampaign.category == category,
        )
    )
    labels = {
        TEACHING: "personalului didactic",
        AUXILIARY: "personalului didactic auxiliar",
        NON_TEACHING: "personalului nedidactic",
    }
    if existing is not None:
        raise InvariantViolation(
            "campaign_exists",
            f"Există deja o campanie de evaluare a {labels[category]} pentru anul școlar {year.name}.",
            "A campaign for this year and category exists.",
        )
    with audited(actor, "Campanie de evaluare a personalului", remote_addr):
        campaign = EvaluationCampaign(
            school_id=year.school_id,
            year_id=year.id,
            category=category,
            name=(name or f"Evaluarea anuală a {labels[category]} {year.name}").strip(),
            evaluated_from=evaluated_from,
            evaluated_to=evaluated_to,
            starts_on=starts_on,
            ends_on=ends_on,
            department_meeting_on=department_meeting_on,
            board_meeting_on=board_meeting_on,
            communication_deadline=communication_deadline,
            created_by_id=actor.id,
        )
        db.session.add(campaign)
        db.session.flush()
        db.session.add_all(_default_criteria(campaign))
    return campaign


def update_campaign_calendar(
    actor: User,
    campaign: EvaluationCampaign,
    *,
    starts_on: date,
    ends_on: date,
    communication_deadline: date,
    department_meeting_on: date | None = None,
    board_meeting_on: date | None = None,
    remote_addr: str | None = None,
) -> EvaluationCampaign:
    """Change the campaign's calendar (the contestation deadlines follow the communication deadline)."""
    _require_manager(actor, campaign.school_id)
    _require_open_campaign(campaign)
    if campaign.category == NON_TEACHING:
        department_meeting_on = board_meeting_on = None
    _check_calendar(
        campaign.category, starts_on, ends_on, communication_deadline, department_meeting_on, board_meeting_on
    )
    with audited(actor, "Calendarul evaluării", remote_addr):
        campaign.starts_on, campaign.ends_on = starts_on, ends_on
        campaign.communication_deadline = communication_deadline
        campaign.department_meeting_on, campaign.board_meeting_on = department_meeting_on, board_meeting_on
    return campaign


def _campaign_has_scores(campaign: EvaluationCampaign) -> bool:
    return (
        db.session.scalar(
            sa.select(EvaluationScore.id)
            .join(EvaluationSheet, EvaluationSheet.id == EvaluationScore.sheet_id)
            .where(EvaluationSheet.campaign_id == campaign.id)
            .limit(1)
        )
        is not None
    )


def _require_sheet_editable(campaign: EvaluationCampaign) -> None:
    _require_open_campaign(campaign)
    if _campaign_has_scores(campaign):
        raise InvariantViolation(
            "sheet_in_use",
            "Fișa de evaluare nu mai poate fi modificată: s-au acordat deja punctaje în această campanie.",
            "The sheet cannot change once scores were given.",
        )


def _criterion_max(campaign: EvaluationCampaign, max_score: object) -> Decimal | None:
    if not campaign.uses_points:
        return None
    try:
        return parse_score(max_score, minimum=Decimal("0.01"), maximum=TEACHING_SHEET_TOTAL, what="max_score")
    except (ValueError, TypeError):
        raise InvariantViolation(
            "criterion_max_invalid",
            "Punctajul maxim al criteriului trebuie să fie un număr între 0,01 și 100, cu cel mult două zecimale.",
            "Invalid maximum score.",
        ) from None


def add_criterion(
    actor: User,
    campaign: EvaluationCampaign,
    *,
    domain_code: str,
    domain_title: str,
    code: str,
    text: str,
    max_score: object = None,
    remote_addr: str | None = None,
) -> EvaluationCriterion:
    """Add a criterion at the end of the sheet (before any score was given)."""
    _require_manager(actor, campaign.school_id)
    _require_sheet_editable(campaign)
    maximum = _criterion_max(campaign, max_score)
    if not (text or "").strip():
        raise InvariantViolation("criterion_text", "Textul criteriului este obligatoriu.", "Text required.")
    last = db.session.scalar(
        sa.select(sa.func.max(EvaluationCriterion.position)).where(EvaluationCriterion.campaign_id == campaign.id)
    )
    with audited(actor, "Criteriu de evaluare adăugat", remote_addr):
        criterion = EvaluationCriterion(
            school_id=campaign.school_id,
            campaign_id=campaign.id,
            position=(last or 0) + 1,
            domain_code=domain_code.strip(),
            domain_title=domain_title.strip(),
            code=code.strip(),
            text=text.strip(),
            max_score=maximum,
        )
        db.session.add(criterion)
    return criterion


def update_criterion(
    actor: User, criterion: EvaluationCriterion, *, text: str, max_score: object = None, remote_addr: str | None = None
) -> EvaluationCriterion:
    """Change a criterion's text or maximum points (before any score was given)."""
    campaign = criterion.campaign
    _require_manager(actor, campaign.school_id)
    _require_sheet_editable(campaign)
    maximum = _criterion_max(campaign, max_score)
    if not (text or "").strip():
        raise InvariantViolation("criterion_text", "Textul criteriului este obligatoriu.", "Text required.")
    with audited(actor, "Criteriu de evaluare modificat", remote_addr):
        criterion.text = text.strip()
        criterion.max_score = maximum
    return criterion


def retire_criterion(
    actor: User, criterion: EvaluationCriterion, *, remote_addr: str | None = None
) -> EvaluationCriterion:
    """Take a criterion off the sheet (soft; before any score was given)."""
    campaign = criterion.campaign
    _require_manager(actor, campaign.school_id)
    _require_sheet_editable(campaign)
    with audited(actor, "Criteriu de evaluare scos din fișă", remote_addr):
        criterion.is_active = False
    return criterion


def active_criteria(campaign: EvaluationCampaign) -> list[EvaluationCriterion]:
    """The sheet's criteria, in order."""
    return list(
        db.session.scalars(
            sa.select(EvaluationCriterion)
            .where(EvaluationCriterion.campaign_id == campaign.id, EvaluationCriterion.is_active.is_(True))
            .order_by(EvaluationCriterion.position)
        )
    )


def sheet_maximum(campaign: EvaluationCampaign) -> Decimal:
    """The total of the active criteria's maximum points (must be 100 to open sheets)."""
    return sheet_total(criterion.max_score or 0 for criterion in active_criteria(campaign))


def _eligibility_problem(campaign: EvaluationCampaign, staff: StaffMember) -> str | None:
    if not staff.is_active:
        return "Angajatul nu mai este activ în evidența personalului."
    if staff.category != campaign.category:
        return "Angajatul nu face parte din categoria de personal a acestei campanii."
    if staff.employment_ended_on is not None and staff.employment_ended_on < campaign.evaluated_from:
        return "Contractul angajatului s-a încheiat înaintea perioadei evaluate."
    if campaign.category == NON_TEACHING:
        facts = EmploymentFacts(
            employment_started_on=staff.employment_started_on,
            employment_ended_on=staff.employment_ended_on,
            is_debutant=staff.is_debutant,
            probation_ends_on=staff.probation_ends_on,
            contract_suspended=staff.contract_suspended,
            suspension_resumed_on=staff.suspension_resumed_on,
            long_absence_resumed_on=staff.long_absence_resumed_on,
        )
        return eligibility_exception(facts, campaign.evaluated_from, campaign.evaluated_to, access.today())
    return None


def _director_of(school_id: int) -> User | None:
    from schema.models import Role

    return db.session.scalar(
        sa.select(User)
        .join(User.roles)
        .where(User.school_id == school_id, Role.name == policy.DIRECTOR, User.active.is_(True))
        .order_by(User.id)
        .limit(1)
    )


def _countersigner_for(evaluator: User) -> int | None:
    """The evaluator's superior; none when the evaluator is the head of the school (R-EVN-08)."""
    if policy.DIRECTOR in access.role_names(evaluator):
        return None
    evaluator_staff = db.session.scalar(
        sa.select(StaffMember).where(StaffMember.school_id == evaluator.school_id, StaffMember.user_id == evaluator.id)
    )
    if evaluator_staff is not None and evaluator_staff.superior_id is not None:
        return evaluator_staff.superior_id
    director = _director_of(evaluator.school_id)
    return director.id if director is not None else None


def _new_sheet(actor: User, campaign: EvaluationCampaign, staff: StaffMember) -> EvaluationSheet:
    sheet = EvaluationSheet(
        school_id=campaign.school_id,
        campaign_id=campaign.id,
        staff_member_id=staff.id,
        employee_id=staff.user_id,
        department_id=staff.department_id,
        stage="opened",
        opened_by_id=actor.id,
    )
    if campaign.category == NON_TEACHING:
        if staff.superior_id is None:
            raise InvariantViolation(
                "evaluator_missing",
                f"{staff.user}: nu are trecut un șef direct (evaluator) în evidența personalului.",
                "The employee has no superior (evaluator).",
            )
        sheet.evaluator_id = staff.superior_id
        countersigner = _countersigner_for(db.session.get(User, staff.superior_id))
        sheet.countersigner_id = countersigner if countersigner not in (staff.superior_id, staff.user_id) else None
    return sheet


def _check_openable(campaign: EvaluationCampaign, staff: StaffMember) -> None:
    if staff.school_id != campaign.school_id:
        raise NotFound("not_found", "Angajatul nu există.", "No such staff member.")
    _require_open_campaign(campaign)
    if campaign.uses_points and sheet_maximum(campaign) != TEACHING_SHEET_TOTAL:
        raise InvariantViolation(
            "sheet_total_not_100",
            f"Punctajele maxime ale criteriilor însumează {sheet_maximum(campaign)}, nu 100: corectați fișa înainte "
            "de a deschide fișele angajaților.",
            "The criteria's maximum points do not total 100.",
        )
    problem = _eligibility_problem(campaign, staff)
    if problem:
        raise InvariantViolation("not_eligible", f"{staff.user}: {problem}", "The employee may not be evaluated now.")
    exists = db.session.scalar(
        sa.select(EvaluationSheet.id).where(
            EvaluationSheet.campaign_id == campaign.id, EvaluationSheet.staff_member_id == staff.id
        )
    )
    if exists is not None:
        raise InvariantViolation(
            "sheet_exists", f"{staff.user} are deja o fișă în această campanie.", "The sheet already exists."
        )


def open_sheet(
    actor: User, campaign: EvaluationCampaign, staff: StaffMember, *, remote_addr: str | None = None
) -> EvaluationSheet:
    """Open one employee's sheet (director/deputy), refusing an employee who may not be evaluated
    now, with the reason (R-EVN-03)."""
    _require_manager(actor, campaign.school_id)
    _check_openable(campaign, staff)
    with audited(actor, "Fișă de evaluare deschisă", remote_addr):
        sheet = _new_sheet(actor, campaign, staff)
        db.session.add(sheet)
    return sheet


def open_sheets(
    actor: User, campaign: EvaluationCampaign, *, remote_addr: str | None = None
) -> tuple[list[EvaluationSheet], list[tuple[StaffMember, str]]]:
    """Open the sheets of every active staff member of the campaign's category that has none yet,
    in one transaction; returns (opened sheets, [(staff member, Romanian reason it was skipped)])."""
    _require_manager(actor, campaign.school_id)
    _require_open_campaign(campaign)
    have = set(
        db.session.scalars(sa.select(EvaluationSheet.staff_member_id).where(EvaluationSheet.campaign_id == campaign.id))
    )
    staff_members = db.session.scalars(
        sa.select(StaffMember)
        .where(
            StaffMember.school_id == campaign.school_id,
            StaffMember.category == campaign.category,
            StaffMember.is_active.is_(True),
        )
        .order_by(StaffMember.id)
    ).all()
    opened: list[EvaluationSheet] = []
    skipped: list[tuple[StaffMember, str]] = []
    candidates = []
    for staff in staff_members:
        if staff.id in have:
            continue
        try:
            _check_openable(campaign, staff)
            if campaign.category == NON_TEACHING and staff.superior_id is None:
                raise InvariantViolation(
                    "evaluator_missing", f"{staff.user}: nu are trecut un șef direct (evaluator).", ""
                )
        except InvariantViolation as refusal:
            skipped.append((staff, refusal.message_ro))
            continue
        candidates.append(staff)
    if candidates:
        with audited(actor, "Fișe de evaluare deschise", remote_addr):
            for staff in candidates:
                sheet = _new_sheet(actor, campaign, staff)
                db.session.add(sheet)
                opened.append(sheet)
    return opened, skipped


# --- scores ---------------------------------------------------------------------------------------
def _parse_scores(sheet: EvaluationSheet, scores: Mapping[int, object], *, marks: bool) -> dict[int, Decimal]:
    """Validate a full set of scores for the sheet's active criteria (Romanian errors)."""
    criteria = active_criteria(sheet.campaign)
    wanted = {criterion.id for criterion in criteria}
    given = {int(key) for key in scores}
    if given - wanted:
        raise InvariantViolation(
            "unknown_criterion", "Unele punctaje nu corespund criteriilor fișei.", "Unknown criteria."
        )
    missing = [
        criterion for criterion in criteria if criterion.id not in given or scores.get(criterion.id) in (None, "")
    ]
    if missing:
        first = missing[0]
        raise InvariantViolation(
            "score_missing",
            f"Lipsește punctajul pentru {len(missing)} criterii (primul: {first.domain_code}) {first.code}).",
            "Scores missing.",
        )
    parsed: dict[int, Decimal] = {}
    for criterion in criteria:
        value = scores[criterion.id]
        try:
            if marks:
                parsed[criterion.id] = parse_score(value, minimum=Decimal(1), maximum=Decimal(5), what="mark")
            else:
                parsed[criterion.id] = parse_score(value, maximum=criterion.max_score, what="score")
        except (ValueError, TypeError):
            if marks:
                message = f"Criteriul {criterion.code}: nota trebuie să fie între 1 și 5, cu cel mult două zecimale."
            else:
                maximum = f"{criterion.max_score:.2f}".replace(".", ",")
                message = (
                    f"Criteriul {criterion.domain_code}) {criterion.code}: punctajul trebuie să fie între 0 și "
                    f"{maximum}, cu cel mult două zecimale."
                )
            raise InvariantViolation("score_invalid", message, f"Invalid score for criterion {criterion.id}.") from None
    return parsed


def _write_scores(actor: User, sheet: EvaluationSheet, stage: str, values: dict[int, Decimal]) -> None:
    existing = {
        score.criterion_id: score
        for score in db.session.scalars(
            sa.select(EvaluationScore).where(EvaluationScore.sheet_id == sheet.id, EvaluationScore.stage == stage)
        )
    }
    now = utc_now()
    for criterion_id, value in values.items():
        row = existing.get(criterion_id)
        if row is None:
            db.session.add(
                EvaluationScore(
                    school_id=sheet.school_id,
                    sheet_id=sheet.id,
                    criterion_id=criterion_id,
                    stage=stage,
                    score=value,
                    entered_by_id=actor.id,
                    entered_at=now,
                )
            )
        elif row.score != value:
            row.score, row.entered_by_id, row.entered_at = value, actor.id, now


def sheet_scores(sheet: EvaluationSheet) -> dict[str, dict[int, Decimal]]:
    """The sheet's scores: stage -> criterion id -> score."""
    result: dict[str, dict[int, Decimal]] = {}
    for score in db.session.scalars(sa.select(EvaluationScore).where(EvaluationScore.sheet_id == sheet.id)):
        result.setdefault(score.stage, {})[score.criterion_id] = score.score
    return result


def _add_participants(sheet: EvaluationSheet, user_ids: Iterable[int], role: str, what: str) -> list[int]:
    ids = list(dict.fromkeys(int(user_id) for user_id in user_ids))
    if not ids:
        raise InvariantViolation("participants_required", f"Trebuie trecuți {what}.", "Participants required.")
    for user_id in ids:
        _user_of_school(user_id, sheet.school_id, what.capitalize())
        db.session.add(EvaluationParticipant(school_id=sheet.school_id, sheet_id=sheet.id, user_id=user_id, role=role))
    return ids


# --- teaching / auxiliary stages --------------------------------------------------------------------
def submit_self_evaluation(
    actor: User,
    sheet: EvaluationSheet,
    scores: Mapping[int, object],
    *,
    report_filename: str | None = None,
    report_data: bytes | None = None,
    remote_addr: str | None = None,
) -> EvaluationSheet:
    """The employee's self-evaluation with the justifying report (R-EVS-02 a); may be filed again
    until the department has scored the sheet."""
    _require_same_school(actor, sheet.school_id)
    if actor.id != sheet.employee_id:
        raise PermissionDenied(
            "not_own_sheet",
            "Doar angajatul evaluat își completează autoevaluarea.",
            "Only the employee self-evaluates.",
        )
    _require_points(sheet)
    _require_open_campaign(sheet.campaign)
    _require_stage(
        sheet,
        ("opened", "self_evaluated"),
        "Autoevaluarea nu mai poate fi modificată: catedra/compartimentul a evaluat deja fișa.",
    )
    values = _parse_scores(sheet, scores, marks=False)
    if sheet.self_report_attachment_id is None and not report_data:
        raise InvariantViolation(
            "self_report_required",
            "Atașați raportul de autoevaluare care justifică punctajul acordat.",
            "The self-evaluation report is required.",
        )
    with audited(actor, "Autoevaluare", remote_addr):
        if report_data:
            attachment = store_attachment(actor, report_filename or "raport-autoevaluare.pdf", report_data)
            db.session.flush()
            sheet.self_report_attachment_id = attachment.id
        _write_scores(actor, sheet, "self", values)
        sheet.self_total = sheet_total(values.values())
        sheet.self_evaluated_at = utc_now()
        sheet.stage = "self_evaluated"
    return sheet


def record_department_score(
    actor: User,
    sheet: EvaluationSheet,
    scores: Mapping[int, object],
    *,
    meeting_on: date,
    member_ids: Iterable[int],
    minutes: str | None = None,
    minutes_filename: str | None = None,
    minutes_data: bytes | None = None,
    remote_addr: str | None = None,
) -> EvaluationSheet:
    """The catedră's/compartment's score per criterion, agreed by its members at the meeting and
    entered by the head with the minutes (R-EVS-02 b, R-EVS-06). The director or deputy may enter
    it instead of the head; nobody enters it on their own sheet."""
    _require_same_school(actor, sheet.school_id)
    _require_points(sheet)
    is_head = sheet.department_id is not None and sheet.department_id in headed_department_ids(actor)
    if not (is_head or can_manage_evaluations(actor)):
        raise PermissionDenied(
            "not_department_head",
            "Doar responsabilul catedrei/compartimentului angajatului (sau directorul) trece punctajul catedrei.",
            "Only the head of the employee's department may enter its score.",
        )
    _refuse_own_sheet(actor, sheet)
    _require_open_campaign(sheet.campaign)
    _require_stage(
        sheet,
        ("self_evaluated",),
        "Punctajul catedrei se trece după autoevaluare și o singură dată: "
        + (
            "angajatul nu și-a completat încă autoevaluarea."
            if sheet.stage == "opened"
            else "catedra a evaluat deja această fișă."
        ),
    )
    values = _parse_scores(sheet, scores, marks=False)
    _not_in_future(meeting_on, "Data ședinței catedrei")
    if not (minutes or "").strip() and not minutes_data:
        raise InvariantViolation(
            "minutes_required", "Trebuie trecut procesul-verbal al ședinței (text sau fișier).", "Minutes required."
        )
    with audited(actor, "Evaluare în catedră/compartiment", remote_addr):
        if minutes_data:
            attachment = store_attachment(actor, minutes_filename or "proces-verbal.pdf", minutes_data)
            db.session.flush()
            sheet.department_minutes_attachment_id = attachment.id
        _add_participants(sheet, member_ids, "department_member", "membrii catedrei prezenți")
        _write_scores(actor, sheet, "department", values)
        sheet.department_total = sheet_total(values.values())
        sheet.department_minutes = (minutes or "").strip() or None
        sheet.department_meeting_on = meeting_on
        sheet.department_scored_by_id = actor.id
        sheet.department_scored_at = utc_now()
        sheet.stage = "department_scored"
    return sheet


def record_board_score(
    actor: User,
    sheet: EvaluationSheet,
    scores: Mapping[int, object],
    *,
    meeting_on: date,
    board_member_ids: Iterable[int],
    present: bool,
    employee_argument: str | None = None,
    notes: str | None = None,
    remote_addr: str | None = None,
) -> EvaluationSheet:
    """The board's own score per criterion, the final score and the rating from the grid (R-EVS-07,
    R-EVS-08), entered by the director or deputy with the members present and, when the employee
    attended, their argument (susținerea)."""
    _require_manager(actor, sheet.school_id)
    _require_points(sheet)
    _refuse_own_sheet(actor, sheet)
    _require_open_campaign(sheet.campaign)
    _require_stage(
        sheet,
        ("department_scored",),
        "Consiliul de administrație acordă punctajul final după evaluarea în catedră și o singură dată: "
        + (
            "catedra nu a evaluat încă această fișă."
            if sheet.stage in ("opened", "self_evaluated")
            else "punctajul final a fost deja acordat."
        ),
    )
    values = _parse_scores(sheet, scores, marks=False)
    _not_in_future(meeting_on, "Data ședinței consiliului de administrație")
    member_ids = list(board_member_ids)
    if sheet.employee_id in {int(user_id) for user_id in member_ids}:
        raise InvariantViolation(
            "board_member_is_employee",
            "Angajatul evaluat nu poate fi trecut printre membrii consiliului care îl evaluează.",
            "The employee cannot be a board member for their own sheet.",
        )
    if employee_argument and not present:
        raise InvariantViolation(
            "argument_without_presence",
            "Susținerea angajatului se consemnează doar dacă acesta a fost prezent.",
            "An argument needs the employee present.",
        )
    total = sheet_total(values.values())
    with audited(actor, "Evaluare în consiliul de administrație", remote_addr):
        _add_participants(sheet, member_ids, "board_member", "membrii consiliului de administrație prezenți")
        _write_scores(actor, sheet, "board", values)
        sheet.final_score = total
        sheet.rating = teaching_rating(total)
        sheet.board_meeting_on = meeting_on
        sheet.present_at_board = present
        sheet.employee_argument = (employee_argument or "").strip() or None
        sheet.board_notes = (notes or "").strip() or None
        sheet.board_scored_by_id = actor.id
        sheet.board_scored_at = utc_now()
        sheet.communication_due_on = meeting_on if present else absent_communication_deadline(meeting_on)
        sheet.stage = "board_scored"
    return sheet


def record_communication(
    actor: User, sheet: EvaluationSheet, *, communicated_on: date, in_person: bool, remote_addr: str | None = None
) -> EvaluationSheet:
    """The rating and score were communicated (R-EVS-09, 001 Art. 54(3)): directly at the board
    meeting, or in writing through the secretariat (for an absent employee within 3 days)."""
    _require_same_school(actor, sheet.school_id)
    if not (can_manage_evaluations(actor) or can_act_for_secretariat(actor)):
        raise PermissionDenied(
            "communication_denied",
            "Comunicarea calificativului o consemnează directorul sau secretariatul.",
            "Only the director or the secretariat records the communication.",
        )
    _require_points(sheet)
    _require_stage(
        sheet,
        ("board_scored",),
        "Calificativul se comunică după hotărârea consiliului de administrație, o singură dată.",
    )
    _not_in_future(communicated_on, "Data comunicării")
    if communicated_on < sheet.board_meeting_on:
        raise InvariantViolation(
            "communication_before_board",
            "Comunicarea nu poate preceda ședința consiliului.",
            "Communication before the board meeting.",
        )
    if in_person and not sheet.present_at_board:
        raise InvariantViolation(
            "not_present",
            "Angajatul nu a fost prezent la ședință: comunicarea se face prin secretariat.",
            "The employee was absent from the meeting.",
        )
    with audited(actor, "Comunicarea calificativului", remote_addr):
        sheet.communicated_on = communicated_on
        sheet.communicated_in_person = in_person
        sheet.communicated_by_id = actor.id
        sheet.stage = "communicated"
    return sheet


# --- non-teaching stages ----------------------------------------------------------------------------
def _set_non_teaching_result(sheet: EvaluationSheet, values: Iterable[Decimal]) -> Decimal:
    mark = non_teaching_final_mark(values)
    sheet.final_mark = mark
    sheet.rating = non_teaching_rating(mark)
    return mark


def record_evaluator_marks(
    actor: User,
    sheet: EvaluationSheet,
    marks: Mapping[int, object],
    *,
    notes: str | None = None,
    remote_addr: str | None = None,
) -> EvaluationSheet:
    """The evaluator marks every criterion 1-5; the final mark is their mean (R-EVN-05). The
    evaluator may change the marks until both have signed at the interview; a change clears the
    signatures given so far (R-EVN-07)."""
    _require_same_school(actor, sheet.school_id)
    _require_marks(sheet)
    if actor.id != sheet.evaluator_id:
        raise PermissionDenied(
            "not_evaluator",
            "Doar evaluatorul angajatului (șeful direct) trece notele.",
            "Only the employee's evaluator marks the sheet.",
        )
    _require_open_campaign(sheet.campaign)
    _require_stage(
        sheet,
        ("opened", "evaluated"),
        "Notele evaluatorului nu mai pot fi modificate după ce fișa a fost semnată de ambele părți.",
    )
    values = _parse_scores(sheet, marks, marks=True)
    with audited(actor, "Notare de către evaluator", remote_addr):
        _write_scores(actor, sheet, "evaluator", values)
        sheet.evaluator_mark = _set_non_teaching_result(sheet, values.values())
        sheet.evaluator_notes = (notes or "").strip() or sheet.evaluator_notes
        sheet.evaluated_at = utc_now()
        sheet.evaluator_signed_at = None
        sheet.employee_signed_at = None
        sheet.stage = "evaluated"
    return sheet


def sign_interview(
    actor: User,
    sheet: EvaluationSheet,
    *,
    interview_on: date | None = None,
    point_of_view: str | None = None,
    remote_addr: str | None = None,
) -> EvaluationSheet:
    """The evaluator or the employee signs the sheet at the interview (R-EVN-07); the employee's
    point of view is recorded with their signature. When both have signed the stage is done."""
    _require_same_school(actor, sheet.school_id)
    _require_marks(sheet)
    if actor.id not in (sheet.evaluator_id, sheet.employee_id):
        raise PermissionDenied(
            "not_interview_party",
            "La interviu semnează doar evaluatorul și angajatul evaluat.",
            "Only the evaluator and the employee sign.",
        )
    _require_stage(
        sheet,
        ("evaluated",),
        "Fișa se semnează la interviu, după notarea de către evaluator și înainte de contrasemnare.",
    )
    day = _not_in_future(interview_on or access.today(), "Data interviului")
    with audited(actor, "Interviul de evaluare", remote_addr):
        now = utc_now()
        if actor.id == sheet.evaluator_id:
            sheet.evaluator_signed_at = now
            sheet.interview_on = day
        else:
            sheet.employee_signed_at = now
            sheet.employee_point_of_view = (point_of_view or "").strip() or None
            sheet.interview_on = sheet.interview_on or day
        if sheet.evaluator_signed_at and sheet.employee_signed_at:
            sheet.stage = "interviewed"
    return sheet


def countersign_sheet(
    actor: User,
    sheet: EvaluationSheet,
    *,
    marks: Mapping[int, object] | None = None,
    note: str | None = None,
    remote_addr: str | None = None,
) -> EvaluationSheet:
    """The countersigner (the evaluator's superior) signs, and may change the marks when they do not
    match reality or the disagreement was not settled (R-EVN-08)."""
    _require_same_school(actor, sheet.school_id)
    _require_marks(sheet)
    if sheet.countersigner_id is None or actor.id != sheet.countersigner_id:
        raise PermissionDenied(
            "not_countersigner",
            "Doar contrasemnatarul fișei (superiorul evaluatorului) o contrasemnează.",
            "Only the sheet's countersigner may countersign.",
        )
    _require_stage(sheet, ("interviewed",), "Fișa se contrasemnează după interviu, o singură dată.")
    values = _parse_scores(sheet, marks, marks=True) if marks else None
    with audited(actor, "Contrasemnarea fișei de evaluare", remote_addr):
        if values is not None:
            evaluator_values = sheet_scores(sheet).get("evaluator", {})
            _write_scores(actor, sheet, "countersigner", values)
            _set_non_teaching_result(sheet, values.values())
            sheet.countersigner_modified = values != evaluator_values
        sheet.countersigner_note = (note or "").strip() or None
        sheet.countersigned_at = utc_now()
        sheet.stage = "countersigned"
    return sheet


def record_employee_informed(
    actor: User, sheet: EvaluationSheet, *, informed_on: date, remote_addr: str | None = None
) -> EvaluationSheet:
    """The employee learned the final rating (the contestation's 5 days count from this day)."""
    _require_same_school(actor, sheet.school_id)
    _require_marks(sheet)
    if actor.id not in (sheet.evaluator_id, sheet.countersigner_id) and not (
        can_manage_evaluations(actor) or can_act_for_secretariat(actor)
    ):
        raise PermissionDenied(
            "inform_denied",
            "Comunicarea o consemnează evaluatorul, contrasemnatarul sau secretariatul.",
            "Not allowed to record the communication.",
        )
    ready = ("countersigned",) if sheet.countersigner_id is not None else ("interviewed",)
    _require_stage(
        sheet,
        ready,
        "Rezultatul se aduce la cunoștința angajatului după interviu"
        + (" și contrasemnare." if sheet.countersigner_id is not None else "."),
    )
    _not_in_future(informed_on, "Data comunicării")
    with audited(actor, "Calificativul adus la cunoștința salariatului", remote_addr):
        sheet.informed_on = informed_on
        sheet.stage = "informed"
    return sheet


# --- contestations ----------------------------------------------------------------------------------
def sheet_contestation_deadlines(sheet: EvaluationSheet) -> tuple[date, date] | None:
    """(last day to file, last day to solve) a contestation of this sheet, or None while the rating
    is not yet communicated.

    Teaching: 2 working days from the campaign's communication deadline, or from the day this
    sheet was actually communicated when that came later (an employee is never time-barred before
    knowing the rating); solving 3 working days after (R-EVS-10, R-EVS-12). Non-teaching: 5 and
    15 calendar days from the day the employee learned the rating (R-EVN-09).
    """
    if sheet.campaign.uses_points:
        if sheet.communicated_on is None:
            return None
        base = max(sheet.campaign.communication_deadline, sheet.communicated_on)
        return teaching_contestation_deadlines(base, school_holidays(sheet.school_id))
    if sheet.informed_on is None:
        return None
    return non_teaching_contestation_deadlines(sheet.informed_on)


def _evaluator_ids(sheet: EvaluationSheet) -> dict[int, str]:
    """Who evaluated this sheet, with the Romanian reason (for the commission rule)."""
    found: dict[int, str] = {}
    for participant in db.session.scalars(
        sa.select(EvaluationParticipant).where(EvaluationParticipant.sheet_id == sheet.id)
    ):
        found.setdefault(
            participant.user_id,
            "a evaluat în consiliul de administrație"
            if participant.role == "board_member"
            else "a evaluat în catedră/compartiment",
        )
    for user_id, reason in (
        (sheet.department_scored_by_id, "a trecut punctajul catedrei"),
        (sheet.board_scored_by_id, "a trecut punctajul consiliului de administrație"),
        (sheet.evaluator_id, "este evaluatorul"),
        (sheet.countersigner_id, "este contrasemnatarul"),
    ):
        if user_id is not None:
            found.setdefault(user_id, reason)
    return found


def _campaign_contestations(campaign: EvaluationCampaign) -> list[EvaluationContestation]:
    return list(
        db.session.scalars(
            sa.select(EvaluationContestation)
            .join(EvaluationSheet, EvaluationSheet.id == EvaluationContestation.sheet_id)
            .where(EvaluationSheet.campaign_id == campaign.id)
        )
    )


def _commission_problems(campaign: EvaluationCampaign, member_ids: list[int]) -> list[str]:
    problems = []
    if campaign.uses_points and not 3 <= len(member_ids) <= 5:
        problems.append(
            f"Comisia de contestații are {len(member_ids)} membri; trebuie să aibă între 3 și 5 (procedura de evaluare)."
        )
    if not campaign.uses_points and not member_ids:
        problems.append("Comisia de contestații nu are niciun membru.")
    contestations = _campaign_contestations(campaign)
    contestants = {contestation.sheet.employee_id for contestation in contestations}
    for user_id in member_ids:
        user = db.session.get(User, user_id)
        name = str(user)
        if user_id in contestants:
            problems.append(f"{name} nu poate face parte din comisie: a depus contestație în această campanie.")
            continue
        for contestation in contestations:
            reason = _evaluator_ids(contestation.sheet).get(user_id)
            if reason:
                problems.append(
                    f"{name} nu poate face parte din comisie: {reason} pentru {contestation.sheet.employee}, care a contestat."
                )
                break
        else:
            if campaign.uses_points:
                staff = db.session.scalar(
                    sa.select(StaffMember).where(
                        StaffMember.school_id == campaign.school_id,
                        StaffMember.user_id == user_id,
                        StaffMember.category == TEACHING,
                        StaffMember.is_active.is_(True),
                    )
                )
                if staff is None:
                    problems.append(f"{name} nu poate face parte din comisie: nu este cadru didactic al școlii.")
    return problems


def commission_members(campaign: EvaluationCampaign) -> list[EvaluationCommissionMember]:
    """The campaign's current contestation commission."""
    return list(
        db.session.scalars(
            sa.select(EvaluationCommissionMember)
            .where(
                EvaluationCommissionMember.campaign_id == campaign.id, EvaluationCommissionMember.is_active.is_(True)
            )
            .order_by(EvaluationCommissionMember.id)
        )
    )


def commission_problems(campaign: EvaluationCampaign) -> list[str]:
    """Why the campaign's current commission may not solve contestations (Romanian), or []."""
    return _commission_problems(campaign, [member.user_id for member in commission_members(campaign)])


def appoint_commission(
    actor: User,
    campaign: EvaluationCampaign,
    member_ids: Iterable[int],
    *,
    decision_reference: str,
    remote_addr: str | None = None,
) -> list[EvaluationCommissionMember]:
    """The director's decision appointing the contestation commission (R-EVS-11): 3-5 teachers of
    the school, none of whom contested or evaluated a contesting employee. Replaces an earlier
    commission of the campaign (its rows are switched off, not deleted)."""
    _require_manager(actor, campaign.school_id)
    ids = list(dict.fromkeys(int(user_id) for user_id in member_ids))
    for user_id in ids:
        _user_of_school(user_id, campaign.school_id, "Membrul comisiei")
    if not (decision_reference or "").strip():
        raise InvariantViolation(
            "decision_reference_required",
            "Trecți numărul și data deciziei directorului.",
            "The decision reference is required.",
        )
    problems = _commission_problems(campaign, ids)
    if problems:
        raise InvariantViolation("commission_invalid", " ".join(problems), "The commission breaks the rules of 002.")
    with audited(actor, "Numirea comisiei de contestații", remote_addr):
        for member in commission_members(campaign):
            member.is_active = False
        members = [
            EvaluationCommissionMember(
                school_id=campaign.school_id,
                campaign_id=campaign.id,
                user_id=user_id,
                decision_reference=decision_reference.strip(),
                appointed_by_id=actor.id,
            )
            for user_id in ids
        ]
        db.session.add_all(members)
    return members


def file_contestation(
    actor: User,
    sheet: EvaluationSheet,
    *,
    grounds: str,
    filed_on: date | None = None,
    union_observer_requested: bool = False,
    union_observer_name: str | None = None,
    remote_addr: str | None = None,
) -> EvaluationContestation:
    """The employee contests the score/rating (or the secretariat registers their written
    contestation). A late filing is refused, naming the deadline (R-EVS-10, R-EVN-09)."""
    _require_same_school(actor, sheet.school_id)
    if actor.id != sheet.employee_id and not can_act_for_secretariat(actor):
        raise PermissionDenied(
            "not_own_sheet",
            "Doar angajatul evaluat poate contesta calificativul (sau secretariatul " "înregistrează contestația lui).",
            "Only the employee may contest.",
        )
    deadlines = sheet_contestation_deadlines(sheet)
    if deadlines is None:
        raise InvariantViolation(
            "contestation_too_early",
            "Calificativul nu a fost încă adus la cunoștința angajatului: nu se poate contesta.",
            "The rating has not been communicated yet.",
        )
    filing_deadline, solving_deadline = deadlines
    day = filed_on or access.today()
    _not_in_future(day, "Data depunerii")
    if day > filing_deadline:
        if sheet.campaign.uses_points:
            rule = (
                "contestațiile se depun în 2 zile lucrătoare de la expirarea termenului de comunicare a "
                "calificativelor (sâmbăta, duminica și sărbătorile legale nu se numără)"
            )
        else:
            rule = "contestația se formulează în 5 zile calendaristice de la luarea la cunoștință a calificativului"
        raise InvariantViolation(
            "contestation_late",
            f"Contestația nu mai poate fi depusă: termenul a expirat la {_ro(filing_deadline)} ({rule}). "
            f"Data depunerii: {_ro(day)}.",
            f"The filing deadline was {filing_deadline.isoformat()}.",
        )
    if not (grounds or "").strip():
        raise InvariantViolation("grounds_required", "Motivele contestației sunt obligatorii.", "Grounds required.")
    if union_observer_name and not union_observer_requested:
        union_observer_requested = True
    existing = db.session.scalar(
        sa.select(EvaluationContestation.id).where(EvaluationContestation.sheet_id == sheet.id)
    )
    if existing is not None:
        raise InvariantViolation("contestation_exists", "Această fișă a fost deja contestată.", "Already contested.")
    with audited(actor, "Contestație la evaluarea anuală", remote_addr):
        contestation = EvaluationContestation(
            school_id=sheet.school_id,
            sheet_id=sheet.id,
            filed_by_id=actor.id,
            filed_on=day,
            grounds=grounds.strip(),
            filing_deadline=filing_deadline,
            solving_deadline=solving_deadline,
            union_observer_requested=union_observer_requested,
            union_observer_name=(union_observer_name or "").strip() or None,
            state="filed",
        )
        db.session.add(contestation)
    return contestation


def resolve_contestation(
    actor: User,
    contestation: EvaluationContestation,
    *,
    admitted: bool,
    decision_text: str,
    new_score: object = None,
    decided_on: date | None = None,
    union_observer_remarks: str | None = None,
    remote_addr: str | None = None,
) -> EvaluationContestation:
    """The commission's decision (recorded by the director/deputy or a commission member):
    admitted with a new score (teaching: points 0-100; non-teaching: final mark 1-5) and so a new
    rating on the sheet, or rejected (R-EVS-12, R-EVN-09). The commission is checked again."""
    sheet = contestation.sheet
    campaign = sheet.campaign
    _require_same_school(actor, contestation.school_id)
    members = commission_members(campaign)
    member_ids = [member.user_id for member in members]
    if not (can_manage_evaluations(actor) or actor.id in member_ids):
        raise PermissionDenied(
            "not_commission",
            "Decizia o consemnează comisia de contestații sau directorul.",
            "Only the commission or the director records the decision.",
        )
    if actor.id == sheet.employee_id:
        _refuse_own_sheet(actor, sheet)
    if contestation.state != "filed":
        raise InvariantViolation(
            "contestation_decided",
            "Contestația a fost deja soluționată; hotărârea este definitivă.",
            "Already decided.",
        )
    if not members:
        raise InvariantViolation("commission_missing", "Comisia de contestații nu a fost numită.", "No commission.")
    problems = _commission_problems(campaign, member_ids)
    if problems:
        raise InvariantViolation("commission_invalid", " ".join(problems), "The commission breaks the rules of 002.")
    if not (decision_text or "").strip():
        raise InvariantViolation(
            "decision_text_required", "Textul hotărârii comisiei este obligatoriu.", "Decision text required."
        )
    day = _not_in_future(decided_on or access.today(), "Data soluționării")
    if day < contestation.filed_on:
        raise InvariantViolation(
            "decided_before_filing", "Soluționarea nu poate preceda depunerea.", "Decided before filed."
        )
    score = None
    if admitted:
        try:
            if campaign.uses_points:
                score = parse_score(new_score, maximum=TEACHING_SHEET_TOTAL, what="new_score")
            else:
                score = parse_score(new_score, minimum=Decimal(1), maximum=Decimal(5), what="new_score")
        except (ValueError, TypeError):
            limits = "între 0 și 100" if campaign.uses_points else "între 1 și 5"
            raise InvariantViolation(
                "new_score_invalid",
                f"O contestație admisă are nevoie de noul punctaj ({limits}, cu cel mult două zecimale).",
                "An admitted contestation needs the new score.",
            ) from None
    with audited(actor, "Soluționarea contestației", remote_addr):
        contestation.previous_score = sheet.final_score if campaign.uses_points else sheet.final_mark
        contestation.previous_rating = sheet.rating
        contestation.state = "admitted" if admitted else "rejected"
        contestation.decided_on = day
        contestation.decided_by_id = actor.id
        contestation.decision_text = decision_text.strip()
        contestation.union_observer_remarks = (union_observer_remarks or "").strip() or None
        if not campaign.uses_points:
            contestation.result_due_on = non_teaching_result_deadline(day)
        if admitted:
            contestation.new_score = score
            if campaign.uses_points:
                sheet.final_score = score
                sheet.rating = teaching_rating(score)
            else:
                sheet.final_mark = score
                sheet.rating = non_teaching_rating(score)
            contestation.new_rating = sheet.rating
    return contestation


def record_contestation_result_communicated(
    actor: User, contestation: EvaluationContestation, *, communicated_on: date, remote_addr: str | None = None
) -> EvaluationContestation:
    """The contestation's result reached the employee (non-teaching: within 5 days, R-EVN-09)."""
    _require_same_school(actor, contestation.school_id)
    if not (can_manage_evaluations(actor) or can_act_for_secretariat(actor)):
        raise PermissionDenied(
            "communication_denied",
            "Comunicarea o consemnează directorul sau secretariatul.",
            "Only the director or the secretariat records the communication.",
        )
    if contestation.state == "filed":
        raise InvariantViolation(
            "contestation_not_decided", "Contestația nu a fost încă soluționată.", "Not decided yet."
        )
    _not_in_future(communicated_on, "Data comunicării")
    if communicated_on < contestation.decided_on:
        raise InvariantViolation(
            "communication_before_decision",
            "Comunicarea nu poate preceda soluționarea.",
            "Communicated before the decision.",
        )
    with audited(actor, "Comunicarea rezultatului contestației", remote_addr):
        contestation.result_communicated_on = communicated_on
    return contestation
