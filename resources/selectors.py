"""Reads for the library. Each list prefetches what its template shows, so its query count
stays the same however many resources a page lists."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchConfig, SearchQuery, SearchRank, SearchVector
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import CombinedExpression
from django.utils import translation

from groups.models import Audience, CancerType, Language, SupportGroup
from moderation import selectors as moderation_selectors
from moderation.models import CrisisResource
from supportgroups.languages import search_configs
from supportgroups.models import User
from supportgroups.prepared import Prepared

from .models import Country, Resource, Topic

ROW_CONFIG = F("search_config")  # each resource's own text search configuration


@dataclass(frozen=True)
class LibraryFilters:
    """The reader's choices on the library page; None means "any"."""

    q: str = ""
    kind: str = ""
    cancer_type: CancerType | None = None
    topic: Topic | None = None
    audience: Audience | None = None
    language: Language | None = None
    country: Country | None = None


def _with_card_data(qs: QuerySet[Resource]) -> QuerySet[Resource]:
    """What a resource card shows: its topics, languages and countries (3 queries a page);
    not the long texts it never shows."""
    return qs.defer("body", "suggestion_note", "curator_note").prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("position", "name")),
        Prefetch("languages", queryset=Language.objects.order_by("name")),
        Prefetch("countries", queryset=Country.objects.order_by("name")),
    )


def search_vector() -> CombinedExpression:
    """Title first, then summary, then body, in the resource's own language (its regconfig
    column). The PostgreSQL GIN index on exactly this expression (migration 0004) is what keeps
    search fast: change both together."""
    return (
        SearchVector("title", weight="A", config=ROW_CONFIG)
        + SearchVector("summary", weight="B", config=ROW_CONFIG)
        + SearchVector("body", weight="C", config=ROW_CONFIG)
    )


def search(qs: QuerySet[Resource], q: str) -> QuerySet[Resource]:
    """Full-text search on PostgreSQL (stemmed in each resource's language, ranked, title
    first); word match on SQLite. The query is stemmed in every configuration and each one is
    asked only of the resources written in it ("cuidadoras" finds a Spanish "cuidadora")."""
    q = q.strip()
    if not q:
        return qs
    if settings.USING_POSTGRES:
        matches = Q()
        for config in search_configs():
            query = SearchQuery(q, search_type="websearch", config=config)
            # regconfig = 'english' would read the name as an oid: compare with a regconfig.
            matches |= Q(search_config=SearchConfig(config), search=query)
        # Ranked on title and summary only: re-reading every matching body to rank it cost
        # ten times more (bench/resources_library.py) for little gain in order.
        headline = SearchVector("title", weight="A", config=ROW_CONFIG) + SearchVector(
            "summary", weight="B", config=ROW_CONFIG
        )
        ranked_by = SearchQuery(q, search_type="websearch", config=ROW_CONFIG)
        return (
            qs.alias(search=search_vector())
            .filter(matches)
            .annotate(search_rank=SearchRank(headline, ranked_by))
            .order_by("-search_rank", "title")
        )
    for word in q.split():
        qs = qs.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    return qs


def library(filters: LibraryFilters) -> QuerySet[Resource]:
    """Published resources matching every chosen filter.

    Each many-to-many filter matches one related row, so the joins never duplicate a resource.
    A country filter also keeps resources with no country: they are useful everywhere.
    """
    qs = Resource.objects.published()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.cancer_type:
        qs = qs.filter(cancer_types=filters.cancer_type)
    if filters.topic:
        qs = qs.filter(topics=filters.topic)
    if filters.audience:
        qs = qs.filter(audiences=filters.audience)
    if filters.language:
        qs = qs.filter(languages=filters.language)
    if filters.country:
        qs = qs.filter(Q(countries=filters.country) | Q(countries=None))
    return _with_card_data(search(qs, filters.q))


def resource_for_page(slug: str) -> Resource:
    """One resource with everything its page shows. Raises Resource.DoesNotExist."""
    return (
        Resource.objects.select_related("reviewed_by", "suggested_by")
        .prefetch_related("cancer_types", "topics", "audiences", "languages", "countries")
        .get(slug=slug)
    )


def _for_group(group_id: int, country: str, *, limit: int) -> QuerySet[Resource]:
    groups = {
        name: getattr(SupportGroup, name).through.objects.filter(supportgroup_id=group_id)
        for name in ("cancer_types", "audiences")
    }
    tagged = {
        name: getattr(Resource, name).through.objects.filter(resource_id=OuterRef("pk"))
        for name in ("cancer_types", "audiences", "countries")
    }
    same_cancer = tagged["cancer_types"].filter(
        cancertype_id__in=groups["cancer_types"].values("cancertype_id")
    )
    same_audience = tagged["audiences"].filter(
        audience_id__in=groups["audiences"].values("audience_id")
    )
    return (
        Resource.objects.published()
        .annotate(
            same_cancer=Exists(same_cancer),
            same_audience=Exists(same_audience),
            local=Exists(tagged["countries"].filter(country__code=country))
            | ~Exists(tagged["countries"]),
        )
        .filter(Q(same_cancer=True) | Q(same_audience=True) & ~Exists(tagged["cancer_types"]))
        .order_by("-same_cancer", "-local", "-same_audience", "title")[:limit]
    )


# On every group page: compiled once.
_FOR_GROUP = Prepared(_for_group)


def for_group(group: SupportGroup, *, limit: int = 5) -> list[Resource]:
    """Published resources for the group: those about one of its cancer types, and general
    ones (about no particular cancer) for one of its audiences; never one about another
    cancer. Most relevant first: same cancer type, then useful where the group meets (its
    country, or everywhere), then same audience. Almost every resource is for "patients" or
    "carers", so without this order every group would show the same alphabetical five."""
    return _FOR_GROUP(group.pk, group.country, limit=limit)


def review_queue() -> QuerySet[Resource]:
    """What curators still have to decide on: suggestions first, then other drafts."""
    return (
        Resource.objects.filter(state=Resource.State.DRAFT)
        .select_related("suggested_by")
        .order_by("-is_suggestion", "created_at")
    )


def broken_links() -> QuerySet[Resource]:
    return Resource.objects.filter(link_status=Resource.LinkStatus.BROKEN).exclude(
        state=Resource.State.DECLINED
    )


def crisis_lines(
    *, user: User | AnonymousUser, country: Country | None, language: Language | None
) -> list[CrisisResource]:
    """Crisis lines from moderation's single list (CrisisResource), never a copy of our own.

    No country chosen: moderation's lines for the reader (their country from their time zone).
    A country chosen: its lines first, then international ones (blank country), each in the
    chosen language first. A line is never hidden for its language: an English line still
    helps a Spanish speaker in crisis in London. A few dozen rows, so sorted here.
    """
    if country is None:
        return list(moderation_selectors.crisis_lines_for(user))
    wanted = language.code if language else (translation.get_language() or "en")[:2]
    lines = [line for line in moderation_selectors.hotlines() if line.country in ("", country.code)]
    return sorted(lines, key=lambda line: (line.country == "", line.language[:2] != wanted))


def links_to_check() -> QuerySet[Resource]:
    """Every resource with an address that is or may become visible (not declined ones)."""
    return Resource.objects.exclude(url="").exclude(state=Resource.State.DECLINED)
