"""An article's stored body_html made safe to show on the archive's own pages, its images read
from the archive.

body_html is already clean (paragraphs, emphasis, links, line breaks, figures), but it is the
portal's text: it is re-emitted here through an allow-list (no attribute but a link's http(s)
href and an image's alt) so nothing in it can run on the archive's origin, and every image's
src is replaced by the archive's copy of it (a capture of that URL), never the live portal's.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

KEEP = {"p", "br", "em", "strong", "i", "b", "u", "sub", "sup", "a", "figure", "figcaption"}
VOID = {"br"}
DROP = {"script", "style", "noscript", "template", "iframe", "object", "svg", "math"}  # and text


class _Cleaner(HTMLParser):
    def __init__(self, image: Callable[[str], str | None]) -> None:
        super().__init__(convert_charrefs=True)
        self.image = image
        self.out: list[str] = []
        self.open: list[str] = []
        self.used: list[str] = []  # image URLs shown, in order
        self.dropping = 0  # inside elements whose content is not text to show

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in DROP:
            self.dropping += 1
            return
        if self.dropping:
            return
        if tag == "img":
            src = values.get("src", "")
            local = self.image(src)
            self.used.append(src)
            alt = escape(values.get("alt", ""))
            if local is None:
                self.out.append(
                    f'<span class="not-archived">[image not archived: {escape(src)}]</span>'
                )
            else:
                self.out.append(
                    f'<img src="{escape(local)}" alt="{alt}" data-original="{escape(src)}">'
                )
            return
        if tag not in KEEP:
            return
        if tag == "a":
            href = values.get("href", "")
            safe = urlsplit(href).scheme in ("http", "https")
            self.out.append(f'<a href="{escape(href)}" rel="noreferrer">' if safe else "<a>")
        else:
            self.out.append(f"<{tag}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP:
            self.dropping = max(0, self.dropping - 1)
        elif tag in self.open and not self.dropping:
            while self.open:  # close what was left open inside it too
                top = self.open.pop()
                self.out.append(f"</{top}>")
                if top == tag:
                    break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(escape(data, quote=False))


def safe_body(body_html: str, image: Callable[[str], str | None]) -> tuple[str, list[str]]:
    """(HTML safe to insert, image URLs it shows). `image(src)` gives the archive's URL for an
    image, or None when the archive does not hold it (a note is shown instead of the image)."""
    cleaner = _Cleaner(image)
    cleaner.feed(body_html)
    cleaner.close()
    cleaner.out.extend(f"</{tag}>" for tag in reversed(cleaner.open))
    return "".join(cleaner.out), cleaner.used


def paragraphs_html(body: str) -> str:
    """The plain body (paragraphs separated by a blank line) as HTML paragraphs."""
    return "".join(f"<p>{escape(p, quote=False)}</p>" for p in body.split("\n\n") if p.strip())
