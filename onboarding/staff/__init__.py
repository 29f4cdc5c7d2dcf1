"""Staff: housing coordinators and municipality admins, their sessions, roles and audit log."""

from functools import wraps

from flask import g, redirect, request, session, url_for

from ..errors import wants_json
from .services import (
    end_staff_session,
    forbidden_error,
    not_signed_in_error,
    staff_for_session,
    start_staff_session,
)

STAFF_SESSION_KEY = "staff_sid"


def load_staff() -> None:
    """Before each request: the staff member signed in on this browser, if any."""
    g.staff = (
        None if request.endpoint == "static" else staff_for_session(session.get(STAFF_SESSION_KEY))
    )


def sign_in_staff(staff) -> None:
    """A new session id at every login, and a new CSRF secret with it."""
    end_staff_session(session.get(STAFF_SESSION_KEY))
    session.pop("csrf_token", None)
    session.permanent = True
    session[STAFF_SESSION_KEY] = start_staff_session(staff)
    g.staff = staff


def sign_out_staff() -> None:
    """End the staff session; a newcomer session on the same browser is left alone."""
    end_staff_session(session.pop(STAFF_SESSION_KEY, None))
    g.staff = None


def staff_required(admin: bool = False):
    """Views for signed-in staff (401, or the login page); `admin` also demands that role."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if g.get("staff") is None:
                if wants_json():
                    raise not_signed_in_error()
                return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
            if admin and not g.staff.is_admin:
                raise forbidden_error()
            return view(*args, **kwargs)

        return wrapper

    return decorator
