"""The donation step, the thank-you page and Stripe's webhook, on each site's own host.

The appeal block on a (cached) page holds a plain GET form to the step, which confirms the
amount and how often and posts (with Django's CSRF token) to hand the donor to the processor.
Neither the step nor the thank-you page is ever stored (`never_cache`: private, no-store); what
they show is the appeal and what the donor chose, never anything of the donor's.
"""

import json
import logging

from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from wagtail.models import Site

from blocks.appeals import DonationAppeal
from sites.giving.events import NotCounted, paid_gift
from sites.giving.forms import MONTHLY, ONCE, GiftForm
from sites.giving.handoff import (
    Gift,
    HandoffFailed,
    destination,
    form_origins,
    takes_the_gift,
)
from sites.giving.models import GivingSettings, ProcessorSecrets
from sites.giving.progress import count_gift
from sites.serving.chrome import site_for
from sites.serving.languages import offered_languages

logger = logging.getLogger(__name__)


class SeeOther(HttpResponseRedirect):
    """303: the browser follows the post's answer with a GET, to the processor."""

    status_code = 303


def processing_site(appeal: DonationAppeal, site: Site) -> Site:
    """The site whose processor takes gifts to `appeal`: its owner's, or for the network's own
    appeals the network's (default) site."""
    if appeal.owner_id:
        return appeal.owner
    return Site.objects.filter(is_default_site=True).first() or site


def appeals_of(site: Site):
    """The appeals a site may show: its own and the network's."""
    return DonationAppeal.objects.filter(Q(owner=site) | Q(owner__isnull=True))


def site_and_appeal(request, appeal_id: int) -> tuple[Site, DonationAppeal]:
    site = site_for(request)
    if site is None or translation.get_language() not in offered_languages(site, request):
        raise Http404("This site is not published in this language.")
    appeal = appeals_of(site).select_related("owner").filter(pk=appeal_id).first()
    if appeal is None:
        raise Http404("No such appeal on this site.")
    return site, appeal


def step_url(appeal: DonationAppeal, **query) -> str:
    url = reverse("giving_step", args=[appeal.pk])
    return f"{url}?{urlencode(query)}" if query else url


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def step(request, appeal_id: int):
    """GET: what the donor chose in the appeal, confirmed (or asked again, with what is wrong).
    POST: the confirmed gift, handed to the processor with a 303."""
    site, appeal = site_and_appeal(request, appeal_id)
    giving = GivingSettings.for_site(processing_site(appeal, site))
    # No settings in the context: a template never has the processor's keys within reach.
    context = {"page": None, "appeal": appeal}
    if not appeal.is_open:
        return render_step(request, context, status=410)
    if request.method == "POST":
        data = request.POST
    else:
        asked = {"amount", "other", "frequency"} & set(request.GET)
        data = request.GET if asked else None
    form = GiftForm(data, appeal=appeal, minimum=giving.minimum_gift, maximum=giving.maximum_gift)
    context["gift_form"] = form
    if data is None:
        return render_step(request, context)
    if not form.is_valid():
        return render_step(request, context, status=400)
    if request.method != "POST" and "change" in request.GET:
        return render_step(request, context)  # the choice again, as it was made
    dollars, monthly = form.cleaned_data["gift"], form.cleaned_data["monthly"]
    chosen = {"amount": dollars, "frequency": MONTHLY if monthly else ONCE}
    amount_passed, frequency_passed = takes_the_gift(giving)
    context |= {
        "confirm": True,
        "amount": f"{dollars:,}",
        "monthly": monthly,
        "chosen": chosen,
        "amount_passed": amount_passed,
        "frequency_passed": frequency_passed,
        "change_url": step_url(appeal, **chosen, change=1) + "#gift",  # opens at the choices
    }
    if request.method != "POST":
        return render_step(request, context, origins=form_origins(giving, appeal))
    gift = Gift(
        appeal=appeal,
        dollars=dollars,
        monthly=monthly,
        thanks_url=request.build_absolute_uri(reverse("giving_thanks", args=[appeal.pk])),
        back_url=request.build_absolute_uri(step_url(appeal, **chosen, change=1)),
    )
    try:
        return SeeOther(destination(giving, gift))
    except HandoffFailed:
        context["failed"] = True
        return render_step(request, context, status=502, origins=form_origins(giving, appeal))


def render_step(request, context, status=200, origins=()):
    response = TemplateResponse(request, "giving/step.html", context, status=status)
    # The post's answer redirects to the processor: the form may end up there (CSP form-action
    # covers redirects). Same-origin referrers, so the browser's post carries this site's
    # Origin, which Django's CSRF check compares (readers' pages send no referrer at all).
    if origins:
        response._csp_update = {"form-action": list(origins)}
    response["Referrer-Policy"] = "same-origin"
    return response


@never_cache
@require_http_methods(["GET", "HEAD"])
def thanks(request, appeal_id: int):
    """Where the donor comes back to: thanks, and nothing of theirs."""
    _site, appeal = site_and_appeal(request, appeal_id)
    return TemplateResponse(request, "giving/thanks.html", {"page": None, "appeal": appeal})


def refuse(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


@csrf_exempt  # Stripe signs its posts instead (checked below with the site's own secret)
@require_POST
def stripe_webhook(request):
    """Stripe's events for this site: a paid Checkout Session, or a monthly gift's later month,
    adds its amount and one gift to the appeal named in its metadata, once per event
    (sites.giving.events)."""
    site = Site.find_for_request(request)
    secret = ProcessorSecrets.for_site(site.pk).stripe_webhook_secret if site else ""
    if not secret:
        return refuse("Stripe is not set up for this site.")
    signature = request.headers.get("Stripe-Signature", "")
    if not signature:
        return refuse("No Stripe-Signature header.")
    payload = request.body
    import stripe  # not with the module: see sites.giving.handoff

    try:
        stripe.Webhook.construct_event(payload, signature, secret)
        event = json.loads(payload)
    except stripe.SignatureVerificationError:
        return refuse("The signature does not match this site's webhook signing secret.")
    except ValueError:
        return refuse("The payload is not a Stripe event.")
    try:
        event_id, kind = str(event["id"]), str(event["type"])
        paid = event["data"]["object"]
    except (KeyError, TypeError):
        return refuse("The payload is not a Stripe event.")
    if not isinstance(paid, dict):
        return acknowledge("Not an event Lantern counts.")
    try:
        gift = paid_gift(kind, paid)
    except NotCounted as reason:
        return acknowledge(str(reason))
    appeals = DonationAppeal.objects.filter(owner=site)
    if site.is_default_site:
        appeals = DonationAppeal.objects.filter(Q(owner=site) | Q(owner__isnull=True))
    appeal = appeals.filter(pk=gift.appeal_id).first()
    if appeal is None:
        # Acknowledged (Stripe would otherwise send it again for days), never counted.
        logger.warning("Stripe event for an appeal this site does not take gifts for")
        return acknowledge("Not an appeal of this site.")
    counted = count_gift(site, event_id, appeal, gift.cents)
    return acknowledge("Counted." if counted else "Counted before.")


def acknowledge(message: str) -> HttpResponse:
    """200: Stripe stops sending the event."""
    return HttpResponse(message, content_type="text/plain; charset=utf-8")
