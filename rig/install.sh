#!/usr/bin/env bash
# Install the rig's products. Idempotent: installs only what is missing.
# Sources: Debian packages (apt-get), PyPI (pip), the npm registry (npm). Nothing else.
set -euo pipefail
RIG="$(cd "$(dirname "$0")" && pwd)"
export DEBIAN_FRONTEND=noninteractive

APT_PKGS=(nginx apache2 apache2-utils libapache2-mod-security2 modsecurity-crs
          libapache2-mod-evasive haproxy squid lighttpd varnish varnish-modules tomcat10 tomcat10-admin caddy curl)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "apt-get: installing ${missing[*]}"
  # Debian's maintainer scripts would start the packaged services on their default
  # ports; the rig starts its own instances, so keep the packaged ones from starting.
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; made_policy=1
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
else
  echo "apt-get: all present"
fi

# Python frameworks live in their own virtualenv so the system Python stays untouched.
VENV="$RIG/.venv"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" - <<'PY' 2>/dev/null || "$VENV/bin/pip" install -q -r "$RIG/requirements.txt"
import django, rest_framework, flask, flask_limiter, flask_httpauth, fastapi, uvicorn, slowapi, moto.server
PY
echo "pip: ok ($("$VENV/bin/python" -c 'import django,flask;import importlib.metadata as m;print("django",django.__version__,"flask",m.version("flask"))'))"

# Node products
EXP="$RIG/products/express"
if [ ! -d "$EXP/node_modules/express-rate-limit" ] || [ ! -d "$EXP/node_modules/csrf-csrf" ]; then
  (cd "$EXP" && npm install --no-audit --no-fund --loglevel=error)
fi
echo "npm: ok"
echo "install: done"
