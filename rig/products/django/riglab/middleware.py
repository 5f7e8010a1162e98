"""Site-wide address allowlist: every view of edge.rig.test refuses clients whose
REMOTE_ADDR is not listed (a middleware, as Django's docs show writing one)."""
from django.core.exceptions import PermissionDenied

EDGE_HOSTS = {"edge.rig.test"}
EDGE_ALLOWED = {"127.0.0.1"}


class EdgeAllowlistMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.get_host().split(":")[0] in EDGE_HOSTS and \
                request.META.get("REMOTE_ADDR") not in EDGE_ALLOWED:
            raise PermissionDenied
        return self.get_response(request)
