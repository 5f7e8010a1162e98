"""The sandbox's fake credentials: obviously fake (``sbx_`` prefix), fixed, and safe to print.

Each key has one job in one scenario; the names say which. The same table feeds the request
templates of the scenarios (``{live_key}`` and so on) and the checks of the route families.
"""

from __future__ import annotations

from typing import Final

LIVE: Final = "sbx_live_7Hq2Vx9LmP4tRw8Ys3Kd6Nf1Zc5Bj0Ga"
READ: Final = "sbx_read_Qm4Tz8Wc2Xv6Bn1Lk5Hj9Gf3Ds7Ap0Ry"
WRITE: Final = "sbx_write_Ue3Yi7Oq1Pw5Ea9Rs2Dt6Fg0Hj4Kl8Zx"
MEMBER: Final = "sbx_member_Cv5Bn9Mq2Wx6Ez0Rt4Yu8Io3Pa7Sd1F"
ADMIN: Final = "sbx_admin_Gh2Jk6Lz0Xc4Vb8Nm3Qw7Er1Ty5Ui9Op"
REVOKED: Final = "sbx_revoked_As6Df0Gh4Jk8Lz2Xc7Vb1Nm5Qw9Er3T"
PINNED: Final = "sbx_pinned_Yu1Io5Pa9Sd3Fg7Hj2Kl6Zx0Cv4Bn8Mq"
RATE_EXHAUSTED: Final = "sbx_rl_Wx3Ec7Rv1Tb5Yn9Um2Ik6Ol0Pq4Az8Sx"
QUOTA_SPENT: Final = "sbx_quota_Dc2Fv6Gb0Hn4Jm8Kq3Lw7Ze1Xr5Ct9V"
GOOGLE_VIEWER: Final = "sbx_AIzaSyViewerX3kLm9Qp2Rt7Vw4Yz8Bc1Df6Gh"
GOOGLE_OWNER: Final = "sbx_AIzaSyOwnerJ5nPq8Ts1Vx4Za7Cd0Fg3Hj6Km9"
GOOGLE_REFERRER: Final = "sbx_AIzaSyReferrerL2mNp5Qr8St1Uv4Wx7Yz0Ab3"
GOOGLE_DISABLED: Final = "sbx_AIzaSyDisabledC6dEf9Gh2Ij5Kl8Mn1Op4Qr7"
GOOGLE_ENABLED: Final = "sbx_AIzaSyEnabledS0tUv3Wx6Yz9Ab2Cd5Ef8Gh1Ij"
GITHUB_EXHAUSTED: Final = "sbx_ghp_Exh4usted_9Lm2Np5Qr8St1Uv4Wx7Yz0Ab3Cd"
GITHUB_FRESH: Final = "sbx_ghp_Fr3sh_K6lM9nP2qR5sT8uV1wX4yZ7aB0cD3eF"

ALLOWED_REFERRER: Final = "https://app.sandbox.example/"
"""Referrer prefix the Google-style restricted key admits."""

PINNED_ADDRESSES: Final = frozenset({"127.0.0.2"})
"""Client addresses the IP-pinned key admits (and the perimeter listener's whole allowlist)."""

TEMPLATE_VALUES: Final[dict[str, str]] = {
    "live_key": LIVE,
    "read_key": READ,
    "write_key": WRITE,
    "member_key": MEMBER,
    "admin_key": ADMIN,
    "revoked_key": REVOKED,
    "pinned_key": PINNED,
    "rate_exhausted_key": RATE_EXHAUSTED,
    "quota_spent_key": QUOTA_SPENT,
    "google_viewer_key": GOOGLE_VIEWER,
    "google_owner_key": GOOGLE_OWNER,
    "google_referrer_key": GOOGLE_REFERRER,
    "google_disabled_key": GOOGLE_DISABLED,
    "google_enabled_key": GOOGLE_ENABLED,
    "github_exhausted": GITHUB_EXHAUSTED,
    "github_fresh": GITHUB_FRESH,
    "allowed_referrer": ALLOWED_REFERRER,
}
