"""The directory's search: what people type against every label of a service, in Italian.

Each service keeps a search document (``Service.search_text``): its name and texts, the Nomenclatore term, the
Italian labels of its area, type and target groups, its provider and its Comuni, folded to lower-case ASCII.
A query word matches a word of the document that starts with the word's Italian stem (Snowball), so
*anziano*, *anziani* and *Anziani* (the area) find one another. A word of the Ambito's synonym list
(``SearchSynonym``: *badante* → *assistenza domiciliare*) also matches any of its alternatives.

PostgreSQL runs this as full-text search (``to_tsvector('italian', search_text)`` against a prefix
``tsquery`` built from the same folded words: PostgreSQL's ``italian`` configuration uses the same Snowball
stemmer). Other databases (SQLite, the demo) compare with ``Service.search_stems``, the document's Snowball
stems computed here by the ``snowballstemmer`` package: the two give the same results (the search tests run
on both)."""

import re
import threading
import unicodedata
from dataclasses import dataclass

import snowballstemmer
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import translation

# Words too common to narrow an Italian search (articles, prepositions, conjunctions).
STOPWORDS = frozenset(
    "a ad al alla alle ai agli all con da dal dalla dai dagli dei degli del della delle di e ed gli i il in la le "
    "lo nel nella nei negli o per su sul sulla tra fra un una uno che chi come dove".split()
)
MAX_WORDS = 8
_local = threading.local()


def fold(text: str) -> str:
    """Lower-case ASCII: accents dropped (*disabilità* → *disabilita*), so typing without them still finds."""
    return unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").lower()


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", fold(text)) if w not in STOPWORDS and len(w) > 1]


def stem(word: str) -> str:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:  # Snowball stemmers keep state: one per thread
        stemmer = _local.stemmer = snowballstemmer.stemmer("italian")
    return stemmer.stemWord(word)


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


def search_terms(q: str) -> list[str]:
    """The stems of the words of a query, as the search compares them."""
    return stems(q)[:MAX_WORDS]


# --- The search document ------------------------------------------------------------------------------


def document_text(service) -> str:
    """Every label of a service a person may type, in Italian, folded. Reads the provider, the Nomenclatore
    term and the Comuni (prefetch them for many services)."""
    from ambito.network.taxonomy import Area, Leps, ServiceType, TargetGroup

    with translation.override("it"):
        labels = [
            str(Area(service.area).label) if service.area in Area.values else service.area,
            str(ServiceType(service.service_type).label) if service.service_type in ServiceType.values else "",
            *(str(TargetGroup(t).label) for t in service.target_groups or [] if t in TargetGroup.values),
            *(str(Leps(c).label) for c in service.leps or [] if c in Leps.values),
        ]
    parts = [service.name, service.description, service.eligibility_description,
             service.taxonomy_term.name if service.taxonomy_term_id else "", *labels,
             service.provider.name if service.provider_id else "",
             *(c.name for c in service.comuni.all())] if service.pk else []
    return " ".join(fold(p) for p in parts if p)


def refresh(services, *, model=None) -> int:
    """Recompute the search document of these services (after any change to what it is made of).
    ``model``: the historical Service model, in a migration."""
    if model is None:
        from ambito.network.models import Service
    else:
        Service = model  # noqa: N806

    ids = [s.pk for s in services]
    rows = list(Service.objects.filter(pk__in=ids).select_related("provider", "taxonomy_term")
                .prefetch_related("comuni"))
    for service in rows:
        service.search_text = document_text(service)
        service.search_stems = " " + " ".join(stem(w) for w in re.findall(r"[a-z0-9]+", service.search_text)) + " "
    Service.objects.bulk_update(rows, ["search_text", "search_stems"], batch_size=200)
    return len(rows)


# --- Queries ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """One word of the query and its alternatives: the service must match one of them. An alternative is a
    list of words, all of which must appear (*assistenza domiciliare*)."""

    alternatives: tuple[tuple[str, ...], ...]


def query_groups(q: str, synonyms=()) -> list[Group]:
    """The query's words, each with the synonyms the Ambito listed for it (matched by stem, so the list's
    *badante* also serves *badanti*). A synonym's word may itself be a phrase of several words."""
    query_words = words(q)[:MAX_WORDS]
    by_stems = {}
    for synonym in synonyms:
        key = tuple(stems(synonym.term))
        if key:
            by_stems.setdefault(key, []).extend(tuple(words(p)) for p in synonym.phrases if words(p))
    query_stems = [stem(w) for w in query_words]
    groups, i = [], 0
    while i < len(query_words):
        for key, phrases in sorted(by_stems.items(), key=lambda kv: -len(kv[0])):
            if tuple(query_stems[i:i + len(key)]) == key:
                groups.append(Group(((*query_words[i:i + len(key)],), *phrases)))
                i += len(key)
                break
        else:
            groups.append(Group(((query_words[i],),)))
            i += 1
    return groups


def _tsquery(groups: list[Group]) -> str:
    return " & ".join(
        "(" + " | ".join("(" + " & ".join(f"{w}:*" for w in alternative) + ")" for alternative in group.alternatives)
        + ")" for group in groups
    )


def search(queryset: QuerySet, q: str, synonyms=()) -> QuerySet:
    """Services of ``queryset`` matching every word of ``q`` (or a synonym of it), best first: matches in
    the name before matches elsewhere."""
    groups = query_groups(q, synonyms)
    if not groups:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        query = SearchQuery(_tsquery(groups), config="italian", search_type="raw")
        vector = SearchVector("name", weight="A", config="italian") + SearchVector("search_text", weight="B",
                                                                                 config="italian")
        # ``@@`` decides what matches (every word); the rank, which counts partial matches too, only orders
        return (queryset.annotate(document=vector, rank=SearchRank(vector, query))
                .filter(document=query).order_by("-rank", "name"))
    for group in groups:
        condition = Q()
        for alternative in group.alternatives:
            every = Q()
            for word in alternative:
                every &= Q(search_stems__contains=f" {stem(word)}")
            condition |= every
        queryset = queryset.filter(condition)
    in_name = Q()
    for group in groups:
        for word in group.alternatives[0]:
            in_name &= Q(name__icontains=stem(word))
    return queryset.annotate(
        rank=Case(When(in_name, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-rank", "name")
