"""Legacy-font text (TCVN3/ABC, VNI) is found and converted; Unicode text is left alone."""

from __future__ import annotations

import pytest

from crawler.extract.legacy import convert_legacy, is_syllable
from govarchive.sampleportal import texts
from govarchive.sampleportal.legacyfonts import NotEncodable, to_tcvn3, to_vni


@pytest.mark.parametrize(
    ("seen", "meant", "encoding"),
    [
        # As pages show them: TCVN3 bytes read as Windows-1252 (0xAD, ư, is a soft hyphen).
        ("phßng èc éi", "phòng ốc ội", "tcvn3"),
        ("B¶o Th¾ng", "Bảo Thắng", "tcvn3"),
        ("M\u00adêng Kh\u00ad¬ng", "Mường Khương", "tcvn3"),
        ("Uû ban nh©n d©n", "Uỷ ban nhân dân", "tcvn3"),
        ("Xin chaøo caùc baïn", "Xin chào các bạn", "vni"),
        ("Vieät Nam", "Việt Nam", "vni"),
        ("tröôøng hoïc", "trường học", "vni"),
        ("Ñaûng boä", "Đảng bộ", "vni"),
        ("Tác giả: Phaïm Quang Huy", "Tác giả: Phạm Quang Huy", "vni"),
    ],
)
def test_known_legacy_strings(seen, meant, encoding):
    result = convert_legacy(seen)
    assert (result.text, result.encoding, result.doubtful) == (meant, encoding, False)


@pytest.mark.parametrize(
    "text",
    ["Hôm nay trời đẹp", "café ½ kg", "Cà Mau", "Tây Ninh", "© 2023 UBND tỉnh", "Sài Gòn", "30 °C"],
)
def test_unicode_text_is_left_alone(text):
    assert convert_legacy(text).text == text
    assert convert_legacy(text).encoding is None


@pytest.mark.parametrize("encode", [to_tcvn3, to_vni], ids=["tcvn3", "vni"])
def test_round_trip_over_the_sample_texts(encode):
    pool = texts.SENTENCES + texts.CAPTIONS + texts.LEADS + texts.TITLES
    converted = 0
    for text in pool:
        assert convert_legacy(text).text == text  # real Unicode never touched
        try:
            legacy = encode(text)
        except NotEncodable:
            continue
        if legacy == text:
            continue
        result = convert_legacy(legacy)
        assert result.text == text, legacy
        assert not result.doubtful
        converted += 1
    assert converted > 100


def test_garbage_is_flagged_not_converted():
    result = convert_legacy("¤¥¦§ ©ª«¬ ®¯°±")
    assert result.encoding is None and result.doubtful


@pytest.mark.parametrize(
    ("word", "ok"),
    [("trường", True), ("nghiêng", True), ("quốc", True), ("Phaùm", False), ("aưo", False),
     ("tháng", True), ("khuya", True), ("gìn", True), ("xyz", False)],
)  # fmt: skip
def test_syllables(word, ok):
    assert is_syllable(word) is ok
