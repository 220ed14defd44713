from typing import Any

from django.contrib import admin
from django.db import models

from .models import Article, ShareLink, Story

# A web address typed without a scheme is taken as https (Django 6's default, chosen now).
URL_FIELDS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


class ArticleInline(admin.StackedInline):
    model = Article
    formfield_overrides = URL_FIELDS
    extra = 0
    fields = ["position", "outlet", "headline", "byline", "source_url", "published_on", "language", "text"]
    show_change_link = True


class ShareLinkInline(admin.TabularInline):
    model = ShareLink
    extra = 0
    fields = ["token", "created_at", "revoked_at"]
    readonly_fields = ["token", "created_at"]


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "owner", "visibility", "version_count", "updated_at"]
    list_filter = ["visibility"]
    search_fields = ["title", "slug", "versions__outlet", "owner__username"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["owner"]
    inlines = [ArticleInline, ShareLinkInline]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["label", "story", "published_on", "language", "source", "created_at"]
    list_filter = ["source", "language"]
    search_fields = ["outlet", "headline", "story__title"]
    readonly_fields = ["content_hash", "junk_spans", "raw", "created_at", "updated_at"]
