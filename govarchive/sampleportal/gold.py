"""What a perfect crawl of a sample portal stores: one expectation per article, in NFC.

Rules every profile's gold follows (the extractor follows the gold):
- `url` is the article's canonical address (the template families: the first URL form, the one
  rel=canonical, list pages and sitemaps name); `alt_urls` its other addresses.
- `key` (the crawler's article identity): see article_key() below.
- `body` is the article's paragraphs joined by "\\n\\n": no lead, captions, byline, attachment
  links, spacer paragraphs or chrome. A data table (a table with no image in it) is body text:
  each row becomes one paragraph, its cells' texts (whitespace collapsed) joined by " | ", header
  row included, in the table's place among the paragraphs.
- `images` are the article's photos in page order, `src` on the storage host, `caption` the text
  of the caption with its markup and padding (&nbsp; runs) stripped: a <figcaption>; the caption
  row of a one-photo table (<figure class="table"> whose first row holds the image), however long;
  an italic paragraph right after the image; a centred paragraph right after the image; or a
  credit line ("Ảnh: REUTERS") right after it, kept as written. An image inside a text paragraph
  (between <br>s) has no caption ("") and its paragraph's text is body. The alt text is never
  the caption.
- `discovery`: how the article can be found — "links" (menus, lists, pagers, related lists),
  "sitemap" (named only in a sitemap) or "feed" (named only in an RSS/Atom feed and the pages
  of its own unlisted category).
- A portal rendered in the browser (jsportal) has no gold: nothing is extractable from its HTML.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from govarchive.sampleportal.media import content_type_for, media_bytes
from govarchive.sampleportal.site import Site

ID_PARAMS = ("id", "newsid", "itemid", "articleid", "nid")
_SLUG_ID = re.compile(r"^.+-(\d+)(?:\.html|\.htm|\.aspx)?$", re.I)


def article_key(url: str) -> str:
    """The article id as a string when the URL carries one in a known form — /<cat>/<slug>-<id>
    (optionally .html/.htm/.aspx), Default.aspx?...id=, /<sid>/<pageid>/<catid>/<id>/..., or any
    path with a digit-valued id/newsid/itemid/articleid/nid query parameter (any case) —
    otherwise the URL itself."""
    parts = urlsplit(url)
    params = {k.lower(): v for k, v in parse_qsl(parts.query)}
    for name in ID_PARAMS:
        if params.get(name, "").isdigit():
            return params[name]
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) >= 5 and all(s.isdigit() for s in segments[:4]):
        return segments[3]
    if len(segments) == 2 and not segments[0].isdigit():
        match = _SLUG_ID.match(segments[1])
        if match:
            return match.group(1)
    return url


def gold_articles(site: Site) -> list[dict[str, Any]]:
    if site.profile.family == "spa":
        return []
    out = []
    for art in sorted(site.portal.articles, key=lambda a: a.id):
        url = site.article_url(art)
        out.append(
            {
                "url": url,
                "alt_urls": site.alt_urls(art),
                "key": article_key(url),
                "title": art.title,
                "summary": art.lead,
                "body": "\n\n".join(art.body_paragraphs()),
                "author": art.author,
                "published_at": art.published_iso(),
                "category": art.category.name,
                "nfd": art.nfd,
                "text_flags": art.text_flags(),
                "images": [
                    {"src": site.media_url(img.path), "caption": img.caption} for img in art.images
                ],
                "attachments": [
                    {
                        "url": site.media_url(a.path),
                        "filename": a.filename,
                        "content_type": content_type_for(a.path),
                        "size": len(media_bytes(a.path)),
                        "sha256": hashlib.sha256(media_bytes(a.path)).hexdigest(),
                    }
                    for a in art.attachments
                ],
                "discovery": site.portal.how_found(art),
            }
        )
    return out


def gold_documents(site: Site) -> list[dict[str, Any]]:
    """What a perfect crawl records of a portal's official documents (issue 17), one per
    document, as its pages show it: `number` as written; `type` as the page names it (or the
    number's code stands for, the same here); dates as crawler.extract.dates.parse_vn_datetime
    gives them (`effective_at` None where no date is shown); `field` "" where the skin shows
    none; `url` the document's own page (for one published in an article: that article);
    `list_url` the list page that shows it (None for an article's); `found_on` "list",
    "article" (an article's prose tells of it), or "attachment" (an article only attaches its
    file, named by its number; see _attached_documents); `texts` the gold text of each file
    (a line each; a sheet's cells apart by tabs), `scanned` whether its PDF is a scan; `files`
    the attached files' URLs on the storage host, in page order."""
    from govarchive.sampleportal.render_documents import listed
    from govarchive.sampleportal.vanban import DOC_PAGE_SIZE, FILE_MAKERS, SCANNED

    page_size, scanned = DOC_PAGE_SIZE, SCANNED
    if site.profile.documents == "items":  # the held-out skin: its own pages and scans
        from govarchive.sampleportal import vanban3

        page_size, scanned = vanban3.PAGE_SIZE, vanban3.SCANNED
    in_list = {d.id: k // page_size for k, d in enumerate(listed(site))}
    out = []
    for doc in site.portal.documents:
        page = in_list.get(doc.id)
        out.append(
            {
                "number": doc.number,
                "type": doc.type,
                "issued_at": doc.issued_iso(),
                "effective_at": doc.effective_iso(),
                "issuer": doc.issuer,
                "signer": doc.signer,
                "abstract": doc.abstract,
                "field": doc.field,
                "url": site.document_url(doc),
                "list_url": None if page is None else site.documents_url(page),
                "found_on": "list" if page is not None else "article",
                "files": [site.media_url(f.path) for f in doc.files],
                "texts": [FILE_MAKERS[f.path][1] for f in doc.files],
                "scanned": doc.number in scanned,
            }
        )
    return out + _attached_documents(site, {d.article_id for d in site.portal.documents})


_ATTACHED = re.compile(r"^(?P<type>[^\d]+?) số (?P<number>\d+/\S+)$")


def _attached_documents(site: Site, published: set[int | None]) -> list[dict[str, Any]]:
    """The documents news articles publish as a file whose link text names its number
    ("Quyết định số 1234/QĐ-UBND"): nothing else of them is shown. A number with no year is
    one document a year (serials restart each January): the year of the article publishing it.
    `url` is the first article (by id) publishing it, `articles` all of them, `files` every
    file of it, by article id."""
    if site.profile.family == "spa":
        return []  # nothing is extractable from its HTML
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for art in sorted(site.portal.articles, key=lambda a: a.id):
        if art.id in published:
            continue
        for att in art.attachments:
            named = _ATTACHED.match(att.link_text)
            if not named:
                continue
            number = named.group("number")
            year = 0 if re.match(r"\d+/\d{4}/", number) else art.published.year
            entry = out.setdefault(
                (number, year),
                {
                    "number": number,
                    "type": named.group("type"),
                    "issued_at": None,
                    "effective_at": None,
                    "issuer": "",
                    "signer": "",
                    "abstract": "",
                    "field": "",
                    "url": site.article_url(art),
                    "list_url": None,
                    "found_on": "attachment",
                    "files": [],
                    "year": year or None,
                    "articles": [],
                },
            )
            entry["files"].append(site.media_url(att.path))
            if site.article_url(art) not in entry["articles"]:
                entry["articles"].append(site.article_url(art))
    return list(out.values())
