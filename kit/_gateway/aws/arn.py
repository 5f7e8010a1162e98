"""The method ARN API Gateway authorizes, and how Resource patterns cover it.

``arn:aws:execute-api:{region}:{account}:{api-id}/{stage}/{METHOD}/{path}`` ("Resource format
of permissions for executing API in API Gateway",
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html);
``*`` and ``?`` are wildcards within each colon-separated part, ``*`` crossing ``/`` in the
resource part; the shorthand ``execute-api:/{stage}/{METHOD}/{path}`` names this API.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cond import glob_match

SHORTHAND = "execute-api:/"


@dataclass(frozen=True, slots=True)
class MethodArn:
    """The ARN API Gateway checks; None parts are unknown (they match any pattern)."""

    region: str | None
    account: str | None
    api_id: str | None
    stage: str | None
    method: str
    path: str  # without the leading slash

    def text(self) -> str:
        return (f"arn:aws:execute-api:{self.region or '*'}:{self.account or '*'}:"
                f"{self.api_id or '*'}/{self.stage or '*'}/{self.method}/{self.path}")

    def covered_by(self, pattern: str) -> bool:
        if pattern == "*":
            return True
        if pattern.startswith(SHORTHAND):  # this API: only stage/METHOD/path is compared
            return _resource_match(pattern[len(SHORTHAND):], "", self.stage, self._tail())
        parts = pattern.split(":", 5)
        if len(parts) < 6:
            return glob_match(pattern, self.text())
        _, partition, service, region, account, resource = parts
        if not (glob_match(partition, "aws") or partition.startswith("aws")):
            return False
        if not glob_match(service, "execute-api"):
            return False
        if self.region is not None and not glob_match(region, self.region):
            return False
        if self.account is not None and not glob_match(account, self.account):
            return False
        return _resource_match(resource, self.api_id, self.stage, self._tail())

    def _tail(self) -> str:
        return f"{self.method}/{self.path}"


def _resource_match(pattern: str, api: str | None, stage: str | None, tail: str) -> bool:
    """``api/stage/METHOD/path`` pattern against the request's (``stage/METHOD/path`` when
    ``api`` is ""): an unknown part takes the pattern's own part, so only what is known
    decides."""
    wanted = [stage] if api == "" else [api, stage]
    parts = pattern.split("/", len(wanted))
    values = [p if v is None else v for v, p in zip(wanted, parts, strict=False)]
    values += ["*"] * (len(wanted) - len(values))
    return glob_match(pattern, "/".join((*values, tail)))
