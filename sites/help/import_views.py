"""Help directory → Imports: a moderator uploads a CSV or HSDS file, and a task imports it.

An agency's moderators import as their own agency and see only their agency's imports; network
administrators may import for any agency or for the network, and see every import: the rule of
`import_hsds --agency`. The task (sites.help.tasks) runs on a worker, or at once where there is
none (TASKS_BACKEND=immediate); the import's page shows how far it got, refreshing itself until
it is finished. An import whose worker died is shown as Interrupted (the model decides:
HelpImport.mark_if_interrupted) and may be started again from its page while its file is kept.
"""

import datetime
import zipfile

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Site

from blocks.regions import parse_states
from sites.agencies.tenancy import is_network_admin, moderated_agencies
from sites.help.imports import HelpImport
from sites.help.resources import Service
from sites.help.tasks import run_help_import

INDEX_URL_NAME = "lantern_help_imports"
NEW_URL_NAME = "lantern_help_import_new"
STATUS_URL_NAME = "lantern_help_import"
START_AGAIN_URL_NAME = "lantern_help_import_start_again"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
KIND_BY_EXTENSION = {
    ".csv": HelpImport.Kind.CSV,
    ".json": HelpImport.Kind.HSDS_JSON,
    ".zip": HelpImport.Kind.HSDS_ZIP,
}
NETWORK = "network"


def may_import(user) -> bool:
    return is_network_admin(user) or moderated_agencies(user).exists()


def imports_for(user):
    """The imports `user` may see: every one for network administrators, else those of the
    agencies they moderate (never the network's)."""
    if is_network_admin(user):
        return HelpImport.objects.all()
    return HelpImport.objects.filter(site__in=moderated_agencies(user).values("site"))


def run_once_committed(help_import: HelpImport) -> None:
    """Asks for the task that runs `help_import` once the transaction commits (a worker must
    find the row), and records its id: how the model knows later whether its run is over."""

    def enqueue():
        result = run_help_import.enqueue(help_import.pk)
        HelpImport.objects.filter(pk=help_import.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text="A spreadsheet saved as CSV UTF-8 (columns as in docs/help-directory.md), HSDS "
        "JSON, or an HSDS datapackage zipped (datapackage.json and its tables). At most 20 MB."
    )
    agency = forms.ChoiceField(help_text="Whose resources they become.")
    default_area = forms.CharField(
        required=False,
        label="HSDS: default area",
        help_text="Where records the file does not place: 'national', or states (e.g. CA or "
        "CA,NV). Left empty, such records are refused.",
    )
    default_kind = forms.ChoiceField(
        required=False,
        label="HSDS: default kind of help",
        choices=[("", "None: refuse records with no kind of help Lantern knows"), *Service.choices],
    )
    verified_on = forms.DateField(
        required=False,
        label="HSDS: checked on",
        help_text="The day the details of records with no assured_date were checked "
        "(YYYY-MM-DD). Left empty, such records are refused.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if is_network_admin(user):
            sites = Site.objects.order_by("hostname")
            choices = [(NETWORK, "The network (every site)")]
        else:
            sites = Site.objects.filter(pk__in=moderated_agencies(user).values("site")).order_by(
                "hostname"
            )
            choices = []
        self.sites = {str(site.pk): site for site in sites}
        self.fields["agency"].choices = choices + [
            (str(site.pk), f"{site.site_name or site.hostname} ({site.hostname})") for site in sites
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name or ""
        extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in KIND_BY_EXTENSION:
            raise forms.ValidationError(
                "Upload a .csv spreadsheet, an HSDS .json file, or a zipped HSDS datapackage (.zip)."
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"This file is {upload.size // 2**20} MB: at most {MAX_UPLOAD_BYTES // 2**20} MB "
                "can be uploaded. Split it, or ask a network administrator to run import_hsds."
            )
        if extension == ".zip" and not zipfile.is_zipfile(upload):
            raise forms.ValidationError("This is not a zip file we can read.")
        upload.seek(0)
        self.kind = KIND_BY_EXTENSION[extension]
        return upload

    def clean_default_area(self):
        value = self.cleaned_data["default_area"].strip()
        if not value or value.lower() == "national":
            return value.lower()
        try:
            return ", ".join(parse_states(value))
        except ValueError as exc:
            raise forms.ValidationError(f"Say 'national' or give states. {exc}") from None

    def clean_verified_on(self):
        day = self.cleaned_data["verified_on"]
        if day and day > datetime.date.today():
            raise forms.ValidationError("This date is in the future.")
        return day

    def site(self) -> Site | None:
        agency = self.cleaned_data["agency"]
        return None if agency == NETWORK else self.sites[agency]


class ImportPermissionMixin:
    model = HelpImport  # the agency wall reads it (sites.agencies.walls)

    def dispatch(self, request, *args, **kwargs):
        if not may_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportIndexView(ImportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = "Help directory imports"
    header_icon = "upload"
    template_name = "sites/admin/help_imports.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        imports = list(imports_for(self.request.user).select_related("site", "started_by")[:50])
        for help_import in imports:
            if not help_import.finished:
                help_import.mark_if_interrupted()
        context["imports"] = imports
        context["new_url"] = reverse(NEW_URL_NAME)
        return context


class NewImportView(ImportPermissionMixin, WagtailAdminTemplateMixin, FormView):
    page_title = "Import help resources"
    header_icon = "upload"
    template_name = "sites/admin/help_import_new.html"
    form_class = ImportForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "index_url": reverse(INDEX_URL_NAME)}

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        with transaction.atomic():
            help_import = HelpImport.objects.create(
                site=form.site(),
                started_by=self.request.user,
                kind=form.kind,
                file=upload,
                file_name=upload.name[:255],
                default_area=form.cleaned_data["default_area"],
                default_kind=form.cleaned_data["default_kind"],
                verified_on=form.cleaned_data["verified_on"],
            )
            run_once_committed(help_import)
        return redirect(STATUS_URL_NAME, pk=help_import.pk)


class ImportStatusView(ImportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = "Help directory import"
    header_icon = "upload"
    template_name = "sites/admin/help_import.html"
    # How often the page refreshes itself while the import runs.
    refresh_seconds = 2

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        help_import = get_object_or_404(imports_for(self.request.user), pk=kwargs["pk"])
        help_import.mark_if_interrupted()
        context["help_import"] = help_import
        context["start_again_url"] = reverse(START_AGAIN_URL_NAME, args=[help_import.pk])
        context["refresh_seconds"] = None if help_import.finished else self.refresh_seconds
        context["percent"] = 100 * help_import.done // help_import.total if help_import.total else 0
        context["index_url"] = reverse(INDEX_URL_NAME)
        context["new_url"] = reverse(NEW_URL_NAME)
        context["resources_url"] = reverse("wagtailsnippets_lantern_help_helpresource:list")
        return context


class StartAgainView(ImportPermissionMixin, View):
    """Queues an interrupted import again, from its kept file (POST from its page)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        help_import = get_object_or_404(imports_for(request.user), pk=pk)
        with transaction.atomic():
            if help_import.start_again():
                run_once_committed(help_import)
                messages.success(request, f"{help_import.file_name} is queued again.")
            else:
                messages.error(
                    request,
                    "Only an interrupted import whose file is still kept can be started again: "
                    "import the file again.",
                )
        return redirect(STATUS_URL_NAME, pk=help_import.pk)


class ImportsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_import(request.user)


def menu_item() -> MenuItem:
    return ImportsMenuItem(
        "Help directory imports", reverse_lazy(INDEX_URL_NAME), icon_name="upload", order=262
    )
