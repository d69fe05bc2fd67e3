from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _reason_is_never_null(sender, history_instance, **kwargs) -> None:
    # An edit without a stated reason stores "" rather than NULL, which the history page would print as 'None'
    if history_instance.history_change_reason is None:
        history_instance.history_change_reason = ""


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Chỉ số và kết quả")

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from .derived import connect_statistics_signals

        connect_statistics_signals()
        pre_create_historical_record.connect(_reason_is_never_null, dispatch_uid="reports.reason_is_never_null")
        from . import checks  # noqa: F401  (registers the stored-links data check)
