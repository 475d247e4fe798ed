"""The admin's own forms as a browser posts them, for tests that drive the real admin views."""

from wagtail.test.utils.form_data import rich_text

# The (empty) comments formset every page edit form carries.
NO_COMMENTS = {
    "comments-TOTAL_FORMS": "0",
    "comments-INITIAL_FORMS": "0",
    "comments-MIN_NUM_FORMS": "0",
    "comments-MAX_NUM_FORMS": "1000",
}


def story_form(
    title: str,
    slug: str,
    text: str = "We listened first.",
    *,
    date: str = "2026-11-20",
    kind: str = "news",
    summary: str = "Volunteers met twelve women on the street.",
    names_changed: bool = True,
    tags: str = "outreach",
    **extra,
) -> dict[str, str]:
    """A NewsStoryPage add or edit form with one paragraph of text; `extra` adds an action or overrides."""
    data = {
        "title": title,
        "slug": slug,
        "date": date,
        "kind": kind,
        "summary": summary,
        "body-count": "1",
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-type": "text",
        "body-0-id": "",
        "body-0-value": rich_text(f"<p>{text}</p>"),
        "names_changed": "on" if names_changed else "",
        "tags": tags,
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
        **NO_COMMENTS,
    }
    return data | extra


def published_story_form(title: str, slug: str) -> dict[str, str]:
    """A survivor's story with its consent recorded, posted with "Publish"."""
    return story_form(
        title,
        slug,
        consent_given_by="The survivor, in writing",
        consent_given_on="2026-11-01",
        consent_expires_on="2029-10-31",
        **{"action-publish": "Publish"},
    )


def hotline_form(**fields) -> dict[str, str]:
    """The hotline snippet form: a nationwide line with no channels unless `fields` give some."""
    data = {
        "owner": "",
        "name": "Coast Youth Line",
        "phone": "",
        "sms_number": "",
        "sms_keyword": "",
        "tty": "",
        "chat_url": "",
        "hours": "",
        "languages": "",
        "coverage": "national",
        "states": "",
        "description": "",
    }
    return data | fields


def branding_form(branding, **changes) -> dict[str, str]:
    """The site branding settings form, filled in with `branding` as it stands, then `changes`."""
    data = {
        "display_name": branding.display_name,
        "logo": branding.logo_id or "",
        "share_image": branding.share_image_id or "",
        "theme": branding.theme,
        "primary_colour": branding.primary_colour,
        "accent_colour": branding.accent_colour,
        "primary_hotline": branding.primary_hotline_id or "",
        "state": branding.state,
        "donate_url": branding.donate_url,
    }
    if branding.logo_includes_name:  # a checkbox: posted only when ticked
        data["logo_includes_name"] = "on"
    return data | changes


HOTLINE_FIELDS = [
    "name", "phone", "sms_number", "sms_keyword", "tty", "chat_url", "hours",
    "languages", "coverage", "states", "description",
]  # fmt: skip


def hotline_edit_form(hotline, **changes) -> dict[str, str]:
    """The hotline's edit form as the admin shows it filled in, with `changes` made."""
    data = {name: getattr(hotline, name) for name in HOTLINE_FIELDS}
    data |= {"owner": hotline.owner_id, **changes}
    data |= {name: "on" for name in ("is_24_7", "pinned") if getattr(hotline, name)}
    return data
