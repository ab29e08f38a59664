"""Kind labels are translated interface text shown once; interface text inside an article in
another language carries the interface language's lang attribute."""

import re

DANISH = {"Accept-Language": "da"}


def card_meta(html: str, slug: str) -> str:
    card = html.split(f'href="/articles/{slug}"', 1)[0].rsplit('<article class="card"', 1)[1]
    return card.split('<p class="card__meta">', 1)[1].split("</p>", 1)[0]


def visible(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def test_kind_label_is_translated_and_follows_the_section(client, make_article):
    article = make_article(kind="analysis", section="Economy", language="sv")
    english = card_meta(client.get("/").text, article.slug)
    danish = card_meta(client.get("/", headers=DANISH).text, article.slug)
    assert visible(english).startswith("Economy Analysis")
    assert visible(danish).startswith("Economy Analyse")
    assert '<span class="tag" lang="da">Analyse</span>' in danish


def test_section_naming_the_kind_is_not_followed_by_the_label(client, make_article):
    article = make_article(kind="analysis", section="Analyse", language="da")
    for headers in ({}, DANISH):
        meta = card_meta(client.get("/", headers=headers).text, article.slug)
        assert visible(meta).split().count("Analyse") == 1
        assert "Analysis" not in meta
        assert 'class="tag' not in meta


def test_news_has_no_kind_label(client, make_article):
    article = make_article(kind="news", section="Economy")
    assert 'class="tag' not in card_meta(client.get("/").text, article.slug)


def test_editorial_label_in_danish(client, make_article):
    article = make_article(kind="editorial", section="Economy")
    assert ">Leder</span>" in card_meta(client.get("/", headers=DANISH).text, article.slug)


def test_interface_text_inside_a_swedish_article_carries_the_interface_language(
    client, make_article
):
    article = make_article(language="sv", kind="commentary")
    html = client.get(f"/articles/{article.slug}", headers=DANISH).text
    body = html.split('<article class="layout__main article" lang="sv">', 1)[1]
    body = body.split("</article>", 1)[0]
    assert re.search(r'<p class="commentary-label" lang="da">', body)
    assert re.search(r'<section class="paywall" aria-labelledby="paywall-heading" lang="da">', body)
    assert '<footer class="article__footer" lang="da">' in body
    assert re.search(r'<time datetime="[^"]+" lang="da">', body)
    assert '<span class="lock" lang="da"' in body


def test_interface_lang_follows_the_reader_language(client, make_article):
    article = make_article(language="sv")
    html = client.get(f"/articles/{article.slug}").text
    assert '<footer class="article__footer" lang="en">' in html
