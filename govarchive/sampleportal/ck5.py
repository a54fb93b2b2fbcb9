"""Article bodies as CKEditor 5 writes them (evidenced in shared/vnpt-portals.md): leading spacer
paragraphs, <figure class="image"> with or without <figcaption>, one-photo tables, an <img> inside
a text paragraph, captions as nbsp-padded italics, centred lines or credit lines, data tables."""

from __future__ import annotations

from html import escape

from govarchive.sampleportal.content import Article, Image
from govarchive.sampleportal.render import tb
from govarchive.sampleportal.site import Site

SPACERS = ["<p>&nbsp;</p><p>&nbsp;</p>", "<p><br>&nbsp;</p>", "<p>&nbsp;</p><p><br>&nbsp;</p>"]
PAD = "&nbsp; " * 18  # the editor's left padding before an italic caption


def body(site: Site, art: Article) -> str:
    out = [SPACERS[art.id % len(SPACERS)]]
    for i, para in enumerate(art.paragraphs):
        here = [im for im in art.images if im.after == i]
        inline = [im for im in here if im.style == "inline"]
        if inline:  # text, a line break, the photo, a line break: one paragraph
            out.append(f"<p>{tb(art, para)}<br>{_img(site, art, inline[0])}<br>&nbsp;</p>")
        else:
            out.append(f'<p style="text-align:justify;">{tb(art, para)}</p>')
        if i == art.table_after:
            out.append(data_table(art))
        out += [image(site, art, im) for im in here if im.style != "inline"]
    if art.author:
        out.append(f'<p style="text-align:right;"><strong>{tb(art, art.author)}</strong></p>')
    for k, a in enumerate(art.attachments):
        href = escape(site.media_url(a.path))
        text = escape(a.link_text)
        out.append(
            f'<p>Tải về: <a href="{href}">{text}</a></p>'
            if k % 2 == 0
            else f'<p><a href="{href}" target="_blank">{text}.{a.ext}</a></p>'
        )
    return "".join(out)


def _img(site: Site, art: Article, img: Image) -> str:
    k = art.images.index(img)
    alt = img.alt
    if not alt and k % 2:  # an alt copied with the image: a search-engine snippet
        alt = f"{art.title} - {site.profile.site_name}"
    return f'<img src="{escape(site.media_url(img.path))}" alt="{escape(alt)}">'


def image(site: Site, art: Article, img: Image) -> str:
    """One image and its caption (gold caption = the caption text, padding and markup dropped)."""
    tag = _img(site, art, img)
    cap = tb(art, img.caption)
    if img.style == "phototable":
        row = ""
        if img.caption:
            inner = f'<p style="text-align:justify;">{cap}</p>' if ". " in img.caption else cap
            if art.images.index(img) % 2:
                inner = f"<i>{inner}</i>"
            row = f"<tr><td>{inner}</td></tr>"
        return (
            '<figure class="table"><table><tbody><tr><td><figure class="image">'
            f"{tag}</figure></td></tr>{row}</tbody></table></figure>"
        )
    if img.style == "italic":
        caption = f"<p><i>{PAD}{cap}</i></p>" if img.caption else ""
        return f'<p style="text-align:center;">{tag}</p>{caption}'
    if img.style == "center":
        caption = f'<p style="text-align:center;">{cap}</p>' if img.caption else ""
        return f'<figure class="image">{tag}</figure>{caption}'
    if img.style == "credit":
        caption = f"<p>{cap}</p>" if img.caption else ""
        return f'<figure class="image image_resized" style="width:75%;">{tag}</figure>{caption}'
    figcaption = f"<figcaption>{cap}</figcaption>" if img.caption else ""
    return f'<figure class="image image-style-align-center">{tag}{figcaption}</figure>'


def data_table(art: Article) -> str:
    """A real data table: its rows are body text (one paragraph per row, cells joined by " | ")."""
    head, *rows = art.table_rows
    th = "".join(f"<th>{tb(art, c)}</th>" for c in head)
    trs = "".join("<tr>" + "".join(f"<td>{tb(art, c)}</td>" for c in r) + "</tr>" for r in rows)
    return (
        f'<figure class="table"><table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>'
        "</figure>"
    )
