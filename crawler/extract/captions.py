"""How a caption is recognised, from structure and text, never from one class name.

Editors caption a photo in several ways (shared/vnpt-portals.md, "Article bodies as editors
really write them"): a `<figcaption>`; an italic line right after the image, padded with
`&nbsp;` and sometimes cut off mid-sentence; a short plain centred line right after it; a credit
line `Ảnh: REUTERS`; or a CKEditor photo table, an image row over a text row, one table a photo.
All of them are image captions, never body text. A table with no image row is data, not a photo.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from crawler.extract import markers
from crawler.extract.markup import (
    attr_hint,
    centred,
    dominant,
    is_block,
    is_bold,
    is_italic,
    right_aligned,
    text_content,
    text_with_breaks,
)
from crawler.extract.text import clean_line

MAX_CAPTION = 300  # an italic or class-hinted block longer than this is body text
MAX_CENTRED_CAPTION = 200  # a plain centred line: shorter still, as headings are centred too
MAX_CREDIT = 120
MAX_PHOTO_CELLS = 4  # cells in a photo table's row; more is a data table


def is_credit(line: str) -> bool:
    """`Ảnh: Minh Anh`, `(Ảnh: TTXVN)`, `Nguồn ảnh: ...`: who took the photo."""
    return len(line) <= MAX_CREDIT and markers.CREDIT_LINE.match(line) is not None


def is_caption(el: etree._Element, text: str) -> bool:
    """Does this block, right after an image, caption it? A figcaption or a credit line always
    does; a right-aligned line never (it is the byline); otherwise an italic, caption-hinted or
    short plain centred block does."""
    if el.tag == "figcaption":
        return True
    line = clean_line(text)
    if is_credit(line):
        return True
    if len(line) > MAX_CAPTION or right_aligned(el):
        return False
    if markers.CAPTION_HINT.search(attr_hint(el)) or dominant(el, is_italic, text):
        return True
    return len(line) <= MAX_CENTRED_CAPTION and centred(el) and not dominant(el, is_bold, text)


def join_caption(caption: str, more: str) -> str:
    """A caption with a credit (or a second caption row) added."""
    if not caption:
        return more
    return caption if more in caption else f"{caption} {more}"


def is_photo(img: etree._Element) -> bool:
    """An article photo, not a file-type icon or a smiley: it has a source, is not inside a
    link to a file, and is not declared tiny."""
    if not img.get("src", "").strip():
        return False
    for name in ("width", "height"):
        value = img.get(name, "").strip().removesuffix("px")
        if value.isdigit() and int(value) < 40:
            return False
    return True


Photo = tuple[etree._Element, str]  # an <img> and its caption's raw text


def read_photo_table(
    table: etree._Element, is_leaf: Callable[[etree._Element], bool]
) -> list[Photo] | None:
    """A photo table's images with their captions (raw text), or None when it is not one.

    A photo table has no table inside it, at most MAX_PHOTO_CELLS cells a row, and only image rows
    (cells holding images and no text) and text rows (no images, each cell one block of text);
    at least one image row, and no more than two text rows per image row. A text row captions
    the image row above it (cell by cell when the counts agree), or, above the first image row,
    the first image. Anything else (a data table, a layout table holding the body) is None.
    """
    if table.find(".//table") is not None:
        return None
    photos: list[list] = []  # [img, caption text], in order
    last_row: list[int] = []  # indices in photos of the latest image row
    before: list[str] = []  # text rows above the first image row
    image_rows = text_rows = 0
    for tr in table.iter("tr"):
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        if len(cells) > MAX_PHOTO_CELLS:
            return None
        images = [img for img in tr.iter("img") if is_photo(img)]
        texts = [clean_line(text_content(c)) for c in cells]
        if images:
            if any(texts):
                return None  # an image beside text: a data or layout table
            image_rows += 1
            last_row = list(range(len(photos), len(photos) + len(images)))
            photos += [[img, ""] for img in images]
            if before:
                photos[last_row[0]][1] = " ".join(before)
                before = []
            continue
        if not any(texts):
            continue  # a spacer row
        if any(text_blocks(c, is_leaf) > 1 for c in cells):
            return None  # a cell of several paragraphs is body text laid out in a table
        text_rows += 1
        raw = [text_with_breaks(c) for c, t in zip(cells, texts, strict=True) if t]
        if not last_row:
            before += raw
        elif len(raw) == len(last_row) > 1:
            for i, value in zip(last_row, raw, strict=True):
                photos[i][1] = join_caption(photos[i][1], value)
        else:
            i = next((i for i in last_row if not photos[i][1]), last_row[-1])
            photos[i][1] = join_caption(photos[i][1], " ".join(raw))
    if not image_rows or text_rows > 2 * image_rows or before:
        return None
    return [(img, caption) for img, caption in photos]


def text_blocks(cell: etree._Element, is_leaf: Callable[[etree._Element], bool]) -> int:
    """How many leaf blocks with text a table cell holds (itself, when it is a leaf)."""
    return sum(1 for d in cell.iter() if is_block(d) and is_leaf(d) and clean_line(text_content(d)))
