# ruff: noqa: S603  -- starting our own pinned Lighthouse and the demo server is this script's job
"""`make lighthouse`: Lighthouse's four scores on the demo's pages, served as production serves them.

1. Builds the demo (seed_demo) into a throwaway database, media and static folder
   (tests/browser/screenshots.py's demo site) and serves it with gunicorn, DJANGO_DEBUG=false
   and hashed static files through whitenoise, on 127.0.0.1 and a free port. No Redis: the
   page cache is off, so every page is rendered for the run (production's cache only helps).
2. Logs in as the seed post's author through the log-in page, for the editor.
3. Runs the Lighthouse pinned in .lighthouse/package-lock.json (`make lighthouse` runs
   `npm ci` there) against Debian's Chromium, once per page and form factor (Lighthouse's
   default mobile emulation, and its desktop preset), each run bounded by a timeout. Each
   run gets a Chromium of its own (a fresh profile: a cold cache), started here so the
   logged-in page's cookies can be put in it first: Lighthouse's `--extra-headers` Cookie
   reaches the page but not the page's own requests (the editor's live preview was sent
   to the log-in page). Lighthouse clears caches between runs but keeps cookies.
4. Prints a table, writes docs/lighthouse/<time>.json (scores, the audits that cost points,
   the commit, Lighthouse's and Chromium's versions), keeps each full report under
   test-artifacts/lighthouse/ and exits 1 if any score is under the threshold (95).

Run: .venv/bin/python -m tests.browser.lighthouse [--form-factors mobile] [--threshold 95]
"""

import argparse
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = ROOT / ".lighthouse" / "node_modules" / ".bin" / "lighthouse"
RESULTS = ROOT / "docs" / "lighthouse"
REPORTS = ROOT / "test-artifacts" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
FORM_FACTORS = ("mobile", "desktop")
THRESHOLD = 95
RUN_TIMEOUT_SECONDS = 240
# page -> (URL key of the demo site, who is logged in: None for an anonymous reader)
PAGES = {
    "front page": ("front", None),
    "seed post": ("post", None),
    "editor": ("write", "author"),
    "hall of fame": ("hall-of-fame", None),
}
# Debian's Chromium as root in a container: the new headless mode, no sandbox.
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
]


class LighthouseError(Exception):
    """A Lighthouse run that gave no scores (the page failed to load, Chromium crashed, a timeout)."""


def scores_of(report: dict) -> dict[str, int | None]:
    """Each category's score out of 100 as Lighthouse shows it (rounded half up); None if it has none.

    A report whose run failed as a whole (`runtimeError`) is an error, not a row of zeros.
    """
    error = report.get("runtimeError")
    if error:
        raise LighthouseError(f"{error.get('code', 'ERROR')}: {error.get('message', '')}".strip())
    categories = report.get("categories") or {}
    scores = {}
    for category in CATEGORIES:
        score = (categories.get(category) or {}).get("score")
        scores[category] = None if score is None else int(score * 100 + 0.5)
    return scores


def lost_points(report: dict, category: str) -> list[dict]:
    """The audits of `category` that count towards its score and did not pass, heaviest first."""
    audits = report.get("audits") or {}
    lost = []
    for ref in (report.get("categories") or {}).get(category, {}).get("auditRefs", []):
        audit = audits.get(ref["id"]) or {}
        score = audit.get("score")
        if ref.get("weight", 0) <= 0 or score is None or score >= 1:
            continue
        if audit.get("scoreDisplayMode") in ("informative", "notApplicable", "manual", "error"):
            continue
        lost.append(
            {"id": ref["id"], "title": audit.get("title", ""), "score": score, "weight": ref["weight"]}
        )
    return sorted(lost, key=lambda item: (item["score"] - 1) * item["weight"])


def opportunities(report: dict) -> list[dict]:
    """Performance audits that weigh nothing themselves but say where the time goes (image sizes,
    compression, render-blocking files): the first place to look when a metric costs points."""
    audits = report.get("audits") or {}
    found = []
    for ref in (report.get("categories") or {}).get("performance", {}).get("auditRefs", []):
        audit = audits.get(ref["id"]) or {}
        score = audit.get("score")
        weighs_nothing = ref.get("weight", 0) == 0 and audit.get("scoreDisplayMode") == "metricSavings"
        if weighs_nothing and score is not None and score < 1:
            found.append(
                {"id": ref["id"], "title": audit.get("title", ""), "saves": audit.get("displayValue", "")}
            )
    return found


def shortfalls(results: list[dict], threshold: int = THRESHOLD) -> list[str]:
    """One line per score under `threshold`, and per run that gave no score at all."""
    lines = []
    for row in results:
        where = f"{row['page']} ({row['form_factor']})"
        if row.get("error"):
            lines.append(f"{where}: no scores: {row['error']}")
            continue
        for category in CATEGORIES:
            score = row["scores"].get(category)
            if score is None:
                lines.append(f"{where}: no {category} score")
            elif score < threshold:
                lost = ", ".join(audit["id"] for audit in row["lost"].get(category, [])) or "nothing listed"
                lines.append(f"{where}: {category} {score} < {threshold} (points lost on: {lost})")
    return lines


def markdown_table(results: list[dict]) -> str:
    """The README's table: a row per page, a column per category, "mobile / desktop" in each cell."""
    form_factors = [ff for ff in FORM_FACTORS if any(row["form_factor"] == ff for row in results)]
    by_page: dict[str, dict[str, dict]] = {}
    for row in results:
        by_page.setdefault(row["page"], {})[row["form_factor"]] = row
    lines = [
        f"| page ({' / '.join(form_factors)}) | {' | '.join(CATEGORIES)} |",
        "|---" * (len(CATEGORIES) + 1) + "|",
    ]
    for page, rows in by_page.items():
        cells = []
        for category in CATEGORIES:
            values = []
            for ff in form_factors:
                row = rows.get(ff)
                score = None if row is None or row.get("error") else row["scores"].get(category)
                values.append("–" if score is None else str(score))
            cells.append(" / ".join(values))
        lines.append(f"| {page} | {' | '.join(cells)} |")
    return "\n".join(lines)


def lighthouse_command(url: str, form_factor: str, output: Path, chromium_port: int) -> list[str]:
    command = [
        str(LIGHTHOUSE),
        url,
        f"--port={chromium_port}",
        "--output=json",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--max-wait-for-load=45000",
        "--quiet",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    return command


def _stop_group(process: subprocess.Popen) -> None:
    """End a process this script started, with everything it started (its own process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@contextmanager
def chromium_for_run(base: str, cookies: dict[str, str], profile: Path) -> Iterator[int]:
    """A headless Chromium with a fresh profile and `cookies` for `base`; yields its debugging port."""
    from playwright.sync_api import sync_playwright

    from tests.browser.chromium import CHROMIUM
    from tests.browser.screenshots import free_port

    port = free_port()
    process = subprocess.Popen(
        [str(CHROMIUM), f"--remote-debugging-port={port}", f"--user-data-dir={profile}", *CHROME_FLAGS],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=2):  # noqa: S310
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise LighthouseError("Chromium did not start") from None
                time.sleep(0.2)
        if cookies:
            with sync_playwright() as playwright:
                browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
                browser.contexts[0].add_cookies(
                    [{"name": name, "value": value, "url": base} for name, value in cookies.items()]
                )
                browser.close()  # only the connection: the browser stays up for Lighthouse
        yield port
    finally:
        _stop_group(process)


def run_lighthouse(url: str, form_factor: str, output: Path, chromium_port: int) -> dict:
    """One Lighthouse run against the Chromium on `chromium_port`, bounded by RUN_TIMEOUT_SECONDS."""
    process = subprocess.Popen(
        lighthouse_command(url, form_factor, output, chromium_port),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=RUN_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        _stop_group(process)
        raise LighthouseError(f"no report within {RUN_TIMEOUT_SECONDS} s") from None
    if process.returncode != 0 or not output.exists():
        tail = " ".join(stderr.strip().splitlines()[-3:])
        raise LighthouseError(f"lighthouse exited with {process.returncode}: {tail}")
    return json.loads(output.read_text(encoding="utf-8"))


def measure(report: dict) -> dict:
    """What a run's row keeps of its report."""
    scores = scores_of(report)
    return {
        "scores": scores,
        "lost": {category: lost_points(report, category) for category in CATEGORIES},
        "opportunities": opportunities(report),
        "lighthouse": report.get("lighthouseVersion"),
        "user_agent": (report.get("environment") or {}).get("hostUserAgent", ""),
    }


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def main(argv: list[str] | None = None) -> int:
    from tests.browser.screenshots import DEMO_AUTHOR, build_demo, demo_env, demo_server, log_in_cookies

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--form-factors", default=",".join(FORM_FACTORS), help="mobile,desktop (default both)"
    )
    parser.add_argument("--threshold", type=int, default=THRESHOLD)
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated, of: " + ", ".join(PAGES))
    args = parser.parse_args(argv)
    form_factors = [ff.strip() for ff in args.form_factors.split(",") if ff.strip()]
    pages = [page.strip() for page in args.pages.split(",") if page.strip()]
    unknown = [ff for ff in form_factors if ff not in FORM_FACTORS] + [p for p in pages if p not in PAGES]
    if unknown:
        parser.error(f"unknown: {', '.join(unknown)}")
    if not os.access(LIGHTHOUSE, os.X_OK):
        raise SystemExit(f"Lighthouse is not installed in {LIGHTHOUSE.parent}: run `make lighthouse`.")

    REPORTS.mkdir(parents=True, exist_ok=True)
    started = datetime.datetime.now(datetime.UTC)
    results = []
    with tempfile.TemporaryDirectory(prefix="coursesite-lighthouse-") as tmp:
        folder = Path(tmp)
        env = demo_env(folder, production=True)
        print("Building the demo site ...", flush=True)
        urls = build_demo(env, production=True)
        with demo_server(env, production=True, log_path=REPORTS / "server.log") as base:
            author_cookies = log_in_cookies(base, DEMO_AUTHOR)
            for page in pages:
                key, who = PAGES[page]
                for form_factor in form_factors:
                    url = base + urls[key]
                    print(f"Lighthouse: {page} ({form_factor}) {urls[key]}", flush=True)
                    output = REPORTS / f"{re.sub(r'[^a-z0-9]+', '-', page)}-{form_factor}.json"
                    output.unlink(missing_ok=True)
                    row = {
                        "page": page,
                        "path": urls[key],
                        "form_factor": form_factor,
                        "logged_in": bool(who),
                    }
                    for attempt in (1, 2):  # once more after a failed run: its trace recording flakes
                        profile = folder / f"chromium-{len(results)}-{attempt}"
                        try:
                            with chromium_for_run(base, author_cookies if who else {}, profile) as port:
                                report = run_lighthouse(url, form_factor, output, port)
                            row.update(measure(report), attempts=attempt)
                        except LighthouseError as error:
                            row["error"] = str(error)
                            print(f"  attempt {attempt}: {error}", flush=True)
                        else:
                            row.pop("error", None)
                            break
                    results.append(row)

    problems = shortfalls(results, args.threshold)
    first = next((row for row in results if row.get("lighthouse")), {})
    chromium_version = re.search(r"Chrome/([\d.]+)", first.get("user_agent", ""))
    summary = {
        "started": started.isoformat(timespec="seconds"),
        "commit": git_commit(),
        "lighthouse": first.get("lighthouse"),
        "chromium": chromium_version.group(1) if chromium_version else None,
        "server": "gunicorn (coursesite/gunicorn.py, 2 workers), DJANGO_DEBUG=false, whitenoise, SQLite, "
        "no shared cache (page cache off)",
        "threshold": args.threshold,
        "passed": not problems,
        "results": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")

    print()
    print(markdown_table(results))
    print()
    print(f"Lighthouse {summary['lighthouse']}, Chromium {summary['chromium']}")
    print(f"Results in {out.relative_to(ROOT)}, full reports in {REPORTS.relative_to(ROOT)}/")
    if problems:
        print(f"Under {args.threshold}:", *problems, sep="\n  ")
        return 1
    print(f"Every score is {args.threshold} or more.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
