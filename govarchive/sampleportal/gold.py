"""What a perfect crawl of a sample portal stores: one expectation per article, in NFC."""

from __future__ import annotations

import hashlib
from typing import Any

from govarchive.sampleportal.media import content_type_for, media_bytes
from govarchive.sampleportal.site import Site


def gold_articles(site: Site) -> list[dict[str, Any]]:
    out = []
    for art in sorted(site.portal.articles, key=lambda a: a.id):
        out.append(
            {
                "url": site.article_url(art),
                "alt_urls": [site.article_alt_url(art), site.print_url(art)],
                "key": str(art.id),
                "title": art.title,
                "summary": art.lead,
                "body": "\n\n".join(art.paragraphs),
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
            }
        )
    return out
