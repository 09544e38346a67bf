from bs4 import BeautifulSoup
from django.urls import reverse


def search_url(course):
    return reverse("search:results", kwargs={"course_slug": course.slug})


def search(client, course, q, **params):
    return client.get(search_url(course), {"q": q, **params})


def found(response) -> list[str]:
    """The result headings, in order, as a reader sees them."""
    assert response.status_code == 200, response.status_code
    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(h.get_text().split()) for h in soup.select(".search-result h2")]


def snippets(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [str(p) for p in soup.select(".search-result .excerpt")]
