#!/usr/bin/env python3
"""A partner's front end in one file: renders a Lantern site's home page or a story as HTML,
from the public API alone (standard library only, no Lantern code).

    python examples/render_site.py --api http://127.0.0.1:8000/api --site harbor.localhost
    python examples/render_site.py --api ... --site harbor.localhost --path /en/stories/mayas-story/
"""

import argparse
import json
import sys
import urllib.parse
import urllib.request
from html import escape


def fetch(api: str, endpoint: str, **params) -> dict:
    url = f"{api.rstrip('/')}/{endpoint}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the partner's own API
        return json.load(response)


def render_block(block: dict) -> str:
    kind, value = block["type"], block["value"]
    if kind == "text":
        return value["html"]
    if kind == "quote":
        return (
            f"<blockquote>{escape(value['quote'])}<br>— {escape(value['attribution'])}</blockquote>"
        )
    if kind == "tips":
        items = "".join(f"<li>{escape(item)}</li>" for item in value["items"])
        return f"<h2>{escape(value['heading'])}</h2><ol>{items}</ol>"
    if kind == "fact":
        return f"<p><strong>{escape(value['figure'])}</strong> {escape(value['label'])}</p>"
    if kind == "hotline_panel":
        return f"<h2>{escape(value['heading'])}</h2>" + "".join(
            render_hotline(line) for line in value["hotlines"]
        )
    if kind == "donation_appeal" and value["appeal"]:
        appeal = value["appeal"]
        return (
            f"<h2>{escape(appeal['headline'])}</h2>{appeal['text_html']}"
            f'<p>{appeal["percent"]}% of ${appeal["goal"]:,}</p><a href="{escape(appeal["donate_url"])}">Donate</a>'
        )
    if kind == "call_to_action" and value["url"]:
        return f'<h2>{escape(value["heading"])}</h2><a href="{escape(value["url"])}">{escape(value["button_label"])}</a>'
    if kind == "about":
        figures = "".join(
            f"<li><strong>{escape(f['figure'])}</strong> {escape(f['label'])}</li>"
            for f in value["figures"]
        )
        gifts = "".join(
            f"<li>{gift['percent']}% {escape(gift['label'])}</li>" for gift in value["gifts"]
        )
        partners = ", ".join(escape(partner["name"]) for partner in value["partners"])
        return (
            f"<h2>{escape(value['heading'])}</h2>{value['html']}<ul>{figures}</ul>"
            f"<ul>{gifts}</ul><p>{partners}</p><p>{escape(value['accountability'])}</p>"
        )
    if kind == "related_stories":
        links = "".join(
            f'<li><a href="{escape(s["url"])}">{escape(s["title"])}</a></li>'
            for s in value["stories"]
        )
        return f"<h2>{escape(value['heading'])}</h2><ul>{links}</ul>"
    return ""


def render_hotline(line: dict) -> str:
    channels = " ".join(
        f'<a href="{escape(channel["href"])}">{escape(channel["kind"].title())} {escape(channel["label"])}</a>'
        for channel in line["channels"]
    )
    return f"<p><strong>{escape(line['name'])}</strong> {channels}</p>"


def render(api: str, site: str, path: str) -> str:
    info = fetch(api, "site", site=site)
    page = fetch(api, "pages/find", site=site, path=path)
    help_bar = "".join(render_hotline(line) for line in info["help_hotlines"])
    nav = "".join(
        f'<a href="{escape(item["path"])}">{escape(item["title"])}</a> '
        for item in info["navigation"]
    )
    body = "".join(render_block(block) for block in page["body"])
    return (
        f'<!DOCTYPE html><html lang="{escape(page["locale"])}"><head><meta charset="utf-8">'
        f"<title>{escape(page['title'])} · {escape(info['name'])}</title>"
        f"<style>header{{background:{info['primary_colour']};color:#fff}}</style></head><body>"
        f"<aside>{help_bar}</aside><header><h1>{escape(info['name'])}</h1><nav>{nav}</nav></header>"
        f"<main><h1>{escape(page.get('hero_heading') or page['title'])}</h1>{body}</main>"
        f"<footer>{escape(info['footer_text'])}</footer></body></html>"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--api", required=True, help="The API's base URL, e.g. http://127.0.0.1:8000/api"
    )
    parser.add_argument("--site", required=True, help="The site's host name, e.g. harbor.localhost")
    parser.add_argument(
        "--path", default="/", help="The page's path on the site (default: its home)."
    )
    args = parser.parse_args(argv)
    sys.stdout.write(render(args.api, args.site, args.path) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
