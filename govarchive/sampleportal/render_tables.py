"""An older, table-laid generation of portal templates (ASP.NET WebForms era): spans for titles,
italic date lines in brackets, bold-italic leads, centred divs for photos, list-style attachments.
Used only by the held-out profile, so it measures the extractor on markup it was not built on."""

from __future__ import annotations

from html import escape

from govarchive.sampleportal.content import Article
from govarchive.sampleportal.site import Site


def article_module(site: Site, art: Article, t, tb, rel) -> str:
    m = art.markup
    prefix = "ctl00_ContentPlaceHolder1_ctl00_"
    date = escape(art.date_text())
    date_row = [
        f'<tr><td class="ngaydang"><i>({date})</i></td></tr>',
        f'<tr><td align="right"><span class="date">{date}</span></td></tr>',
        f'<tr><td><font color="#666666" size="1">{date}</font></td></tr>',
    ][m["title"]]
    lead_row = ""
    if art.lead:
        lead_row = [
            f'<tr><td><div class="trichdan"><i><b>{t(art, art.lead)}</b></i></div></td></tr>',
            f"<tr><td><b>{t(art, art.lead)}</b></td></tr>",
            f'<tr><td><p class="MsoNormal"><strong>{t(art, art.lead)}</strong></p></td></tr>',
            f'<tr><td><div id="{prefix}divSummary"><b>{t(art, art.lead)}</b></div></td></tr>',
        ][m["lead"]]
    body: list[str] = []
    for i, para in enumerate(art.paragraphs):
        text = tb(art, para)
        body.append(
            [
                f'<p align="justify">{text}</p>',
                f'<p class="MsoNormal" style="margin-bottom:6pt;text-align:justify"><span style="font-size:13pt;font-family:Times New Roman">{text}</span></p>',
                f'<div align="justify">{text}</div>',
            ][m["para"]]
        )
        for img in (im for im in art.images if im.after == i):
            src = escape(site.media_url(img.path))
            body.append(
                f'<div align="center"><img border="0" src="{src}" alt="{escape(img.alt)}"></div>'
            )
            if img.caption:
                body.append(f'<div align="center"><i>{tb(art, img.caption)}</i></div>')
    if art.author:
        body.append(
            [
                f'<p align="right"><b><i>{tb(art, art.author)}</i></b></p>',
                f'<div align="right"><strong>{tb(art, art.author)}</strong></div>',
                f'<p align="right">Tác giả: {tb(art, art.author)}</p>',
                f'<p style="text-align: right"><b>{tb(art, art.author)}</b></p>',
            ][m["author"]]
        )
    if art.attachments:
        items = "".join(
            f'<li><a href="{escape(site.media_url(a.path))}" target="_blank">{escape(a.link_text)}</a></li>'
            for a in art.attachments
        )
        body.append(f"<p><b>Tài liệu đính kèm:</b></p><ul>{items}</ul>")
    others = [a for a in site.portal.latest(10) if a.id != art.id][:5]
    others_html = "".join(
        f'<li><a href="{escape(rel(site, site.article_url(a)))}">{t(a, a.title)}</a> '
        f"<i>({a.published:%d/%m/%Y})</i></li>"
        for a in others
    )
    return (
        f'<table class="tblDetail" width="100%" cellpadding="3" cellspacing="0">'
        f'<tr><td class="tdTitle"><span id="{prefix}lblTitle" class="tieude">{t(art, art.title)}</span></td></tr>'
        f"{date_row}{lead_row}"
        f'<tr><td class="noidung" id="{prefix}tdContent">{"".join(body)}</td></tr>'
        '<tr><td><a href="javascript:window.print()"><img src="/images/print.gif" border="0"> In trang</a> '
        '<a href="javascript:history.back()">Quay lại</a></td></tr>'
        f'<tr><td class="tinkhac"><b>Các tin đã đưa:</b><ul>{others_html}</ul></td></tr>'
        "</table>"
    )
