from django.contrib import admin

from .models import Article, Story


class ArticleInline(admin.StackedInline):
    model = Article
    extra = 0
    fields = ["position", "outlet", "headline", "byline", "source_url", "published_on", "language", "text"]
    show_change_link = True


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "version_count", "updated_at"]
    search_fields = ["title", "slug", "versions__outlet"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ArticleInline]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["label", "story", "published_on", "language", "source", "created_at"]
    list_filter = ["source", "language"]
    search_fields = ["outlet", "headline", "story__title"]
    readonly_fields = ["content_hash", "junk_spans", "raw", "created_at", "updated_at"]
