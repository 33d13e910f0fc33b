from django.shortcuts import render
from django.views.decorators.http import require_GET

from areas.models import Area, Region
from providers.models import Course, Provider


@require_GET
def home(request):
    counts = {
        "providers": Provider.objects.count(),
        "courses": Course.objects.count(),
        "areas": Area.objects.count(),
        "regions": Region.objects.count(),
    }
    return render(request, "offermap/home.html", {"counts": counts})
