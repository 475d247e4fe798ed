"""The admin's external-link chooser, answering a post without a URL with a form error.

Wagtail 8.0's URL field reads a missing field as None and fails on it (a 500); the same view
with a field that reads it as empty gives the chooser's own "This field is required".
Mounted at Wagtail's address before its admin URLs (cms/urls.py).
"""

from wagtail.admin.forms.choosers import ExternalLinkChooserForm, URLOrAbsolutePathField
from wagtail.admin.views.chooser import ExternalLinkView


class URLOrPathField(URLOrAbsolutePathField):
    def to_python(self, value):
        return super().to_python("" if value is None else value)


class ExternalLinkForm(ExternalLinkChooserForm):
    url = URLOrPathField(required=True, label=ExternalLinkChooserForm.base_fields["url"].label)


class ExternalLink(ExternalLinkView):
    form_class = ExternalLinkForm
