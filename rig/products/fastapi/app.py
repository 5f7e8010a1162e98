"""FastAPI of the forbidden-kit rig: fastapi.security (APIKeyHeader, HTTPBasic, HTTPBearer),
dependencies raising HTTPException, and slowapi, as their documentation shows.

    python app.py HOST PORT
"""

import secrets
import sys
from typing import Annotated

import uvicorn
from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi.responses import JSONResponse
from fastapi.security import (
    APIKeyHeader,
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
)
from slowapi import Limiter, _rate_limit_exceeded_handler
from slowapi.errors import RateLimitExceeded
from slowapi.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)
app = FastAPI()
app.state.limiter = limiter
app.add_exception_handler(RateLimitExceeded, _rate_limit_exceeded_handler)

USERS = {"alice": ("alice-pass", {"admin", "user"}), "bob": ("bob-pass", {"user"}),
         "carol": ("carol-pass", {"user"})}
KEYS = {"rig-key-alice-0001": "alice", "rig-key-bob-0002": "bob"}
TOKENS = {"rig-token-alice-0001": "alice", "rig-token-bob-0002": "bob"}
INTERNAL = {"127.0.0.1"}

api_key_header = APIKeyHeader(name="X-API-Key")
basic = HTTPBasic()
bearer = HTTPBearer()


def key_user(key: Annotated[str, Depends(api_key_header)]) -> str:
    if key not in KEYS:
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN,
                            detail="Could not validate API key")
    return KEYS[key]


def basic_user(credentials: Annotated[HTTPBasicCredentials, Depends(basic)]) -> str:
    known = USERS.get(credentials.username)
    if not known or not secrets.compare_digest(credentials.password.encode(), known[0].encode()):
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED,
                            detail="Incorrect username or password",
                            headers={"WWW-Authenticate": "Basic"})
    return credentials.username


def token_user(creds: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]) -> str:
    if creds.credentials not in TOKENS:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED,
                            detail="Could not validate credentials",
                            headers={"WWW-Authenticate": "Bearer"})
    return TOKENS[creds.credentials]


def require_admin(user: str) -> str:
    if "admin" not in USERS[user][1]:
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Not enough permissions")
    return user


# Host-wide sites: edge.rig.test serves only the internal addresses (every path);
# gw.rig.test is an API gateway serving only its mapped routes and methods.
GATEWAY_ROUTES = {"/v1/items": {"GET", "HEAD"}, "/v1/reports/": {"GET", "HEAD"}}


@app.middleware("http")
async def host_sites(request: Request, call_next):
    host = request.headers.get("host", "").split(":")[0]
    if host == "edge.rig.test" and (request.client is None or request.client.host not in INTERNAL):
        return JSONResponse({"detail": "Forbidden"}, status_code=status.HTTP_403_FORBIDDEN)
    if host == "gw.rig.test":
        methods = GATEWAY_ROUTES.get(request.url.path)
        if methods is None or request.method not in methods:
            return JSONResponse({"message": "Missing Authentication Token"},
                                status_code=status.HTTP_403_FORBIDDEN)
        return JSONResponse({"route": request.url.path})
    return await call_next(request)


def internal_only(request: Request) -> None:
    if request.client is None or request.client.host not in INTERNAL:
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN)


@app.get("/")
@app.get("/public/")
def home() -> dict[str, str]:
    return {"hello": "fastapi"}


@app.get("/internal/", dependencies=[Depends(internal_only)])
def internal() -> dict[str, str]:
    return {"internal": "yes"}


@app.get("/v1/items/")
def v1_items(user: Annotated[str, Depends(key_user)]) -> dict[str, object]:
    return {"items": [], "user": user}


@app.get("/v1/admin/")
def v1_admin(user: Annotated[str, Depends(key_user)]) -> dict[str, object]:
    return {"admin": require_admin(user)}


@app.get("/private/")
def private(user: Annotated[str, Depends(basic_user)]) -> dict[str, str]:
    return {"user": user}


@app.get("/admin/")
def admin(user: Annotated[str, Depends(basic_user)]) -> dict[str, str]:
    return {"admin": require_admin(user)}


@app.get("/api/items/")
def api_items(user: Annotated[str, Depends(token_user)]) -> dict[str, object]:
    return {"items": [], "user": user}


@app.get("/limited429/")
@limiter.limit("5/10seconds")
def limited429(request: Request) -> dict[str, bool]:
    return {"ok": True}


if __name__ == "__main__":
    uvicorn.run(app, host=sys.argv[1], port=int(sys.argv[2]), log_level="warning")
