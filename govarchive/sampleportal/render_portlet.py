"""A portlet-style template family (journal-content portals): plain (not bold) leads in a summary
div, dates with a dash before the time, captions in a sized span, tag lines, download buttons.
Held out: written to try the extractor on markup it has never been run on."""

from __future__ import annotations

from html import escape

from govarchive.sampleportal.content import Article
from govarchive.sampleportal.site import Site


def article_module(site: Site, art: Article, t, tb, rel) -> str:
    m = art.markup
    d = art.published
    date = [
        f"{d:%d/%m/%Y} - {d:%H:%M}",
        art.date_text(),
        f"Ngày {d:%d/%m/%Y}",
    ][m["title"]]
    if art.date_style == 2:  # the gold for these articles is a date without a time
        date = f"Ngày {d:%d/%m/%Y}"
    elif m["title"] == 2:
        date = f"{d:%H:%M}, {d:%d/%m/%Y}"
    lead = ""
    if art.lead:
        lead = [
            f'<div class="summary"><p>{t(art, art.lead)}</p></div>',
            f'<div class="article-summary">{t(art, art.lead)}</div>',
            f'<p class="lead">{t(art, art.lead)}</p>',
            f'<div class="summary"><p><strong>{t(art, art.lead)}</strong></p></div>',
        ][m["lead"]]
    body: list[str] = []
    for i, para in enumerate(art.paragraphs):
        body.append(f'<p style="text-align: justify;">{tb(art, para)}</p>')
        for img in (im for im in art.images if im.after == i):
            src = escape(site.media_url(img.path))
            body.append(
                f'<p style="text-align:center"><img src="{src}" alt="{escape(img.alt)}" style="width:100%"></p>'
            )
            if img.caption:
                body.append(
                    f'<p style="text-align:center"><span style="font-size:12px"><em>{tb(art, img.caption)}</em></span></p>'
                )
    if art.author:
        a = tb(art, art.author)
        body.append(
            [
                f'<p style="text-align: right;"><strong>{a}</strong></p>',
                f'<p style="text-align: right;"><em><strong>{a}</strong></em></p>',
                f'<p style="text-align: right;">{a}</p>',
                f"<p><strong>Tác giả:</strong> {a}</p>",
            ][m["author"]]
        )
    downloads = "".join(
        f'<div class="attachment"><span class="file-name">{escape(x.filename)}</span> '
        f'<a class="download" href="{escape(site.media_url(x.path))}"><img src="/icons/download.png" alt=""> Tải về</a></div>'
        for x in art.attachments
    )
    tags = '<div class="tags">Từ khóa: <a href="/tag/nong-thon-moi">nông thôn mới</a>, <a href="/tag/giao-thong">giao thông</a></div>'
    others = [a for a in site.portal.latest(9) if a.id != art.id][:6]
    others_html = "".join(
        f'<li><a href="{escape(rel(site, site.article_url(a)))}">{t(a, a.title)}</a></li>'
        for a in others
    )
    return (
        '<div class="portlet-boundary portlet-journal-content"><div class="portlet-title">'
        f'<h3 class="header-title"><span>{t(art, art.title)}</span></h3></div>'
        f'<div class="article-info"><span class="date-publish">{escape(date)}</span> '
        '<span class="tool"><a href="#" onclick="window.print()">In</a> | <a href="mailto:">Email</a></span></div>'
        f'{lead}<div class="journal-content-article">{"".join(body)}</div>{downloads}{tags}'
        '<div class="share-bar">Chia sẻ bài viết: <a href="https://www.facebook.com/sharer.php">Facebook</a> '
        '<a href="https://twitter.com/share">Twitter</a></div></div>'
        f'<div class="other-news"><h4>Tin khác</h4><ul>{others_html}</ul></div>'
    )
