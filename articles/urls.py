from django.urls import path

from . import edit_views, note_views, views

app_name = "articles"

urlpatterns = [
    path("stories/new/", views.story_new, name="story_new"),
    path("imports/<str:token>/", views.import_job, name="import_job"),
    path("stories/<slug:slug>/add/", views.version_add, name="version_add"),
    path("stories/<slug:slug>/delete/", views.story_delete, name="story_delete"),
    path("stories/<slug:slug>/versions/<int:pk>/delete/", views.version_delete, name="version_delete"),
    path("stories/<slug:slug>/edit/", edit_views.story_edit, name="story_edit"),
    path("stories/<slug:slug>/versions/<int:pk>/edit/", edit_views.version_edit, name="version_edit"),
    path("stories/<slug:slug>/notes/", note_views.note_add, name="note_add"),
    path("stories/<slug:slug>/notes/<int:pk>/edit/", note_views.note_edit, name="note_edit"),
    path("stories/<slug:slug>/notes/<int:pk>/delete/", note_views.note_delete, name="note_delete"),
    path("stories/<slug:slug>/visibility/", views.story_visibility, name="story_visibility"),
    path("stories/<slug:slug>/share-links/", views.share_link_create, name="share_link_create"),
    path("stories/<slug:slug>/share-links/<int:pk>/revoke/", views.share_link_revoke, name="share_link_revoke"),
]
