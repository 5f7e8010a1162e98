"""The floor: one request sent safely, its secrets masked, its headers read.

Exchange (the one evidence record), probe (send one request), secrets and tokens,
rate-limit headers, WWW-Authenticate challenges, the log filter that keeps secrets
out of httpx's own log records."""
