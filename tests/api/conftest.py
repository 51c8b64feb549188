"""The API scenario suite runs over HTTPS against a live portal: a werkzeug server in a thread
(as tests/browser/conftest.py does), on a fresh database of the selected backend, with
`requests` verifying the server's self-signed certificate. "Today" is frozen inside semester I."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
import requests

from schema.models import Enrolment, Guardian, StudentGuardian
from tests.live_server import LiveServer, serving

API_DAY = date(2025, 11, 20)


@dataclass
class LiveApi(LiveServer):
    """The running portal, the people of the scenarios (ids) and their tokens."""

    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def call(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return requests.request(method, self.base_url + path, headers=headers, verify=self.cert, timeout=30, **kwargs)

    def context(self) -> Any:
        return self.app.app_context()


def _build(live: LiveApi) -> None:
    """The fixture school (tests/factories.build_school), a second student in a V-a A, a parent of
    the first one only, and read_write tokens for the teacher, the class master and the
    administrator (with two-factor set up), a read token for the parent."""
    from schema.operations.api_tokens import create_token
    from security import policy
    from tests.factories import _save, build_school, make_student
    from tests.security.helpers import make_person, prepare_account

    built = build_school()
    other = make_student(built.school, last_name="Barbu", first_name="Călin")
    other_enrolment = _save(Enrolment(school_id=built.school.id, student_id=other.id, year_id=built.year.id,
                                      class_id=built.school_class.id, starts_on=date(2025, 9, 8)))
    parent = make_person(built.school, policy.PARENT, first_name="Mihaela", last_name="Ionescu")
    guardian = _save(Guardian(school_id=built.school.id, last_name="Ionescu", first_name="Mihaela", user_id=parent.id,
                              phone="0722000000"))
    _save(StudentGuardian(school_id=built.school.id, student_id=built.student.id, guardian_id=guardian.id, kind="mama"))
    for user in (built.teacher, built.class_master, built.administrator, built.other_teacher, built.director):
        prepare_account(user)
    prepare_account(parent, two_factor=None)
    for who, user, scope in (("teacher", built.teacher, "read_write"), ("class_master", built.class_master, "read_write"),
                             ("administrator", built.administrator, "read_write"),
                             ("other_teacher", built.other_teacher, "read_write"),
                             ("director", built.director, "read"), ("parent", parent, "read")):
        token, secret = create_token(user, name=f"test {who}", scope=scope)
        live.tokens[who] = secret
        live.ids[f"{who}_token"] = token.id
        live.ids[who] = user.id
    live.ids.update(
        school=built.school.id, year=built.year.id, semester1=built.semester1.id, semester2=built.semester2.id,
        school_class=built.school_class.id, other_class=built.other_class.id, maths=built.maths.id,
        romanian=built.romanian.id, maths_subject=built.maths.subject_id, student=built.student.id,
        enrolment=built.enrolment.id, other_student=other.id, other_enrolment=other_enrolment.id,
        guardian=guardian.id,
    )


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory):
    with serving(tmp_path_factory.mktemp("live-api"), today=API_DAY, kind=LiveApi, build=_build) as live:
        yield live
