"""Jobs as the RQ worker runs them (`flask --app wsgi worker` or a plain `rq worker aankomst`):
each runs inside an app built once per worker process, from the environment."""

from flask import Flask, has_app_context

_app: Flask | None = None


def send_push_messages(message_ids: list[int]) -> str:
    """Send queued push messages (enqueued by the push feature after its change committed)."""
    from .push.jobs import send_messages

    if has_app_context():
        return send_messages(message_ids)
    global _app
    if _app is None:
        from . import create_app

        _app = create_app()
    with _app.app_context():
        return send_messages(message_ids)
