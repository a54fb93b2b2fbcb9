"""A later, HTML5 generation of portal templates: <article>, <figure>, class-based alignment,
a lead inside the body, a meta line with view counts and font-size tools. Kept apart from the
classic templates so the extractor is tested on markup it was not first written against."""

from __future__ import annotations

from html import escape

from govarchive.sampleportal.content import Article
from govarchive.sampleportal.site import Site


def article_module(site: Site, art: Article, t, tb, rel) -> str:
    m = art.markup
    title = t(art, art.title)
    date = escape(art.date_text())
    meta = (
        '<div class="article-meta">'
        f'<span class="cat"><a href="{escape(rel(site, site.category_url(art.category)))}">'
        f"{escape(art.category.name)}</a></span> | "
        f'<time datetime="{art.published:%Y-%m-%dT%H:%M}">{date}</time> | '
        f'<span class="views">Lượt xem: {art.id % 997 + 13}</span></div>'
    )
    tools = (
        '<div class="article-tools"><span>Cỡ chữ:</span> <a href="#">A-</a> <a href="#">A</a> '
        '<a href="#">A+</a> <span class="share">Chia sẻ:</span> '
        '<a href="https://zalo.me/share" title="Zalo">Zalo</a> '
        '<a href="https://www.facebook.com/sharer/sharer.php" title="Facebook">Facebook</a></div>'
    )
    lead = t(art, art.lead)
    body: list[str] = []
    if art.lead:
        body.append(
            [
                f'<p class="article-sapo"><strong>{lead}</strong></p>',
                f"<p><strong>{lead}</strong></p>",
                f'<div class="article-desc"><b>{lead}</b></div>',
                f'<p><span style="font-weight: bold;">{lead}</span></p>',
            ][m["lead"]]
        )
    merge_breaks = m["para"] == 2 and len(art.paragraphs) > 1 and not art.images
    for i, para in enumerate(art.paragraphs):
        if merge_breaks:  # an old habit: one <div>, paragraphs split by <br><br>
            if i == 0:
                body.append(
                    "<div>" + "<br><br>".join(tb(art, p) for p in art.paragraphs) + "</div>"
                )
        else:
            body.append(
                f"<p>{tb(art, para)}</p>"
                if m["para"] == 0
                else f'<p class="text-justify">{tb(art, para)}</p>'
            )
        for img in (im for im in art.images if im.after == i):
            src = escape(site.media_url(img.path))
            cap = f"<figcaption>{tb(art, img.caption)}</figcaption>" if img.caption else ""
            body.append(
                f'<figure class="image"><img src="{src}" alt="{escape(img.alt)}" loading="lazy">{cap}</figure>'
            )
    author_after = ""
    if art.author:
        a = tb(art, art.author)
        style = m["author"]
        if style == 0:
            body.append(f'<p class="text-right"><strong><em>{a}</em></strong></p>')
        elif style == 1:
            body.append(f'<p class="text-end"><b>{a}</b></p>')
        elif style == 2:
            author_after = f'<div class="article-author">Tác giả: {a}</div>'
        else:
            body.append(f'<p style="text-align:right;"><strong>{a}</strong></p>')
    if art.attachments:
        links = " ".join(
            f'<a href="{escape(site.media_url(x.path))}"><i class="fa fa-file"></i> {escape(x.filename)}</a>'
            for x in art.attachments
        )
        attach = f'<div class="file-attach"><span>Văn bản đính kèm:</span> {links}</div>'
        if m["attach"] == 0:
            body.append(attach)
        else:
            author_after += attach
    related = [a for a in site.portal.by_category(art.category) if a.id != art.id][:4]
    related_html = "".join(
        f'<li><a href="{escape(rel(site, site.article_url(a)))}">{t(a, a.title)}</a></li>'
        for a in related
    )
    return (
        f'<article class="detail-article"><header class="article-header">'
        f'<h1 itemprop="headline">{title}</h1>{meta}</header>{tools}'
        f'<div class="article-body" itemprop="articleBody">{"".join(body)}</div>'
        f"{author_after}"
        '<div class="article-rating">Bạn thấy bài viết này thế nào? <a href="#">Hữu ích</a></div>'
        "</article>"
        f'<section class="box-related"><h2 class="title">Bài viết liên quan</h2><ul>{related_html}</ul></section>'
        '<section class="comments"><h2>Bình luận</h2><p>Chưa có bình luận nào.</p>'
        "<form><textarea></textarea><button>Gửi bình luận</button></form></section>"
    )
