"""One way for a page with a form to answer: show it; on a valid submit act and redirect; on
invalid input show it again, with a message at each field, and a 400."""

from collections.abc import Callable

from flask import request
from flask.typing import ResponseReturnValue

from .errors import ValidationError
from .extensions import db


def form_page(
    render: Callable[[dict], str], act: Callable[[], ResponseReturnValue]
) -> ResponseReturnValue:
    """`render(errors)` draws the page; `act()` parses, changes and returns the redirect."""
    errors: dict = {}
    if request.method == "POST":
        try:
            return act()
        except ValidationError as error:
            db.session.rollback()  # the page shows what is stored, not a half-made change
            errors = error.fields
    return render(errors), (400 if errors else 200)
