"""One exception type for every rule a person can break, with a translated message.

Services raise AppError; the API turns it into `{"error": {...}}`, pages into a message.
"""

from datetime import UTC, datetime

from flask import jsonify, make_response, render_template, request
from flask_babel import format_time
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from .extensions import db, limiter
from .i18n import _, _l


class AppError(Exception):
    """A refused request: machine code, HTTP status and a message for the person."""

    def __init__(self, code: str, status: int, message, fields: dict | None = None):
        super().__init__(code)
        self.code = code
        self.status = status
        self.message = message
        self.fields = fields or {}

    def to_dict(self) -> dict:
        body = {"code": self.code, "message": str(self.message)}
        if self.fields:
            body["fields"] = {name: str(text) for name, text in self.fields.items()}
        return {"error": body}


class ValidationError(AppError):
    """Invalid input, with a message per field."""

    def __init__(self, fields: dict):
        first = next(iter(fields.values()))
        super().__init__("invalid_input", 400, first, fields)


# Messages for the HTTP errors Flask itself raises, per status.
_HTTP_MESSAGES = {
    400: _l("The request could not be understood. Please try again."),
    401: _l("Please open your join link or use your recovery code first."),
    403: _l("You are not allowed to do this."),
    404: _l("This page does not exist."),
    405: _l("This action is not possible here."),
    413: _l("What you sent is too large."),
    429: _l("Too many attempts. Please wait a moment and try again."),
}
_HTTP_CODES = {
    400: "bad_request",
    401: "not_signed_in",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "too_many_attempts",
}


def wants_json() -> bool:
    """API requests get JSON errors; everything else gets a page."""
    return request.path.startswith("/api/")


def error_response(error: AppError):
    """Answer an AppError as JSON for the API or as a page for people."""
    if wants_json():
        return jsonify(error.to_dict()), error.status
    return render_template("errors/error.html", error=error), error.status


def database_unavailable(_error: Exception | None = None):
    """The database is locked past the busy timeout, or cannot be reached: a 503 that says to
    try again in a moment, never a bare 500. Nothing of the request was stored."""
    db.session.rollback()
    message = _("The app is very busy right now. Please try again in a moment.")
    response = make_response(error_response(AppError("busy", 503, message)))
    response.headers["Retry-After"] = "2"
    return response


def init_app(app) -> None:
    @app.errorhandler(AppError)
    def _app_error(error: AppError):
        return error_response(error)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        message = _("This form has expired. Please go back, reload the page and try again.")
        return error_response(AppError("csrf_failed", 400, message))

    # SQLite waits SQLITE_BUSY_TIMEOUT_MS for the write lock; PostgreSQL may be restarting.
    app.register_error_handler(OperationalError, database_unavailable)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        status = error.code or 500
        if status >= 500:
            db.session.rollback()  # so the error page itself can still read the database
        message = _HTTP_MESSAGES.get(status, _l("Something went wrong. Please try again later."))
        if status == 429 and limiter.current_limit is not None:
            retry_at = datetime.fromtimestamp(limiter.current_limit.reset_at, UTC)
            message = _(
                "Too many attempts. Please try again after %(time)s.",
                time=format_time(retry_at, "short"),
            )
        response = error_response(AppError(_HTTP_CODES.get(status, "error"), status, message))
        if status == 405 and error.valid_methods:
            response[0].headers["Allow"] = ", ".join(error.valid_methods)
        return response
