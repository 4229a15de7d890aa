"""Honesty checks on names and addresses: 異体字 flagged unless the engine read the variant itself,
look-alikes settled by context or flagged, and the variant table's parser."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.camera.reading import fold_width
from drivers.camera.review import FlagReason, review_address, review_name, split_address
from drivers.camera.variants import VARIANTS, VariantTableError, forms, parse_table

VARIANT = FlagReason.VARIANT_CHARACTER
LOOKALIKE = FlagReason.LOOKALIKE_CHARACTER


@pytest.mark.parametrize(
    ("common", "variants"),
    [("高", "髙"), ("崎", "﨑嵜"), ("吉", "𠮷"), ("徳", "德"), ("辺", "邉邊"), ("斎", "齋齊"),
     ("浜", "濱"), ("桜", "櫻"), ("沢", "澤")],
)  # fmt: skip
def test_the_table_holds_the_common_register_variants(common: str, variants: str) -> None:
    for variant in variants:
        assert variant in VARIANTS.of(common)
        assert common in VARIANTS.common_forms(variant)
        assert common in VARIANTS.siblings(variant)


def test_glyph_variants_of_tsuji_are_forms_with_a_selector() -> None:
    assert all(len(form) == 2 and form[0] == "辻" for form in VARIANTS.of("辻"))
    assert forms("辻\U000e0100本") == ["辻\U000e0100", "本"]


@pytest.mark.parametrize(
    ("read", "reasons"),
    [
        ("高橋\u3000一郎", (VARIANT,)),  # 高 may be 髙 in the register
        ("吉田\u3000花子", (VARIANT,)),  # 𠮷 is in no engine's character set
        ("山崎\u3000太郎", (VARIANT,)),
        ("德永\u3000太郎", ()),  # the engine read the one variant of 徳 itself
        ("渡邉\u3000太郎", (VARIANT,)),  # 邉 / 邊: engines confuse the two
        ("齊藤\u3000太郎", (VARIANT,)),  # 齊 is a variant of 斉 and of 斎 (齋)
        ("佐藤\u3000花子", ()),
        ("山田\u3000美ゆき", ()),  # kanji with hiragana, no look-alike: fine
    ],
)
def test_variant_characters_in_names(read: str, reasons: tuple[FlagReason, ...]) -> None:
    assert review_name(read).reasons == reasons


@pytest.mark.parametrize(
    ("read", "value", "flagged"),
    [
        ("佐藤\u3000健ニ", "佐藤\u3000健二", False),  # katakana ニ among kanji is the kanji 二
        ("佐藤\u3000夕子", "佐藤\u3000夕子", False),
        ("佐藤\u3000タ子", "佐藤\u3000夕子", False),
        ("佐藤\u3000力ヨ", "佐藤\u3000カヨ", False),  # kanji 力 among katakana is カ
        ("佐藤\u3000ユ一リ", "佐藤\u3000ユーリ", False),
        ("佐藤\u3000力", "佐藤\u3000力", True),  # one look-alike alone: no context
        ("佐藤\u3000二ゆき", "佐藤\u3000二ゆき", True),  # hiragana context, 二 has no hiragana twin
        ("佐藤\u30002郎", "佐藤\u30002郎", True),  # a digit in a name
    ],
)
def test_lookalikes_follow_the_script_of_their_name_part(read: str, value: str, flagged: bool) -> None:
    review = review_name(read)
    assert review.value == value
    assert (LOOKALIKE in review.reasons) is flagged


def test_a_name_part_is_judged_alone() -> None:
    review = review_name("カトウ\u3000健ニ")
    assert review.value == "カトウ\u3000健二" and review.reasons == ()


def test_a_character_outside_the_engine_set_is_flagged() -> None:
    assert FlagReason.OUTSIDE_CHARSET in review_name("佐藤\u3000健ニ", frozenset("佐藤健ニ")).reasons
    assert review_name("佐藤\u3000健二", frozenset("佐藤健二")).reasons == ()


@pytest.mark.parametrize(
    ("address", "official"),
    [
        ("鹿児島県指宿市十町1番地", "鹿児島県指宿市"),
        ("大阪府大阪市北区梅田1丁目2番3号", "大阪府大阪市北区"),
        ("宮崎県都城市姫城町2番地", "宮崎県都城市"),
        ("北海道虻田郡倶知安町1番", "北海道虻田郡倶知安町"),
        ("梅田1番", ""),
    ],
)
def test_address_splits_at_the_municipality(address: str, official: str) -> None:
    assert split_address(address)[0] == official


def test_addresses_flag_variant_town_names_not_official_names() -> None:
    assert review_address("宮崎県宮崎市橘通東1番地").reasons == ()  # 崎 of 宮崎 is the official form
    assert review_address("鹿児島県指宿市山崎1番地").reasons == (VARIANT,)  # 山﨑 in the register?
    assert review_address("鹿児島県指宿市濱田町1番地").reasons == (VARIANT,)  # 濱 or 濵
    assert review_address("鹿兒嶋県指宿市十町1番地").reasons == (VARIANT,)  # a variant in an official name
    fixed = review_address("鹿児島県指宿市十ニ町1番地")
    assert fixed.value == "鹿児島県指宿市十二町1番地" and fixed.reasons == ()


def test_width_folding_keeps_register_forms() -> None:
    assert fold_width("福永１２３") == "福永123"
    assert fold_width("\ufa1b永") == "\ufa1b永"  # 福 (U+FA1B), which NFKC would turn into 福


@given(st.text(alphabet="高髙崎﨑吉𠮷二ニ一ー力カ夕タ口ロへヘ佐藤健ゆきカヨ123 \u3000", max_size=12))
def test_review_never_raises_and_only_changes_lookalikes(text: str) -> None:
    for review in (review_name(text), review_address(text)):
        assert len(review.value) == len(text)
        assert set(review.reasons) <= set(FlagReason)
        for before, after in zip(text, review.value, strict=True):
            assert before == after or {before, after} <= set("二ニ一ー力カ夕タ口ロへヘ")


@given(st.lists(st.text(max_size=20), max_size=6))
def test_variant_table_parser_fails_only_with_its_own_error(lines: list[str]) -> None:
    try:
        table = parse_table(["common,variants,source", *lines])
    except VariantTableError:
        return
    assert all(len(group.common) == 1 for group in table.groups())


def test_variant_table_parser_rejects_bad_rows() -> None:
    with pytest.raises(VariantTableError, match="header"):
        parse_table(["a,b,c"])
    with pytest.raises(VariantTableError, match="row 2"):
        parse_table(["common,variants,source", "高橋,髙,unihan"])
    with pytest.raises(VariantTableError, match="row 2"):
        parse_table(["common,variants,source", "高,髙橋,unihan"])
