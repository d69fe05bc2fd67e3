"""What the API answers, as typed schemas: the OpenAPI document is generated from these.

Keys are stable ASCII names; numbers are JSON numbers (``float``), never strings; a missing figure is
``null``, never 0. Units, indices, regions and components are referred to by their stable keys (a unit's
slug, an index's code, a region's code, a component's key within its framework).
"""

from __future__ import annotations

import datetime

from ninja import Schema
from pydantic import Field


class Error(Schema):
    status: int
    detail: str
    errors: list[dict] = Field(default_factory=list, description="Which parameter was refused and why.")


class Page(Schema):
    count: int = Field(description="Rows matching the filters, on every page.")
    page: int
    page_size: int
    pages: int
    next: str | None = Field(description="Absolute URL of the next page, null on the last.")
    previous: str | None


class Unit(Schema):
    key: str = Field(description="The unit's slug: stable, unique across both eras.")
    gso_code: str = Field(description="GSO code: unique within an era only (24: Bắc Giang, then Bắc Ninh).")
    era: int = Field(description="63: the 63 units until 30 June 2025; 34: the 34 units from 1 July 2025.")
    kind: str
    name: str
    name_en: str
    region: str | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    successor: str | None = Field(description="Key of the 2025 unit this one was merged into.")
    predecessors: list[str] = Field(description="Keys of the pre-2025 units merged into this one.")


class UnitPage(Page):
    results: list[Unit]


class Region(Schema):
    key: str
    name: str
    name_en: str
    order: int


class Component(Schema):
    key: str
    name: str
    name_en: str
    max_points: float | None = Field(description="Maximum points; null when no source states it.")
    order: int
    previous: str | None = Field(description="Key of the matching component of the previous framework.")


class Framework(Schema):
    name: str
    legal_reference: str
    first_year: int
    last_year: int | None
    components: list[Component]


class IndexSchema(Schema):
    key: str
    name: str
    name_en: str
    short_name: str
    publisher: str
    scale_max: float
    unit: str
    higher_is_better: bool
    first_year: int | None
    frameworks: list[Framework]


class Coverage(Schema):
    units_with_score: int
    units_with_rank: int
    units_with_result: int
    units_total: int
    complete: bool


class EditionSchema(Schema):
    index: str
    year: int = Field(description="The year assessed (results of 2023 are announced in 2024).")
    status: str = Field(description="published, or draft for a viewer allowed to see it.")
    era: int
    announced_on: datetime.date | None
    units_ranked: int
    framework: int | None = Field(description="First year of the framework (methodology) in force.")
    grouping: str
    coverage: Coverage | None = Field(description="Null for a draft the viewer sees only in part.")


class EditionPage(Page):
    results: list[EditionSchema]


class ComponentScore(Schema):
    key: str
    score: float | None
    rank: int | None
    max_points: float | None
    percent_of_max: float | None


class ResultSchema(Schema):
    index: str
    year: int
    status: str
    framework: int | None
    unit: str
    gso_code: str
    era: int
    unit_name: str
    region: str | None
    score: float | None
    rank: int | None = Field(description="Rank as published.")
    group: str
    disputed: bool = Field(description="Sources disagree on this result.")
    score_change: float | None = Field(description="Change on the previous published edition.")
    rank_change: int | None = Field(description="Places gained (negative: lost), between rankings of the same size.")
    change_basis: str = Field(description="same_unit, predecessor, predecessors, reported or none.")
    components: list[ComponentScore]


class ResultPage(Page):
    results: list[ResultSchema]


class Average(Schema):
    index: str
    year: int
    area: str = Field(description="national, or a region key.")
    region: str | None
    value: float
    kind: str = Field(description="published (a source states it) or computed (mean of the scores held).")
    units: int = Field(description="Units the value rests on.")
    units_total: int
    complete: bool


class AveragePage(Page):
    results: list[Average]


class Article(Schema):
    id: int
    title: str
    url: str
    publisher: str
    published_on: datetime.date | None


class CitationSchema(Schema):
    id: int
    index: str
    year: int | None
    unit: str | None
    region: str | None
    national: bool
    metric: str
    component: str | None
    component_name: str
    period: str
    value_number: float | None
    value_text: str
    quote: str = Field(description="The sentence as its publisher wrote it: credited to them, not relicensed.")
    state: str
    conflict: bool
    article: Article


class CitationPage(Page):
    results: list[CitationSchema]


class Root(Schema):
    name: str
    version: str
    licence: str
    attribution: str
    endpoints: dict[str, str]
