from django.urls import path

from . import views

app_name = "compare"

urlpatterns = [
    path("", views.library, name="library"),
    path("stories/<slug:slug>/", views.story, name="story"),
]
