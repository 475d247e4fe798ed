"""The reader pages' own words (skip link, help bar, footer, 404…) speak the language of the address.

Page content is translated in Wagtail; the templates' words come from the `sites` app's catalog
(sites/locale/es/LC_MESSAGES/django.po), compiled to the committed django.mo.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import site_client

pytestmark = pytest.mark.django_db

HARBOR = "harbor.localhost"  # published in English and Spanish in the demo
CATALOG = Path(__file__).resolve().parents[2] / "sites" / "locale" / "es" / "LC_MESSAGES"

SPANISH = [
    '<a class="skip-link" href="#main">Ir al contenido</a>',
    'href="tel:+18883737888">Llama al 1-888-373-7888</a>',
    '<p class="site-footer__help">En una emergencia, llama al 911.</p>',
]
ENGLISH = [
    '<a class="skip-link" href="#main">Skip to content</a>',
    'href="tel:+18883737888">Call 1-888-373-7888</a>',
    '<p class="site-footer__help">In an emergency, call 911.</p>',
]


def page_html(path: str, status: int = 200) -> str:
    response = site_client(HARBOR).get(path)
    assert response.status_code == status, path
    return response.content.decode()


def help_bar_of(html: str) -> str:
    return html[html.index('<aside class="help-bar"') : html.index("</aside>")]


def test_spanish_pages_wrap_spanish_content_in_spanish_words():
    html = page_html("/es/")
    for text in SPANISH:
        assert text in html
    for text in ENGLISH:
        assert text not in html
    assert 'aria-label="Pide ayuda ahora"' in help_bar_of(html)
    assert 'aria-label="Get help now"' not in html


def test_english_pages_keep_their_english_words():
    html = page_html("/en/")
    for text in ENGLISH:
        assert text in html
    for text in SPANISH:
        assert text not in html
    assert 'aria-label="Get help now"' in help_bar_of(html)


def test_a_missing_page_under_es_says_so_in_spanish_and_still_offers_help():
    html = page_html("/es/no-existe/", status=404)
    assert '<html lang="es">' in html
    assert "<h1>Página no encontrada</h1>" in html
    assert "Si necesitas ayuda ahora" in html
    assert "Page not found" not in html
    assert 'href="tel:+18883737888">Llama al 1-888-373-7888</a>' in help_bar_of(html)


def test_a_missing_page_under_en_stays_english():
    html = page_html("/en/no-such-page/", status=404)
    assert '<html lang="en">' in html
    assert "<h1>Page not found</h1>" in html
    assert 'href="tel:+18883737888">Call 1-888-373-7888</a>' in help_bar_of(html)


def test_spanish_dates_and_amounts_read_naturally():
    listing = page_html("/es/historias/")
    assert re.search(r'<time datetime="[\d-]+">\d{1,2} de [a-z]+ de \d{4}</time>', listing)
    appeal = page_html("/es/dona/")
    # Dollar amounts keep US grouping ($21,500), as US Spanish writes them.
    assert re.search(
        r"<p><strong>\$\d{1,3}(,\d{3})*</strong> recaudados de una meta de \$\d{1,3}(,\d{3})*</p>",
        appeal,
    )
    assert 'aria-label="Avance hacia la meta"' in appeal


def test_the_server_error_page_speaks_the_readers_language(rf):
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("es"):
        html = server_error(rf.get("/es/")).content.decode()
    assert '<html lang="es">' in html
    assert "<h1>Algo salió mal</h1>" in html
    assert '<a href="tel:+18883737888">1-888-373-7888</a>' in html
    assert "En una emergencia, llama al 911." in html
    with translation.override("en"):
        html = server_error(rf.get("/en/")).content.decode()
    assert '<html lang="en">' in html and "<h1>Something went wrong</h1>" in html


def test_the_committed_catalog_is_compiled_from_the_current_po(tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt (GNU gettext) is needed to check sites/locale/es/LC_MESSAGES/django.mo"
    compiled = tmp_path / "django.mo"
    subprocess.run(  # noqa: S603 - fixed arguments, gettext's own compiler
        [msgfmt, "--check", "-o", str(compiled), str(CATALOG / "django.po")],
        check=True,
        capture_output=True,
    )
    assert compiled.read_bytes() == (CATALOG / "django.mo").read_bytes(), (
        "django.mo is stale: run msgfmt -o sites/locale/es/LC_MESSAGES/django.mo "
        "sites/locale/es/LC_MESSAGES/django.po"
    )


def test_the_catalog_translates_everything_and_leaves_nothing_fuzzy():
    po = (CATALOG / "django.po").read_text(encoding="utf-8")
    assert '"Language: es\\n"' in po
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in po
    assert "#, fuzzy" not in po and ", fuzzy" not in po
    body = po[po.index("\n\n") :]  # after the header
    assert body.count("\nmsgid ") > 40
    assert not re.search(r'^msgstr ""\n(?!")', body + "\n", re.M), "an untranslated entry"


def test_a_storys_kind_and_a_hotlines_coverage_are_in_the_readers_language():
    client = site_client("harbor.localhost")
    maya = client.get("/es/historias/la-historia-de-maya/").content.decode()
    assert '<p class="story__meta">Historia de la comunidad · ' in maya
    rescue = client.get("/es/historias/ocho-ninos-a-salvo-en-dos-semanas/").content.decode()
    assert '<p class="story__meta">Noticia de rescate · ' in rescue
    english = client.get("/en/stories/mayas-story/").content.decode()
    assert '<p class="story__meta">Community story · ' in english
