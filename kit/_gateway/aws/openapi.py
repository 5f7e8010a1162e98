"""An API Gateway REST API as exported (OpenAPI 3 or Swagger 2, with x-amazon-apigateway-*).

Route lookup follows API Gateway's resource tree: a literal path part beats a ``{param}``
part, which beats a greedy ``{proxy+}`` (which takes one or more remaining parts); a method
missing on the matched resource falls back to ``x-amazon-apigateway-any-method``
("Set up a proxy integration with a proxy resource",
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-set-up-simple-proxy.html).
Security ("OpenAPI extensions to API Gateway",
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html):
an operation's ``security`` replaces the global one (an empty list turns it off); an apiKey
scheme named x-api-key in header is the API key; ``x-amazon-apigateway-authorizer`` marks a
Lambda (token/request) or Cognito authorizer; ``x-amazon-apigateway-authtype: awsSigv4`` is
AWS_IAM; ``x-amazon-apigateway-api-key-source`` is HEADER (default) or AUTHORIZER.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..document import Document
from ..model import ConfigError, RuleRef

Keys = tuple[str | int, ...]
METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
ANY = "x-amazon-apigateway-any-method"
POLICY = "x-amazon-apigateway-policy"
_PARAM = re.compile(r"^\{[^{}+]+\}$")
_GREEDY = re.compile(r"^\{[^{}+]+\+\}$")
_HOST = re.compile(r"^([a-z0-9]+)(?:-vpce-[a-z0-9]+)?\.execute-api\.([a-z0-9-]+)\.amazonaws\.com")


@dataclass(frozen=True, slots=True)
class Scheme:
    """A security scheme: "api_key", "iam", "token", "request", "cognito_user_pools", "other"."""

    name: str
    kind: str
    keys: Keys
    sources: tuple[str, ...] = ()  # identity sources: "method.request.header.Authorization"
    cached: bool = True


@dataclass(frozen=True, slots=True)
class Operation:
    path: str  # the template, "/items/{id}"
    method: str  # as written: "get" or ANY
    keys: Keys
    schemes: tuple[Scheme, ...]
    security_keys: Keys | None  # where the effective security list is written


@dataclass(frozen=True, slots=True)
class Route:
    path: str
    keys: Keys
    methods: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OpenApi:
    document: Document
    routes: tuple[Route, ...]
    schemes: dict[str, Scheme]
    key_source: str  # "HEADER" or "AUTHORIZER"
    api_id: str | None
    region: str | None
    stage: str | None
    statuses: dict[str, int]  # gateway response type -> status override

    @property
    def policy_keys(self) -> Keys | None:
        return (POLICY,) if isinstance(self.document.get((POLICY,)), dict | str) else None

    def ref(self, keys: Keys, text: str | None = None) -> RuleRef:
        return self.document.ref(keys, text)

    def lookup(self, method: str, path: str) -> tuple[Route | None, Operation | None]:
        parts = [p for p in path.split("/") if p]
        scored = [(score, r) for r in self.routes
                  if (score := _score(r.path, parts)) is not None]
        if not scored:
            return None, None
        route = max(scored, key=lambda sr: sr[0])[1]
        name = method.lower() if method.lower() in route.methods else \
            ANY if ANY in route.methods else None
        return route, None if name is None else self._operation(route, name)

    def _operation(self, route: Route, name: str) -> Operation:
        doc = self.document
        keys = (*route.keys, name)
        if "security" in doc.get(keys):
            where: Keys | None = (*keys, "security")
        else:
            where = ("security",) if "security" in doc.data else None
        auth = doc.get((*keys, "x-amazon-apigateway-auth", "type"))
        schemes = list(self._schemes(where))
        if isinstance(auth, str) and auth.upper() == "AWS_IAM":
            schemes.append(Scheme("AWS_IAM", "iam", (*keys, "x-amazon-apigateway-auth")))
        return Operation(route.path, name, keys, tuple(schemes), where)

    def _schemes(self, where: Keys | None) -> list[Scheme]:
        if where is None:
            return []
        doc = self.document
        raw = doc.get(where)
        if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
            raise _error(doc, where, "security must be a list of requirement objects",
                         'write security: [{"api_key": []}] (or [] for none)')
        out: list[Scheme] = []
        for index, requirement in enumerate(raw):
            for name in requirement:
                if name not in self.schemes:
                    raise _error(doc, (*where, index, name), f"security scheme {name!r} is not "
                                 "defined", "define it under components.securitySchemes "
                                 "(OpenAPI 3) or securityDefinitions (Swagger 2)")
                out.append(self.schemes[name])
        return out


def _score(template: str, parts: list[str]) -> tuple[int, ...] | None:
    """Per-part rank (literal 3, {param} 2, {greedy+} 1) when the template matches."""
    pattern = [p for p in template.split("/") if p]
    ranks: list[int] = []
    for index, piece in enumerate(pattern):
        if _GREEDY.match(piece):
            if index == len(pattern) - 1 and len(parts) > index:
                return (*ranks, *([1] * (len(parts) - index)))
            return None
        if index >= len(parts):
            return None
        if _PARAM.match(piece):
            ranks.append(2)
        elif piece == parts[index]:
            ranks.append(3)
        else:
            return None
    return tuple(ranks) if len(pattern) == len(parts) else None


def parse_openapi(doc: Document) -> OpenApi:
    data = doc.data
    paths = data.get("paths")
    if not isinstance(paths, dict):
        raise _error(doc, ("paths",), "an OpenAPI definition needs a paths object",
                     "export the API with its paths (aws apigateway get-export)")
    routes: list[Route] = []
    for path, item in paths.items():
        if not isinstance(path, str) or not path.startswith("/"):
            raise _error(doc, ("paths", str(path)), f"path {path!r} does not start with /",
                         "write paths like /items/{id}")
        if not isinstance(item, dict):
            raise _error(doc, ("paths", path), "a path item must be an object of methods",
                         "write get:, post:, ... under the path")
        methods = tuple(m for m in item if m in (*METHODS, ANY))
        routes.append(Route(path, ("paths", path), methods))
    v3 = "openapi" in data
    where: Keys = ("components", "securitySchemes") if v3 else ("securityDefinitions",)
    raw = doc.get(where) or {}
    if not isinstance(raw, dict):
        raise _error(doc, where, "security schemes must be an object", "name each scheme")
    schemes = {str(n): _scheme(doc, (*where, str(n))) for n in raw}
    source = str(data.get("x-amazon-apigateway-api-key-source") or "HEADER").upper()
    if source not in ("HEADER", "AUTHORIZER"):
        raise _error(doc, ("x-amazon-apigateway-api-key-source",), f"api key source {source!r}"
                     " is not HEADER or AUTHORIZER", "use HEADER or AUTHORIZER")
    api_id, region, stage = _where_deployed(data)
    statuses: dict[str, int] = {}
    responses = data.get("x-amazon-apigateway-gateway-responses")
    for kind, response in (responses.items() if isinstance(responses, dict) else ()):
        code = response.get("statusCode") if isinstance(response, dict) else None
        if isinstance(code, int | str) and str(code).isdigit():
            statuses[str(kind)] = int(code)
    api = OpenApi(doc, tuple(routes), schemes, source, api_id, region, stage, statuses)
    for route in routes:  # every operation's security, checked now rather than per request
        for method in route.methods:
            if not isinstance(doc.get((*route.keys, method)), dict):
                raise _error(doc, (*route.keys, method), "an operation must be an object",
                             "write responses:, security: ... under the method")
            api._operation(route, method)
    return api


def _scheme(doc: Document, keys: Keys) -> Scheme:
    raw = doc.get(keys)
    if not isinstance(raw, dict):
        raise _error(doc, keys, "a security scheme must be an object", "write type: apiKey ...")
    name = str(keys[-1])
    authorizer = raw.get("x-amazon-apigateway-authorizer")
    header = str(raw.get("name") or "Authorization")
    if isinstance(authorizer, dict):
        kind = str(authorizer.get("type", "token")).lower()
        if kind not in ("token", "request", "cognito_user_pools"):
            raise _error(doc, (*keys, "x-amazon-apigateway-authorizer", "type"),
                         f"authorizer type {kind!r} is unknown",
                         "use token, request or cognito_user_pools")
        given = authorizer.get("identitySource")
        sources = tuple(s.strip() for s in str(given).split(",") if s.strip()) if given else (
            f"method.request.header.{header}",)
        ttl = authorizer.get("authorizerResultTtlInSeconds", 300)
        return Scheme(name, kind, keys, sources, not (kind == "request" and ttl in (0, "0")))
    if str(raw.get("x-amazon-apigateway-authtype", "")).lower() == "awssigv4":
        return Scheme(name, "iam", keys)
    if raw.get("type") == "apiKey" and header.lower() == "x-api-key" and \
            raw.get("in", "header") == "header":
        return Scheme(name, "api_key", keys)
    return Scheme(name, "other", keys)


def _where_deployed(data: dict[str, object]) -> tuple[str | None, str | None, str | None]:
    """api id, region and stage from ``servers`` (OpenAPI 3) or ``host``/``basePath``."""
    host, base = "", ""
    servers = data.get("servers")
    if isinstance(servers, list) and servers and isinstance(servers[0], dict):
        url = str(servers[0].get("url", ""))
        variables = servers[0].get("variables") or {}
        for name, var in (variables.items() if isinstance(variables, dict) else ()):
            if isinstance(var, dict) and "default" in var:
                url = url.replace("{" + str(name) + "}", str(var["default"]))
        try:
            parts = urlsplit(url if "://" in url else "https://" + url)
            host, base = parts.hostname or "", parts.path
        except ValueError:  # not a URL: the deployment is then simply not known
            host, base = "", ""
    elif isinstance(data.get("host"), str):
        host, base = str(data["host"]), str(data.get("basePath") or "")
    found = _HOST.match(host.lower())
    stage = base.strip("/").split("/")[0] or None
    return (found[1], found[2], stage) if found else (None, None, stage if found else None)


def _error(doc: Document, keys: Keys, message: str, hint: str) -> ConfigError:
    ref = doc.ref(keys)
    return ConfigError(message, source=doc.source, line=ref.line, path=ref.path, hint=hint)
