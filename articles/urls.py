from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("stories/new/", views.story_new, name="story_new"),
    path("imports/<str:token>/", views.import_job, name="import_job"),
    path("stories/<slug:slug>/add/", views.version_add, name="version_add"),
    path("stories/<slug:slug>/delete/", views.story_delete, name="story_delete"),
    path("stories/<slug:slug>/versions/<int:pk>/delete/", views.version_delete, name="version_delete"),
    path("stories/<slug:slug>/visibility/", views.story_visibility, name="story_visibility"),
    path("stories/<slug:slug>/share-links/", views.share_link_create, name="share_link_create"),
    path("stories/<slug:slug>/share-links/<int:pk>/revoke/", views.share_link_revoke, name="share_link_revoke"),
]
