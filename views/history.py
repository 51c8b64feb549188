"""(skeleton; being written)"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_security import auth_required

bp = Blueprint("history", __name__, url_prefix="/istoric", template_folder="templates")


@bp.get("/")
@auth_required()
def index() -> Any:
    return "în lucru"
