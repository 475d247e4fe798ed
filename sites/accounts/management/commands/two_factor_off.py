"""`manage.py two_factor_off USERNAME`: remove a user's authenticator app (a lost phone).

They then sign in with their password alone, and may enrol a new app from their account.
"""

from django_otp.plugins.otp_totp.models import TOTPDevice

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Turn two-step sign-in off for a user whose authenticator app is lost."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist as error:
            raise CommandError(f"No user named '{username}'.") from error
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        self.stdout.write(f"Two-step sign-in is off for {username} ({removed} device(s) removed).")
