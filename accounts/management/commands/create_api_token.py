"""python manage.py create_api_token USERNAME --name NAME: a token for the API, printed once."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.tokens import create_api_token


class Command(BaseCommand):
    help = "Make an API token for a user and print it (it is shown only this once; only its hash is kept)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="API token", help="What the token is for, e.g. 'newsroom script'.")

    def handle(self, *args, username: str, name: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called “{username}”.")
        row, token = create_api_token(user, name)
        self.stderr.write(
            f"API token “{row.name}” made for {username}. Keep it safe: it is shown only now.\n"
            "Use it as the header  Authorization: Bearer <token>"
        )
        self.stdout.write(token)
