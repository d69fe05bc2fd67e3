"""Dashboard views: thin functions over the querysets and figures in ``reports.figures``."""

from django.shortcuts import get_object_or_404, render

from provinces.models import Province

from .models import Edition, Result


def home(request):
    editions = Edition.objects.visible_to(request.user).real().select_related("index")
    return render(request, "reports/home.html", {"editions": editions})


def province_detail(request, slug: str):
    province = get_object_or_404(Province, slug=slug)
    results = Result.objects.visible_to(request.user).filter(province=province).select_related("edition__index")
    return render(request, "reports/province_stub.html", {"province": province, "results": results})
