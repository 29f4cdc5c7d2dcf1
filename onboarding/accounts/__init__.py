"""Newcomer accounts: joining with a code, device sessions, recovery, export and erasure."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps

from flask import Flask, current_app, g, redirect, request, session, url_for
from sqlalchemy import Label
from sqlalchemy.orm import InstrumentedAttribute

from ..errors import AppError, wants_json
from ..i18n import _
from .services import (
    SignedIn,
    end_session,
    newcomer_for_session,
    session_lookup,
    start_session,
)

SESSION_KEY = "sid"
SESSION_LOOKUP = "aankomst_session_lookup"
# Sent when a device is forgotten or the account deleted: the browser drops caches and storage.
CLEAR_SITE_DATA = '"cache", "storage"'


@dataclass(frozen=True)
class SettingsSection:
    """A part of the settings page that a feature above accounts adds (reminders, say):
    `context(newcomer)` gives its template what it shows."""

    name: str
    template: str
    context: Callable[[object], dict]


def add_settings_section(app: Flask, section: SettingsSection) -> None:
    app.extensions.setdefault("aankomst_settings_sections", []).append(section)


def settings_sections() -> list[SettingsSection]:
    return current_app.extensions.get("aankomst_settings_sections", [])


def load_newcomer() -> None:
    """Before each request: who is signed in on this device, if anyone (static files skip
    the database), with what its view reads along (`reads_with_session`)."""
    if request.endpoint == "static":
        g.newcomer = None
        return
    view = current_app.view_functions.get(request.endpoint)
    signed_in = newcomer_for_session(session.get(SESSION_KEY), getattr(view, SESSION_LOOKUP, None))
    g.newcomer = signed_in.newcomer
    g.read_with_session = signed_in
    if signed_in.renewed:
        session.modified = True  # the cookie's expiry moves with the session's


def reads_with_session(*columns: InstrumentedAttribute, values: Sequence[Label] = ()) -> Callable:
    """Mark a view that only shows, on a page every visit opens: `values` of the signed-in
    person (labelled scalar subqueries) and their rows of one table (`columns` of it) are read
    in the query that finds the session (see `SessionLookup`), and `read_with_session()` gives
    them to the view. In such a view `g.newcomer` is a read-only row of the newcomer's columns,
    not a tracked object: read its columns, never its relationships."""
    lookup = session_lookup(*columns, values=values)

    def mark(view: Callable) -> Callable:
        setattr(view, SESSION_LOOKUP, lookup)
        return view

    return mark


def read_with_session() -> SignedIn:
    """What `reads_with_session` had read for this request's view, with the session."""
    return g.read_with_session


def sign_in(newcomer) -> None:
    """Start a fresh session (a new id, so nothing from before carries over)."""
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = start_session(newcomer)
    session["lang"] = newcomer.language
    g.newcomer = newcomer
    g.read_with_session = SignedIn(newcomer)


def sign_out() -> None:
    """End this device's session; only the language choice stays in the cookie."""
    end_session(session.get(SESSION_KEY))
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    g.newcomer = None
    g.read_with_session = SignedIn(None)


def newcomer_required(view):
    """Views for signed-in newcomers: 401 in the API, the start page otherwise."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("newcomer") is None:
            if wants_json():
                raise AppError(
                    "not_signed_in",
                    401,
                    _("Please open your join link or use your recovery code first."),
                )
            return redirect(url_for("checklist.home"))
        return view(*args, **kwargs)

    return wrapper


def already_signed_in_error() -> AppError:
    """Joining again on a phone that is signed in would leave a checklist behind."""
    return AppError(
        "already_signed_in",
        409,
        _(
            "You are already signed in on this phone. To join again, first choose "
            "“Forget this device” in your settings."
        ),
    )


def init_app(app) -> None:
    """Declare what an account keeps about a person (sessions and recovery links go with it)."""
    from ..personal_data import PersonalData, register
    from .models import DeviceSession, Newcomer, RecoveryToken
    from .services import export_account

    register(
        app, PersonalData("accounts", (Newcomer, DeviceSession, RecoveryToken), export_account)
    )
