"""Settings for benchmark runs: the site's own settings plus the floor views' URLconf."""

from cchc_site.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
