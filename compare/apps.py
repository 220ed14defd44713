from django.apps import AppConfig
from django.db.models.signals import post_save


class CompareConfig(AppConfig):
    name = "compare"
    verbose_name = "Comparison"

    def ready(self) -> None:
        # Every saved article is indexed for trace-a-text (see compare/trace/index.py). Imported
        # here, not at the top: models may be imported only once the apps are loaded.
        from articles.models import Article

        from .trace import index

        post_save.connect(index.article_saved, sender=Article, dispatch_uid="compare.trace.index.article_saved")
