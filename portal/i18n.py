"""Romanian first (issue 5, item 8). Our own `ro` catalogs live in translations/ro/LC_MESSAGES/:
`admin` (Flask-Admin), `flask_security` (Flask-Security, which ships no Romanian) and, for strings
of ours wrapped in gettext, `messages`. WTForms' own `ro` catalog serves the validation messages.

The locale is Romanian unless the user explicitly chooses English with `?lang=en`; the choice is
kept in the session until `?lang=ro`. The browser's Accept-Language is ignored on purpose: the
portal's own pages are written in Romanian only, so following an English-only browser would mix
English library strings into Romanian pages.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, has_request_context, request, session

#: translations/ at the top of the project (compiled .mo files are committed; `make translations`).
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
DEFAULT_LANGUAGE = "ro"
LANGUAGES = ("ro", "en")
#: Query parameter and session key of the user's explicit choice.
LANGUAGE_KEY = "lang"


def init_app(app: Flask) -> None:
    """Point Flask-Babel, Flask-Security and Flask-Admin at our catalogs and remember `?lang=`.
    Call before Flask-Security's init_app (it reads SECURITY_I18N_DIRNAME there) and before
    Babel's init_app (BABEL_TRANSLATION_DIRECTORIES)."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    # Ours last: Flask-Babel merges the directories in order and the later catalog wins.
    app.config.setdefault("SECURITY_I18N_DIRNAME", ["builtin", str(TRANSLATIONS_DIR)])
    _prefer_our_admin_catalog()
    app.before_request(remember_language)


def select_locale() -> str:
    """Flask-Babel's locale selector: the explicit choice of this request or of the session,
    otherwise Romanian (also outside requests: CLI, cron, e-mails sent from scripts)."""
    if has_request_context():
        choice = request.args.get(LANGUAGE_KEY) or session.get(LANGUAGE_KEY)
        if choice in LANGUAGES:
            return choice
    return DEFAULT_LANGUAGE


def remember_language() -> None:
    """Keep `?lang=en` for the next pages; `?lang=ro` goes back to the default."""
    choice = request.args.get(LANGUAGE_KEY)
    if choice not in LANGUAGES:
        return
    if choice == DEFAULT_LANGUAGE:
        session.pop(LANGUAGE_KEY, None)
    elif session.get(LANGUAGE_KEY) != choice:
        session[LANGUAGE_KEY] = choice


def _prefer_our_admin_catalog() -> None:
    """Make our `admin` catalog win over the one Flask-Admin ships.

    `Admin(translations_path=...)` does not do it: Flask-Admin's domain lists that path *before*
    its own translations directory, and Flask-Babel merges catalogs in order with the later one
    winning, so the shipped `ro` (cedilla ş ţ, "Crea", "Adauga filtru") overrides ours message by
    message. Flask-Admin's gettext functions are bound to one module-level domain object, so its
    directory list is extended with ours last. The shipped catalog stays first as a fallback for
    strings a future Flask-Admin adds (tests/test_translations.py checks ours covers them all).
    """
    from flask_admin import babel as admin_babel

    domain = getattr(admin_babel, "domain", None)
    if domain is None:  # Flask-Babel not installed: Flask-Admin runs untranslated
        return
    ours = str(TRANSLATIONS_DIR)
    directories = list(domain._translation_directories or [])
    if ours not in directories:
        domain._translation_directories = [*directories, ours]
        domain.cache.clear()
