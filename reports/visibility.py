"""Who sees what: the one rule every page, download, chart, search, cache key and admin screen goes through.

A :class:`Viewer` is resolved once per request (:func:`viewer_of`) from the signed-in user. Every
queryset of editions, results, component scores, averages, statistics, standings, citations, articles
and dossier figures that reaches a visitor is filtered by it. Deny by default: a viewer sees published
figures only, unless a line of the table below says otherwise.

| persona | own province's draft figures | other provinces' draft figures | draft averages and statistics | admin |
| --- | --- | --- | --- | --- |
| anonymous | — | no | no | no |
| officer of a province (staff status or not) | yes | no | no | own province's rows, read-only unless a curator |
| officer of a 2025 unit | yes, and its predecessors' drafts of pre-2025 years | no | no | as above |
| ministry staff (``reports.view_draft_results``) | yes | yes | yes | as their permissions say |
| curator (staff + change permissions) | yes | yes | yes | edit |

Quarterly dossier figures (:meth:`Viewer.dossier_stats`) follow the same table: a *confirmed* quarter is
public; a *submitted* one (entered by a province's officer, not yet confirmed by a curator) is seen by
the officers of that province (a 2025 unit's officer: also its predecessors'), ministry staff and
curators, and by no one else, on any page, download or admin list. The province's desk
(``desk:quarters``) opens to the same people (:meth:`Viewer.sees_desk_of`).

A user who is both an officer and ministry staff sees what ministry staff see. A figure derived from
several rows (an average, a quartile, a rank computed from scores) is shown to a viewer only when the
viewer sees every row it rests on (:meth:`Viewer.sees_whole`): an officer looking at a draft sees their
own score and published rank, never a statistic of the draft.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, QuerySet

from provinces.lineage import predecessor_ids

from .models import (
    Citation,
    ComponentScore,
    DossierStat,
    Edition,
    EditionStatistic,
    PublishedAverage,
    Result,
    SourceArticle,
    Standing,
    Status,
)


def has_draft_permission(user) -> bool:
    """Whether ``user`` holds ``reports.view_draft_results`` (directly, through a group, or as superuser).

    One query instead of ``user.has_perm``'s two (user and group permissions): it is asked on every
    signed-in request, and the page budgets count it. Only ModelBackend grants permissions here.
    """
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return (
        Permission.objects.filter(content_type__app_label="reports", codename="view_draft_results")
        .filter(Q(user=user) | Q(group__user=user))
        .exists()
    )


@dataclass(frozen=True)
class Viewer:
    """What one visitor may see. Build it with :meth:`of`; compare two with ``audience``."""

    sees_drafts: bool = False
    # An officer's unit and, for a unit formed in 2025, the units it was formed from.
    province_ids: frozenset[int] = frozenset()
    user_id: int | None = None
    is_staff: bool = False

    @classmethod
    def of(cls, user) -> Viewer:
        if user is None or not user.is_authenticated or not user.is_active:
            return ANONYMOUS
        sees_drafts = has_draft_permission(user)
        own = getattr(user, "province_id", None)
        provinces: frozenset[int] = frozenset()
        if own and not sees_drafts:
            provinces = frozenset({own, *predecessor_ids(own)})
        return cls(sees_drafts=sees_drafts, province_ids=provinces, user_id=user.pk, is_staff=user.is_staff)

    # -- who this is -------------------------------------------------------------------------------

    @property
    def is_officer(self) -> bool:
        return bool(self.province_ids)

    @property
    def is_curator(self) -> bool:
        """Staff who see drafts also see the reader's unconfirmed suggestions on the public pages."""
        return self.is_staff and self.sees_drafts

    @property
    def audience(self) -> str:
        """What this viewer may see, as a string: the same string means exactly the same figures
        (cache keys and ETags are built on it, never on a user's id)."""
        if self.sees_drafts:
            return "ministry"
        if self.province_ids:
            return "officer-" + "-".join(map(str, sorted(self.province_ids)))
        return "public"

    # -- rows --------------------------------------------------------------------------------------

    def results_q(self, prefix: str = "") -> Q:
        """The results this viewer sees, as a condition on results or on rows reached through
        ``prefix`` (``"result__"`` for component scores, ``"results__"`` for editions)."""
        if self.sees_drafts:
            return Q()
        published = Q(**{f"{prefix}edition__status": Status.PUBLISHED})
        if self.province_ids:
            return published | Q(**{f"{prefix}province_id__in": sorted(self.province_ids)})
        return published

    def results(self, queryset: QuerySet | None = None) -> QuerySet:
        return (Result.objects.all() if queryset is None else queryset).filter(self.results_q())

    def component_scores(self, queryset: QuerySet | None = None) -> QuerySet:
        return (ComponentScore.objects.all() if queryset is None else queryset).filter(self.results_q("result__"))

    def editions(self, queryset: QuerySet | None = None) -> QuerySet:
        """Editions this viewer may open: published ones, and a draft where they see one of its results."""
        queryset = Edition.objects.all() if queryset is None else queryset
        if self.sees_drafts:
            return queryset
        if self.province_ids:
            own = Result.objects.filter(edition=OuterRef("pk"), province_id__in=sorted(self.province_ids))
            return queryset.filter(Q(status=Status.PUBLISHED) | Exists(own))
        return queryset.filter(status=Status.PUBLISHED)

    def sees_whole(self, edition) -> bool:
        """Whether this viewer sees every result of ``edition``, and so any figure derived from them
        (averages, quartiles, leaders, ranks computed from scores, stored standings)."""
        return edition.status == Status.PUBLISHED or self.sees_drafts

    def whole_editions_q(self, prefix: str = "") -> Q:
        """Rows of editions this viewer sees whole (statistics, standings, published averages)."""
        if self.sees_drafts:
            return Q()
        return Q(**{f"{prefix}edition__status": Status.PUBLISHED})

    def averages(self, queryset: QuerySet | None = None) -> QuerySet:
        """Published (stated) averages: a draft's are a statistic of the draft."""
        return (PublishedAverage.objects.all() if queryset is None else queryset).filter(self.whole_editions_q())

    def statistics(self, queryset: QuerySet | None = None) -> QuerySet:
        return (EditionStatistic.objects.all() if queryset is None else queryset).filter(self.whole_editions_q())

    def standings(self, queryset: QuerySet | None = None) -> QuerySet:
        return (Standing.objects.all() if queryset is None else queryset).filter(self.whole_editions_q())

    def citations(self, queryset: QuerySet | None = None) -> QuerySet:
        """Curators see confirmed and suggested citations; everyone else confirmed citations of figures
        they may see (their results; averages and unlinked figures of published editions)."""
        queryset = Citation.objects.all() if queryset is None else queryset
        if self.is_curator:
            return queryset.exclude(state=Citation.State.REJECTED)
        queryset = queryset.filter(state=Citation.State.CONFIRMED)
        if self.sees_drafts:
            return queryset
        published_edition = Edition.objects.filter(
            index_id=OuterRef("index_id"), year=OuterRef("year"), is_synthetic=False, status=Status.PUBLISHED
        )
        unlinked = Q(result__isnull=True, average__isnull=True)
        return queryset.filter(
            Q(result__isnull=False) & self.results_q("result__")
            | Q(result__isnull=True, average__isnull=False, average__edition__status=Status.PUBLISHED)
            | unlinked & Q(dossier_stat__isnull=False) & self.dossier_stats_q("dossier_stat__")
            | unlinked & Q(dossier_stat__isnull=True) & Exists(published_edition)
        )

    def articles(self, queryset: QuerySet | None = None) -> QuerySet:
        """Articles are public texts; what this viewer may learn from them is filtered by ``citations``."""
        return SourceArticle.objects.all() if queryset is None else queryset

    def dossier_stats_q(self, prefix: str = "") -> Q:
        """Quarterly figures this viewer sees: confirmed ones, and submitted ones of their own units."""
        if self.sees_drafts:
            return Q()
        confirmed = Q(**{f"{prefix}status": DossierStat.State.CONFIRMED})
        if self.province_ids:
            return confirmed | Q(**{f"{prefix}province_id__in": sorted(self.province_ids)})
        return confirmed

    def dossier_stats(self, queryset: QuerySet | None = None) -> QuerySet:
        return (DossierStat.objects.all() if queryset is None else queryset).filter(self.dossier_stats_q())

    def sees_desk_of(self, province_id: int) -> bool:
        """Whether this viewer may open a province's desk: its officers (a 2025 unit's officer also
        their predecessors'), ministry staff and curators."""
        return self.sees_drafts or province_id in self.province_ids

    # -- the admin ---------------------------------------------------------------------------------

    def admin_rows(self, queryset: QuerySet) -> QuerySet:
        """The rows of an admin list or change page: everything for ministry staff and curators; for
        an officer with staff status, their own province's rows (``ADMIN_PROVINCE_PATHS``); none else."""
        if self.sees_drafts:
            return queryset
        path = ADMIN_PROVINCE_PATHS.get(queryset.model._meta.label_lower)
        if not self.province_ids or path is None:
            return queryset.none()
        if path == "":
            return queryset.filter(pk__in=sorted(self.province_ids))
        return queryset.filter(**{f"{path}__in": sorted(self.province_ids)}).distinct()


ANONYMOUS = Viewer()

# How an admin row leads to the unit it belongs to, for an officer's admin ("" for the unit itself).
ADMIN_PROVINCE_PATHS = {
    "provinces.province": "",
    "reports.edition": "results__province_id",
    "reports.result": "province_id",
    "reports.componentscore": "result__province_id",
    "reports.citation": "province_id",
    "reports.dossierstat": "province_id",
    "reports.sourcearticle": "provinces",
}


def viewer_of(request) -> Viewer:
    """The request's viewer, resolved on first use and kept on the request."""
    viewer = getattr(request, "viewer", None)
    if viewer is None:
        viewer = Viewer.of(getattr(request, "user", None))
        request.viewer = viewer
    return viewer
