"""Create the rig's users, tokens and sessions with fixed literal values (test data)."""
import os
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riglab.settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

PEOPLE = {
    # user: (password, is_staff, token, session key)
    "alice": ("alice-pass", True, "a11ce0000000000000000000000000000000a11c",
              "sessalice0000000000000000000000a"),
    "bob": ("bob-pass", False, "b0b0000000000000000000000000000000000b0b",
            "sessbob00000000000000000000000bb"),
    "carol": ("carol-pass", False, "ca401000000000000000000000000000000ca401",
              "sesscarol000000000000000000000cc"),
}
for name, (pw, staff, key, skey) in PEOPLE.items():
    user, _ = User.objects.get_or_create(username=name)
    user.set_password(pw)
    user.is_staff = staff
    user.is_superuser = staff
    user.save()
    Token.objects.filter(user=user).delete()
    Token.objects.create(user=user, key=key)
    data = {"_auth_user_id": str(user.pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": user.get_session_auth_hash()}
    Session.objects.update_or_create(
        session_key=skey,
        defaults={"session_data": SessionStore().encode(data),
                  "expire_date": timezone.now() + timedelta(days=365)})
print("seeded")
