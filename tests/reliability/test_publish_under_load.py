"""Issue #9, load: moderators publish through the admin while readers load every demo site.

Afterwards no reader got a 5xx, every publish shows on the reader's page, the stories index and
the API (the page cache is on: so each purge held under load), and each page's revisions grew
by exactly the number of saves.
"""

import re
import secrets
import string
import time
from html.parser import HTMLParser

import pytest
import requests

from wagtail.test.utils.form_data import rich_text

from tests.admin_forms import NO_COMMENTS
from tests.reliability.load import scenario
from tests.reliability.stack import HTTPS, SITES, server_faults

pytestmark = pytest.mark.reliability

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class EditForm(HTMLParser):
    """The fields of the admin's page edit form as a browser would post them, before its
    scripts add the StreamFields (which the test writes itself)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self.inside = False
        self.textarea: str | None = None
        self.select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == "page-edit-form"
        if not self.inside or "name" not in attrs:
            if tag == "option" and self.select and "selected" in attrs:
                self.fields[self.select] = attrs.get("value", "")
            return
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields[name] = attrs.get("value") or "on"
                return
            self.fields[name] = attrs.get("value") or ""
        elif tag == "textarea":
            self.textarea = name
            self.fields[name] = ""
        elif tag == "select":
            self.select = name
            self.fields.setdefault(name, "")

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            if self.textarea:  # Django writes a newline after <textarea>, which browsers drop
                self.fields[self.textarea] = self.fields[self.textarea].removeprefix("\n")
            self.textarea = None
        elif tag == "select":
            self.select = None


class AdminSession:
    """An editor's browser on the admin, over real HTTP through the TLS proxy's header.

    Production cookies are `Secure`; requests would not send them back over the plain HTTP
    between the proxy and gunicorn, so the cookies are kept here and sent as a header.
    """

    def __init__(self, base_url: str, host: str = "localhost"):
        self.base_url, self.host = base_url, host
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Host": self.host, **HTTPS, "Referer": f"https://{self.host}{path}"}
        if method == "POST":
            headers["Origin"] = f"https://{self.host}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(
            method, self.base_url + path, headers=headers, allow_redirects=False, timeout=60,
            **kwargs,
        )  # fmt: skip
        self.cookies |= {cookie.name: cookie.value for cookie in response.cookies}
        return response

    def log_in(self, username: str, password: str) -> None:
        form = self.request("GET", "/admin/login/")
        assert form.status_code == 200, form.status_code
        response = self.request(
            "POST",
            "/admin/login/",
            data={
                "csrfmiddlewaretoken": CSRF.search(form.text).group(1),
                "username": username,
                "password": password,
                "next": "/admin/",
            },
        )
        assert response.status_code == 302 and response.headers["Location"] == "/admin/", (
            f"{username} could not log in: {response.status_code} {response.text[:500]}"
        )

    def publish(self, page_id: int, text: str, summary_note: str) -> requests.Response:
        """Opens the page's edit view, writes `text` as its body, adds `summary_note` to its
        summary and presses Publish."""
        edit = f"/admin/pages/{page_id}/edit/"
        form = self.request("GET", edit)
        assert form.status_code == 200, f"{edit} answers {form.status_code}"
        fields = EditForm(form.text).fields
        fields["summary"] = f"{fields['summary']} {summary_note}".strip()
        fields |= {
            **NO_COMMENTS,
            "body-count": "1",
            "body-0-deleted": "",
            "body-0-order": "0",
            "body-0-type": "text",
            "body-0-id": "",
            "body-0-value": rich_text(f"<p>{text}</p>"),
            "action-publish": "Publish",
        }
        if 'id="further_resources"' in form.text:
            fields["further_resources-count"] = "0"
        return self.request("POST", edit, data=fields)


def marker() -> str:
    """Letters only: nothing the privacy screen could take for a phone number or an age."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(12))


def revisions(stack, page_ids) -> dict[int, tuple[int, bool]]:
    """Each page's number of revisions, and whether its live revision is its latest."""
    rows = stack.postgresql.query(
        """
        SELECT p.id,
               (SELECT count(*) FROM wagtailcore_revision r
                 WHERE r.object_id = p.id::text
                   AND r.base_content_type_id = (SELECT id FROM django_content_type
                                                  WHERE app_label = 'wagtailcore'
                                                    AND model = 'page')),
               p.live_revision_id = p.latest_revision_id AND NOT p.has_unpublished_changes
          FROM wagtailcore_page p WHERE p.id = ANY(%s)
        """,
        (list(page_ids),),
    )
    return {row[0]: (row[1], row[2]) for row in rows}


def test_publishes_under_load_reach_readers_and_lose_no_revision(healthy, load, report):
    stack = healthy
    # One story on each site, and Harbor's twice: the second edit builds on the first.
    stories = {host: stack.stories[host][0] for host in SITES}
    plan = [*stories.items(), ("harbor.localhost", stories["harbor.localhost"])]
    saves = {
        page["id"]: sum(1 for _, p in plan if p["id"] == page["id"]) for page in stories.values()
    }
    before = revisions(stack, saves)
    # Each page is in the page cache before it changes, as it would be on a busy day.
    for host, page in stories.items():
        stack.get(host, page["path"])
        assert stack.get(host, page["path"]).headers.get("X-Lantern-Cache") == "hit", host

    log_from = stack.gunicorn.log_size()
    running = load("publish_under_load")
    sessions = {}
    published = []
    began = time.monotonic()
    for host, page in plan:
        if host not in sessions:
            sessions[host] = AdminSession(stack.base_url)
            sessions[host].log_in(f"{host.split('.')[0]}-moderator", stack.password)
        text, note = f"Reliability edit {marker()}.", f"Note {marker()}."
        response = sessions[host].publish(page["id"], text, note)
        assert response.status_code == 302, (host, response.status_code, response.text[-2000:])
        assert response.headers["Location"] != f"/admin/pages/{page['id']}/edit/", (
            f"the publish of {host}{page['path']} was refused; the draft was only saved"
        )
        published.append((host, page, text, note))
    publishing_seconds = time.monotonic() - began
    result = running.finish()  # fails if the load had ended: the edits were not all under load
    after = revisions(stack, saves)

    # What readers see now, anonymous, through the page cache: the last edit of each page.
    latest = {page["id"]: (host, page, text, note) for host, page, text, note in published}
    stale = []
    for host, page, text, note in latest.values():
        story = stack.get(host, page["path"])
        index = stack.get(host, page["path"].rsplit("/", 2)[0] + "/")
        api = stack.get(host, f"/api/pages/{page['id']}")
        if not (story.status_code == 200 and text in story.text):
            stale.append(f"{host}{page['path']}: body")
        if note not in index.text:
            stale.append(f"{host} stories index: summary")
        if note not in api.text:
            stale.append(f"{host} /api/pages/{page['id']}: summary")
    first_harbor_text = next(text for host, _, text, _ in published if host == "harbor.localhost")
    harbor_now = stack.get("harbor.localhost", stories["harbor.localhost"]["path"]).text

    entry = scenario(
        report,
        "publish_under_load",
        result,
        publishes=len(published),
        sites_published_on=len(stories),
        publishing_seconds=round(publishing_seconds, 1),
        revisions_added={str(pid): after[pid][0] - before[pid][0] for pid in saves},
        stale_after_publish=stale,
    )
    assert result.requests == result.locust_requests > 0
    assert not result.server_errors(), result.server_errors()[:10]
    assert result.statuses() == {200: result.requests}, result.summary()
    assert stale == []
    assert first_harbor_text not in harbor_now
    assert server_faults(stack.gunicorn.log_text(log_from)) == []
    for page_id, count in saves.items():
        assert after[page_id][0] - before[page_id][0] == count, (page_id, before, after)
        assert after[page_id][1], f"page {page_id}: its latest revision is not the live one"
    entry["held"] = True
