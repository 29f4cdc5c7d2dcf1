"""Sending new messages right away without slowing the request that caused them: an RQ job
when REDIS_URL is set (run by `flask --app wsgi worker` or `rq worker`), otherwise after the
response, in the same process; always only after the change that queued them was committed.
What cannot go now (quiet hours) waits for `reminders send`."""

import logging
from functools import partial

from flask import current_app

from ..transactions import after_commit

QUEUE = "aankomst"
# The job as RQ finds it by name: it builds an app of its own (see onboarding/worker.py).
JOB = "onboarding.worker.send_push_messages"
log = logging.getLogger(__name__)


def redis_connection(url: str):
    from redis import Redis

    return Redis.from_url(url)


def push_queue(url: str):
    from rq import Queue

    return Queue(QUEUE, connection=redis_connection(url))


def dispatch(message_ids: list[int]) -> None:
    """Send these messages once the change that queued them is committed, off the request's
    path (after the response is sent); a rolled-back change sends nothing."""
    if message_ids:
        after_commit(partial(_send_or_enqueue, list(message_ids)))


def _send_or_enqueue(message_ids: list[int]) -> None:
    url = current_app.config.get("REDIS_URL")
    if url:
        try:
            push_queue(url).enqueue(JOB, message_ids, job_timeout=300)
            return
        except Exception:  # Redis down: still deliver, from this process
            log.warning("could not queue push job; sending in-process", exc_info=True)
    send_messages(message_ids)


def send_messages(message_ids: list[int]) -> str:
    """Send these messages' deliveries now (inside an app context); returns the summary."""
    from .sender import send_due

    return str(send_due(message_ids=message_ids))
