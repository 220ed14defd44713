from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from articles.models import Story


@require_GET
def library(request):
    return render(request, "compare/library.html", {"stories": Story.objects.all()})


@require_GET
def story(request, slug):
    story = get_object_or_404(Story, slug=slug)
    return render(request, "compare/story.html", {"story": story})
