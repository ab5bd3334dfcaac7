"""Keep search engines out unless the site and the page both allow indexing."""

from django.conf import settings


def allow_indexing(response):
    """Mark a response (e.g. a public board a staff member opened to search) as indexable.

    It only takes effect when the SEARCH_INDEXING_ALLOWED setting is on.
    """
    response.search_indexing_allowed = True
    return response


class NoIndexMiddleware:
    """Adds `X-Robots-Tag: noindex, nofollow` to every response that was not opted in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        opted_in = settings.SEARCH_INDEXING_ALLOWED and getattr(
            response, "search_indexing_allowed", False
        )
        if not opted_in:
            response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response
