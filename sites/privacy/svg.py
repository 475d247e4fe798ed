"""SVG uploads (a logo drawn as a vector) that draw and do nothing else.

An SVG is a document: it may hold scripts, event handlers (`onload=`), links that run
(`javascript:`), and references to other servers (an `<image href="https://…">`, a font or a
stylesheet by `url(…)` or `@import`), which a survivor's browser would fetch from a third party
if the file were ever opened by itself. Shown through `<img>`, browsers run none of it, but a
stored file may be opened directly, and readers' pages promise no third-party request and no
script. So an SVG is accepted only when it has none of these: anything else is refused with a
form error saying what was found (sites.privacy.media.ImageForm), never cleaned silently.

Parsed with defusedxml: a DOCTYPE, entities or external references in the XML itself are refused.
"""

import re

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
XLINK_NAMESPACE = "http://www.w3.org/1999/xlink"
# Elements that draw, group, describe or style a drawing: nothing that runs, embeds another
# document or animates an attribute (SMIL's <set> can set an href to javascript:).
DRAWING = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "style",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
    "feFlood", "feGaussianBlur", "feMerge", "feMergeNode", "feOffset", "feFuncA", "feFuncB",
    "feFuncG", "feFuncR", "feMorphology", "feDropShadow",
}  # fmt: skip
# In a style (an attribute or a <style>), a reference elsewhere than within the file itself.
OUTSIDE_REFERENCE = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import|expression\(|javascript:", re.I)


class UnsafeSvg(ValueError):
    """What was found, in words an editor can act on."""


def local_name(name: str) -> tuple[str, str]:
    """(namespace, name) of an ElementTree tag or attribute name."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def check_svg(data: bytes) -> None:
    """UnsafeSvg unless `data` is an SVG drawing with no script, event handler or reference
    outside itself."""
    if b"<?xml-stylesheet" in data:
        raise UnsafeSvg("This SVG links a stylesheet: save it with its styles inside the file.")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise UnsafeSvg(
            "This SVG declares a DOCTYPE or entities: save it again as plain SVG."
        ) from error
    except Exception as error:  # ParseError, a wrong encoding
        raise UnsafeSvg("This file is not a readable SVG.") from error
    if local_name(root.tag) != (SVG_NAMESPACE, "svg"):
        raise UnsafeSvg("This file is not an SVG drawing.")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        namespace, name = local_name(element.tag)
        if namespace == SVG_NAMESPACE and name not in DRAWING:
            raise UnsafeSvg(
                f"This SVG has a <{name}> element: a logo may only draw (no scripts, embedded "
                "pages, animations or links). Remove it, or upload a PNG."
            )
        if name == "style" and OUTSIDE_REFERENCE.search(element.text or ""):
            raise UnsafeSvg(
                "This SVG's styles load something from elsewhere (a font, a picture or a "
                "stylesheet): a reader's browser must not ask another server for it."
            )
        for attribute, value in element.attrib.items():
            attribute_namespace, attribute_name = local_name(attribute)
            if attribute_name.lower().startswith("on"):
                raise UnsafeSvg(
                    f"This SVG has an event handler ({attribute_name}): a logo may not run "
                    "scripts. Remove it, or upload a PNG."
                )
            is_link = attribute_name == "href" and attribute_namespace in ("", XLINK_NAMESPACE)
            if is_link and not value.strip().startswith("#"):
                raise UnsafeSvg(
                    "This SVG refers to another file or address "
                    f"({value.strip()[:60]}): a logo must hold everything it draws."
                )
            if OUTSIDE_REFERENCE.search(value):
                raise UnsafeSvg(
                    f"This SVG's {attribute_name} loads something from elsewhere: a reader's "
                    "browser must not ask another server for it."
                )
        # Inkscape's or Illustrator's own elements (sodipodi:namedview, say) draw nothing and
        # run nothing; XHTML inside an SVG may.
        if namespace == "http://www.w3.org/1999/xhtml":
            raise UnsafeSvg("This SVG embeds a web page: a logo may only draw.")
