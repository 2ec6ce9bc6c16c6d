"""The project's URLs plus a view that fails with personal data in the exception (for the 500 page test)."""

from django.urls import path

from ambito.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("Cannot process RSSMRA80A01F205X mario.rossi@example.it 333 123 4567")


urlpatterns = [path("test-boom/", boom), *urlpatterns]
