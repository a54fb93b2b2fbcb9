"""The sample portal's Văn bản section (issue 17 part 4): profiles `vanban` (a `<thead>` list,
`<dl>` detail pages) and `vanban2` (a `<b>`-header list with an in-table pager, two-column
detail rows, protocol-relative file links) serve what gold_documents() promises, and the page
detector (crawler/extract/documents.py) finds every gold document with its metadata exact.
Served by `govarchive sample-portal` as a child process and read over plain HTTP."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from html import escape

import pytest

from crawler.extract import parse_html
from crawler.extract.documents import (
    FoundDocument,
    document_on_page,
    documents_in_lists,
    documents_on_page,
)
from govarchive.sampleportal.content import (
    DEFAULT_PROFILES,
    DOCUMENT_HELD_OUT,
    DOCUMENT_PROFILES,
    FAMILY_PROFILES,
    HELD_OUT_PROFILES,
    PROFILES,
    build_portal,
)
from govarchive.sampleportal.gold import gold_articles, gold_documents
from govarchive.sampleportal.media import content_type_for, media_bytes
from govarchive.sampleportal.process import SamplePortalProcess
from govarchive.sampleportal.site import Site


@pytest.fixture(scope="module")
def sites() -> dict[str, Site]:
    with SamplePortalProcess(DOCUMENT_PROFILES) as running:
        yield {s.profile.key: s for s in running.sites}


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def page(url: str) -> str:
    status, _, body = fetch(url)
    assert status == 200, url
    return body.decode("utf-8")


def hrefs(base: str, html: str) -> list[str]:
    return [
        urllib.parse.urljoin(base, h.replace("&amp;", "&"))
        for h in re.findall(r'href="([^"]*)"', html)
    ]


def listed_gold(site: Site) -> list[dict]:
    return [g for g in gold_documents(site) if g["found_on"] == "list"]


def as_found(doc: FoundDocument) -> dict:
    """A found document in the gold's terms (those fields a page gives)."""
    return {
        "number": doc.number.text if doc.number else None,
        "type": doc.kind,
        "issued_at": doc.issued_at,
        "effective_at": doc.effective_at,
        "issuer": doc.issuer,
        "signer": doc.signer,
        "abstract": doc.abstract,
        "field": doc.field,
        "files": doc.files,
    }


def test_the_profiles_are_apart_from_the_tested_and_held_out_ones():
    assert set(DOCUMENT_PROFILES) == {"vanban", "vanban2"}
    for key in DOCUMENT_PROFILES:
        assert key not in DEFAULT_PROFILES + HELD_OUT_PROFILES + FAMILY_PROFILES
        assert PROFILES[key].documents in ("dl", "grid")
    # the held-out document skin (bench/documents_heldout.py) is in no list the tests use
    assert set(DOCUMENT_HELD_OUT) == {"vanban3"}
    for key in DOCUMENT_HELD_OUT:
        assert key not in DEFAULT_PROFILES + HELD_OUT_PROFILES + FAMILY_PROFILES + DOCUMENT_PROFILES
        assert PROFILES[key].documents == "items"
    for key in PROFILES:  # every other portal is as it was: no documents, no articles changed
        if key not in DOCUMENT_PROFILES + DOCUMENT_HELD_OUT:
            assert PROFILES[key].documents == ""
            if key != "bench":
                assert build_portal(key).documents == []


def test_the_held_out_skin_serves_well_formed_gold():
    """vanban3's gold has the others' shape and its pages and files are what the gold says;
    checked by reading the pages, never with the detector (the skin stays held out)."""
    with SamplePortalProcess(DOCUMENT_HELD_OUT) as running:
        (site,) = running.sites
        gold = gold_documents(site)
        shape = {k for k in gold_documents(Site(build_portal("vanban"), "http://h", "http://s"))[0]}
        listed = [g for g in gold if g["found_on"] == "list"]
        assert len(listed) == 9 and [g["found_on"] for g in gold].count("article") == 1
        assert len({g["number"] for g in gold if g["found_on"] != "attachment"}) == len(gold) - 2
        seen: list[str] = []
        for url in sorted({g["list_url"] for g in listed}):
            html = page(url)
            assert "<table" not in html.split('class="list-document"')[1].split("</ul>")[0]
            seen += hrefs(site.base, html)
        for g in gold:
            if g["found_on"] == "attachment":
                continue
            assert set(g) == shape
            assert g["issuer"] and g["signer"] and g["abstract"] and g["files"] and g["type"]
            assert g["effective_at"] is None or g["effective_at"] >= g["issued_at"]
            assert len(g["texts"]) == len(g["files"]) and all(g["texts"])
            html = page(g["url"])
            assert escape(g["number"]) in html and escape(g["signer"]) in html
            for url in g["files"]:
                assert url.startswith(f"{site.storage}/{site.profile.storage_prefix}/VanBan/")
                assert url in hrefs(site.base, html)
                status, ctype, body = fetch(url)
                path = urllib.parse.urlsplit(url).path
                assert status == 200 and ctype == content_type_for(path)
                assert body == media_bytes(path)
            if g["found_on"] == "list":
                assert g["url"] in seen and "Văn bản liên quan" in html
                assert g["field"]
        numbers = {g["number"] for g in listed}
        assert {"312 /TB-STNMT", "27/HD–STNMT", "07/CT-UBND", "2156/STNMT-QLĐĐ"} <= numbers
        assert "ngày 05 tháng 3 năm 2024" in page(
            next(g for g in listed if g["number"] == "63/KH-UBND")["url"]
        )
        assert fetch(site.documents_url(3))[0] == 404


def test_gold_documents_are_realistic_and_complete(sites):
    for key, site in sites.items():
        gold = [g for g in gold_documents(site) if g["found_on"] != "attachment"]
        listed = listed_gold(site)
        assert len(listed) == 8
        assert len({g["number"] for g in gold}) == len(gold)
        for g in gold:
            assert re.fullmatch(r"\d+(/\d{4})?/[A-ZĐ]+(-[A-ZĐ0-9]+)+", g["number"]), g["number"]
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00\+07:00", g["issued_at"])
            assert g["effective_at"] is None or g["effective_at"] >= g["issued_at"]
            assert g["issuer"] and g["signer"] and g["abstract"] and g["files"]
            assert (g["field"] != "") == (key == "vanban2")  # only skin 2 shows a lĩnh vực
            for url in g["files"]:
                assert url.startswith(site.storage + "/" + site.profile.storage_prefix + "/")
        assert {g["type"] for g in listed} >= {"Quyết định", "Kế hoạch", "Công văn", "Nghị quyết"}
        assert [g["issued_at"] for g in listed] == sorted(
            (g["issued_at"] for g in listed), reverse=True
        )
    articles = [g for g in gold_documents(sites["vanban"]) if g["found_on"] == "article"]
    assert [g["number"] for g in articles] == ["12/2024/QĐ-UBND"]
    assert not [g for g in gold_documents(sites["vanban2"]) if g["found_on"] == "article"]


def test_the_section_is_reached_by_links_and_pages_through(sites):
    for site in sites.values():
        home = page(site.home_url())
        assert site.documents_url() in hrefs(site.base, home)
        first = page(site.documents_url())
        assert site.documents_url(1) in hrefs(site.base, first)
        second = page(site.documents_url(1))
        seen = hrefs(site.base, first) + hrefs(site.base, second)
        for g in listed_gold(site):
            assert g["url"] in seen
        assert fetch(site.documents_url(2))[0] == 404
    vanban, vanban2 = sites["vanban"], sites["vanban2"]
    assert fetch(f"{vanban.base}/van-ban/chi-tiet?id=1")[0] == 404
    assert fetch(f"{vanban.base}/van-ban?PageIndex=x")[0] == 404
    gone = vanban2._aspx(pageid=Site.DOC_DETAIL_PAGEID, ItemID=1)
    assert fetch(gone)[0] == 404


def test_the_skins_differ_in_markup(sites):
    one = page(sites["vanban"].documents_url())
    two = page(sites["vanban2"].documents_url())
    assert (
        "<thead><tr><th>STT</th><th>Số ký hiệu</th><th>Ngày ban hành</th><th>Trích yếu</th>" in one
    )
    assert "<thead>" not in two and "<th>" not in two
    assert (
        "<td><b>Trích yếu nội dung</b></td><td><b>Số/Ký hiệu</b></td><td><b>Ngày BH</b></td>" in two
    )
    assert 'href="//127.0.0.2:' in two and 'href="//127.0.0.2:' not in one
    one_classes = set(re.findall(r'class="([^"]+)"', one))
    two_classes = set(re.findall(r'class="([^"]+)"', two))
    assert {"table table-bordered table-vanban", "vb-list"} <= one_classes
    assert {"tblVanBan", "hdrVanBan", "PagerVanBan"} <= two_classes
    assert not (
        {c for c in one_classes if "vb" in c.lower() or "vanban" in c.lower()} & two_classes
    )
    detail_one = page(gold_documents(sites["vanban"])[0]["url"])
    detail_two = page(gold_documents(sites["vanban2"])[0]["url"])
    assert "<dt>Số ký hiệu:</dt><dd>71/2024/QĐ-UBND</dd>" in detail_one
    assert re.search(r"<tr><td[^>]*>Số hiệu</td><td[^>]*>112/TB-UBND</td></tr>", detail_two)
    for label in ("Loại văn bản", "Lĩnh vực", "Người ký"):
        assert f">{label}</td>" in detail_two


def test_every_listed_document_is_found_in_its_list_with_its_metadata(sites):
    for site in sites.values():
        gold = listed_gold(site)
        found: list[tuple[str, FoundDocument]] = []
        for url in sorted({g["list_url"] for g in gold}):
            on_page = documents_in_lists(parse_html(page(url)), url)
            assert len(on_page) == sum(g["list_url"] == url for g in gold), url  # no pager rows
            found += [(url, d) for d in on_page]
        assert [d.number_text for _, d in found] == [g["number"] for g in gold]
        for (url, doc), g in zip(found, gold, strict=True):
            assert url == g["list_url"]
            assert doc.number is not None and doc.number.text == g["number"]
            assert doc.kind == g["type"]
            assert doc.issued_at == g["issued_at"]
            assert doc.abstract == g["abstract"]
            assert doc.files == g["files"]
            assert doc.detail_url == g["url"]
            if site.profile.documents == "grid":  # skin 2 lists the issuer too
                assert doc.issuer == g["issuer"]


def test_every_detail_page_gives_the_whole_record(sites):
    for site in sites.values():
        for g in listed_gold(site):
            doc = document_on_page(parse_html(page(g["url"])), g["url"])
            assert doc is not None, g["url"]
            want = {k: g[k] for k in as_found(doc)}
            assert as_found(doc) == want, g["number"]
            assert doc.number_text == g["number"]


def test_the_files_are_on_the_storage_host(sites):
    for site in sites.values():
        for g in gold_documents(site):
            for url in g["files"]:
                status, ctype, body = fetch(url)
                path = urllib.parse.urlsplit(url).path
                assert status == 200 and ctype == content_type_for(path)
                assert body == media_bytes(path)


def test_an_article_publishes_a_document_with_its_file(sites):
    site = sites["vanban"]
    (g,) = [g for g in gold_documents(site) if g["found_on"] == "article"]
    html = page(g["url"])
    assert "ban hành Quyết định số 12/2024/QĐ-UBND" in html
    assert g["files"][0] in hrefs(site.base, html)
    (art,) = [a for a in gold_articles(site) if a["url"] == g["url"]]
    assert "Quyết định số 12/2024/QĐ-UBND" in art["body"]
    assert [a["url"] for a in art["attachments"]] == g["files"]
    assert art["published_at"] > g["issued_at"]


def test_the_detector_finds_the_document_an_article_publishes(sites):
    site = sites["vanban"]
    (g,) = [g for g in gold_documents(site) if g["found_on"] == "article"]
    doc = parse_html(page(g["url"]))
    assert document_on_page(doc, g["url"]) is None  # no labelled fields: it is in the prose
    how, found = documents_on_page(doc, g["url"])
    assert how == "article"
    # 48/2019/QĐ-UBND, which the article names as replaced, has no file here: cited only
    assert [as_found(d) for d in found] == [{k: g[k] for k in as_found(found[0])}]


def test_no_documents_on_pages_that_have_none(sites):
    for site in sites.values():
        urls = [site.home_url(), *(site.category_url(c) for c in site.portal.categories)]
        gold = gold_documents(site)
        published = {g["url"] for g in gold} | {u for g in gold for u in g.get("articles", [])}
        urls += [a["url"] for a in gold_articles(site) if a["url"] not in published]
        for url in urls:
            doc = parse_html(page(url))
            assert documents_in_lists(doc, url) == [], url
            assert document_on_page(doc, url) is None, url
            assert documents_on_page(doc, url) == ("", []), url


def test_an_article_attaching_a_numbered_file_publishes_that_document(sites):
    """An article whose file is linked as "Kế hoạch số 56/KH-UBND" publishes that document:
    its number, type and file, nothing more (the prose does not tell of it)."""
    checked = 0
    for site in sites.values():
        attached = [g for g in gold_documents(site) if g["found_on"] == "attachment"]
        by_article: dict[str, list[dict]] = {}
        for g in attached:
            for url in g["articles"]:
                by_article.setdefault(url, []).append(g)
        for url, golds in sorted(by_article.items()):
            how, found = documents_on_page(parse_html(page(url)), url)
            assert how == "article", url
            assert sorted(d.number.text for d in found) == sorted(g["number"] for g in golds)
            for d in found:
                (g,) = [g for g in golds if g["number"] == d.number.text]
                assert d.kind == g["type"] and set(d.files) <= set(g["files"]) and d.files
                assert (d.issued_at, d.abstract, d.issuer) == (None, "", "")
            checked += 1
    assert checked >= 1
