#!/usr/bin/env python3
"""Send every scenario of rig/scenarios.jsonl (and its control) once to the running rig and
compare the status with the label. Stdlib only.

    python3 rig/check.py                 # all products
    python3 rig/check.py nginx apache    # some products
    python3 rig/check.py -v              # print every exchange

A scenario with "prime": N first sends the same request N times (to trip a limiter), then
the scenario itself. Controls are sent before their scenario, so a limiter tripped by the
scenario does not spoil its control. Exit status 0 only if every scenario and every
control got its expected status.
"""
import collections
import http.client
import json
import os
import sys
import time

RIG = os.path.dirname(os.path.abspath(__file__))
DEFAULT_UA = "forbidden-kit-rig/1.0"


def send(base, req, timeout=10):
    """One request; returns (status, body excerpt). base is http://host:port."""
    hostport = base.split("://", 1)[1]
    host, port = hostport.rsplit(":", 1)
    src = req.get("source_address")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout,
                                      source_address=(src, 0) if src else None)
    headers = {"User-Agent": DEFAULT_UA, "Accept": "*/*"}
    headers.update(req.get("headers") or {})
    body = req.get("body")
    if body is not None:
        body = body.encode()
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    try:
        # skip_host: the scenario's Host header (if any) is sent as given.
        conn.putrequest(req.get("method", "GET"), req["path"], skip_host="Host" in headers,
                        skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        text = resp.read(400).decode("utf-8", "replace")
        return resp.status, text
    except OSError as exc:
        return None, f"{type(exc).__name__}: {exc}"
    finally:
        conn.close()


def main(argv):
    verbose = "-v" in argv
    only = [a for a in argv[1:] if not a.startswith("-")]
    with open(os.path.join(os.environ.get("RIG_HOME") or RIG, "state.json")) as f:
        state = json.load(f)
    scenarios = []
    with open(os.path.join(RIG, "scenarios.jsonl")) as f:
        for line in f:
            if line.strip():
                scenarios.append(json.loads(line))
    if only:
        scenarios = [s for s in scenarios if s["product"] in only]
    ok = collections.Counter()
    total = collections.Counter()
    cause_ok = collections.Counter()
    cause_total = collections.Counter()
    bad = []
    t0 = time.time()
    for s in scenarios:
        product = s["product"]
        total[product] += 1
        cause_total[s["cause"]] += 1
        info = state.get(product)
        if not info or info.get("failed"):
            bad.append((s["id"], "product not up", None))
            continue
        base = info["base_url"]
        control = dict(s["control"])
        c_status, _ = send(base, control)
        c_expected = control.get("expected_status", 200)
        for _ in range(s.get("prime", 0)):
            send(base, s)
        status, text = send(base, s)
        good = status == s["expected_status"] and c_status == c_expected
        if good:
            ok[product] += 1
            cause_ok[s["cause"]] += 1
        else:
            bad.append((s["id"], f"scenario {status} (want {s['expected_status']}), "
                                 f"control {c_status} (want {c_expected})", text[:200]))
        if verbose:
            print(f"{'ok ' if good else 'BAD'} {s['id']:40s} {s['cause']:16s} {status} "
                  f"control {c_status}  {text[:80]!r}")
    print(f"\n{'product':14s} {'ok':>4s} / total")
    for product in dict.fromkeys(s["product"] for s in scenarios):
        print(f"{product:14s} {ok[product]:4d} / {total[product]}")
    print(f"{'all':14s} {sum(ok.values()):4d} / {sum(total.values())}"
          f"   ({time.time() - t0:.1f} s)")
    print(f"\n{'cause':16s} {'ok':>4s} / total")
    for cause in sorted(cause_total):
        print(f"{cause:16s} {cause_ok[cause]:4d} / {cause_total[cause]}")
    for sid, why, text in bad:
        print(f"MISMATCH {sid}: {why}" + (f"\n    {text!r}" if text else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
