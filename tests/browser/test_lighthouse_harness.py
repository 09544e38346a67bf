"""`make lighthouse`'s reading of Lighthouse's reports, on a real one trimmed to what it reads.

tests/browser/lighthouse_report.json is Lighthouse 12.8.2's report of the demo's seed post
(mobile emulation, Debian's Chromium, a loaded machine), cut down to its categories and each
audit's id, title, score, display mode and value: performance 90, accessibility 97 (the
course bar's link colours), best practices and SEO 100.
"""

import copy
import json
from pathlib import Path

import pytest

from tests.browser import lighthouse

RECORDED = json.loads((Path(__file__).parent / "lighthouse_report.json").read_text(encoding="utf-8"))
LIGHTHOUSE_DIR = Path(lighthouse.ROOT) / ".lighthouse"


@pytest.fixture
def report():
    return copy.deepcopy(RECORDED)


def row(page="seed post", form_factor="mobile", **scores):
    return {
        "page": page,
        "form_factor": form_factor,
        "scores": {name: scores.get(name.replace("-", "_"), 100) for name in lighthouse.CATEGORIES},
        "lost": {category: [] for category in lighthouse.CATEGORIES},
    }


def test_scores_are_the_numbers_lighthouse_shows(report):
    assert lighthouse.scores_of(report) == {
        "performance": 90,
        "accessibility": 97,
        "best-practices": 100,
        "seo": 100,
    }


def test_a_score_on_the_half_rounds_up_as_lighthouse_rounds_it(report):
    report["categories"]["seo"]["score"] = 0.625  # exact in binary: 62.5, which Python's round() makes 62
    report["categories"]["performance"]["score"] = 0.944
    scores = lighthouse.scores_of(report)
    assert scores["seo"] == 63
    assert scores["performance"] == 94


def test_a_failed_run_is_an_error_not_a_row_of_zeros(report):
    for category in report["categories"].values():
        category["score"] = None
    report["runtimeError"] = {
        "code": "ERRORED_DOCUMENT_REQUEST",
        "message": "Lighthouse was unable to reliably load the page you requested. (Status code: 500)",
    }
    with pytest.raises(lighthouse.LighthouseError, match=r"ERRORED_DOCUMENT_REQUEST: .*Status code: 500"):
        lighthouse.scores_of(report)


def test_a_category_without_a_score_is_none(report):
    report["categories"]["best-practices"]["score"] = None
    del report["categories"]["seo"]
    scores = lighthouse.scores_of(report)
    assert scores["best-practices"] is None and scores["seo"] is None
    assert scores["accessibility"] == 97


def test_points_lost_are_the_weighted_audits_that_failed_heaviest_first(report):
    assert [audit["id"] for audit in lighthouse.lost_points(report, "performance")] == [
        "largest-contentful-paint",
        "cumulative-layout-shift",
        "total-blocking-time",
    ]
    assert [audit["id"] for audit in lighthouse.lost_points(report, "accessibility")] == ["color-contrast"]
    assert lighthouse.lost_points(report, "seo") == []


def test_points_lost_leave_out_audits_that_do_not_count(report):
    # In the recorded report these fail or are marked, but weigh nothing in the score.
    assert report["audits"]["uses-responsive-images"]["score"] == 0
    assert report["audits"]["unsized-images"]["score"] == 0.5
    listed = {audit["id"] for audit in lighthouse.lost_points(report, "performance")}
    assert not listed & {"uses-responsive-images", "unsized-images", "interactive", "max-potential-fid"}
    # A weighted audit Lighthouse could not apply is not a loss either.
    ref = next(r for r in report["categories"]["seo"]["auditRefs"] if r["weight"] > 0)
    report["audits"][ref["id"]].update(score=0, scoreDisplayMode="notApplicable")
    assert lighthouse.lost_points(report, "seo") == []


def test_opportunities_say_where_the_seed_posts_time_goes(report):
    found = {item["id"]: item["saves"] for item in lighthouse.opportunities(report)}
    assert "uses-responsive-images" in found and "KiB" in found["uses-responsive-images"]
    assert "uses-text-compression" in found
    assert "largest-contentful-paint" not in found  # a metric, listed under points lost


def test_every_score_at_the_threshold_passes():
    assert lighthouse.shortfalls([row(), row(form_factor="desktop", seo=95)], threshold=95) == []


def test_a_score_under_the_threshold_is_named_with_where_the_points_went(report):
    measured = {"page": "seed post", "form_factor": "mobile", **lighthouse.measure(report)}
    lines = lighthouse.shortfalls([measured, row(page="editor", seo=94)], threshold=95)
    assert lines == [
        "seed post (mobile): performance 90 < 95 (points lost on: "
        "largest-contentful-paint, cumulative-layout-shift, total-blocking-time)",
        "editor (mobile): seo 94 < 95 (points lost on: nothing listed)",
    ]


def test_a_run_with_no_scores_fails_the_threshold():
    failed = {"page": "hall of fame", "form_factor": "mobile", "error": "no report within 240 s"}
    missing = row(page="front page")
    missing["scores"]["seo"] = None
    assert lighthouse.shortfalls([failed, missing], threshold=95) == [
        "hall of fame (mobile): no scores: no report within 240 s",
        "front page (mobile): no seo score",
    ]


def test_the_table_has_a_row_per_page_and_mobile_and_desktop_in_each_cell():
    results = [
        row(page="front page", performance=98),
        row(page="front page", form_factor="desktop"),
        row(page="editor", seo=63),
        {"page": "editor", "form_factor": "desktop", "error": "Chromium did not start"},
    ]
    assert lighthouse.markdown_table(results).splitlines() == [
        "| page (mobile / desktop) | performance | accessibility | best-practices | seo |",
        "|---|---|---|---|---|",
        "| front page | 98 / 100 | 100 / 100 | 100 / 100 | 100 / 100 |",
        "| editor | 100 / – | 100 / – | 100 / – | 63 / – |",
    ]


def test_a_mobile_only_run_has_one_number_a_cell():
    table = lighthouse.markdown_table([row(page="hall of fame", accessibility=96)])
    assert table.splitlines()[0] == "| page (mobile) | performance | accessibility | best-practices | seo |"
    assert table.splitlines()[2] == "| hall of fame | 100 | 96 | 100 | 100 |"


def test_desktop_runs_use_lighthouses_desktop_preset_and_every_run_our_chromium(tmp_path):
    mobile = lighthouse.lighthouse_command("http://127.0.0.1:1/", "mobile", tmp_path / "m.json", 9222)
    desktop = lighthouse.lighthouse_command("http://127.0.0.1:1/", "desktop", tmp_path / "d.json", 9222)
    assert "--preset=desktop" in desktop and not any(arg.startswith("--preset") for arg in mobile)
    for command in (mobile, desktop):
        assert "--port=9222" in command
        assert "--only-categories=performance,accessibility,best-practices,seo" in command


def test_the_pinned_lighthouse_is_the_one_the_lock_file_installs():
    wanted = json.loads((LIGHTHOUSE_DIR / "package.json").read_text(encoding="utf-8"))["dependencies"]
    lock = json.loads((LIGHTHOUSE_DIR / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["dependencies"] == wanted
    assert lock["packages"]["node_modules/lighthouse"]["version"] == wanted["lighthouse"]
    assert RECORDED["lighthouseVersion"] == wanted["lighthouse"]  # the recorded report is its output
