"""Sorting an article body's blocks into paragraphs, images with captions, attachments, a byline.

The body container is found elsewhere (article.py); here each of its blocks is read for what it
is. Images are kept wherever the editor put them (own paragraph, CKEditor figure, photo table,
inside a text paragraph); captions go to their image (captions.py), never to the text; a data
table's row is one paragraph, its cells joined by " | ".
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from crawler.extract import markers
from crawler.extract.captions import (
    is_caption,
    is_credit,
    is_photo,
    join_caption,
    read_photo_table,
    text_blocks,
)
from crawler.extract.flags import TextFlags
from crawler.extract.markup import (
    attr_hint,
    dominant,
    is_block,
    is_bold,
    right_aligned,
    text_content,
    text_with_breaks,
)
from crawler.extract.text import clean_block, clean_line, squash
from crawler.urls import is_file_link

IsLeaf = Callable[[etree._Element], bool]
CELL_SEPARATOR = " | "  # between a data-table row's cells (the sample portals' gold says so)
_IMAGE_MARK = "\ue000"  # where an image sat in a paragraph's inline HTML (private use, never text)


def segments(container: etree._Element, is_leaf: IsLeaf) -> Iterator[etree._Element]:
    """Leaf blocks of the body in order, with loose inline runs wrapped as paragraphs. A table
    inside the body comes whole: whether it is photos or data is decided from all of it."""
    if is_leaf(container):
        yield container
        return
    run: list = []

    def flush() -> etree._Element | None:
        if not run:
            return None
        p = etree.Element("p")
        last = None
        for item in run:
            if isinstance(item, str):
                if last is None:
                    p.text = (p.text or "") + item
                else:
                    last.tail = (last.tail or "") + item
            else:
                clone = copy.deepcopy(item)
                clone.tail = None
                p.append(clone)
                last = clone
        run.clear()
        return p

    if container.text and container.text.strip():
        run.append(container.text)
    for child in container:
        if not isinstance(child.tag, str):
            if child.tail:
                run.append(child.tail)
            continue
        if is_block(child):
            p = flush()
            if p is not None:
                yield p
            if child.tag == "table":
                yield child
            else:
                yield from segments(child, is_leaf)
        else:
            run.append(child)
        if child.tail and child.tail.strip():
            run.append(child.tail)
    p = flush()
    if p is not None:
        yield p


@dataclass
class Para:
    text: str
    html: str
    el: etree._Element  # for the byline test, which only the closing paragraph needs

    @property
    def right(self) -> bool:
        return right_aligned(self.el)

    @property
    def bold(self) -> bool:
        return dominant(self.el, is_bold, self.text)


class BodyParts:
    """Sorts the body's blocks into paragraphs, images with captions, attachments and a byline."""

    def __init__(self, base_url: str, flags: TextFlags, is_leaf: IsLeaf) -> None:
        self.base = base_url
        self.flags = flags
        self.is_leaf = is_leaf
        self.items: list[Para | dict[str, str]] = []  # paragraphs and images, in page order
        self.images: list[dict[str, str]] = []
        self.attachments: list[dict[str, str]] = []
        self.author = ""
        self._pending_image: dict[str, str] | None = None  # an image the next block may caption
        self._seen_files: set[str] = set()
        self.decomposed = False  # some kept text arrived in NFD

    @property
    def paragraphs(self) -> list[Para]:
        return [i for i in self.items if isinstance(i, Para)]

    def remove(self, para: Para) -> None:
        self.items = [i for i in self.items if i is not para]

    def add(self, el: etree._Element) -> None:
        if el.tag == "table":
            self._add_table(el)
            return
        raw = self.flags.fix(text_with_breaks(el))
        convert = self.flags.converter()
        text = clean_block(raw)
        if self._take_attachments(el, text):
            return
        images = [img for img in el.iter("img") if is_photo(img)]
        if images and len(clean_line(text)) < 3:
            for img in images:
                self._add_image(img)
            return
        if images:
            self._add_with_images(el)
            return
        if not text:
            return
        if self._pending_image is not None and is_caption(el, text):
            self._pending_image["caption"] = join_caption(
                self._pending_image["caption"], clean_line(text)
            )
            self._pending_image = None
            return
        self._pending_image = None
        self._add_text(el, raw, text, convert)

    def _add_text(
        self, el: etree._Element, raw: str, text: str, convert, html: str | None = None
    ) -> None:
        """A block of text (already known not to be a caption of the image before it)."""
        line = clean_line(text)
        if markers.CHROME_LINE.match(line) or (line and markers.ATTACHMENT_LABEL.match(line)):
            return  # chrome, or a "Tài liệu đính kèm:" heading over the attachment links
        if is_credit(line) and self.images:
            # A photo credit away from its photo still credits the photos, not the text.
            self.images[-1]["caption"] = join_caption(self.images[-1]["caption"], line)
            return
        if not unicodedata.is_normalized("NFC", raw):
            self.decomposed = True
        author = markers.AUTHOR_LINE.match(line)
        if author and len(text) <= 80:
            self.author = clean_line(author.group(1))
            return
        chunks = [clean_line(c) for c in re.split(r"\n{2,}", text)] if "\n\n" in text else [line]
        chunks = [c for c in chunks if c]
        if html is None:
            marked_up = len(chunks) == 1 and next(el.iter(*_MARKUP_TAGS), None) is not None
            html = inline_html(el, self.base, convert) if marked_up else ""
        elif len(chunks) != 1:
            html = ""
        for chunk in chunks:
            self.items.append(Para(chunk, html or escape(chunk), el))

    def _add_image(self, img: etree._Element, caption: str = "") -> dict[str, str] | None:
        src = urljoin(self.base, img.get("src", "").strip())
        if not src.startswith(("http://", "https://")):
            return None
        entry = {"src": src, "alt": clean_line(img.get("alt", "")), "caption": caption}
        self.images.append(entry)
        self.items.append(entry)
        self._pending_image = None if caption else entry
        return entry

    def _add_with_images(self, el: etree._Element) -> None:
        """A text paragraph with images inside it (between <br>s): the text stays body, split
        where each image sits; each image is recorded. A credit line right after an image is its
        caption; an image that ends the paragraph may be captioned by the next block."""
        html_pieces = inline_html(el, self.base, None, mark_images=True).split(_IMAGE_MARK)
        text_at = 0
        last_image: dict[str, str] | None = None
        for piece in _split_at_images(el):
            if not isinstance(piece, str):
                last_image = self._add_image(piece)
                text_at += 1
                continue
            html = html_pieces[text_at] if text_at < len(html_pieces) else ""
            raw = self.flags.fix(piece)
            convert = self.flags.converter()
            text = clean_block(raw)
            if not text:
                continue
            if last_image is not None and not last_image["caption"]:
                first, _, rest = text.partition("\n")
                if is_credit(clean_line(first)):
                    last_image["caption"] = clean_line(first)
                    text, html = rest.strip("\n"), ""
            last_image = None
            self._pending_image = None
            if text:
                # The shared inline HTML holds only unconverted text, and tags an image cut apart.
                usable = convert is None and _balanced(html)
                self._add_text(el, raw, text, convert, html if usable else "")

    def _add_table(self, table: etree._Element) -> None:
        """A photo table's images take its text rows as captions; any other table is data (or
        layout): a row of single-block cells is one paragraph, cells joined by CELL_SEPARATOR;
        a row whose cells hold several blocks is read block by block, as body text."""
        photos = read_photo_table(table, self.is_leaf)
        if photos is not None:
            for img, raw in photos:
                self._add_image(img, clean_line(self.flags.fix(raw)))
            return
        self._pending_image = None
        for caption in table.findall("caption"):
            for seg in segments(caption, self.is_leaf):
                self.add(seg)
        for tr in _own_rows(table):
            cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
            if any(_block_count(c, self.is_leaf) > 1 for c in cells):
                for cell in cells:
                    for seg in segments(cell, self.is_leaf):
                        self.add(seg)
                continue
            filled = [
                c for c in cells if clean_line(text_content(c)) or c.find(".//img") is not None
            ]
            if filled:
                self.add(_row_paragraph(filled))

    def add_trailer(self, el: etree._Element) -> None:
        """A block after the body but inside the article: attachments or a byline, nothing else."""
        text = clean_block(self.flags.fix(text_with_breaks(el)))
        if self._take_attachments(el, text):
            return
        line = clean_line(text)
        if not line or self.author or len(line) > 60 or markers.CHROME_LINE.match(line):
            return
        match = markers.AUTHOR_LINE.match(line)
        if match:
            self.author = clean_line(match.group(1))
        elif markers.AUTHOR_HINT.search(attr_hint(el)) or (
            right_aligned(el) and dominant(el, is_bold, line)
        ):
            self.author = line

    def _take_attachments(self, el: etree._Element, text: str) -> bool:
        links = [
            a
            for a in el.iter("a")
            if a.get("href") and is_file_link(urljoin(self.base, a.get("href")))
        ]
        if not links:
            return False
        rest = clean_line(text)
        for a in links:
            rest = rest.replace(clean_line(text_content(a)), " ")
        for a in links:
            self._add_file(a)
        # A sentence that links a file stays in the body; a bare download line does not.
        return bool(markers.ATTACHMENT_LABEL.match(clean_line(rest)))

    def _add_file(self, a: etree._Element) -> None:
        url = urljoin(self.base, a.get("href", "").strip())
        if url in self._seen_files:
            return
        self._seen_files.add(url)
        name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        self.attachments.append(
            {"url": url, "filename": name, "link_text": clean_line(text_content(a))}
        )

    def byline(self) -> None:
        """The closing byline: a short last paragraph set right or in bold, no sentence ending."""
        paras = self.paragraphs
        if self.author or len(paras) < 2:
            return
        last = paras[-1]
        words = last.text.split()
        if (
            (last.right or last.bold)
            and len(last.text) <= 60
            and len(words) <= 10
            and not last.text.endswith((".", ":", "?", "!", ";", ","))
        ):
            self.author = last.text
            self.remove(last)

    def body_html(self) -> str:
        out = []
        for item in self.items:
            if isinstance(item, Para):
                out.append(f"<p>{item.html}</p>")
            else:
                img = f'<img src="{escape(item["src"])}" alt="{escape(item["alt"])}">'
                cap = (
                    f"<figcaption>{escape(item['caption'])}</figcaption>" if item["caption"] else ""
                )
                out.append(f"<figure>{img}{cap}</figure>")
        return "\n".join(out)


def _own_rows(table: etree._Element) -> list[etree._Element]:
    """The table's rows, not those of a table nested in one of its cells."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def _block_count(cell: etree._Element, is_leaf: IsLeaf) -> int:
    """Leaf blocks with text in a cell, nested tables counting as many."""
    return 2 if cell.find(".//table") is not None else text_blocks(cell, is_leaf)


def _row_paragraph(cells: list[etree._Element]) -> etree._Element:
    """A data-table row as one paragraph: the cells' content in order, CELL_SEPARATOR between."""
    p = etree.Element("p")
    last: etree._Element | None = None

    def put(text: str | None) -> None:
        if not text:
            return
        if last is None:
            p.text = (p.text or "") + text
        else:
            last.tail = (last.tail or "") + text

    for n, cell in enumerate(cells):
        if n:
            put(CELL_SEPARATOR)
        put(cell.text)
        for child in cell:
            clone = copy.deepcopy(child)  # with its tail, which is the cell's text too
            p.append(clone)
            last = clone
    return p


def _balanced(html: str) -> bool:
    return all(html.count(f"<{t}") == html.count(f"</{t}>") for t in ("strong", "em", "u", "a"))


def _split_at_images(el: etree._Element) -> list[str | etree._Element]:
    """The block's text (<br> as line breaks) cut at each photo: text runs and <img>s, in order."""
    out: list[str | etree._Element] = []
    buf: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.text:
            buf.append(node.text)
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "br":
                buf.append("\n")
            elif tag == "img" and is_photo(child):
                out.append("".join(buf))
                buf.clear()
                out.append(child)
            elif tag:
                walk(child)
            if child.tail:
                buf.append(child.tail)

    walk(el)
    out.append("".join(buf))
    return out


_MARKUP_TAGS = ("b", "strong", "em", "i", "u", "sub", "sup", "a", "br")
_INLINE_KEEP = {"strong": "strong", "b": "strong", "em": "em", "i": "em", "u": "u", "sub": "sub",
                "sup": "sup"}  # fmt: skip


_EDGE_BREAKS = re.compile(r"^(?:<br>\s*)+|(?:\s*<br>)+$")


def inline_html(el: etree._Element, base: str, convert=None, mark_images: bool = False) -> str:
    """The block's inline markup, reduced to emphasis, links and line breaks, text cleaned.
    With mark_images, each photo leaves _IMAGE_MARK where it sat, for splitting at it."""
    parts: list[str] = []

    def text(value: str | None) -> None:
        if value:
            parts.append(escape(squash(convert(value) if convert else value)))

    def walk(node: etree._Element) -> None:
        text(node.text)
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "br":
                parts.append("<br>")
            elif tag in _INLINE_KEEP:
                parts.append(f"<{_INLINE_KEEP[tag]}>")
                walk(child)
                parts.append(f"</{_INLINE_KEEP[tag]}>")
            elif tag == "a" and child.get("href"):
                href = escape(urljoin(base, child.get("href", "").strip()))
                parts.append(f'<a href="{href}">')
                walk(child)
                parts.append("</a>")
            elif tag == "img":
                if mark_images and is_photo(child):
                    parts.append(_IMAGE_MARK)
            elif tag:
                walk(child)
            text(child.tail)

    walk(el)
    html = "".join(parts).strip()
    if mark_images:
        return _IMAGE_MARK.join(
            _EDGE_BREAKS.sub("", piece.strip()).strip() for piece in html.split(_IMAGE_MARK)
        )
    return _EDGE_BREAKS.sub("", html).strip()
