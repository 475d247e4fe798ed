"""Giving: an appeal's donation step, the hand-off to the agency's payment processor, the
thank-you page, and Stripe's signed webhook counting gifts into the appeal's progress.

Lantern sees the amount and how often; the processor sees everything else (docs/giving.md).
"""
