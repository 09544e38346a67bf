"""Finds anything a browser would run in a page: the check behind every hostile-input test."""

import re

from bs4 import BeautifulSoup
from django.conf import settings

DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "background",
    "poster",
    "srcset",
}
NEVER_ALLOWED = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "style", "link"}
_INVISIBLE = re.compile(r"[\s\x00-\x1f]+")
# Our own scripts: the files under /static/, and the translations of their words (/jsi18n/).
OUR_SCRIPTS = ("/static/", "/jsi18n/")
# Our own <link>s in <head>: a page's feeds and its canonical address, on this site only.
OUR_LINK_RELS = {"alternate", "canonical"}


def _our_link(element) -> bool:
    href = element.get("href", "")
    if href.startswith("/static/"):
        return True  # our own stylesheet and icon
    on_this_site = (href.startswith("/") and not href.startswith("//")) or href.startswith(
        settings.SITE_URL.rstrip("/") + "/"
    )
    rels = set(element.get("rel") or [])
    return bool(rels) and rels <= OUR_LINK_RELS and on_this_site


def executable_parts(html: str) -> list[str]:
    """Describe every executable context in the page; an empty list means the page is safe."""
    problems = []
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(True):
        name = element.name.lower()
        if name == "script":
            src = element.get("src", "")
            if not (src.startswith(OUR_SCRIPTS) and not element.string):
                problems.append(f"script element: {str(element)[:80]}")
        if name == "link" and _our_link(element):
            continue
        if name in NEVER_ALLOWED:
            problems.append(f"{name} element: {str(element)[:80]}")
        if name == "meta" and element.get("http-equiv"):
            problems.append(f"meta http-equiv: {str(element)[:80]}")
        for attribute, value in element.attrs.items():
            attribute = attribute.lower()
            value = " ".join(value) if isinstance(value, list) else str(value)
            if attribute.startswith("on"):
                problems.append(f"{name}[{attribute}] event handler")
            if attribute == "srcdoc":
                problems.append(f"{name}[srcdoc]")
            if attribute in URL_ATTRIBUTES:
                compact = _INVISIBLE.sub("", value).lower()
                if compact.startswith(DANGEROUS_SCHEMES):
                    problems.append(f"{name}[{attribute}]={value[:60]!r}")
            if attribute == "style":
                compact = _INVISIBLE.sub("", value).lower()
                if "expression(" in compact or "javascript:" in compact or "url(" in compact:
                    problems.append(f"{name}[style]={value[:60]!r}")
    return problems
