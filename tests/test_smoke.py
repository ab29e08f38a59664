from tests.helpers import SENTINEL


def test_front_page_lists_articles(client, make_article):
    make_article(headline="Water is the new oil")
    response = client.get("/")
    assert response.status_code == 200
    assert "Water is the new oil" in response.get_data(as_text=True)


def test_article_locked_for_anonymous(client, make_article):
    article = make_article()
    body = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert "The opening paragraph anyone may read." in body
    assert SENTINEL not in body
    assert "This article requires Digital+" in body


def test_article_open_for_subscriber(client, auth, make_user, make_article):
    user = make_user(digital_plus=True)
    article = make_article()
    auth.login(user.email)
    body = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert SENTINEL in body


def test_gift_roundtrip(client, app, auth, make_user, make_article):
    user = make_user(digital_plus=True, name="Karen Holm")
    article = make_article()
    auth.login(user.email)
    response = auth.post(f"/articles/{article.slug}/gift", json=True)
    assert response.status_code == 201, response.get_data(as_text=True)
    url = response.get_json()["url"]
    auth.logout()
    anonymous = app.test_client()
    path = url.replace("http://newsroom.test", "")
    page = anonymous.get(path)
    html = page.get_data(as_text=True)
    assert SENTINEL in html
    assert "Karen gave you this article" in html
