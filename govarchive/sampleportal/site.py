"""A sample portal bound to the addresses it is served on: every URL the pages link to."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from govarchive.sampleportal.content import Article, Category, Portal
from govarchive.sampleportal.schemes import SCHEMES, Scheme

if TYPE_CHECKING:
    from govarchive.sampleportal.vanban import Document


@dataclass
class Site:
    portal: Portal
    base: str  # e.g. http://127.0.0.1:8001
    storage: str  # e.g. http://127.0.0.2:8002

    @property
    def profile(self):
        return self.portal.profile

    @functools.cached_property
    def scheme(self) -> Scheme | None:
        """A template family's own URL forms; None for the classic vnPortal skins below."""
        family = SCHEMES.get(self.profile.family)
        return family(self.base) if family else None

    def alt_urls(self, art: Article) -> list[str]:
        """Every other address the article answers at (what the gold's alt_urls lists)."""
        if self.scheme:
            return self.scheme.alt_urls(art)
        return [self.article_alt_url(art), self.print_url(art)]

    def _aspx(self, **params: object) -> str:
        p = self.profile
        query = {"sname": p.sname, "sid": p.sid, **params}
        return f"{self.base}/Default.aspx?{urlencode(query)}"

    def home_url(self) -> str:
        return f"{self.base}/"

    def category_url(self, cat: Category, page: int = 0) -> str:
        if self.scheme:
            return self.scheme.category_url(cat, page)
        param = self.profile.page_param
        if self.profile.skin == "old":
            extra = {param: page} if page else {}
            return self._aspx(pageid=cat.pageid, **extra)
        suffix = f"?{param}={page}" if page else ""
        return f"{self.base}/{cat.slug}{suffix}"

    def article_url(self, art: Article) -> str:
        """The canonical address the gold expects."""
        if self.scheme:
            return self.scheme.article_url(art)
        if self.profile.skin == "old":
            c = art.category
            return (
                f"{self.base}/{self.profile.sid}/{c.pageid}/{c.catid}/{art.id}/{c.slug}/{art.slug}"
            )
        return f"{self.base}/{art.category.slug}/{art.slug}-{art.id}"

    def article_alt_url(self, art: Article) -> str:
        """A second address for the same article: Default.aspx on the old skin, tracking-tagged on the new."""
        if self.profile.skin == "old":
            c = art.category
            return self._aspx(
                pageid=c.pageid, catid=c.catid, id=art.id, catname=c.slug, title=art.slug
            )
        return f"{self.article_url(art)}?utm_source=zalo&utm_medium=share&fbclid=IwAR0{art.id}"

    def removed_url(self) -> str:
        """An article link that answers 404, as dead links on real portals do."""
        cat = self.portal.categories[0]
        gone = self.profile.first_id - 1
        if self.profile.skin == "old":
            sid = self.profile.sid
            return f"{self.base}/{sid}/{cat.pageid}/{cat.catid}/{gone}/{cat.slug}/bai-viet-da-go"
        return f"{self.base}/{cat.slug}/bai-viet-da-go-{gone}"

    def calendar_url(self, week: int = 48) -> str:
        """The weekly work calendar: an article-shaped address that is not an article."""
        gone = self.profile.first_id - 2
        if self.profile.skin == "old":
            sid = self.profile.sid
            return f"{self.base}/{sid}/28600/100/{gone}/lich-cong-tac/lich-cong-tac-tuan-{week}"
        return f"{self.base}/lich-cong-tac/lich-cong-tac-tuan-{week}-nam-2023-{gone}"

    def print_url(self, art: Article) -> str:
        sep = "&" if "?" in self.article_url(art) else "?"
        return f"{self.article_url(art)}{sep}print=1"

    def login_url(self) -> str:
        if self.scheme:
            return self.scheme.login_url()
        return (
            self._aspx(pageid=1, ctl="login")
            if self.profile.skin == "old"
            else f"{self.base}/dang-nhap"
        )

    # The Văn bản section (vanban.py): a list (paged like categories) and a page per document.
    DOC_LIST_PAGEID = 27990
    DOC_DETAIL_PAGEID = 27991

    def documents_url(self, page: int = 0) -> str:
        if self.profile.documents == "items":  # the held-out skin (render_documents3.py)
            from govarchive.sampleportal.render_documents3 import documents_url

            return documents_url(self.base, page)
        param = self.profile.page_param
        if self.profile.skin == "old":
            extra = {param: page + 1} if page else {}  # this module's pager counts from 1
            return self._aspx(pageid=self.DOC_LIST_PAGEID, **extra)
        return f"{self.base}/van-ban" + (f"?{param}={page}" if page else "")

    def document_url(self, doc: Document) -> str:
        """A document's own page; a document published in an article: that article's page."""
        if doc.article_id is not None:
            return self.article_url(self.portal.by_id[doc.article_id])
        if self.profile.documents == "items":
            from govarchive.sampleportal.render_documents3 import document_path

            return f"{self.base}{document_path(doc)}"
        if self.profile.skin == "old":
            return self._aspx(pageid=self.DOC_DETAIL_PAGEID, ItemID=doc.id)
        return f"{self.base}/van-ban/chi-tiet?id={doc.id}"

    def media_url(self, path: str) -> str:
        return f"{self.storage}{path}"
