"""The pages measured, and the floor view that serves the same rows.

``url`` is a URL name of the site (``dashboard:…``) reversed with ``kwargs``, plus a query string;
``{slug}``/``{slug2}``/``{year}``/``{index}``/``{latest}`` (the year the overview shows) are filled
from the benchmark database. A page whose URL
name does not exist (yet) is reported as missing, not failed.

``floor`` is the floor path for the same rows; ``{limit}`` is the number of rows the page shows when
it paginates (``page_rows``; empty = all rows of the edition).
"""

INDEX = "PAR_INDEX"
YEAR = 2024

PAGES = [
    # label, url name, kwargs, query, floor
    # the overview and the map show the units the map can draw (63 shapes), however large the panel
    ("overview", "dashboard:home", {}, "", "/__floor__/edition/{index}/{latest}/?drawable=1"),
    (
        "rankings",
        "dashboard:rankings",
        {},
        "?index={index}&year={year}",
        "/__floor__/edition/{index}/{year}/?limit={limit}",
    ),
    ("province", "dashboard:province", {"slug": "{slug}"}, "", "/__floor__/province/{slug}/"),
    ("compare", "dashboard:compare", {}, "?p={slug}&p={slug2}", "/__floor__/provinces/?p={slug}&p={slug2}"),
    ("map", "dashboard:map", {}, "?index={index}&year={year}", "/__floor__/edition/{index}/{year}/?drawable=1"),
    (
        "download csv",
        "dashboard:rankings",
        {},
        "?index={index}&year={year}&format=csv",
        "/__floor__/edition/{index}/{year}/?limit={limit}",
    ),
    (
        "download xlsx",
        "dashboard:rankings",
        {},
        "?index={index}&year={year}&format=xlsx",
        "/__floor__/edition/{index}/{year}/?limit={limit}",
    ),
    (
        "download json",
        "dashboard:rankings",
        {},
        "?index={index}&year={year}&format=json",
        "/__floor__/edition/{index}/{year}/?limit={limit}",
    ),
]

# Rows a rankings page shows at most (pagination); the floor serves the same number.
PAGE_ROWS = 100
