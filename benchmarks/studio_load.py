"""Load benchmark of the practice studio (not a test): 50 concurrent submissions.

    python benchmarks/studio_load.py                  # 50 submissions, 4 questions
    python benchmarks/studio_load.py --n 100 --questions 8

Starts `evaluate practice` on a free port with a fresh data folder, grades one answer per
question first (each question's evaluator is built once, on first use), then sends N
submissions at once through the JSON API (`POST /api/attempts`, one thread each), and
reports:
  - lost: submissions acknowledged with 201 whose id is not found afterwards by
    `GET /api/attempts/ID` (must be 0), and any that were not acknowledged at all;
  - p50 and p95 latency of the submissions (request sent to response read), the wall time
    of all of them, and submissions per second;
  - the latency of `GET /` (the questions page) while the submissions are being graded,
    which shows whether pages stay responsive.
The answers are the samples of the chosen questions (samples/<folder>/*.txt).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sample_answers(count: int) -> dict[str, list[str]]:
    """question id -> its sample answers, for `count` questions that have samples."""
    out = {}
    for folder in sorted((ROOT / "samples").iterdir()):
        config = folder / "evaluate.toml"
        texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
        if not config.is_file() or not texts:
            continue
        rubric = tomllib.loads(config.read_text(encoding="utf-8")).get("rubric", "")
        rubric_id = Path(str(rubric)).stem
        if (ROOT / "rubrics" / f"{rubric_id}.toml").is_file():
            out[rubric_id] = texts
        if len(out) == count:
            break
    return out


def call(base: str, token: str, method: str, path: str, body=None, timeout=300):
    request = urllib.request.Request(
        base + path, method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=50, help="concurrent submissions")
    parser.add_argument("--questions", type=int, default=4, help="questions to spread them on")
    args = parser.parse_args()
    answers = sample_answers(args.questions)
    if not answers:
        print("studio_load: no samples with an evaluate.toml naming a rubric", file=sys.stderr)
        return 1
    data = Path(tempfile.mkdtemp(prefix="studio-load-"))
    server = subprocess.Popen(
        [sys.executable, "-m", "answer_evaluator", "practice", "--data", str(data),
         "--rubrics-dir", str(ROOT / "rubrics")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"}, cwd=ROOT)
    try:
        match = re.search(r"(http://[^/]+)/\?token=(\S+)", server.stdout.readline())
        if match is None:
            print(f"studio_load: the server did not start: {server.stderr.read()}",
                  file=sys.stderr)
            return 1
        base, token = match.groups()
        start = time.perf_counter()
        for question, texts in answers.items():        # build each evaluator once
            status, _ = call(base, token, "POST", "/api/attempts",
                             {"question": question, "text": texts[0]})
            assert status == 201, status
        warm = time.perf_counter() - start
        jobs = [(q, texts[i % len(texts)]) for i, (q, texts) in
                zip(range(args.n), _cycle(list(answers.items())))]
        latencies, ids, failures = [], [], []
        lock = threading.Lock()
        page_times: list[float] = []
        done = threading.Event()

        def submit(job):
            question, text = job
            sent = time.perf_counter()
            status, body = call(base, token, "POST", "/api/attempts",
                                {"question": question, "text": text, "seconds": 400})
            took = time.perf_counter() - sent
            with lock:
                if status == 201:
                    latencies.append(took)
                    ids.append(body["id"])
                else:
                    failures.append((status, body))

        def watch_pages():
            request = urllib.request.Request(base + "/", headers={"Cookie": f"studio_token={token}"})
            while not done.is_set():
                sent = time.perf_counter()
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                page_times.append(time.perf_counter() - sent)
                time.sleep(0.05)

        watcher = threading.Thread(target=watch_pages, daemon=True)
        start = time.perf_counter()
        watcher.start()
        with ThreadPoolExecutor(max_workers=args.n) as pool:
            list(pool.map(submit, jobs))
        wall = time.perf_counter() - start
        done.set()
        watcher.join()
        lost = [i for i in ids if call(base, token, "GET", f"/api/attempts/{i}")[0] != 200]
        listed = {a["id"] for a in call(base, token, "GET", "/api/attempts")[1]["attempts"]}
        lost += [i for i in ids if i not in listed and i not in lost]
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(data, ignore_errors=True)
    print(f"studio_load: {args.n} concurrent submissions on {len(answers)} questions "
          f"({os.cpu_count()} cores; first answer of each question, evaluator built: "
          f"{warm:.1f} s in all)")
    print(f"  acknowledged (201): {len(ids)}; refused or failed: {len(failures)}; "
          f"lost after acknowledgement: {len(lost)}")
    if latencies:
        print(f"  latency: p50 {percentile(latencies, .5) * 1000:.0f} ms, p95 "
              f"{percentile(latencies, .95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms;"
              f" all {args.n} in {wall:.2f} s ({args.n / wall:.1f} a second)")
    if page_times:
        print(f"  questions page while grading: {len(page_times)} loads, median "
              f"{statistics.median(page_times) * 1000:.0f} ms, max {max(page_times) * 1000:.0f} ms")
    return 0 if not lost and not failures else 1


def _cycle(items):
    while True:
        yield from items


if __name__ == "__main__":
    sys.exit(main())
