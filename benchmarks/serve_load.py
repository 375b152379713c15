"""Load test of `guidegen serve`: N concurrent render requests on the loopback interface.

    python benchmarks/serve_load.py [--requests 50] [--format docx] [--workers N]

Starts its own server on 127.0.0.1 (a free port), sends every request at once from N client
threads, and prints how many succeeded and the latency percentiles (each request's wall time
from send to last byte, queueing included). Bounded: it talks to 127.0.0.1 only, each request
has a time limit, and the server is stopped at the end. Exit status 1 when any request fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

HOST = "127.0.0.1"
BLUEPRINTS = ("email-marketing", "helpdesk", "call-center", "ecommerce", "erp")


def start_server(workers: int | None) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "guidegen", "serve", "--host", HOST, "--port", str(port), "--no-mcp"]
    if workers:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://{HOST}:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(base + "/api/v1/formats", timeout=2):
                return server, base
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start within 30 s")


def render_once(base: str, body: dict[str, object], timeout: float) -> tuple[bool, float, str]:
    request = urllib.request.Request(base + "/api/v1/guides", data=json.dumps(body).encode(), method="POST",
                                     headers={"content-type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            size = len(response.read())
            ok = response.status == 200 and size > 0
            detail = f"{size} bytes"
    except urllib.error.HTTPError as exc:
        ok, detail = False, f"HTTP {exc.code}: {exc.read()[:200]!r}"
    except OSError as exc:
        ok, detail = False, str(exc)
    return ok, time.perf_counter() - started, detail


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=50, help="concurrent render requests (default 50, at most 500)")
    parser.add_argument("--format", default="docx", choices=("docx", "md", "xlsx", "html"))
    parser.add_argument("--workers", type=int, help="server worker processes (default: the server's)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds each request may take (default 300)")
    args = parser.parse_args()
    count = max(1, min(args.requests, 500))
    server, base = start_server(args.workers)
    try:
        warm = render_once(base, {"blueprint": "helpdesk", "formats": [args.format]}, args.timeout)  # start the workers
        bodies = [{"blueprint": BLUEPRINTS[i % len(BLUEPRINTS)], "formats": [args.format], "client": f"Client {i}",
                   "lang": "zh" if i % 2 else "en"} for i in range(count)]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=count) as pool:
            results = list(pool.map(lambda body: render_once(base, body, args.timeout), bodies))
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies = [seconds for ok, seconds, _ in results if ok]
    failures = [detail for ok, _, detail in results if not ok]
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"warm-up request: {'ok' if warm[0] else 'FAILED ' + warm[2]} in {warm[1]:.2f} s")
    print(f"{count} concurrent {args.format} renders: {len(latencies)} succeeded, {len(failures)} failed, "
          f"all done in {wall:.2f} s ({count / wall:.1f} guides/s)")
    if latencies:
        print(f"latency: p50 {statistics.median(latencies):.2f} s, p95 {percentile(latencies, 0.95):.2f} s, "
              f"max {max(latencies):.2f} s")
    for detail in failures[:5]:
        print("failure:", detail)
    return 1 if failures or not warm[0] else 0


if __name__ == "__main__":
    sys.exit(main())
