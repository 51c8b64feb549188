"""The grading rules engine: every regulation rule as a pure function.

Pure: no Flask, no database, no I/O. Numbers are ``int`` or ``decimal.Decimal``;
a ``float`` raises ``TypeError`` and an out-of-range value (a mark of 0 or 11)
raises ``ValueError`` (see ``schema.rules.validation``). The regulation's arithmetic
lives in named, versioned rule-sets (``schema.rules.rulesets``). docs/rules.md lists
each rule with its article, its function and its test.
"""

from schema.rules.absences import (
    deferral_flag,
    motivation_in_time,
    parent_hours_excusable,
    parent_hours_left,
    parent_subject_hours_excusable,
    parent_subject_hours_limit,
)
from schema.rules.averages import (
    annual_average,
    annual_average_from_marks,
    annual_behaviour_average,
    general_average,
    module_average,
    period_average,
    periodic_evaluation_average,
)
from schema.rules.behaviour import (
    HIGHEST_BEHAVIOUR_MARK,
    behaviour_proposal,
    behaviour_reduction,
    needs_council_validation,
    subjects_over_share,
    written_reprimands,
)
from schema.rules.calificative import CALIFICATIVE, as_calificativ, calificativ_rank
from schema.rules.exams import (
    MediationRequired,
    contestation_outcome,
    exam_average,
    exam_passed,
    examiner_final_mark,
    reexamination_allowed,
)
from schema.rules.marks import min_marks, min_marks_per_year, minimum_marks
from schema.rules.primary import primary_annual_candidates, primary_period_candidates
from schema.rules.rewards import prizes
from schema.rules.rounding import mean, round_fav, round_half_up_2, round_in_favour, trunc2
from schema.rules.rulesets import (
    DEFAULT_RULESET,
    ROFUIP2016,
    ROFUIP2022,
    ROFUIP2024,
    RULESETS,
    RuleSet,
    get_ruleset,
)
from schema.rules.sanctions import notice_of_expulsion_due
from schema.rules.staff import (
    add_working_days,
    non_teaching_contestation_deadlines,
    non_teaching_rating,
    non_teaching_result_deadline,
    teaching_contestation_deadlines,
    teaching_staff_rating,
)
from schema.rules.status import (
    AMANAT,
    CORIGENT,
    PROMOVAT,
    REPETENT,
    YearStatus,
    as_grade,
    behaviour_failed,
    subject_failed,
    year_status,
)
from schema.rules.validation import MAX_MARK, MIN_MARK, as_mark

__all__ = [
    "HIGHEST_BEHAVIOUR_MARK",
    "AMANAT",
    "CALIFICATIVE",
    "CORIGENT",
    "DEFAULT_RULESET",
    "MAX_MARK",
    "MIN_MARK",
    "PROMOVAT",
    "REPETENT",
    "ROFUIP2016",
    "ROFUIP2022",
    "ROFUIP2024",
    "RULESETS",
    "MediationRequired",
    "RuleSet",
    "YearStatus",
    "add_working_days",
    "annual_average",
    "annual_average_from_marks",
    "annual_behaviour_average",
    "as_calificativ",
    "as_grade",
    "as_mark",
    "behaviour_failed",
    "behaviour_proposal",
    "behaviour_reduction",
    "calificativ_rank",
    "contestation_outcome",
    "deferral_flag",
    "exam_average",
    "exam_passed",
    "examiner_final_mark",
    "general_average",
    "get_ruleset",
    "mean",
    "min_marks",
    "min_marks_per_year",
    "minimum_marks",
    "module_average",
    "motivation_in_time",
    "needs_council_validation",
    "non_teaching_contestation_deadlines",
    "non_teaching_rating",
    "non_teaching_result_deadline",
    "notice_of_expulsion_due",
    "parent_hours_excusable",
    "parent_hours_left",
    "parent_subject_hours_excusable",
    "parent_subject_hours_limit",
    "period_average",
    "periodic_evaluation_average",
    "primary_annual_candidates",
    "primary_period_candidates",
    "prizes",
    "reexamination_allowed",
    "round_fav",
    "round_half_up_2",
    "round_in_favour",
    "subject_failed",
    "subjects_over_share",
    "teaching_contestation_deadlines",
    "teaching_staff_rating",
    "trunc2",
    "written_reprimands",
    "year_status",
]
