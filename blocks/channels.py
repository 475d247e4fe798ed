"""Ways to reach a line or a service: phone, text, TTY and chat, with their hours.

Shared by hotlines (the help bar, hotline panels) and the help directory's resources, so a
reader sees the same buttons, and an editor meets the same rules, wherever a number appears.
"""

from django.db import models

from .phone import sms_href, tel_href, validate_phone


class Reachable(models.Model):
    phone = models.CharField(
        max_length=40,
        blank=True,
        validators=[validate_phone],
        help_text="As readers should see it, e.g. 1-888-373-7888 or 1-800-FYI-CALL.",
    )
    sms_number = models.CharField(
        "text number",
        max_length=40,
        blank=True,
        validators=[validate_phone],
        help_text="The number to text, e.g. 233733. Leave empty if the line takes no texts.",
    )
    sms_keyword = models.CharField(
        "text keyword",
        max_length=30,
        blank=True,
        help_text="A word to text to start, e.g. BEFREE. Typed in for the reader when they tap 'Text'.",
    )
    tty = models.CharField(
        "TTY number",
        max_length=40,
        blank=True,
        validators=[validate_phone],
        help_text="For deaf or hard-of-hearing callers, e.g. 711.",
    )
    chat_url = models.URLField("live chat link", blank=True)
    hours = models.CharField(
        max_length=120, blank=True, help_text="e.g. 'Monday to Friday, 9am to 5pm Pacific'."
    )
    is_24_7 = models.BooleanField("open 24/7", default=False)

    class Meta:
        abstract = True

    def channel_errors(self, *, other_ways: bool = False) -> dict[str, str]:
        """What is wrong with the ways to reach it, by field. `other_ways`: it can also be
        reached another way (e-mail, a website), so no phone, text or chat is needed."""
        errors = {}
        if not (other_ways or self.phone or self.sms_number or self.chat_url):
            errors["phone"] = (
                "Give at least one way to reach this line: a phone number, a text number or a chat link."
            )
        if self.sms_keyword and not self.sms_number:
            errors["sms_number"] = "A text keyword needs the number to text it to."
        return errors

    @property
    def tel_href(self):
        return tel_href(self.phone) if self.phone else ""

    @property
    def sms_href(self):
        return sms_href(self.sms_number, self.sms_keyword) if self.sms_number else ""

    @property
    def tty_href(self):
        return tel_href(self.tty) if self.tty else ""
