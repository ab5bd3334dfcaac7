"""Checked in Chromium: an XSS corpus in posts, titles, display names and content warnings runs
nothing; content warnings fold away without JavaScript; permalinks highlight their post; search
pages by keyboard without JavaScript."""

import pytest

from forums import services
from tests.factories import BoardFactory, UserFactory, client_for
from tests.forums.xss_payloads import PAYLOADS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DANGEROUS = (
    "script:not([src^='/static/']), iframe, object, embed, base, meta[http-equiv], "
    "[onerror], [onload], [onfocus], [onclick], [ontoggle], [onmouseover], [onbegin], "
    "[onstart], [hx-get]:not(#nothing), [hx-on\\:click], [style], "
    "a[href^='javascript' i], a[href^='data' i], a[href^='vbscript' i]"
)


def check_page_runs_nothing(page, url):
    dialogs, csp_violations = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "console",
        lambda msg: (
            csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )
    page.goto(url)
    page.wait_for_load_state("networkidle")
    for summary in page.locator("summary").all():  # open every content warning (ontoggle)
        summary.click()
    for _ in range(15):  # move focus through the page (onfocus payloads)
        page.keyboard.press("Tab")
    page.mouse.move(200, 300)
    assert page.evaluate("typeof window.__xss") == "undefined", url
    assert dialogs == [], url
    assert csp_violations == [], (url, csp_violations)
    injected = page.evaluate(
        "(sel) => Array.from(document.querySelector('main').querySelectorAll(sel))"
        ".map(el => el.outerHTML.slice(0, 120))",
        DANGEROUS,
    )
    assert injected == [], (url, injected)


def test_xss_corpus_runs_nothing(page, live_server, settings):
    assert len(PAYLOADS) >= 50
    settings.FORUMS_PAGE_SIZE = 100
    board = BoardFactory(slug="xss", name="XSS board", allows_anonymous=False)
    host = UserFactory(display_name="Host")
    thread = services.create_thread(
        author=host, board=board, title="Corpus", body="needle opening"
    ).post.thread
    for i, payload in enumerate(PAYLOADS):
        writer = UserFactory(display_name=f"{payload[:34]} {i}")
        services.create_thread(
            author=writer, board=board, title=f"{payload} {i}", body=f"needle {payload}"
        )
        services.create_reply(
            author=writer,
            thread=thread,
            body=f"needle {payload}",
            content_warning=payload[:110] if i % 2 else "",
        )
    for path in (
        board.get_absolute_url(),
        f"/forums/search/?q={PAYLOADS[1]}",
        thread.get_absolute_url(),
        "/forums/search/?q=needle",
    ):
        check_page_runs_nothing(page, live_server.url + path)
    assert page.locator("main").inner_text().count("needle") >= 30  # the text is there, inert


def test_content_warning_folds_the_post_away_without_javascript(browser, live_server):
    board = BoardFactory(slug="cw")
    body = "The scan showed it has spread."
    thread = services.create_thread(
        author=UserFactory(), board=board, title="News", body=body, content_warning="recurrence"
    ).post.thread
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + thread.get_absolute_url())
    text = page.get_by_text(body)
    assert not text.is_visible()
    page.get_by_text("Content warning: recurrence").click()
    assert text.is_visible()
    context.close()


def test_permalink_highlights_the_post(page, live_server, settings):
    settings.FORUMS_PAGE_SIZE = 2
    settings.FORUMS_POSTS_PER_MINUTE = 1000  # one person writes the whole thread at once
    board = BoardFactory(slug="perma")
    writer = UserFactory()
    thread = services.create_thread(author=writer, board=board, title="T", body="b").post.thread
    replies = [
        services.create_reply(author=writer, thread=thread, body=f"reply {i}").post
        for i in range(5)
    ]
    target = replies[3]
    page.goto(live_server.url + target.get_absolute_url())
    assert page.evaluate("document.querySelector(':target').id") == f"post-{target.pk}"
    assert page.evaluate("document.activeElement.id") == f"post-{target.pk}"
    assert "reply 0" not in page.locator("main").inner_text()


def test_writing_a_reply_with_htmx_preview_and_reaction(page, live_server):
    board = BoardFactory(slug="write")
    writer, reader = UserFactory(display_name="Writer"), UserFactory(display_name="Reader")
    thread = services.create_thread(
        author=writer, board=board, title="Sleep", body="How do you sleep after chemo?"
    ).post.thread
    session = client_for(reader).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page.goto(live_server.url + thread.get_absolute_url())

    page.get_by_label("Your message").fill("A **warm** bath and an audiobook.")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview strong")
    preview.wait_for()
    assert preview.inner_text() == "warm"
    assert page.url.endswith(thread.get_absolute_url())  # htmx: no navigation, text still typed
    assert page.get_by_label("Your message").input_value() == "A **warm** bath and an audiobook."

    page.get_by_role("button", name="Post reply").click()
    page.wait_for_url("**/forums/t/**")
    reply = page.locator("article.post").filter(has_text="bath and an audiobook")
    assert reply.locator("strong").inner_text() == "warm"
    assert page.evaluate("document.querySelector(':target') !== null")

    opening = page.locator("article.post.opening")
    opening.get_by_role("button", name="Sending a hug").click()
    hug = opening.get_by_role("button", name="Sending a hug 1")
    hug.wait_for()
    assert hug.get_attribute("aria-pressed") == "true"


def test_search_pages_by_keyboard_without_javascript_and_meets_wcag(
    signed_in_page, live_server, settings
):
    from tests.e2e.test_accessibility import violations

    settings.FORUMS_PAGE_SIZE = 2
    writer, board = UserFactory(), BoardFactory(slug="birds")
    for i in range(5):
        services.create_thread(author=writer, board=board, title=f"Bird {i}", body=f"heron {i}")
    page = signed_in_page(None, live_server.url, java_script_enabled=False)
    page.goto("/forums/search/?q=heron")
    page.get_by_role("link", name="Older results").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**page=2**")
    main = page.locator("main")
    assert "Bird 2" in main.inner_text() and "Bird 4" not in main.inner_text()
    assert page.locator("[aria-current=page]").inner_text() == "Page 2"
    second = page.url.removeprefix(live_server.url)
    page.get_by_role("link", name="Newer results").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**page=1**")
    assert "Bird 4" in main.inner_text() and "Bird 2" not in main.inner_text()
    page.context.close()
    found = violations(signed_in_page, live_server.url, None, [second])
    assert not found, "\n".join(found)
