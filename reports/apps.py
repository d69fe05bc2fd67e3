from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Chỉ số và kết quả")

    def ready(self) -> None:
        from .derived import connect_statistics_signals

        connect_statistics_signals()
        from . import checks  # noqa: F401  (registers the stored-links data check)
