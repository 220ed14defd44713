from django.urls import path

from . import views

app_name = "compare"

urlpatterns = [
    path("", views.library, name="library"),
    path("stories/<slug:slug>/", views.story, name="story"),
    path("stories/<slug:slug>/passages/<int:article_id>/<int:segment>/", views.passage, name="passage"),
]
