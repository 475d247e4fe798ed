"""The giving addresses: the donation step and thanks under each language's prefix, and
Stripe's webhook once per host."""

from django.urls import path

from sites.giving import views

reader_patterns = [
    path("give/<int:appeal_id>/", views.step, name="giving_step"),
    path("give/<int:appeal_id>/thanks/", views.thanks, name="giving_thanks"),
]

webhook_patterns = [
    path("giving/stripe/webhook/", views.stripe_webhook, name="giving_stripe_webhook"),
]
