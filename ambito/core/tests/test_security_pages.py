"""Content-Security-Policy without 'unsafe-inline' on every role's pages; no inline styles or scripts in our
templates; CSRF token on every unsafe HTMX request."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

AMBITO = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p for p in AMBITO.glob("*/templates/**/*.html"))
PERSONAS = ["planner", "sw.monza", "asl.operator", "gp", "ets.operator", "observer", "admin", "dpo", "citizen"]


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.styles, self.style_attrs, self.handlers, self.nav_links, self.body = [], [], [], [], [], {}
        self._in_nav = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        if tag == "style":
            self.styles.append(attrs)
        if tag == "body":
            self.body = attrs
        if "style" in attrs:
            self.style_attrs.append((tag, attrs["style"]))
        self.handlers += [(tag, name) for name in attrs if name.startswith("on")]
        if tag == "nav":
            self._in_nav += 1
        if tag == "a" and self._in_nav and (attrs.get("href") or "").startswith("/"):
            self.nav_links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav -= 1


def parse(response) -> Tags:
    tags = Tags()
    tags.feed(response.content.decode())
    return tags


def check_page(response, path):
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path
    match = re.search(r"'nonce-([^']+)'", policy)  # django-csp adds it only when the page used it
    nonce = match.group(1) if match else object()
    tags = parse(response)
    for script in tags.scripts:
        if script.get("type") == "application/json":  # json_script data blocks are never executed
            continue
        assert script.get("src") or script.get("nonce") == nonce, (path, script)
    for style in tags.styles:
        assert style.get("nonce") == nonce, (path, style)
    assert tags.style_attrs == [], (path, tags.style_attrs)
    assert tags.handlers == [], (path, tags.handlers)
    return tags


def test_every_main_page_of_each_role_has_a_strict_policy_and_only_nonced_scripts(client_as):
    checked = 0
    for username in PERSONAS:  # one demo world for every persona
        client = client_as(username)
        home = client.get("/")
        assert home.status_code == 200
        links = check_page(home, "/").nav_links + ["/profilo/sicurezza/"]
        for path in dict.fromkeys(links):
            response = client.get(path, follow=True)  # an index may send on to the user's own page
            assert response.status_code == 200, (username, path)
            if response["Content-Type"].startswith("text/html"):
                check_page(response, f"{username} {path}")
                checked += 1
    assert checked > 2 * len(PERSONAS), "the menus were followed"


def test_the_sign_in_page_has_the_same_policy(client, db):
    check_page(client.get("/accesso/"), "/accesso/")


WEB_TEMPLATES = [p for p in TEMPLATES if not p.name.endswith("_pdf.html")]  # PDFs are not served as pages


@pytest.mark.parametrize("path", WEB_TEMPLATES, ids=lambda p: str(p.relative_to(AMBITO)))
def test_templates_have_no_inline_styles_handlers_or_unnonced_scripts(path):
    text = path.read_text()
    assert not re.search(r"\sstyle\s*=", text), "style= attribute"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", text):
        assert "src=" in tag or 'nonce="{{ request.csp_nonce }}"' in tag, tag


# --- CSRF on HTMX ---------------------------------------------------------------------------------------------

UNSAFE_HX = re.compile(r"\shx-(post|put|patch|delete)\s*=")
EXTENDS = re.compile(r"""{%\s*extends\s+["']([^"']+)["']""")
INCLUDES = re.compile(r"""{%\s*include\s+["']([^"']+)["']""")


def _name(path: Path) -> str:
    return str(path.relative_to(path.parents[len(path.relative_to(AMBITO).parts) - 3]))


def _pages_under_base() -> set[str]:
    """Templates whose page is base.html (its <body> sends X-CSRFToken on every htmx request), and the
    templates they include (swapped-in partials inherit hx-headers from the body)."""
    sources = {_name(p): p.read_text() for p in TEMPLATES}
    under = {"base.html"}
    changed = True
    while changed:
        changed = False
        for name, text in sources.items():
            parent = EXTENDS.search(text)
            if name not in under and parent and parent.group(1) in under:
                under.add(name)
                changed = True
        for name in list(under):
            for included in INCLUDES.findall(sources.get(name, "")):
                if included not in under:
                    under.add(included)
                    changed = True
    return under


def test_base_sends_the_csrf_token_on_every_htmx_request(client_as):
    response = client_as("sw.monza").get("/")
    headers = json.loads(parse(response).body["hx-headers"])
    assert len(headers["X-CSRFToken"]) >= 32


def test_every_unsafe_htmx_call_is_on_a_page_that_sends_the_token():
    under_base = _pages_under_base()
    unsafe = [p for p in TEMPLATES if UNSAFE_HX.search(p.read_text())]
    assert unsafe, "the scan finds the hx-post forms"
    for path in unsafe:
        text = path.read_text()
        assert _name(path) in under_base or "csrf_token" in text or "X-CSRFToken" in text, path


def test_an_htmx_post_without_the_token_is_refused(demo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.users["sw.monza"])
    page = client.get("/")
    refused = client.post("/esci/", headers={"HX-Request": "true"})
    assert refused.status_code == 403
    assert client.get("/").wsgi_request.user.is_authenticated
    token = json.loads(parse(page).body["hx-headers"])["X-CSRFToken"]
    done = client.post("/esci/", headers={"HX-Request": "true", "X-CSRFToken": token})
    assert done.status_code == 302
    assert not client.get("/").wsgi_request.user.is_authenticated
