"""Every forum URL for each kind of person. Outsiders asking for anything on a private board
get 404 (its existence is not revealed); people who may read but not do the thing get 403;
anonymous visitors are sent to sign in for anything that writes."""

import pytest

from forums.models import Board
from tests.factories import UserFactory, client_for
from tests.forums.conftest import reply_to, start_thread

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "member", "facilitator", "staff"]
LOGIN = "login"  # a redirect to the sign-in page

# (method, url template, expected on the PRIVATE board, expected on the PUBLIC board), each a
# tuple in ROLES order. The post in {post} was written by the member.
MATRIX = [
    ("get", "/forums/", (200,) * 5, (200,) * 5),
    ("get", "/forums/search/?q=words", (200,) * 5, (200,) * 5),
    ("get", "/forums/preferences/", (LOGIN, 200, 200, 200, 200), (LOGIN, 200, 200, 200, 200)),
    ("post", "/forums/preview/", (LOGIN, 200, 200, 200, 200), (LOGIN, 200, 200, 200, 200)),
    ("get", "/forums/b/{board}/", (404, 404, 200, 200, 200), (200,) * 5),
    ("get", "/forums/b/{board}/new/", (LOGIN, 404, 200, 200, 200), (LOGIN, 200, 200, 200, 200)),
    ("post", "/forums/b/{board}/follow/", (LOGIN, 404, 302, 302, 302), (LOGIN, 302, 302, 302, 302)),
    ("get", "/forums/t/{thread}/", (404, 404, 200, 200, 200), (200,) * 5),
    ("get", "/forums/t/{thread}/reply/", (LOGIN, 404, 200, 200, 200), (LOGIN, 200, 200, 200, 200)),
    (
        "post",
        "/forums/t/{thread}/follow/",
        (LOGIN, 404, 302, 302, 302),
        (LOGIN, 302, 302, 302, 302),
    ),
    ("get", "/forums/post/{post}/", (404, 404, 302, 302, 302), (302,) * 5),
    ("get", "/forums/post/{post}/replies/", (404, 404, 200, 200, 200), (200,) * 5),
    ("get", "/forums/post/{post}/edit/", (LOGIN, 404, 200, 403, 403), (LOGIN, 403, 200, 403, 403)),
    (
        "get",
        "/forums/post/{post}/delete/",
        (LOGIN, 404, 200, 403, 403),
        (LOGIN, 403, 200, 403, 403),
    ),
    ("get", "/forums/post/{post}/history/", (404, 404, 403, 200, 200), (403, 403, 403, 403, 200)),
    (
        "post",
        "/forums/post/{post}/react/",
        (LOGIN, 404, 302, 302, 302),
        (LOGIN, 302, 302, 302, 302),
    ),
]


@pytest.fixture
def people(member, facilitator, outsider, staff):
    return {"anonymous": None, "outsider": outsider, "member": member,
            "facilitator": facilitator, "staff": staff}  # fmt: skip


@pytest.mark.parametrize("which", ["private", "public"])
def test_access_matrix(which, people, private_board, board, member):
    target: Board = private_board if which == "private" else board
    thread = start_thread(target, member, body="words").post.thread
    post = reply_to(thread, member, body="more words")
    clients = {role: client_for(person) for role, person in people.items()}
    failures = []
    for method, template, private_expected, public_expected in MATRIX:
        expected = private_expected if which == "private" else public_expected
        url = template.format(board=target.slug, thread=thread.pk, post=post.pk)
        for role, want in zip(ROLES, expected, strict=True):
            data = {"kind": "hug", "body": "x"} if method == "post" else None
            response = getattr(clients[role], method)(url, data)
            got = response.status_code
            if want == LOGIN:
                ok = got == 302 and response.url.startswith("/accounts/login/")
            else:
                ok = got == want
            if not ok:
                failures.append(f"{method.upper()} {url} as {role}: wanted {want}, got {got}")
    assert not failures, "\n".join(failures)


def test_group_board_link_for_members_only(people, group, private_board):
    url = f"/forums/group/{group.slug}/"
    for role in ("anonymous", "outsider"):
        assert client_for(people[role]).get(url).status_code == 404
    for role in ("member", "facilitator", "staff"):
        response = client_for(people[role]).get(url)
        assert response.status_code == 302 and response.url == private_board.get_absolute_url()
    detail = client_for(people["member"]).get(group.get_absolute_url()).content.decode()
    assert url in detail
    assert url not in client_for(people["outsider"]).get(group.get_absolute_url()).content.decode()


def test_private_boards_are_listed_only_to_their_members(people, private_board):
    for role, listed in [("anonymous", False), ("outsider", False), ("member", True)]:
        html = client_for(people[role]).get("/forums/").content.decode()
        assert (private_board.get_absolute_url() in html) is listed
    html = client_for(people["member"]).get("/forums/").content.decode()
    assert html.index("Public boards") < html.index("Your groups' private boards")


def test_unverified_people_read_but_cannot_write_on_public_boards(board, member):
    unverified = UserFactory(verified=False)
    client = client_for(unverified)
    thread = start_thread(board, member).post.thread
    assert client.get(thread.get_absolute_url()).status_code == 200
    assert client.get(f"/forums/b/{board.slug}/new/").status_code == 403
    response = client.post(f"/forums/t/{thread.pk}/reply/", {"body": "hi", "action": "post"})
    assert response.status_code == 403
    assert thread.posts.count() == 1


def test_confirming_or_removing_an_address_shows_on_the_board_at_once(
    board, django_capture_on_commit_callbacks
):
    """Whether someone may write on the public boards is kept in the cache from sign-in; saving
    or deleting one of their addresses works it out again."""
    from allauth.account.models import EmailAddress

    person = UserFactory(verified=False)
    client = client_for(person)
    start = "Start a thread"
    assert start not in client.get(board.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        EmailAddress.objects.filter(user=person).get().set_verified()
    assert start in client.get(board.get_absolute_url()).content.decode()
    assert client.get(f"/forums/b/{board.slug}/new/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        EmailAddress.objects.filter(user=person).delete()
    assert start not in client.get(board.get_absolute_url()).content.decode()
    assert client.get(f"/forums/b/{board.slug}/new/").status_code == 403


def test_an_address_unverified_around_the_receivers_stops_the_write_itself(board, member):
    """A bulk update (the admin, a shell) moves no generation, so the page may still offer the
    button for a while; the write asks the database and is refused, keeping the words."""
    from allauth.account.models import EmailAddress

    client = client_for(member)
    thread = start_thread(board, member).post.thread
    assert "Start a thread" in client.get(board.get_absolute_url()).content.decode()
    EmailAddress.objects.filter(user=member).update(verified=False)

    response = client.post(
        f"/forums/t/{thread.pk}/reply/", {"body": "Still here", "action": "post"}
    )

    assert response.status_code == 403
    assert "Still here" in response.content.decode()
    assert thread.posts.count() == 1


def test_a_member_who_left_loses_the_board(private_board, member):
    from groups.models import Membership

    thread = start_thread(private_board, member).post.thread
    Membership.objects.filter(user=member).update(state=Membership.State.LEFT)
    assert client_for(member).get(thread.get_absolute_url()).status_code == 404
