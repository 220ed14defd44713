from django.apps import AppConfig
from django.db.models.signals import post_save


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Article library"

    def ready(self) -> None:
        # Every saved article is indexed for trace-a-text (see articles/index.py).
        from . import index
        from .models import Article

        post_save.connect(index.article_saved, sender=Article, dispatch_uid="articles.index.article_saved")
