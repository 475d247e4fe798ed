"""`{% help_resource resource results %}`: one result of a find-help search, written once for
each answer a worker keeps (`sites.help.search.find_help`).

A search's answer is kept by its question and language while everything it shows holds, and
until a service it found opens or closes or a count ages: the markup of its results holds as
long, so it is kept with it (`HelpResults.markup_for`) rather than written for every reader.
"""

from django import template
from django.template.loader import render_to_string

register = template.Library()

TEMPLATE = "includes/help_resource.html"


@register.simple_tag
def help_resource(resource, results):
    return results.markup_for(resource, lambda: render_to_string(TEMPLATE, {"resource": resource}))
