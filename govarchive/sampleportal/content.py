"""The sample portals' content: deterministic articles, categories and the gold each article must yield."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from govarchive.sampleportal import texts
from govarchive.sampleportal.legacyfonts import NotEncodable, to_tcvn3, to_vni

if TYPE_CHECKING:
    from govarchive.sampleportal.vanban import Document

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
DATE_STYLES = 5
ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
}


def slugify(text: str) -> str:
    """The vnPortal slug rule: strip marks (NFD), đ->d, non-word runs -> '-', lowercase, 96 chars."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    slug = re.sub(r"[^A-Za-z0-9_]+", "-", stripped).strip("-").lower()[:96]
    return slug or hashlib.md5(text.encode()).hexdigest()


@dataclass(frozen=True)
class Category:
    name: str
    slug: str
    pageid: int
    catid: int


@dataclass
class Image:
    path: str  # on the storage host
    caption: str
    alt: str
    after: int  # index of the paragraph it follows
    style: str = ""  # how a family's editor wrote it (ck5.py); "" = the classic templates' way


@dataclass
class Attachment:
    path: str
    link_text: str
    ext: str

    @property
    def filename(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def content_type(self) -> str:
        return ATTACHMENT_TYPES[self.ext]


@dataclass
class Article:
    id: int
    category: Category
    title: str
    lead: str
    paragraphs: list[str]
    author: str
    published: datetime
    date_style: int
    images: list[Image] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    nfd: bool = False
    legacy: str | None = None  # body typed in a legacy font: "tcvn3" or "vni"
    markup: dict[str, int] = field(default_factory=dict)
    # A real data table (no image) after paragraph `table_after`: rows of cell texts (ck5.py).
    table_rows: list[list[str]] = field(default_factory=list)
    table_after: int = -1

    def body_paragraphs(self) -> list[str]:
        """The body as the archive stores it, paragraph by paragraph: a data table's rows come in
        at its place, one paragraph per row, its cells joined by " | " (see gold.py)."""
        if not self.table_rows:
            return list(self.paragraphs)
        rows = [" | ".join(cells) for cells in self.table_rows]
        k = self.table_after + 1
        return [*self.paragraphs[:k], *rows, *self.paragraphs[k:]]

    def text_flags(self) -> list[str]:
        """What the archive should note about this article's text."""
        flags = []
        if self.legacy:
            flags.append(f"legacy_{self.legacy}")
        if self.nfd:
            flags.append("nfd_normalized")
        return flags

    @property
    def slug(self) -> str:
        return slugify(self.title)

    def published_iso(self) -> str:
        when = self.published
        if self.date_style == 2:  # date only on the page
            when = when.replace(hour=0, minute=0)
        return when.strftime("%Y-%m-%dT%H:%M:00+07:00")

    def date_text(self) -> str:
        d = self.published
        dmy = d.strftime("%d/%m/%Y")
        hm = d.strftime("%H:%M")
        return [
            f"{WEEKDAYS[d.weekday()]}, {dmy} {hm}",
            f"Ngày đăng: {dmy} {hm}",
            f"{d.day}/{d.month}/{d.year}",
            f"{hm} {dmy}",
            f"Cập nhật: {dmy} {hm}",
        ][self.date_style]


@dataclass(frozen=True)
class Profile:
    key: str
    skin: str  # "new" (/<category>/<slug>-<id>) or "old" (Default.aspx + friendly numeric paths)
    site_name: str
    unit: str
    sname: str
    sid: int
    storage_prefix: str
    categories: tuple[tuple[str, str], ...]
    articles: int
    first_id: int
    seed: int
    page_size: int = 6
    page_param: str = "PageIndex"
    classes: str = "a"  # which set of chrome class names the skin uses
    template: str = "classic"  # "classic", "html5"; held out: "tables", "portlet"
    # Article pages carry ETag and Last-Modified and answer conditional requests with 304.
    validators: bool = False
    # "vnportal": the classic skins above (render.py); otherwise a template family with its own
    # URL scheme, pager, discovery and markup: "ck5" (laichau), "webforms" (dienbien),
    # "semantic" (hagiang), "spa" (jsportal), "joomla" (caobang) — see schemes.py and the
    # fam_*.py modules.
    family: str = "vnportal"
    # Categories no menu or list page links: their articles are reachable only through a feed.
    feed_only_categories: tuple[tuple[str, str], ...] = ()
    sitemap_only: int = 0  # the oldest N articles: in no list and no link, only in a sitemap
    # A "Văn bản" section of official documents in a skin: "dl" (a <thead> list, <dl> detail
    # pages) or "grid" (a <b>-header list, two-column detail rows); "" none (vanban.py).
    # Held out: "items" (labelled blocks, no table; vanban3.py, render_documents3.py).
    documents: str = ""


DEFAULT_PROFILES = ("laocai", "bacha", "sapa")  # what `demo` and `sample-portal` serve
# never used by the tests: for trying unseen markup
HELD_OUT_PROFILES = ("ninhbinh", "quangninh", "hagiang", "caobang")
# Template families unlike the three above in URL form, pager, markup and discovery (issue 13).
FAMILY_PROFILES = ("laichau", "dienbien", "jsportal")
# Portals with a document (văn bản) section, in two skins (issue 17): in neither list above.
DOCUMENT_PROFILES = ("vanban", "vanban2")
# Held out (bench/documents_heldout.py): a third document skin no test and no tuning uses, for
# measuring how document detection does on portals nobody here has seen.
DOCUMENT_HELD_OUT = ("vanban3",)

PROFILES: dict[str, Profile] = {
    p.key: p
    for p in [
        Profile(
            key="laocai",
            skin="new",
            site_name="Cổng thông tin điện tử Thành phố Lào Cai",
            unit="ỦY BAN NHÂN DÂN THÀNH PHỐ LÀO CAI",
            sname="laocaicity",
            sid=1185,
            storage_prefix="lci-ubnd-responsive/sitefolders/laocaicity",
            categories=(
                ("Tin tức - Sự kiện", "tin-tuc-su-kien"),
                ("Chỉ đạo - Điều hành", "chi-dao--dieu-hanh"),
                ("Văn bản - Pháp luật", "van-ban--phap-luat"),
            ),
            articles=26,
            first_id=680840,
            seed=11,
            validators=True,
        ),
        Profile(
            key="bacha",
            skin="old",
            site_name="Cổng thông tin điện tử Huyện Bắc Hà",
            unit="ỦY BAN NHÂN DÂN HUYỆN BẮC HÀ",
            sname="huyenbacha",
            sid=1262,
            storage_prefix="lci-ubnd-responsive/sitefolders/huyenbacha",
            categories=(
                ("Tin hoạt động", "tin-hoat-dong"),
                ("Thông báo", "thong-bao"),
                ("Kinh tế - Xã hội", "kinh-te--xa-hoi"),
            ),
            articles=18,
            first_id=43110,
            seed=23,
            page_size=5,
        ),
        Profile(
            key="sapa",
            skin="new",
            site_name="Cổng thông tin điện tử Thị xã Sa Pa",
            unit="ỦY BAN NHÂN DÂN THỊ XÃ SA PA",
            sname="sapa",
            sid=1301,
            storage_prefix="lci-ubnd-responsive/sitefolders/sapa",
            categories=(
                ("Tin tức", "tin-tuc"),
                ("Du lịch Sa Pa", "du-lich-sa-pa"),
                ("Thông báo - Văn bản", "thong-bao--van-ban"),
            ),
            articles=20,
            first_id=735100,
            seed=53,
            page_size=5,
            page_param="trang",
            classes="c",
            template="html5",
            validators=True,
        ),
        # For benchmarks: `sample-portal --profile bench --articles N` builds a portal of any size.
        Profile(
            key="bench",
            skin="new",
            site_name="Cổng thông tin điện tử tỉnh (mẫu đo hiệu năng)",
            unit="ỦY BAN NHÂN DÂN TỈNH",
            sname="bench",
            sid=1,
            storage_prefix="bench/sitefolders/root",
            categories=tuple((f"Chuyên mục {i + 1}", f"chuyen-muc-{i + 1}") for i in range(10)),
            articles=2000,
            first_id=3_000_000,
            seed=97,
            page_size=20,
        ),
        # Held out: never used by the test suite, kept for trying the crawler on markup it has
        # not been tuned on (other chrome class names, other pagination parameter, other tenant).
        Profile(
            key="ninhbinh",
            skin="new",
            site_name="Cổng thông tin điện tử Sở Văn hóa và Thể thao Ninh Bình",
            unit="SỞ VĂN HÓA VÀ THỂ THAO TỈNH NINH BÌNH",
            sname="svhtt",
            sid=77,
            storage_prefix="nbh-ubnd/4/anhbai/nam2023",
            categories=(
                ("Hoạt động của Sở", "hoat-dong-cua-so"),
                ("Du lịch", "du-lich"),
                ("Thủ tục hành chính", "thu-tuc-hanh-chinh"),
                ("Thể thao", "the-thao"),
            ),
            articles=17,
            first_id=1282200,
            seed=37,
            page_size=4,
            page_param="page",
            classes="b",
            template="tables",
        ),
        Profile(
            key="quangninh",
            skin="new",
            site_name="Cổng thông tin điện tử Sở Nông nghiệp và PTNT Quảng Ninh",
            unit="SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN TỈNH QUẢNG NINH",
            sname="snnptnt",
            sid=91,
            storage_prefix="gov-qni/2/VanBan",
            categories=(
                ("Tin hoạt động", "tin-hoat-dong"),
                ("Nông thôn mới", "nong-thon-moi"),
                ("Văn bản chỉ đạo", "van-ban-chi-dao"),
            ),
            articles=18,
            first_id=990400,
            seed=71,
            page_size=6,
            classes="c",
            template="portlet",
        ),
        # Template families (issue 13): other URL forms, pagers, markup and discovery.
        Profile(
            key="laichau",
            skin="new",
            site_name="Cổng thông tin điện tử tỉnh Lai Châu",
            unit="ỦY BAN NHÂN DÂN TỈNH LAI CHÂU",
            sname="laichau",
            sid=1402,
            storage_prefix="lcu-ubnd/2/anhbai/nam2024",
            categories=(
                ("Tin tức - Sự kiện", "tin-tuc--su-kien"),
                ("Kinh tế", "kinh-te"),
                ("Văn hóa - Xã hội", "van-hoa--xa-hoi"),
            ),
            articles=22,
            first_id=1340200,
            seed=131,
            page_size=4,
            page_param="page",
            family="ck5",
            feed_only_categories=(("Chuyên đề chuyển đổi số", "chuyen-de-chuyen-doi-so"),),
        ),
        Profile(
            key="dienbien",
            skin="old",
            site_name="Cổng thông tin điện tử huyện Điện Biên",
            unit="ỦY BAN NHÂN DÂN HUYỆN ĐIỆN BIÊN",
            sname="dienbien",
            sid=1510,
            storage_prefix="dbn-ubnd/3/FileQuanTriTinTuc",
            categories=(
                ("Tin hoạt động", "tin-hoat-dong"),
                ("Thông báo", "thong-bao"),
                ("Cải cách hành chính", "cai-cach-hanh-chinh"),
            ),
            articles=24,
            first_id=51200,
            seed=149,
            page_size=3,
            family="webforms",
            sitemap_only=3,
        ),
        Profile(  # held out
            key="hagiang",
            skin="new",
            site_name="Trang thông tin điện tử Sở Du lịch Hà Giang",
            unit="SỞ DU LỊCH TỈNH HÀ GIANG",
            sname="sdl",
            sid=1633,
            storage_prefix="hgg-sdl/1/SiteFolders/Root",
            categories=(
                ("Tin tức", "tin-tuc"),
                ("Du lịch Hà Giang", "du-lich-ha-giang"),
                ("Chính sách", "chinh-sach"),
            ),
            articles=19,
            first_id=88410,
            seed=167,
            page_size=4,
            family="semantic",
            sitemap_only=3,
        ),
        Profile(  # held out: never read its template module when working on the crawler
            key="caobang",
            skin="new",
            site_name="Trang thông tin điện tử huyện Trùng Khánh",
            unit="ỦY BAN NHÂN DÂN HUYỆN TRÙNG KHÁNH",
            sname="trungkhanh",
            sid=1811,
            storage_prefix="cbg-ubnd/7/trungkhanh/images/stories",
            categories=(
                ("Thời sự", "thoi-su"),
                ("Kinh tế - Xã hội", "kinh-te-xa-hoi"),
                ("Quốc phòng - An ninh", "quoc-phong-an-ninh"),
            ),
            articles=18,
            first_id=4120,
            seed=193,
            page_size=5,
            page_param="limitstart",
            family="joomla",
            feed_only_categories=(
                ("Tuyên truyền phổ biến pháp luật", "tuyen-truyen-pho-bien-phap-luat"),
            ),
            sitemap_only=2,
        ),
        Profile(
            key="jsportal",
            skin="new",
            site_name="Cổng thông tin điện tử xã (bản thử nghiệm)",
            unit="ỦY BAN NHÂN DÂN XÃ",
            sname="xa",
            sid=1700,
            storage_prefix="spa-xa/1/anhbai",
            categories=(("Tin tức", "tin-tuc"), ("Thông báo", "thong-bao")),
            articles=15,
            first_id=2001000,
            seed=181,
            page_size=5,
            family="spa",
        ),
        # Documents (issue 17): a province's portal and a district's, each with a Văn bản section.
        Profile(
            key="vanban",
            skin="new",
            site_name="Cổng thông tin điện tử tỉnh Lào Cai",
            unit="ỦY BAN NHÂN DÂN TỈNH LÀO CAI",
            sname="laocai",
            sid=1001,
            storage_prefix="lci-ubnd-responsive/sitefolders/root",
            categories=(
                ("Tin tức - Sự kiện", "tin-tuc-su-kien"),
                ("Chỉ đạo - Điều hành", "chi-dao--dieu-hanh"),
                ("Kinh tế - Xã hội", "kinh-te--xa-hoi"),
            ),
            articles=8,
            first_id=512300,
            seed=211,
            page_size=5,
            documents="dl",
        ),
        Profile(
            key="vanban2",
            skin="old",
            site_name="Cổng thông tin điện tử huyện Văn Bàn",
            unit="ỦY BAN NHÂN DÂN HUYỆN VĂN BÀN",
            sname="huyenvanban",
            sid=1277,
            storage_prefix="lci-ubnd-responsive/sitefolders/huyenvanban",
            categories=(
                ("Tin hoạt động", "tin-hoat-dong"),
                ("Thông báo", "thong-bao"),
            ),
            articles=7,
            first_id=61200,
            seed=223,
            page_size=4,
            classes="b",
            documents="grid",
        ),
        # Held out (DOCUMENT_HELD_OUT): never read its modules when working on the detector.
        Profile(
            key="vanban3",
            skin="new",
            site_name="Cổng thông tin điện tử Sở Tài nguyên và Môi trường tỉnh Tuyên Quang",
            unit="SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH TUYÊN QUANG",
            sname="stnmt",
            sid=1463,
            storage_prefix="gov-tqg/5",
            categories=(
                ("Tin hoạt động", "tin-hoat-dong"),
                ("Đất đai", "dat-dai"),
                ("Môi trường", "moi-truong"),
            ),
            articles=9,
            first_id=1355400,
            seed=239,
            page_size=5,
            page_param="page",
            classes="c",
            template="html5",
            documents="items",
        ),
    ]
}


@dataclass
class Portal:
    profile: Profile
    categories: list[Category]
    articles: list[Article]
    removed: frozenset[int] = frozenset()  # ids still linked but answering 404 (revision 2)
    # How an article can be found when not through links: id -> "sitemap" or "feed".
    discovery: dict[int, str] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)  # its Văn bản section (vanban.py)

    def how_found(self, art: Article) -> str:
        """ "links", "sitemap" (only a sitemap names it) or "feed" (only a feed names it)."""
        return self.discovery.get(art.id, "links")

    @functools.cached_property
    def menu_categories(self) -> list[Category]:
        """The categories menus and list pages show (not the feed-only ones)."""
        hidden = {slug for _, slug in self.profile.feed_only_categories}
        return [c for c in self.categories if c.slug not in hidden]

    def listed(self, cat: Category) -> list[Article]:
        """A category's articles as its list pages show them: newest first, link-reachable only."""
        return [a for a in self.by_category(cat) if a.id not in self.discovery]

    def latest_listed(self, n: int) -> list[Article]:
        return [a for a in self._newest if a.id not in self.discovery][:n]

    def by_category(self, cat: Category) -> list[Article]:
        return self._by_category[cat]

    def latest(self, n: int) -> list[Article]:
        return self._newest[:n]

    @functools.cached_property
    def _newest(self) -> list[Article]:
        return sorted(self.articles, key=lambda a: (a.published, a.id), reverse=True)

    @functools.cached_property
    def _by_category(self) -> dict[Category, list[Article]]:
        out: dict[Category, list[Article]] = {c: [] for c in self.categories}
        for art in self._newest:
            out[art.category].append(art)
        return out

    @functools.cached_property
    def by_id(self) -> dict[int, Article]:
        return {a.id: a for a in self.articles}


def build_portal(key: str, articles: int | None = None, revision: int = 1) -> Portal:
    """The portal of a profile; `articles` overrides its size (benchmarks build large ones).
    Revision 2 is the same portal later on: its first article edited (a paragraph added), its
    second taken down (still linked, answering 404) — what re-crawls must notice."""
    profile = PROFILES[key]
    if articles is not None:
        profile = dataclasses.replace(profile, articles=articles)
    rng = random.Random(profile.seed)
    categories = [
        Category(name, slug, pageid=28610 + i * 7, catid=101 + i)
        for i, (name, slug) in enumerate(profile.categories)
    ]
    large = profile.articles > len(texts.TITLES)
    if large:  # more articles than titles: numbered titles, dates hours apart
        titles = [
            f"{texts.TITLES[n % len(texts.TITLES)]} (bài {n + 1})" for n in range(profile.articles)
        ]
    else:
        titles = rng.sample(texts.TITLES, profile.articles)
    start = datetime(2023, 1, 3, 7, 0)
    articles = []
    for n, title in enumerate(titles):
        art_id = profile.first_id + n * 3 + rng.randrange(3)
        if large:
            published = start + timedelta(hours=n * 3, minutes=rng.randrange(120))
        else:
            published = start + timedelta(
                days=n * 11 + rng.randrange(9), minutes=rng.randrange(600)
            )
        legacy = {6: "tcvn3", 9: "vni"}.get(n % 11)
        pool = _encodable(texts.SENTENCES, legacy)
        paragraphs = _paragraphs(rng, pool, long=(n % 7 == 3), short=(n % 9 == 5))
        n_images = 0 if n % 6 == 1 else (4 if n % 8 == 2 else rng.randrange(1, 3))
        images = []
        for k in range(n_images):
            caption = (
                "" if (k == 1 and n % 5 == 0) else rng.choice(_encodable(texts.CAPTIONS, legacy))
            )
            images.append(
                Image(
                    path=f"/{profile.storage_prefix}/{published:%Y/%m}/{art_id}-{k + 1}.jpg",
                    caption=caption,
                    alt="anh tin bai" if (n + k) % 4 else "",
                    after=min(len(paragraphs) - 1, k * 2),
                )
            )
        attachments = []
        if n % 3 == 2 or categories[n % len(categories)].slug.startswith(("van-ban", "thong-bao")):
            for k in range(1 + (n % 4 == 0)):
                ext = ["pdf", "pdf", "docx", "xlsx"][(n + k) % 4]
                text = rng.choice(texts.ATTACHMENT_TEXTS)
                attachments.append(
                    Attachment(
                        path=f"/{profile.storage_prefix}/VanBan/{published:%Y/%m/%d}/"
                        f"{slugify(text)}-{art_id}{k}.{ext}",
                        link_text=text,
                        ext=ext,
                    )
                )
        articles.append(
            Article(
                id=art_id,
                category=categories[n % len(categories)],
                title=title,
                lead=texts.LEADS[n % len(texts.LEADS)] if n % 10 != 7 else "",
                paragraphs=paragraphs,
                author="" if n % 7 == 4 else rng.choice(_encodable(texts.AUTHORS, legacy)),
                published=published,
                date_style=n % DATE_STYLES,
                images=images,
                attachments=attachments,
                nfd=(n % 5 == 3 and legacy is None),
                legacy=legacy,
                markup={
                    "title": rng.randrange(3),
                    "lead": rng.randrange(4),
                    "body": rng.randrange(4),
                    "para": rng.randrange(3),
                    "caption": rng.randrange(4),
                    "author": rng.randrange(4),
                    "attach": rng.randrange(3),
                    "spacers": rng.randrange(2),
                },
            )
        )
    portal = Portal(profile, categories, articles)
    if profile.family != "vnportal":
        from govarchive.sampleportal.shaping import shape

        portal = shape(portal)
    if profile.documents == "items":  # the held-out document skin
        from govarchive.sampleportal.vanban3 import add_documents as add_held_out

        add_held_out(portal)
    elif profile.documents:
        from govarchive.sampleportal.vanban import add_documents

        add_documents(portal)
    if revision >= 2 and len(articles) >= 2:
        edited = articles[0]
        edited.paragraphs = [*edited.paragraphs, REVISION_PARAGRAPH]
        portal.removed = frozenset({articles[1].id})
    return portal


REVISION_PARAGRAPH = "Bài viết được cập nhật: bổ sung thông tin về thời gian tiếp nhận hồ sơ."


def _paragraphs(rng: random.Random, pool: list[str], *, long: bool, short: bool) -> list[str]:
    count = 12 if long else (1 if short else rng.randrange(3, 7))
    out = []
    for _ in range(count):
        k = rng.randrange(1, 4)
        out.append(" ".join(rng.sample(pool, k)))
    return out


def _encodable(pool: list[str], legacy: str | None) -> list[str]:
    """The texts a legacy font can carry (TCVN3 lacks some capitals; neither has ² or ³)."""
    if legacy is None:
        return pool
    encode = to_tcvn3 if legacy == "tcvn3" else to_vni
    out = []
    for text in pool:
        try:
            encode(text)
        except NotEncodable:
            continue
        out.append(text)
    return out
