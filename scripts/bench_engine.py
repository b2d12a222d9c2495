#!/usr/bin/env python3
"""The checker's own throughput, without HTTP (not a test): the ceiling that --load-only can approach.

    python scripts/bench_engine.py [--model-dir M] [--baseline-backend OLD_SRC/backend] [--rounds 4]

Each side runs in a process of its own (this tree's installed package, or a baseline source tree
through PYTHONPATH, e.g. `git archive e099faf backend | tar -x -C /tmp/old`): it builds the real
Checker with the model, warms it, and checks distinct 50-300-character posts (scripts/bench.py's
load) from one thread per core, as the service's request threads do. It reports checks a second,
CPU ms a check and model passes a check (every session run counted by its rows). Sides alternate
(ABBA) so drift in the machine's load hits both.

Why it exists (issue 24, point 11): a load through HTTP mixes the checker's cost with the server's;
this separates them, and the passes a check say what a screen or cache saves before any timing.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path



def _checker_and_session(model_dir: str):
    """The Checker and the session class of whichever layout the importable package has (the
    engine/service folders of today, or the flat modules before them)."""
    try:
        from conduct_guard.engine import session
        from conduct_guard.service.app import build_checker
    except ImportError:  # a tree from before the folders (e.g. e099faf)
        from conduct_guard import session
        from conduct_guard.app import build_checker
    return build_checker({"CG_MODEL_DIR": model_dir}), session.InferenceSession


def worker(model_dir: str, threads: int, warm: int) -> dict:
    """Runs inside the side's own process; the posts come on stdin (JSON), the figures go to stdout."""
    posts = json.load(sys.stdin)
    checker, session_class = _checker_and_session(model_dir)
    passes = [0]
    lock = threading.Lock()
    run = session_class.run

    def counted(self, features):
        with lock:
            passes[0] += len(features["input_ids"])
        return run(self, features)

    session_class.run = counted
    for post in posts[:warm]:
        checker.check(post)
    measured = posts[warm:]
    parts = [measured[i::threads] for i in range(threads)]

    def check_all(part: list[str]) -> None:
        for post in part:
            checker.check(post)

    workers = [threading.Thread(target=check_all, args=(part,)) for part in parts]
    passes[0] = 0
    cpu, wall = time.process_time(), time.perf_counter()
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    import conduct_guard
    return {"package": str(Path(conduct_guard.__file__).parent), "checks": len(measured),
            "checks_per_s": len(measured) / wall, "cpu_ms_per_check": cpu * 1000 / len(measured),
            "cores": cpu / wall, "passes_per_check": passes[0] / len(measured)}


def run_side(backend: Path | None, model_dir: Path, posts: list[str], threads: int, warm: int) -> dict:
    env = dict(os.environ)
    if backend is not None:
        env["PYTHONPATH"] = str(backend)
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", "--model-dir", str(model_dir),
                           "--threads", str(threads), "--warm", str(warm)],
                          input=json.dumps(posts), capture_output=True, text=True, env=env, cwd="/")
    if proc.returncode:
        raise SystemExit(f"worker for {backend or 'this tree'} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def describe(r: dict) -> str:
    return (f"{r['checks_per_s']:.1f} checks/s, {r['cpu_ms_per_check']:.1f} CPU ms a check, {r['cores']:.2f} cores, "
            f"{r['passes_per_check']:.2f} model passes a check")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", type=Path, default=None, help="the model (default: shipped)")
    ap.add_argument("--baseline-backend", type=Path, help="another source tree's backend/, measured in turns")
    ap.add_argument("--rounds", type=int, default=2, help="rounds per side")
    ap.add_argument("--posts", type=int, default=400, help="posts checked a round")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="checking threads (default: one a core)")
    ap.add_argument("--warm", type=int, default=50, help="posts checked first, not measured")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(str(args.model_dir), args.threads, args.warm)))
        return

    from bench import in_turns, medians, mixed_posts  # this tree's package; the workers import their own
    from conduct_guard.engine.modelinfo import default_model_dir

    model_dir = (args.model_dir or default_model_dir()).resolve()
    sides: dict[str, Path | None] = {"this": None}
    if args.baseline_backend:
        sides["baseline"] = args.baseline_backend.resolve()

    def measure(backend: Path | None, r: int) -> dict:
        posts = mixed_posts(args.warm + args.posts, seed=24 + r)  # distinct posts each round, the same for both sides
        return run_side(backend, model_dir, posts, args.threads, args.warm)

    rounds = in_turns(sides, args.rounds, measure, describe)
    report = {name: {"rounds": results,
                     **medians(results, ("checks_per_s", "cpu_ms_per_check", "cores", "passes_per_check"))}
              for name, results in rounds.items()}
    for name, side in report.items():
        print(f"{name:>8} (median of {len(side['rounds'])} rounds): {describe(side)}")
    if "baseline" in report:
        ratio = report["this"]["checks_per_s"] / report["baseline"]["checks_per_s"]
        report["ratio"] = ratio
        print(f"this / baseline: {ratio:.2f}x checks a second")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
