from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The public and signed-in pages: no models of its own (like healthchecks' ``hc/front``)."""

    name = "dashboard"
    verbose_name = _("Trang tổng hợp")

    def ready(self) -> None:
        from .caching import connect_signals

        connect_signals()
