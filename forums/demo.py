"""Demo threads on the public boards and in a few groups' private boards. All fictional.

Idempotent: a thread is looked up by board and title before it is written. People come from
supportgroups.demo (looked up by email) and groups from groups.demo; anything absent is skipped.
"""

from supportgroups.models import User

from . import services
from .models import Board, Post, Thread, Topic

# board slug, title, topic slugs, content warning, (author email, body), replies
# each reply: (author email, body, index of the reply it answers or None for the thread)
THREADS = [
    (
        "newly-diagnosed",
        "Just diagnosed with stage 2 breast cancer - what do I ask at the first oncology visit?",
        [],
        "",
        (
            "robin@example.org",
            "I got the news on Monday and the appointment is Thursday. My mind "
            "goes blank whenever I think about it. What did you wish you had asked?",
        ),
        [
            (
                "mei@example.org",
                "Write everything down beforehand and bring someone with you. I "
                "asked about the treatment plan, the timeline, and who to call out of hours.",
                None,
            ),
            (
                "sam@example.org",
                "Ask for a copy of your pathology report too, and whether there is "
                "a specialist nurse you can contact. It made a big difference for people in my "
                "group.",
                0,
            ),
            (
                "robin@example.org",
                "Thank you both. I have a list now. @Mei did you record the appointment?",
                0,
            ),
            ("mei@example.org", "I asked if I could, and they said yes. It helped later.", 2),
        ],
    ),
    (
        "treatment",
        "Cold caps during chemo - worth it?",
        [],
        "",
        (
            "kai@example.org",
            "Starting AC-T in two weeks. The unit offers cold caps. Did they "
            "work for you, and how bad was the cold?",
        ),
        [
            (
                "lucia@example.org",
                "The first 15 minutes are rough, then it numbs. I kept about "
                "half my hair. Take painkillers beforehand if your team agrees.",
                None,
            ),
            (
                "jo@example.org",
                "It didn't work for me, and that was fine too. A good scarf "
                "collection helped more than I expected.",
                None,
            ),
            ("kai@example.org", "This is really helpful, thank you.", 1),
        ],
    ),
    (
        "survivorship",
        "Scanxiety before my one-year scan",
        ["recurrence", "scan-results"],
        "fear of recurrence",
        (
            "jo@example.org",
            "My first annual scan is next week and I can't sleep. Every ache "
            "feels like it's back. How do you get through the waiting?",
        ),
        [
            (
                "ana@example.org",
                "You are not alone in this; most people in our groups describe "
                "the same thing. Planning something kind for the afternoon after helps some.",
                None,
            ),
            (
                "robin@example.org",
                "I book the scan and results as close together as they let me.",
                None,
            ),
        ],
    ),
    (
        "caregivers",
        "Looking after Dad and working full time",
        [],
        "",
        (
            "lucia@example.org",
            "Dad is on palliative chemo and I'm his main carer. I'm running "
            "on empty. How do other carers keep going?",
        ),
        [
            (
                "mei@example.org",
                "Ask his team about a carers' assessment, and say yes when people "
                "offer specific help. You matter too.",
                None,
            ),
        ],
    ),
]

# Private boards of groups from groups/demo.py, looked up by slug (skipped if absent):
# group slug, title, opening (author email, body), replies (author email, body, answers).
GROUP_THREADS = [
    (
        "breast-friends-london",
        "Before Thursday's meeting",
        (
            "sam@example.org",
            "Hello all. This board is only for our group, so it is a safe place "
            "for things you'd rather not say on the public boards. What would you like to talk "
            "about on Thursday?",
        ),
        [
            ("robin@example.org", "Could we talk about going back to work? I start in May.", None),
            ("mei@example.org", "Yes please. And about telling colleagues, or not.", 0),
        ],
    ),
    (
        "caring-for-someone",
        "Notes from this week",
        (
            "ana@example.org",
            "Thank you to everyone who came. We talked about asking for help "
            "and about sleep; the handout is in the resources library.",
        ),
        [("jo@example.org", "It helped to hear I'm not the only one awake at 3 a.m.", None)],
    ),
]


def _person(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _write_thread(board, title, topic_slugs, warning, opening, replies) -> bool:
    if Thread.objects.filter(board=board, title=title).exists():
        return False
    author = _person(opening[0])
    if author is None:
        return False
    written = services.create_thread(
        author=author,
        board=board,
        title=title,
        body=opening[1],
        content_warning=warning,
        topics=Topic.objects.filter(slug__in=topic_slugs),
    )
    thread = written.post.thread
    made: list[Post] = []
    for email, body, answers in replies:
        writer = _person(email)
        if writer is None:
            continue
        parent = made[answers] if answers is not None and answers < len(made) else None
        made.append(
            services.create_reply(author=writer, thread=thread, parent=parent, body=body).post
        )
    return True


def load(stdout) -> None:
    from groups.models import SupportGroup

    count = 0
    for slug, title, topics, warning, opening, replies in THREADS:
        board = Board.objects.filter(slug=slug).first()
        if board and _write_thread(board, title, topics, warning, opening, replies):
            count += 1
    for slug, title, opening, replies in GROUP_THREADS:
        group = SupportGroup.objects.filter(slug=slug).first()
        if group is None:
            continue
        board = services.ensure_group_board(group=group)
        if _write_thread(board, title, [], "", opening, replies):
            count += 1
    stdout.write(f"Forums: {count} demo threads written.")
