from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurationConfig(AppConfig):
    """The curators' tools: the admin, imports, loaders, export/restore and the synthetic panel."""

    name = "curation"
    verbose_name = _("Biên tập")
