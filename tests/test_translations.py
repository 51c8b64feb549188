"""Romanian first (issue 5, item 8): our own `ro` catalogs (translations/) for Flask-Admin and
Flask-Security are complete, compile to the committed .mo files and use comma-below ș ț; the
pages show them; English only after an explicit `?lang=en`."""

from __future__ import annotations

import importlib
import io
import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from portal.i18n import TRANSLATIONS_DIR
from security import policy
from tests.factories import make_school
from tests.security.access_helpers import login_as
from tests.security.helpers import (
    GOOD_PASSWORD,
    captured_code,
    csrf_token,
    https_client,
    login,
    make_person,
    post_form,
    prepare_account,
)

CATALOGS = sorted((TRANSLATIONS_DIR / "ro" / "LC_MESSAGES").glob("*.po"))
CEDILLA = "\u015f\u0163\u015e\u0162"  # ş ţ Ş Ţ; Romanian uses ș ț Ș Ț (U+0219 U+021B U+0218 U+021A)


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def _ids(catalog) -> set[str]:
    return {message.id if isinstance(message.id, str) else message.id[0] for message in catalog if message.id}


def _visible(response) -> str:
    """The page as the browser shows it, JSON-escaped script strings (Flask-Admin's) decoded."""
    html = response.get_data(as_text=True)
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda match: chr(int(match.group(1), 16)), html)


def _library_catalog(package: str, relative: str):
    module = importlib.import_module(package)
    return _read(Path(module.__file__).parent / relative)


# --- the catalogs ---------------------------------------------------------------------------
def test_the_domains_we_ship():
    """Nothing of ours is wrapped in gettext yet (our templates are written in Romanian), so there is
    no `messages` catalog; `make translations-extract` creates its template when there is."""
    assert {path.stem for path in CATALOGS} == {"admin", "flask_security"}


@pytest.mark.parametrize("po_path", CATALOGS, ids=[path.stem for path in CATALOGS])
def test_every_message_is_translated_checked_and_compiled(po_path):
    catalog = _read(po_path)
    assert str(catalog.locale) == "ro"
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        assert all(_strings(message)), f"untranslated: {message.id!r}"
    problems = [(message.id, errors) for message, errors in catalog.check() if errors]
    assert problems == []  # placeholders (%(name)s) match their msgid
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert compiled.getvalue() == po_path.with_suffix(".mo").read_bytes(), "run `make translations` and commit the .mo"


@pytest.mark.parametrize("po_path", CATALOGS, ids=[path.stem for path in CATALOGS])
def test_no_cedilla_s_or_t_in_any_translation(po_path):
    bad = [(message.id, text) for message in _read(po_path) if message.id
           for text in _strings(message) if set(text) & set(CEDILLA)]
    assert bad == []


def test_our_catalogs_cover_every_message_of_the_installed_libraries():
    """A library upgrade that adds strings fails here until the catalog is updated."""
    ours = {path.stem: _ids(_read(path)) for path in CATALOGS}
    assert _ids(_library_catalog("flask_admin", "translations/ro/LC_MESSAGES/admin.po")) <= ours["admin"]
    assert _ids(_library_catalog("flask_security", "translations/flask_security.pot")) <= ours["flask_security"]


# --- Flask-Admin ----------------------------------------------------------------------------
def test_the_admin_list_page_is_in_correct_romanian(app, school):
    client = login_as(app, school.administrator)
    response = client.get("/admin/subjects/")
    assert response.status_code == 200
    page = _visible(response)
    for text in ("Creează", "Adaugă filtru", "Exportă CSV", "Cu cele selectate", "Caută", "Sigur ștergeți"):
        assert text in page, text
    assert ">Crea<" not in page and "Adauga filtru" not in page and "Add Filter" not in page
    assert not set(page) & set(CEDILLA)


def _submit_a_bad_learning_period(client, query: str = "") -> str:
    """The period form with the year and name missing and words in the number fields."""
    url = f"/admin/learning_periods/new/{query}"
    form = client.get(url)
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_token(html), "ordinal": "unu", "teaching_weeks": "x",
                                      "starts_on": "mâine"})
    assert response.status_code == 200  # the form again, with the errors
    return html + response.get_data(as_text=True)


def test_admin_form_validation_messages_are_romanian(app, school):
    page = _submit_a_bad_learning_period(login_as(app, school.administrator))
    assert 'value="Salvează"' in page and "Renunță" in page
    assert "Înregistrarea nu a putut fi creată." in page  # Flask-Admin's flash, our `admin` catalog
    assert "obligatoriu." in page  # the missing year and name
    assert "Număr întreg invalid." in page and "Valoarea pentru dată este invalidă." in page  # WTForms' `ro`
    for english in ("This field is required.", "Not a valid integer value.", "Failed to create record."):
        assert english not in page


def test_admin_form_validation_messages_follow_lang_en(app, school):
    page = _submit_a_bad_learning_period(login_as(app, school.administrator), "?lang=en")
    assert "Failed to create record." in page and "Not a valid integer value." in page
    assert "Număr întreg invalid." not in page


# --- Flask-Security -------------------------------------------------------------------------
@pytest.fixture
def bare_school(app):
    return make_school()


def test_the_two_factor_pages_are_romanian(app, bare_school):
    teacher = make_person(bare_school, policy.TEACHER)
    client = https_client(app)
    assert "/tf-setup" in login(client, teacher.email, GOOD_PASSWORD).headers["Location"]
    setup = client.get("/tf-setup").get_data(as_text=True)
    assert "Alegeți cum primiți codul" in setup
    assert "Metoda folosită acum" not in setup  # no method yet: Flask-Security's "none" is not shown
    assert not re.search(r"\bnone\b", setup)

    configured = make_person(bare_school, policy.TEACHER)
    prepare_account(configured, two_factor="email")
    client = https_client(app)
    response, _code = captured_code(app, lambda: login(client, configured.email, GOOD_PASSWORD))
    assert "/tf-validate" in response.headers["Location"]
    validate = client.get("/tf-validate").get_data(as_text=True)
    assert "Introduceți codul obținut prin: e-mail." in validate


def test_the_rescue_mail_to_the_administrator_is_romanian(app, bare_school):
    teacher = make_person(bare_school, policy.TEACHER)
    prepare_account(teacher, two_factor="email")
    client = https_client(app)
    captured_code(app, lambda: login(client, teacher.email, GOOD_PASSWORD))
    with app.extensions["mail"].record_messages() as outbox:
        response = post_form(client, "/tf-rescue", {"help_setup": "help"}, form_url="/tf-validate")
    assert response.status_code == 200
    assert len(outbox) == 1
    assert f"{teacher.email} nu are acces la căsuța de e-mail" in outbox[0].body
    assert "can not access" not in outbox[0].body + outbox[0].html


def _form_labels(app, url: str) -> dict[str, str]:
    from flask_security.forms import ChangePasswordForm, LoginForm, TwoFactorVerifyCodeForm

    # A fresh app context: Flask-Babel caches the locale in `g`.
    with app.app_context(), app.test_request_context(url, base_url="https://localhost"):
        login_form, code_form, change_form = LoginForm(), TwoFactorVerifyCodeForm(), ChangePasswordForm()
        return {
            "email": str(login_form.email.label.text),
            "password": str(login_form.password.label.text),
            "code": str(code_form.code.label.text),
            "new_password": str(change_form.new_password.label.text),
        }


def test_flask_security_form_labels_are_romanian_and_english_on_request(app):
    assert _form_labels(app, "/login") == {"email": "Adresa de e-mail", "password": "Parola",
                                           "code": "Codul de autentificare", "new_password": "Parola nouă"}
    assert _form_labels(app, "/login?lang=en") == {"email": "Email Address", "password": "Password",
                                                   "code": "Authentication Code", "new_password": "New Password"}


# --- the language choice --------------------------------------------------------------------
def test_an_english_only_browser_still_gets_romanian(app, school):
    client = login_as(app, school.administrator)
    page = _visible(client.get("/admin/subjects/", headers={"Accept-Language": "en-US,en;q=0.9"}))
    assert "Creează" in page and ">Create<" not in page


def test_lang_en_switches_to_english_for_the_session_and_lang_ro_back(app, school):
    client = login_as(app, school.administrator)
    english = _visible(client.get("/admin/subjects/?lang=en"))
    assert "Add Filter" in english and "With selected" in english and "Creează" not in english
    assert "Add Filter" in _visible(client.get("/admin/subjects/"))  # kept in the session
    assert "Adaugă filtru" in _visible(client.get("/admin/subjects/?lang=ro"))
    assert "Adaugă filtru" in _visible(client.get("/admin/subjects/"))


def test_an_unknown_language_falls_back_to_romanian(app, school):
    client = login_as(app, school.administrator)
    assert "Adaugă filtru" in _visible(client.get("/admin/subjects/?lang=de"))


def test_lang_en_reaches_flask_security_too(app, bare_school):
    teacher = make_person(bare_school, policy.TEACHER)
    prepare_account(teacher, two_factor="email")
    client = https_client(app)
    captured_code(app, lambda: login(client, teacher.email, GOOD_PASSWORD))
    assert "obținut prin: email." in client.get("/tf-validate?lang=en").get_data(as_text=True)
    assert "obținut prin: e-mail." in client.get("/tf-validate?lang=ro").get_data(as_text=True)

