"""Hand-typed junk in the communication pages' URLs answers 403/404, never a server error."""

from __future__ import annotations

import pytest

HUGE = "9" * 25


@pytest.mark.parametrize(
    "url", [f"/observatii/clasa/{HUGE}", f"/terminar/{HUGE}", "/observatii/clasa/0", "/terminar/0"]
)
def test_out_of_range_ids_are_not_found(app, school, client_for, url):
    for user in (school.class_master, school.teacher, school.director):
        assert client_for(user).get(url).status_code in (403, 404), (user, url)


@pytest.mark.parametrize(
    "url", [f"/observatii/{HUGE}/sterge", f"/anunturi/{HUGE}/retrage", f"/terminar/lucrare/{HUGE}/anulare"]
)
def test_posts_to_missing_rows_are_not_found(app, school, client_for, url):
    from tests.communication.conftest import csrf

    client = client_for(school.teacher)
    token = csrf(client, "/anunturi/nou")
    assert client.post(url, data={"csrf_token": token, "reason": "x"}).status_code == 404
