"""The public interface of schema.rules: names, docstrings with citations, purity."""

import ast
import inspect
import re
import subprocess
import sys
from pathlib import Path

import schema.rules

RULES_DIR = Path(schema.rules.__file__).parent
CONTRACT = [
    "trunc2",
    "round_in_favour",
    "period_average",
    "annual_average",
    "annual_average_from_marks",
    "general_average",
    "min_marks",
    "behaviour_reduction",
    "behaviour_proposal",
    "year_status",
    "YearStatus",
    "examiner_final_mark",
    "exam_average",
    "MediationRequired",
    "contestation_outcome",
    "deferral_flag",
    "motivation_in_time",
    "parent_hours_left",
    "primary_period_candidates",
    "prizes",
]
CITATION = re.compile(r"Art\. \d|decisions\.md|ROFUIP|\b00[0-4] \"|R-[A-Z]{2,3}-\d|OME")


def test_contract_names_are_exported() -> None:
    missing = [name for name in CONTRACT if not hasattr(schema.rules, name)]
    assert missing == []
    assert set(CONTRACT) <= set(schema.rules.__all__)


def test_every_export_exists() -> None:
    assert [name for name in schema.rules.__all__ if not hasattr(schema.rules, name)] == []


def test_every_public_function_states_its_rule_and_cites_it() -> None:
    uncited = []
    for name in schema.rules.__all__:
        value = getattr(schema.rules, name)
        if inspect.isfunction(value) or inspect.isclass(value):
            doc = inspect.getdoc(value) or ""
            if value.__module__.endswith(("validation", "rounding")) and name in {"as_mark", "mean"}:
                continue  # helpers, not rules
            if not CITATION.search(doc):
                uncited.append(name)
    assert uncited == []


def test_the_engine_does_no_io_and_imports_no_framework() -> None:
    code = (
        "import sys, schema.rules; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'flask', 'sqlalchemy', 'socket', 'sqlite3', 'requests', 'urllib3'}); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=RULES_DIR.parent.parent, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_no_float_arithmetic_in_the_engine() -> None:
    # Floats must never enter the arithmetic: no float literals and no float() calls in the code.
    offenders = []
    for path in sorted(RULES_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                offenders.append(f"{path.name}:{node.lineno}: float literal {node.value}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float":
                offenders.append(f"{path.name}:{node.lineno}: float() call")
    assert offenders == []
