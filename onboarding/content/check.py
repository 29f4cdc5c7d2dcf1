"""What in the pack needs an editor: figures past or near the end of their period, and sources
nobody has checked for half a year. Used by `flask content check` and /staff/admin/content."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from .pack import Pack

# A figure is listed this long before its period ends, so there is time to find the new one.
EXPIRY_WARNING = timedelta(days=30)
# Sources older than this are listed for a new check.
SOURCE_MAX_AGE = timedelta(days=180)


@dataclass(frozen=True)
class Finding:
    """One thing to look at: what it is about, why, and where to check it."""

    kind: Literal["expired", "not_yet_valid", "expires_soon", "source_unchecked"]
    subject: str
    day: date
    source: str
    shown: bool = False

    @property
    def blocks_publishing(self) -> bool:
        """An expired figure some page shows: the pack must be updated."""
        return self.kind == "expired" and self.shown


def check_pack(pack: Pack, today: date) -> list[Finding]:
    """Every finding for this pack on this day; the urgent ones first."""
    shown = pack.shown_figures()
    findings = []
    for figure in pack.figures.values():
        in_use = figure.key in shown
        if figure.valid_until < today:
            findings.append(
                Finding("expired", figure.key, figure.valid_until, figure.source, in_use)
            )
        elif figure.valid_from > today:
            findings.append(
                Finding("not_yet_valid", figure.key, figure.valid_from, figure.source, in_use)
            )
        elif figure.valid_until - today <= EXPIRY_WARNING:
            findings.append(
                Finding("expires_soon", figure.key, figure.valid_until, figure.source, in_use)
            )
        if today - figure.checked_on > SOURCE_MAX_AGE:
            findings.append(
                Finding(
                    "source_unchecked", f"figure {figure.key}", figure.checked_on, figure.source
                )
            )
    for kind, entries in (("step", pack.steps), ("help", pack.help_pages)):
        for entry in entries:
            if today - entry.checked_on > SOURCE_MAX_AGE:
                findings.extend(
                    Finding("source_unchecked", f"{kind} {entry.key}", entry.checked_on, url)
                    for url in entry.sources
                )
    order = ("expired", "not_yet_valid", "expires_soon", "source_unchecked")
    return sorted(findings, key=lambda f: (order.index(f.kind), not f.shown, f.day, f.subject))
