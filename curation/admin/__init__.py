"""The curators' desk in Django's admin: units (``units``), and figures, sources and imports (``figures``)."""

from . import figures, units  # noqa: F401  (each registers its ModelAdmins)
