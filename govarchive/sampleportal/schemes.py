"""URL schemes of the template families (the classic vnPortal forms stay in site.py).

ck5 (laichau): /<cat>/<slug>-<id>.html, lists /<cat>.html?page=N.
webforms (dienbien): /Pages/ChiTietTin.aspx?ItemID=<id>, lists /Pages/DanhSachTin.aspx?CatID=<n>
(further pages by postback only).
semantic (hagiang): /<cat>/<id>.htm and /bai-viet/<id>.htm, lists /<cat> and /<cat>/page/N.
spa (jsportal): history routes /<cat>/<slug>-<id> that all answer the same shell.
joomla (caobang, held out): query-string addresses on /index.php, a second path form, an offset
pager (see fam_caobang.py)."""

from __future__ import annotations

from dataclasses import dataclass

from govarchive.sampleportal.content import Article, Category


@dataclass(frozen=True)
class Scheme:
    base: str

    def category_url(self, cat: Category, page: int = 0) -> str:
        raise NotImplementedError

    def article_url(self, art: Article) -> str:
        raise NotImplementedError

    def alt_urls(self, art: Article) -> list[str]:
        return []

    def login_url(self) -> str:
        return f"{self.base}/dang-nhap"


class Ck5Urls(Scheme):
    def category_url(self, cat: Category, page: int = 0) -> str:
        """`page` is 0-based like the classic skins'; the address shows it 1-based, page 1 bare."""
        return f"{self.base}/{cat.slug}.html" + (f"?page={page + 1}" if page else "")

    def article_url(self, art: Article) -> str:
        return f"{self.base}/{art.category.slug}/{art.slug}-{art.id}.html"

    def feed_link(self, art: Article) -> str:
        return f"{self.article_url(art)}?utm_source=rss&utm_medium=rss"

    def alt_urls(self, art: Article) -> list[str]:
        return [self.feed_link(art)]


class WebFormsUrls(Scheme):
    def category_url(self, cat: Category, page: int = 0) -> str:
        return f"{self.base}/Pages/DanhSachTin.aspx?CatID={cat.catid}"  # no page in the URL

    def article_url(self, art: Article) -> str:
        return f"{self.base}/Pages/ChiTietTin.aspx?ItemID={art.id}"

    def sidebar_url(self, art: Article) -> str:
        return f"{self.base}/Pages/ChiTietTin.aspx?CatID={art.category.catid}&ItemID={art.id}"

    def alt_urls(self, art: Article) -> list[str]:
        return [self.sidebar_url(art)]

    def login_url(self) -> str:
        return f"{self.base}/Pages/DangNhap.aspx"


class SemanticUrls(Scheme):
    def category_url(self, cat: Category, page: int = 0) -> str:
        return f"{self.base}/{cat.slug}" + (f"/page/{page + 1}" if page else "")

    def article_url(self, art: Article) -> str:
        return f"{self.base}/{art.category.slug}/{art.id}.htm"

    def short_url(self, art: Article) -> str:
        return f"{self.base}/bai-viet/{art.id}.htm"

    def alt_urls(self, art: Article) -> list[str]:
        return [self.short_url(art)]


class SpaUrls(Scheme):
    def category_url(self, cat: Category, page: int = 0) -> str:
        return f"{self.base}/{cat.slug}" + (f"?page={page + 1}" if page else "")

    def article_url(self, art: Article) -> str:
        return f"{self.base}/{art.category.slug}/{art.slug}-{art.id}"


class JoomlaUrls(Scheme):
    LIMIT = 5  # list items per page (the caobang profile's page_size)

    @staticmethod
    def itemid(cat: Category) -> int:
        return cat.catid + 20

    def category_url(self, cat: Category, page: int = 0) -> str:
        url = (
            f"{self.base}/index.php?option=com_content&view=category&layout=blog"
            f"&id={cat.catid}&Itemid={self.itemid(cat)}"
        )
        return url + (f"&limitstart={page * self.LIMIT}" if page else "")

    def article_url(self, art: Article) -> str:
        c = art.category
        return (
            f"{self.base}/index.php?option=com_content&view=article&id={art.id}"
            f"&catid={c.catid}&Itemid={self.itemid(c)}"
        )

    def sef_url(self, art: Article) -> str:
        return f"{self.base}/index.php/{art.category.slug}/{art.id}-{art.slug}"

    def print_url(self, art: Article) -> str:
        return f"{self.article_url(art)}&tmpl=component&print=1&layout=default"

    def alt_urls(self, art: Article) -> list[str]:
        return [self.sef_url(art), self.print_url(art)]

    def login_url(self) -> str:
        return f"{self.base}/index.php?option=com_users&view=login&Itemid=101"


SCHEMES: dict[str, type[Scheme]] = {
    "ck5": Ck5Urls,
    "webforms": WebFormsUrls,
    "semantic": SemanticUrls,
    "spa": SpaUrls,
    "joomla": JoomlaUrls,
}
