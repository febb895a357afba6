"""Admin for ingestion: feeds ("poll now"), submitted URLs, the review queue, runs.

The review queue's actions live in ``review_actions``."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from ingestion import tasks
from ingestion.forms import SubmitURLForm
from ingestion.models import Article, Feed, IngestionRun, Mention, ReviewItem, Suggestion
from ingestion.pipeline import article_retry, article_submit
from ingestion.review_actions import accept_existing_event, accept_new_event, mark_duplicate, reject


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "active",
        "last_status",
        "consecutive_failures",
        "last_polled_at",
        "next_poll_at",
        "short_error",
    ]
    list_filter = ["active", "last_status"]
    search_fields = ["title", "url"]
    readonly_fields = [
        "next_poll_at",
        "etag",
        "last_modified",
        "last_polled_at",
        "last_status",
        "consecutive_failures",
        "last_error",
    ]
    actions = ["poll_now"]

    @admin.display(description="Last error")
    def short_error(self, feed: Feed) -> str:
        return Truncator(feed.last_error).chars(80)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change and obj.active:
            tasks.enqueue_on_commit(tasks.poll_feed, obj.pk)

    @admin.action(description="Poll now", permissions=["change"])
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        for feed in queryset:
            tasks.enqueue_on_commit(tasks.poll_feed, feed.pk)
        self.message_user(request, f"Polling {queryset.count()} feed(s).", messages.SUCCESS)


class MentionInline(admin.TabularInline):
    model = Mention
    extra = 0
    can_delete = False
    fields = ["organization", "product", "alias", "count"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class SuggestionInline(admin.TabularInline):
    model = Suggestion
    extra = 0
    can_delete = False
    fields = ["controversy", "score", "reasons"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    change_list_template = "admin/ingestion/article/change_list.html"
    list_display = ["__str__", "state", "site_name", "published_on", "feed", "created_at"]
    list_filter = ["state", "feed"]
    search_fields = ["title", "feed_title", "canonical_url"]
    list_select_related = ["feed"]
    raw_id_fields = ["duplicate_of", "accepted_event", "accepted_source", "feed"]
    readonly_fields = [
        "state",
        "failure_reason",
        "url",
        "link_canonical",
        "canonical_url",
        "final_url",
        "content_type",
        "fetched_at",
        "content_hash",
        "relevance",
        "relevance_terms",
        "duplicate_reason",
        "reviewed_by",
        "reviewed_at",
    ]
    inlines = [MentionInline, SuggestionInline]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # articles come from feeds or the "Submit a URL" form

    @admin.action(description="Retry failed articles", permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        retried = 0
        for article in queryset.filter(state=Article.State.FAILED):
            if article_retry(article=article):
                tasks.enqueue_on_commit(tasks.advance_article, article.pk)
                retried += 1
        self.message_user(request, f"Retrying {retried} failed article(s).", messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "submit/",
                self.admin_site.admin_view(self.submit_url_view),
                name="ingestion_article_submit",
            ),
            *super().get_urls(),
        ]

    def submit_url_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied  # queuing a URL makes the workers fetch it
        form = SubmitURLForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            article, created = article_submit(url=form.cleaned_data["url"])
            if created:
                tasks.enqueue_on_commit(tasks.advance_article, article.pk)
                self.message_user(request, f"Queued {article.url}.", messages.SUCCESS)
            else:
                self.message_user(
                    request,
                    f"Already known as article #{article.pk} ({article.get_state_display()}).",
                    messages.WARNING,
                )
            return HttpResponseRedirect(
                reverse("admin:ingestion_article_change", args=[article.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Submit a URL",
            "form": form,
        }
        return TemplateResponse(request, "admin/ingestion/submit_url.html", context)


@admin.register(ReviewItem)
class ReviewQueueAdmin(admin.ModelAdmin):
    """Articles waiting for a curator, most relevant and newest first."""

    list_display = ["article", "site_name", "date", "entities", "suggested", "near_duplicates"]
    list_display_links = None
    list_filter = ["feed"]
    search_fields = ["title", "feed_title", "site_name"]
    actions = (accept_existing_event, accept_new_event, reject, mark_duplicate)
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReviewItem]:
        return (
            ReviewItem.objects.in_review()
            .defer("text", "minhash")
            .prefetch_related(
                Prefetch(
                    "mentions", queryset=Mention.objects.select_related("organization", "product")
                ),
                Prefetch("suggestions", queryset=Suggestion.objects.select_related("controversy")),
                Prefetch(
                    "duplicates",
                    queryset=Article.objects.only(
                        "pk", "url", "site_name", "duplicate_of_id", "duplicate_reason"
                    ),
                ),
            )
        )

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {
            "title": "Articles to review, most relevant first",
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def get_ordering(self, request: HttpRequest) -> list:
        # The changelist re-applies ordering, so repeat the queue's own order here.
        return list(ReviewItem.objects.in_review().query.order_by)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="Article")
    def article(self, item: ReviewItem) -> str:
        terms = ", ".join(item.relevance_terms[:6])
        return format_html(
            '<a href="{}">{}</a><br><small>relevance {} · {}</small> · <small>'
            '<a href="{}" rel="noopener noreferrer" target="_blank">open page</a></small>',
            reverse("admin:ingestion_article_change", args=[item.pk]),
            item.display_title,
            f"{item.relevance:.2f}",
            terms or "no topic terms",
            item.canonical_url,
        )

    @admin.display(description="Date")
    def date(self, item: ReviewItem):
        return item.best_date

    @admin.display(description="Mentions")
    def entities(self, item: ReviewItem) -> str:
        return (
            format_html_join(
                ", ", "{} ×{}", ((m.entity.name, m.count) for m in item.mentions.all())
            )
            or "—"
        )

    @admin.display(description="Suggested controversies")
    def suggested(self, item: ReviewItem) -> str:
        rows = [
            (s.controversy.title, f"{s.score:.1f}", "; ".join(s.reasons))
            for s in item.suggestions.all()
        ]
        if not rows:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li><b>{}</b> ({})<br><small>{}</small></li>", rows),
        )

    @admin.display(description="Near-duplicates")
    def near_duplicates(self, item: ReviewItem) -> str:
        rows = [
            (
                reverse("admin:ingestion_article_change", args=[d.pk]),
                d.site_name or d.url,
                d.duplicate_reason,
            )
            for d in item.duplicates.all()
        ]
        if not rows:
            return "—"
        return format_html_join("<br>", '<a href="{}">{}</a> <small>{}</small>', rows)


@admin.register(IngestionRun)
class IngestionRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "kind",
        "feed",
        "new_count",
        "duplicate_count",
        "failed_count",
        "duration",
        "short_error",
    ]
    list_filter = ["kind"]
    list_select_related = ["feed"]

    @admin.display(description="Error")
    def short_error(self, run: IngestionRun) -> str:
        return Truncator(run.error).chars(80)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
