"""Sending new messages right away without slowing the request that caused them: an RQ job
when REDIS_URL is set (run by `flask --app wsgi worker` or `rq worker`), otherwise after the
response, in the same process. What cannot go now (quiet hours) waits for `reminders send`."""

import logging

from flask import after_this_request, current_app, has_app_context, has_request_context

QUEUE = "aankomst"
log = logging.getLogger(__name__)


def redis_connection(url: str):
    from redis import Redis

    return Redis.from_url(url)


def push_queue(url: str):
    from rq import Queue

    return Queue(QUEUE, connection=redis_connection(url))


def dispatch(message_ids: list[int]) -> None:
    """Send these messages as soon as possible, off the request's path."""
    if not message_ids:
        return
    url = current_app.config.get("REDIS_URL")
    if url:
        try:
            push_queue(url).enqueue(send_messages, message_ids, job_timeout=300)
            return
        except Exception:  # Redis down: still deliver, from this process
            log.warning("could not queue push job; sending in-process", exc_info=True)
    if has_request_context():
        app = current_app._get_current_object()

        @after_this_request
        def _after(response):
            response.call_on_close(lambda: _send_with(app, message_ids))
            return response

    else:
        send_messages(message_ids)


def _send_with(app, message_ids: list[int]) -> None:
    with app.app_context():
        send_messages(message_ids)


_worker_app = None


def send_messages(message_ids: list[int]) -> str:
    """The job: send these messages' deliveries (in an app of its own under plain rq)."""
    from .sender import send_due

    if has_app_context():
        return str(send_due(message_ids=message_ids))
    global _worker_app
    if _worker_app is None:
        from .. import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        return str(send_due(message_ids=message_ids))
