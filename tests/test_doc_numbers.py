"""Document numbers (archive/doc_numbers.py, issue 17): parsed in the spellings portals and
researchers use, typed from their code, and matched loosely."""

from __future__ import annotations

import pytest

from archive.doc_numbers import DocNumber, find_all, parse


@pytest.mark.parametrize(
    ("text", "serial", "year", "code", "issuer", "kind"),
    [
        ("71/2024/QĐ-UBND", "71", 2024, "QĐ", "UBND", "Quyết định"),
        ("193/KH-UBND", "193", None, "KH", "UBND", "Kế hoạch"),
        ("807/QĐ-UBND", "807", None, "QĐ", "UBND", "Quyết định"),
        ("706/UBND-VP7", "706", None, None, "UBND-VP7", "Công văn"),
        ("Số: 12/2023/NQ-HĐND", "12", 2023, "NQ", "HĐND", "Nghị quyết"),
        ("71 / 2024 / QĐ – UBND", "71", 2024, "QĐ", "UBND", "Quyết định"),
        ("71/2024/qd-ubnd", "71", 2024, "QĐ", "ubnd", "Quyết định"),
        ("45/TTr-STC", "45", None, "TTr", "STC", "Tờ trình"),
        ("01/2024/TT-BTC", "01", 2024, "TT", "BTC", "Thông tư"),
        ("QĐ 71/2024", "71", 2024, "QĐ", None, "Quyết định"),
        ("Quyết định số 71/2024", "71", 2024, "QĐ", None, "Quyết định"),
        ("kế hoạch 193", "193", None, "KH", None, "Kế hoạch"),
    ],
)
def test_numbers_are_parsed_in_every_spelling(text, serial, year, code, issuer, kind):
    number = parse(text)
    assert number == DocNumber(serial, year, code, issuer)
    assert number.type == kind


def test_spellings_of_one_number_match_and_others_do_not():
    official = parse("71/2024/QĐ-UBND")
    for spelling in ("71/2024/qd-ubnd", "QĐ 71/2024", "Quyết định 71/2024", "71/QĐ-UBND",
                     "071/2024/QD-UBND"):  # fmt: skip
        assert parse(spelling).matches(official), spelling
        assert official.matches(parse(spelling)), spelling
    for other in ("72/2024/QĐ-UBND", "71/2023/QĐ-UBND", "71/2024/KH-UBND", "71/2024/QĐ-HĐND",
                  "Kế hoạch 71/2024"):  # fmt: skip
        assert not parse(other).matches(official), other
    assert parse("71/2024/qd-ubnd").key == official.key == "71/2024/QD-UBND"
    assert official.text == "71/2024/QĐ-UBND"


def test_numbers_are_found_in_running_text_and_dates_or_paths_are_not():
    text = (
        "Ngày 12/05/2024, UBND tỉnh ban hành Quyết định số 71/2024/QĐ-UBND thay thế "
        "Quyết định 807/QĐ-UBND; xem tệp /gov-hni/2/VanBan/2024/12/20/QDPQ-71-2024.pdf "
        "và Công văn 706/UBND-VP7 (nhắc lại: 71/2024/QĐ-UBND)."
    )
    assert [n.text for n in find_all(text)] == ["71/2024/QĐ-UBND", "807/QĐ-UBND", "706/UBND-VP7"]
    assert find_all("Hà Nội, 20/12/2024") == []
    assert parse("Thông báo lịch tiếp dân") is None
    assert parse("") is None
