from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.views.decorators.http import require_http_methods
from rest_framework import authentication, permissions, throttling
from rest_framework.response import Response
from rest_framework.views import APIView


def home(request):
    return HttpResponse("django home\n", content_type="text/plain")


def internal(request):
    if request.META.get("REMOTE_ADDR") not in settings.INTERNAL_IPS:
        raise PermissionDenied
    return HttpResponse("internal\n", content_type="text/plain")


def staff(request):
    """Session-authenticated page for staff only."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not request.user.is_staff:
        raise PermissionDenied
    return HttpResponse("staff page\n", content_type="text/plain")


@require_http_methods(["GET", "POST"])
def form(request):
    """Plain Django form endpoint behind CsrfViewMiddleware."""
    return HttpResponse("form ok\n", content_type="text/plain")


class Items(APIView):
    """TokenAuthentication (401 with WWW-Authenticate: Token) + IsAuthenticated."""

    def get(self, request):
        return Response({"items": [], "user": request.user.username})

    def post(self, request):
        return Response({"created": True})


class SessionItems(APIView):
    """SessionAuthentication: no WWW-Authenticate header, so DRF answers 403, and CSRF is
    enforced for unsafe methods."""
    authentication_classes = [authentication.SessionAuthentication]

    def get(self, request):
        return Response({"items": [], "user": request.user.username})

    def post(self, request):
        return Response({"created": True})


class BasicItems(APIView):
    authentication_classes = [authentication.BasicAuthentication]

    def get(self, request):
        return Response({"items": [], "user": request.user.username})


class AdminOnly(APIView):
    permission_classes = [permissions.IsAdminUser]

    def get(self, request):
        return Response({"admin": True})


class ReadOnly(APIView):
    """DjangoModelPermissions-like: writing needs the auth.change_user permission."""
    permission_classes = [permissions.IsAuthenticated, permissions.DjangoModelPermissions]
    queryset = __import__("django.contrib.auth.models", fromlist=["User"]).User.objects.all()

    def get(self, request):
        return Response({"users": self.queryset.count()})

    def post(self, request):
        return Response({"changed": True})


class Limited(APIView):
    throttle_classes = [throttling.UserRateThrottle]

    def get(self, request):
        return Response({"ok": True})


class AnonLimited(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [throttling.AnonRateThrottle]

    def get(self, request):
        return Response({"ok": True})
