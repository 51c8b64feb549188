"""Schemathesis against /api/v1/openapi.json of a live portal: every operation (reads and
writes) with a bounded number of generated requests (MAX_EXAMPLES each), signed with a teacher's
read_write token. No answer may be a 500, and every answer must match the document (status,
content type, headers, body schema), with schemathesis's default checks.

schemathesis 4.32.5's pytest integration (`schemathesis.pytest.from_fixture`) fails under
pytest 9 (it reads `Function._nodeid`), so the operations are run here with hypothesis
directly, one `@given` per operation, which is what that integration does.
"""

from __future__ import annotations

import requests
import schemathesis
from hypothesis import HealthCheck, given, settings

MAX_EXAMPLES = 5


def test_api_conforms_to_its_openapi_document(live_api):
    schema = schemathesis.openapi.from_url(live_api.base_url + "/api/v1/openapi.json", verify=live_api.cert)
    session = requests.Session()
    session.verify = live_api.cert
    session.headers["Authorization"] = f"Bearer {live_api.tokens['teacher']}"
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        def run(case) -> None:
            case.call_and_validate(base_url=live_api.base_url, session=session, verify=live_api.cert)

        try:
            run()
        except Exception as error:  # noqa: BLE001 (collect every operation's failure, then report)
            failures[operation.label] = f"{type(error).__name__}: {error}"[:3000]
    session.close()
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
