"""The personal arrival checklist: pages, API and the rules behind them."""


def init_app(app) -> None:
    """Declare the checklist's personal data: progress, notes and offline changes received."""
    from ..personal_data import PersonalData, register
    from .models import StepProgress, SyncOp
    from .services import export_checklist

    register(app, PersonalData("checklist", (StepProgress, SyncOp), export_checklist))
