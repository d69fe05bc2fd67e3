from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    """Articles and citations: the reader, intake, provenance and search (models stay in ``reports``)."""

    name = "sources"
    verbose_name = _("Nguồn số liệu")
