#!/usr/bin/env python3
"""Benchmark (not a test) of issue 24, point 1: ordinary checks while long pathological posts arrive.

Starts the installed service (scripts/bench.py's start_server), then measures an ordinary
130-character check (a new text each time, so nothing comes from the cache) idle, and while 2, 4 and
6 senders each post 20,000-character texts of distinct one-word sentences in a loop, plus the
longest /v1/health answer meanwhile. Before the work budget, two such senders pushed an ordinary
check past 8 s.

    python scripts/bench_heavy.py [--senders 2 4 6] [--checks 30] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from pathlib import Path

import requests

from bench import free_port, start_server  # a sibling: a script's own folder is on its path
from conduct_guard.engine.modelinfo import default_model_dir


def heavy_text(tag: str, chars: int = 20_000) -> str:
    return " ".join(f"w{tag}x{j}." for j in range(chars // 6))[:chars]


def ordinary_ms(url: str, n: int) -> float:
    started = time.perf_counter()
    reply = requests.post(f"{url}/v1/check", timeout=60, json={
        "text": f"Eid Mubarak to everyone in the office, see you on Monday {n} at the meeting. "
                "Please bring the minutes of the last session."})
    reply.raise_for_status()
    return (time.perf_counter() - started) * 1000


def under_load(url: str, senders: int, checks: int, counter: list[int]) -> dict:
    stop = threading.Event()
    heavy_done = [0]

    def sender(k: int) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            requests.post(f"{url}/v1/check", json={"text": heavy_text(f"{k}-{i}")}, timeout=300)
            heavy_done[0] += 1

    threads = [threading.Thread(target=sender, args=(k,), daemon=True) for k in range(senders)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    check, health = [], []
    for _ in range(checks):
        counter[0] += 1
        check.append(ordinary_ms(url, counter[0]))
        started = time.perf_counter()
        requests.get(f"{url}/v1/health", timeout=60)
        health.append((time.perf_counter() - started) * 1000)
        time.sleep(0.1)
    stop.set()
    for t in threads:
        t.join(timeout=300)
    return {"senders": senders, "check_p50_ms": round(statistics.median(check), 1), "check_max_ms": round(max(check), 1),
            "health_max_ms": round(max(health), 1), "heavy_answered": heavy_done[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--senders", type=int, nargs="*", default=[2, 4, 6])
    ap.add_argument("--checks", type=int, default=30)
    ap.add_argument("--model-dir", type=Path, default=None)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    port = free_port()
    proc, _ = start_server(port, args.model_dir or default_model_dir())
    url = f"http://127.0.0.1:{port}"
    counter = [0]
    try:
        for _ in range(5):
            counter[0] += 1
            ordinary_ms(url, counter[0])
        idle = []
        for _ in range(args.checks):
            counter[0] += 1
            idle.append(ordinary_ms(url, counter[0]))
        report = {"idle_check_p50_ms": round(statistics.median(idle), 1),
                  "loads": [under_load(url, n, args.checks, counter) for n in args.senders]}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(f"ordinary check idle: p50 {report['idle_check_p50_ms']} ms")
    for r in report["loads"]:
        print(f"{r['senders']} heavy senders: ordinary check p50 {r['check_p50_ms']} ms, max {r['check_max_ms']} ms; "
              f"/v1/health max {r['health_max_ms']} ms; heavy posts answered {r['heavy_answered']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
