#!/usr/bin/env python3
"""Stop everything rig/up.py started (the process groups recorded in rig/state.json)."""
import json
import os
import signal
import sys
import time

RIG = os.path.dirname(os.path.abspath(__file__))
STATE = os.path.join(os.environ.get("RIG_HOME") or RIG, "state.json")


def alive(pid):
    try:
        os.killpg(pid, 0)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def main():
    if not os.path.exists(STATE):
        print("rig is not up (no state.json)")
        return 0
    with open(STATE) as f:
        state = json.load(f)
    # up.py started each product as the leader of its own session, so its pid is also
    # the id of the process group holding its workers and helpers.
    pids = {p: s["pid"] for p, s in state.items()}
    for pid in pids.values():
        if alive(pid):
            os.killpg(pid, signal.SIGTERM)
    deadline = time.time() + 15
    while time.time() < deadline and any(alive(pid) for pid in pids.values()):
        time.sleep(0.2)
    for product, pid in pids.items():
        if alive(pid):
            print(f"{product}: still running after SIGTERM, sending SIGKILL")
            os.killpg(pid, signal.SIGKILL)
    for product, pid in pids.items():
        print(f"{product:12s} stopped (pid {pid})")
    os.remove(STATE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
