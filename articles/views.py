from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def story_new(request):
    return render(request, "articles/story_new.html", {})
