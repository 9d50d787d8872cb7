from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """A partial update requested by htmx (not a boosted full-page navigation)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")
