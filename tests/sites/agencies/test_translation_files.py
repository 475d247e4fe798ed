"""Offline translation: export_translations writes PO files of what needs work; import_translations
checks every file before writing anything, then brings the work in as drafts for review."""

from io import StringIO

import polib
import pytest

from django.core.management import CommandError, call_command

from wagtail.models import Locale, Page, Site
from wagtail_localize.models import StringTranslation

from sites.content.pages import NewsIndexPage, NewsStoryPage

pytestmark = pytest.mark.django_db

HARBOR = "harbor.localhost"


def export(tmp_path, *extra):
    out = StringIO()
    call_command(
        "export_translations",
        "--site",
        HARBOR,
        "--locale",
        "es",
        "--output",
        str(tmp_path),
        *extra,
        stdout=out,
    )
    return sorted(tmp_path.glob("*.po")), out.getvalue()


def import_files(paths, *extra, out=None):
    out = out or StringIO()
    call_command(
        "import_translations",
        *map(str, paths),
        "--site",
        HARBOR,
        "--locale",
        "es",
        *extra,
        stdout=out,
        stderr=out,
    )
    return out.getvalue()


def fill(path, prefix="ES "):
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = entry.msgstr or f"{prefix}{entry.msgid}"
    po.save(str(path))


def new_story():
    index = NewsIndexPage.objects.child_of(Site.objects.get(hostname=HARBOR).root_page).get()
    story = NewsStoryPage(
        title="Night outreach", slug="night-outreach", date="2026-11-20",
        summary="We met nine people.", body=[{"type": "text", "value": "<p>We listened.</p>"}],
    )  # fmt: skip
    index.add_child(instance=story)
    story.save_revision().publish()
    return story


def test_a_round_trip_brings_offline_work_in_as_drafts(tmp_path):
    assert export(tmp_path)[0] == [], "the demo's Spanish is complete"
    maya = NewsStoryPage.objects.get(slug="mayas-story")
    maya.summary = "A new summary for Maya's story."
    maya.save_revision().publish()
    story = new_story()

    paths, output = export(tmp_path)
    assert len(paths) == 2 and "[2/2]" in output
    names = " ".join(path.name for path in paths)
    assert f"newsstorypage-{maya.pk}-" in names and f"newsstorypage-{story.pk}-" in names
    by_page = {int(path.name.split("-")[1]): path for path in paths}
    # Maya's file already carries the Spanish done before; only the new summary is empty.
    maya_po = polib.pofile(str(by_page[maya.pk]))
    assert [e.msgid for e in maya_po.untranslated_entries()] == ["A new summary for Maya's story."]
    assert maya_po.metadata["Language"] == "es"

    for path in paths:
        fill(path)
    output = import_files(paths, "--submit")
    assert "2 translations imported and submitted for review" in output

    spanish = story.get_translation(Locale.objects.get(language_code="es"))
    assert spanish.get_latest_revision_as_object().title == "ES Night outreach"
    assert not spanish.live and spanish.workflow_in_progress
    spanish_maya = maya.get_translation(Locale.objects.get(language_code="es"))
    draft = spanish_maya.get_latest_revision_as_object()
    assert draft.summary == "ES A new summary for Maya's story."
    assert (
        spanish_maya.live and spanish_maya.workflow_in_progress
    )  # the live one stays until approved


def problems_for(paths):
    before = StringTranslation.objects.count()
    out = StringIO()
    with pytest.raises(CommandError, match="nothing was imported") as raised:
        import_files(paths, out=out)
    assert StringTranslation.objects.count() == before
    return out.getvalue(), raised


def test_a_file_with_a_wrong_msgid_is_refused_with_its_line_and_nothing_is_imported(tmp_path):
    new_story()
    (good,), _ = export(tmp_path)
    fill(good)
    bad = tmp_path / "bad.po"
    po = polib.pofile(str(good))
    po[1].msgid = "A text that is not in the story"
    po.save(str(bad))
    output, _ = problems_for([good, bad])
    line = polib.pofile(str(bad))[1].linenum
    assert f"bad.po:{line}: msgid 'A text that is not in the story' is not a text of" in output
    assert Page.objects.filter(title="ES Night outreach").count() == 0


def test_broken_syntax_is_refused_with_its_line(tmp_path):
    new_story()
    (good,), _ = export(tmp_path)
    broken = tmp_path / "broken.po"
    text = good.read_text(encoding="utf-8").splitlines()
    text.insert(12, 'msgstr "unterminated')
    broken.write_text("\n".join(text) + "\n", encoding="utf-8")
    output, _ = problems_for([broken])
    assert "broken.po:" in output and "not a readable PO file" in output


def test_a_file_for_another_language_is_refused(tmp_path):
    new_story()
    (good,), _ = export(tmp_path)
    po = polib.pofile(str(good))
    po.metadata["Language"] = "fr"
    po.save(str(good))
    output, _ = problems_for([good])
    assert f"{good.name}:1: this file is for 'fr', not 'es'" in output


def test_a_page_whose_parent_is_not_translated_waits_for_it(tmp_path):
    home = Site.objects.get(hostname=HARBOR).root_page
    section = NewsIndexPage(title="Second stories", slug="more-stories")
    home.add_child(instance=section)
    section.save_revision().publish()
    child = NewsStoryPage(
        title="Deep story", slug="deep", date="2026-11-20", summary="s",
        body=[{"type": "text", "value": "<p>x</p>"}],
    )  # fmt: skip
    section.add_child(instance=child)
    child.save_revision().publish()
    paths, _ = export(tmp_path)
    child_file = next(p for p in paths if p.name.startswith(f"newsstorypage-{child.pk}-"))
    fill(child_file)
    output, _ = problems_for([child_file])
    assert "its parent “Second stories” is not translated into 'es' yet" in output
