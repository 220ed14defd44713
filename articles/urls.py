from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("stories/new/", views.story_new, name="story_new"),
]
