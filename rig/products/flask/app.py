"""Flask of the forbidden-kit rig: Flask-Limiter, Flask-HTTPAuth and Flask's abort(403),
configured as their documentation shows.

    python app.py HOST PORT
"""
import sys

from flask import Flask, abort, jsonify, make_response, request
from flask_httpauth import HTTPBasicAuth, HTTPTokenAuth
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.security import check_password_hash, generate_password_hash

app = Flask(__name__)
limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
basic = HTTPBasicAuth()
token = HTTPTokenAuth(scheme="Bearer")
apikey = HTTPTokenAuth(header="X-API-Key")

USERS = {
    "alice": (generate_password_hash("alice-pass"), ["admin", "user"]),
    "bob": (generate_password_hash("bob-pass"), ["user"]),
    "carol": (generate_password_hash("carol-pass"), ["user"]),
}
TOKENS = {"rig-token-alice-0001": "alice", "rig-token-bob-0002": "bob"}
KEYS = {"rig-key-alice-0001": "alice", "rig-key-bob-0002": "bob"}
INTERNAL_ADDRESSES = {"127.0.0.1"}
SERVED_HOSTS = {"api.rig.test", "api.rig.test:8080"}


@basic.verify_password
def verify_password(username, password):
    if username in USERS and check_password_hash(USERS[username][0], password):
        return username


@basic.get_user_roles
def get_user_roles(username):
    return USERS[username][1]


@token.verify_token
def verify_token(value):
    return TOKENS.get(value)


@token.get_user_roles
def token_roles(username):
    return USERS[username][1]


@apikey.verify_token
def verify_key(value):
    return KEYS.get(value)


@apikey.get_user_roles
def key_roles(username):
    return USERS[username][1]


# gw.rig.test: an API gateway that serves only its mapped routes and methods.
GATEWAY_ROUTES = {"/v1/items": {"GET", "HEAD"}, "/v1/reports/": {"GET", "HEAD"}}


@app.before_request
def served_host_only():
    host = request.host.split(":")[0]
    if host == "edge.rig.test":
        # the whole site only for the internal addresses (every view)
        if request.remote_addr not in INTERNAL_ADDRESSES:
            abort(403)
        return None
    if host == "gw.rig.test":
        methods = GATEWAY_ROUTES.get(request.path)
        if methods is None or request.method not in methods:
            return jsonify(message="Forbidden"), 403
        return jsonify(route=request.path)
    if request.host not in SERVED_HOSTS:
        abort(403)


@app.route("/")
@app.route("/public/")
def home():
    return "flask home\n"


@app.route("/internal/")
def internal():
    if request.remote_addr not in INTERNAL_ADDRESSES:
        abort(403)
    return "internal\n"


@app.route("/private/")
@basic.login_required
def private():
    return jsonify(user=basic.current_user())


@app.route("/admin/")
@basic.login_required(role="admin")
def admin():
    return jsonify(admin=True)


@app.route("/api/items/")
@token.login_required
def items():
    return jsonify(items=[], user=token.current_user())


@app.route("/api/admin/")
@token.login_required(role="admin")
def api_admin():
    return jsonify(admin=True)


@app.route("/v1/items/")
@apikey.login_required
def v1_items():
    return jsonify(items=[], user=apikey.current_user())


@app.route("/v1/admin/")
@apikey.login_required(role="admin")
def v1_admin():
    return jsonify(admin=True)


@app.route("/limited429/")
@limiter.limit("5 per 10 seconds")
def limited429():
    return "limited 429\n"


def breach_403(limit):
    return make_response("Forbidden\n", 403)


@app.route("/limited403/")
@limiter.limit("5 per 10 seconds", on_breach=breach_403)
def limited403():
    return "limited 403\n"


if __name__ == "__main__":
    app.run(host=sys.argv[1], port=int(sys.argv[2]), threaded=True)
