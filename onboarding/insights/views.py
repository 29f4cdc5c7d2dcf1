"""The insights page, its CSV download and its JSON twin; staff only, their locations only."""

import csv
import io

from flask import Blueprint, Response, g, render_template, request

from ..checkins.present import CATEGORY_LABELS
from ..checklist.present import STUCK_CATEGORY_LABELS
from ..content import current_pack, pack_text
from ..i18n import LANGUAGES, _, _l
from ..staff import staff_required
from ..staff.services import visible_locations
from .inputs import parse_filters
from .present import insights_json, step_rows
from .services import insights_for

bp = Blueprint("insights", __name__, url_prefix="/staff")
CHECKIN_TOPIC_LABELS = {
    "housing": _l("Housing"),
    "work": _l("Work"),
    "health": _l("Health and wellbeing"),
}


def current_insights():
    """The counts for the signed-in staff member and the filters in the query string."""
    return insights_for(g.staff, current_pack(), parse_filters(request.args))


@bp.get("/insights")
@staff_required()
def page():
    """Counts per step, stuck reasons, check-ins, buddy requests and questions, with charts."""
    insights = current_insights()
    pack = current_pack()
    titles = {entry.key: pack_text(entry.title) for entry in (*pack.steps, *pack.help_pages)}
    rows = step_rows(insights)
    return render_template(
        "insights/page.html",
        insights=insights,
        rows=rows,
        titles=titles,
        bars={
            measure: [(titles[row["key"]], row[measure]) for row in rows]
            for measure in ("done", "stuck")
        },
        data=insights_json(insights, insights.shown),
        locations=visible_locations(g.staff),
        languages=LANGUAGES,
        stuck_labels=STUCK_CATEGORY_LABELS,
        checkin_topics=CHECKIN_TOPIC_LABELS,
        checkin_categories={
            key: label for labels in CATEGORY_LABELS.values() for key, label in labels.items()
        },
    )


@bp.get("/insights.csv")
@staff_required()
def download():
    """The steps table of the page as CSV; suppressed counts read "fewer than 5"."""
    pack = current_pack()
    hidden = {"small": _("fewer than 5"), "protected": _("hidden")}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [_("Step"), _("People it applies to"), _("Done"), _("Skipped"), _("Stuck")]
        + [str(label) for label in STUCK_CATEGORY_LABELS.values()]
    )
    for row in step_rows(current_insights()):
        counts = [row[name] for name in ("applies", "done", "skipped", "stuck")]
        counts += list(row["categories"].values())
        title = pack_text(pack.step(row["key"]).title)
        writer.writerow([title] + [hidden.get(n, n) for n in counts])
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="aankomst-insights.csv"'},
    )
