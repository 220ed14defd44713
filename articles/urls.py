from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("stories/new/", views.story_new, name="story_new"),
    path("stories/<slug:slug>/add/", views.version_add, name="version_add"),
    path("stories/<slug:slug>/delete/", views.story_delete, name="story_delete"),
    path("stories/<slug:slug>/versions/<int:pk>/delete/", views.version_delete, name="version_delete"),
]
