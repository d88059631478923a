"""The line diff with word and character marks, on its own."""

from __future__ import annotations

from asst_deploy.render.textdiff import diff_text, plain, tokenize, visible


def show(before: str, after: str, **kw) -> list[str]:
    """Diff lines as ``sign text`` with plain marks."""
    out = []
    for line in diff_text(before, after, **kw):
        if line.sign == "...":
            out.append(f"... {line.skipped}")
        else:
            out.append(line.sign + " " + "".join(plain(span) for span in line.spans))
    return out


def test_equal_texts_have_no_diff():
    assert diff_text("a\nb\n", "a\nb\n") == []


def test_words_are_marked_and_neighbouring_changes_joined_across_spaces():
    assert show("the quick brown fox", "the slow red fox") == [
        "- the [-quick brown-] fox",
        "+ the {+slow red+} fox",
    ]


def test_cjk_is_marked_by_character_not_by_line():
    assert show("你是一个客服助手。请用中文回答。", "你是一个销售助手。请用英文回答。") == [
        "- 你是一个[-客服-]助手。请用[-中-]文回答。",
        "+ 你是一个{+销售+}助手。请用{+英+}文回答。",
    ]


def test_tokens_keep_accents_with_their_letters_and_split_spaceless_scripts():
    assert tokenize("cafe\u0301 ok") == ["cafe\u0301", " ", "ok"]
    assert tokenize("日本語abc") == ["日", "本", "語", "abc"]
    assert tokenize("한국어") == ["한", "국", "어"]


def test_unrelated_lines_are_not_marked_word_by_word():
    assert show("alpha beta gamma", "completely different words here") == [
        "- alpha beta gamma",
        "+ completely different words here",
    ]


def test_an_edited_line_in_a_block_pairs_with_its_new_version():
    before = "intro\nkeep this line\nreplace me entirely\n"
    after = "intro\nkeep this lines\nsomething new altogether\n"
    assert show(before, after) == [
        "  intro",
        "- keep this [-line-]",
        "- replace me entirely",
        "+ keep this {+lines+}",
        "+ something new altogether",
    ]


def test_long_unchanged_runs_are_elided_but_every_change_is_kept():
    before = "\n".join(f"line {i}" for i in range(300))
    after = before.replace("line 150", "line 150 changed").replace("line 290", "LINE 290")
    assert show(before, after) == [
        "... 147",
        "  line 147",
        "  line 148",
        "  line 149",
        "- line 150",
        "+ line 150{+ changed+}",
        "  line 151",
        "  line 152",
        "  line 153",
        "... 133",
        "  line 287",
        "  line 288",
        "  line 289",
        "- [-line-] 290",
        "+ {+LINE+} 290",
        "  line 291",
        "  line 292",
        "  line 293",
        "... 6",
    ]


def test_one_unchanged_line_is_shown_rather_than_elided():
    before = "\n".join("abcdefghi")
    after = before.replace("a", "A").replace("i", "I")
    assert "..." not in " ".join(show(before, after, context=3))


def test_a_final_newline_added_is_a_change():
    assert show("a", "a\n") == ["  a", "+ "]


def test_an_added_paragraph_slides_to_start_on_text_not_on_a_blank_line():
    before = "One.\n\nThree.\n"
    after = "One.\n\nTwo.\n\nThree.\n"
    assert show(before, after) == ["  One.", "  ", "+ Two.", "+ ", "  Three."]


def test_control_and_bidi_characters_are_made_visible():
    assert visible("a\x1b[2Jb\u202ec\u200bd\te") == "a\\x1b[2Jb\\u202ec\\u200bd\te"
    assert show("x\x1b[31m", "y") == ["- x\\x1b[31m", "+ y"]
