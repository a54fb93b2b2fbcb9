"""ASP.NET WebForms pieces of the dienbien skin: the page-wide form with its hidden state, the
GridView-style postback pager and how a postback picks the page, and FCKeditor-era bodies."""

from __future__ import annotations

import base64
from html import escape

from govarchive.sampleportal.content import Article
from govarchive.sampleportal.render import tb
from govarchive.sampleportal.site import Site

DO_POSTBACK = """<script type="text/javascript">
//<![CDATA[
var theForm = document.forms['aspnetForm'];
if (!theForm) { theForm = document.aspnetForm; }
function __doPostBack(eventTarget, eventArgument) {
    if (!theForm.onsubmit || (theForm.onsubmit() != false)) {
        theForm.__EVENTTARGET.value = eventTarget;
        theForm.__EVENTARGUMENT.value = eventArgument;
        theForm.submit();
    }
}
//]]>
</script>"""


def state(catid: int, page: int) -> str:
    """__VIEWSTATE: which list and page the form was rendered for (Page$Next needs it)."""
    raw = f"\xff\x01dDw;CatID={catid};PageIndex={page};".encode("latin-1")
    return "/wEPDwUK" + base64.b64encode(raw).decode()


def _read_state(value: str) -> tuple[int, int] | None:
    if not value.startswith("/wEPDwUK"):
        return None
    try:
        raw = base64.b64decode(value[8:], validate=True).decode("latin-1")
        fields = dict(f.split("=", 1) for f in raw.split(";")[1:] if "=" in f)
        return int(fields["CatID"]), int(fields["PageIndex"])
    except (ValueError, KeyError):
        return None


def _validation(catid: int) -> str:
    return "/wEdAA" + base64.b64encode(f"ev;{catid}".encode()).decode()


def form(action: str, view_state: str, inner: str) -> str:
    catid = (_read_state(view_state) or (0, 0))[0]
    hidden = (
        ("__EVENTTARGET", ""),
        ("__EVENTARGUMENT", ""),
        ("__VIEWSTATE", view_state),
        ("__VIEWSTATEGENERATOR", "CA0B0334"),
        ("__EVENTVALIDATION", _validation(catid)),
    )
    fields = "".join(
        f'<input type="hidden" name="{n}" id="{n}" value="{escape(v)}" />' for n, v in hidden
    )
    return (
        f'<form name="aspnetForm" method="post" action="{escape(action)}" id="aspnetForm">'
        f"<div>{fields}</div>{DO_POSTBACK}"
        '<div class="TimKiem"><input name="ctl00$txtTuKhoa" type="text" id="ctl00_txtTuKhoa" />'
        " <a href=\"javascript:__doPostBack('ctl00$btnTimKiem','')\">Tìm kiếm</a></div>"
        f"{inner}</form>"
    )


def pager(target: str, page: int, pages: int) -> str:
    """Numbers, then "Trang sau" (Page$Next) and "»" (Page$Last): links that only post back."""

    def go(arg: str, text: str) -> str:
        return f"<td><a href=\"javascript:__doPostBack('{target}','{arg}')\">{text}</a></td>"

    cells = [
        f"<td><span>{n + 1}</span></td>" if n == page else go(f"Page${n + 1}", str(n + 1))
        for n in range(pages)
    ]
    if page + 1 < pages:
        cells += [go("Page$Next", "Trang sau"), go("Page$Last", "»")]
    return f'<table border="0"><tr>{"".join(cells)}</tr></table>'


def postback_page(posted: dict[str, str], catid: int, pages: int) -> int | None:
    """The 0-based page a posted form asks for; None when its state is not this list's (the
    server then answers 500, as ASP.NET does on a viewstate or event-validation failure)."""
    current = _read_state(posted.get("__VIEWSTATE", ""))
    if current is None or current[0] != catid:
        return None
    if posted.get("__EVENTVALIDATION") != _validation(catid):
        return None
    page = current[1]
    if posted.get("__EVENTTARGET", "").endswith("$pager"):
        arg = posted.get("__EVENTARGUMENT", "")
        moves = {
            "Page$Next": page + 1,
            "Page$Prev": page - 1,
            "Page$First": 0,
            "Page$Last": pages - 1,
        }
        if arg in moves:
            page = moves[arg]
        elif arg.startswith("Page$") and arg[5:].isdigit():
            page = int(arg[5:]) - 1
    return min(max(page, 0), pages - 1)


def body(site: Site, art: Article, m: dict[str, int]) -> str:
    """FCKeditor-era markup: font tags or inline spans, centred <p> photos, coloured italic
    captions, spacer paragraphs between paragraphs, a right-aligned bold author."""
    out: list[str] = []
    for i, para in enumerate(art.paragraphs):
        text = tb(art, para)
        out.append(
            [
                f'<p style="text-align: justify;"><font face="Times New Roman" size="3">{text}</font></p>',
                f'<p style="text-align: justify"><span style="font-family: Arial; font-size: 10pt">{text}</span></p>',
                f"<p>{text}</p>",
            ][m["para"]]
        )
        if m["spacers"]:
            out.append("<p>&nbsp;</p>")
        for img in (im for im in art.images if im.after == i):
            src = escape(site.media_url(img.path))
            out.append(
                f'<p style="text-align: center"><img height="375" width="500" alt="{escape(img.alt)}" '
                f'src="{src}" /></p>'
            )
            if img.caption:
                cap = tb(art, img.caption)
                out.append(
                    f'<p style="text-align: center"><span style="font-size: 9pt"><em>{cap}</em></span></p>'
                    if m["caption"] % 2
                    else f'<p style="text-align: center"><em><span style="color: #0000ff">{cap}</span></em></p>'
                )
    if art.author:
        a = tb(art, art.author)
        out.append(
            f'<p style="text-align: right"><strong>{a}</strong></p>'
            if m["author"] % 2
            else f'<p align="right"><strong><em>{a}</em></strong></p>'
        )
    for a in art.attachments:
        out.append(
            f'<p>File đính kèm: <a href="{escape(site.media_url(a.path))}">{escape(a.filename)}</a></p>'
        )
    return "".join(out)
