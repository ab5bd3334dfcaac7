"""Run by test_redis_gone.py in a fresh process whose Redis URLs all point where nothing listens:
a member signs in, opens pages, starts a thread and posts in chat through the real views. Prints
each step's status code as JSON."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportgroups.settings")
django.setup()

from django.test import Client  # noqa: E402

from tests.factories import PASSWORD  # noqa: E402


def main(email: str, board: str, group: str) -> None:
    client = Client(HTTP_HOST="localhost")
    steps = {
        "sign in": lambda: client.post("/accounts/login/", {"login": email, "password": PASSWORD}),
        "home": lambda: client.get("/"),
        "board": lambda: client.get(f"/forums/b/{board}/"),
        "new thread": lambda: client.post(
            f"/forums/b/{board}/new/",
            {"title": "Anyone else?", "body": "Still here", "action": "post"},
        ),
        "chat page": lambda: client.get(f"/chat/{group}/"),
        "chat post": lambda: client.post(
            f"/chat/{group}/", {"body": "Hello, anyone?"}, follow=True
        ),
    }
    responses = {name: step() for name, step in steps.items()}
    said = responses["chat post"].content.decode()
    print(
        json.dumps(
            {
                "statuses": {name: response.status_code for name, response in responses.items()},
                "chat says offline": "Chat is offline; your message is kept." in said,
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
