"""Phone (375 px; 320 px for WCAG reflow) and laptop (1280 px): no sideways scroll, no text over text."""

import pytest
from django.urls import reverse

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

# Text boxes (one per line of each text node) that cover each other by more than a
# quarter of the smaller one: text drawn over text.
OVERLAPPING_TEXT = """() => {
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el) continue;
    if (el.closest("script, style, [hidden], .visually-hidden, .skip-link, .field-honeypot")) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== "visible" || style.opacity === "0") continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width < 2 || r.height < 2) continue;
      boxes.push({left: r.left, top: r.top, right: r.right, bottom: r.bottom,
                  area: r.width * r.height, text: node.textContent.trim().slice(0, 40)});
    }
  }
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 0 && h > 0 && w * h > 0.25 * Math.min(a.area, b.area)) {
        overlaps.push(`${JSON.stringify(a.text)} over ${JSON.stringify(b.text)}`);
      }
    }
  }
  return overlaps;
}"""
HORIZONTAL_OVERFLOW = """() => {
  const root = document.documentElement;
  const wide = [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1)
    .filter(el => !el.closest(".skip-link, .field-honeypot, .visually-hidden"))
    .slice(0, 5).map(el => el.outerHTML.slice(0, 120));
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide};
}"""


@pytest.mark.parametrize("width", [320, 375, 1280])  # 320: WCAG 1.4.10 reflow
def test_pages_fit_the_screen_without_overlapping_text(width, page, log_in, course, student, discussed_post):
    log_in(student)
    page.set_viewport_size({"width": width, "height": 800})
    pages = {
        "front": course.get_absolute_url(),
        "post": discussed_post.get_absolute_url(),
        "write": reverse("posts:write", args=[course.slug]),
    }
    problems = []
    for name, url in pages.items():
        page.goto(url)
        page.evaluate("document.fonts.ready")
        if name == "write":  # with the live preview filled in
            page.locator("textarea.markdownx-editor").fill(discussed_post.body)
            page.locator(".markdownx-preview h2").wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"layout-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(HORIZONTAL_OVERFLOW)
        if overflow["scrollWidth"] > overflow["clientWidth"]:
            problems.append(f"{name} at {width}px scrolls sideways: {overflow}")
        overlaps = page.evaluate(OVERLAPPING_TEXT)
        if overlaps:
            problems.append(f"{name} at {width}px has overlapping text: {overlaps[:5]}")
    assert not problems, "\n".join(problems)
