"""Readable diffs of long text: a unified line diff with the changed words marked inside a line.

Shared by the text and markdown renderers, so a reviewer sees the same marks in a terminal and in a
pull request. Pure functions over strings (difflib only). Words are the unit inside a line, except in
scripts written without spaces (Chinese, Japanese, Korean, Thai...), where a word would be the whole
sentence: there each character is a unit, so a changed character is marked, not the line.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

# Span styles. Renderers add their own (bold, dim, colours) on top of these three.
PLAIN = "plain"
DELETE = "del"  # removed inside a changed line
INSERT = "ins"  # added inside a changed line

CONTEXT_LINES = 3
MIN_SIMILARITY = 0.5  # below this, two lines are unrelated: marking every word would only be noise
MAX_PAIRING_WORK = 2500  # old x new lines in one changed block before we stop searching for pairs

# Scripts written without spaces between words: compared character by character.
_NOSPACE = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u31a0-\u31ff\u3200-\u4dbf"
    "\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\U00020000-\U0003134f"
)
_TOKEN_PATTERN = rf"[{_NOSPACE}]|(?:(?![{_NOSPACE}])\w)+|\s+|."


@functools.lru_cache(maxsize=1)
def _token() -> re.Pattern[str]:
    """Compiled on the first diff of a line (its ranges are large, so compiling is slow), not at
    import: most plans, and every no-op plan, mark no words."""
    return re.compile(_TOKEN_PATTERN, re.DOTALL)


# Characters that would change what a terminal shows (escapes, carriage returns, bidi overrides) or
# that are invisible (zero-width space, BOM): shown as escapes so a change can never hide in them.
UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200b\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


@dataclass(frozen=True)
class Span:
    """A run of text in one style."""

    text: str
    style: str = PLAIN


@dataclass(frozen=True)
class DiffLine:
    """One line of a unified diff: ``" "`` context, ``"-"`` removed, ``"+"`` added, ``"..."`` elided."""

    sign: str
    spans: tuple[Span, ...] = ()
    skipped: int = 0  # for an elision: how many unchanged lines it stands for

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


def visible(text: str) -> str:
    """``text`` with control, bidi-override and zero-width characters written as escapes.

    Plans are read in terminals and pull requests: an ANSI escape or a right-to-left override in an
    instruction must not repaint the screen or reorder what the reviewer reads.
    """
    return UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def plain(span: Span) -> str:
    """A span without colour: changed words as ``[-old-]`` / ``{+new+}`` (as ``git diff --word-diff``)."""
    text = visible(span.text)
    if span.style == DELETE:
        return f"[-{text}-]"
    if span.style == INSERT:
        return f"{{+{text}+}}"
    return text


def tokenize(line: str) -> list[str]:
    """Words, runs of spaces, single punctuation marks, and single characters of spaceless scripts.

    A combining mark stays with the character before it, so a mark never splits a letter from its
    accent (or a Thai consonant from its vowel).
    """
    tokens: list[str] = []
    for token in _token().findall(line):
        if tokens and unicodedata.category(token[0]).startswith("M"):
            tokens[-1] += token
        else:
            tokens.append(token)
    return tokens


def split_lines(text: str) -> list[str]:
    """Lines of ``text``; an empty text has none. A final newline is a last, empty line, so that
    adding or removing it still shows as a change."""
    return text.split("\n") if text else []


def diff_text(before: str, after: str, *, context: int = CONTEXT_LINES) -> list[DiffLine]:
    """A unified diff of two texts, changed words marked, long unchanged runs elided.

    Returns no lines when the texts are equal. Every changed line is present: only unchanged lines
    are ever elided, so no change can be hidden by shortening.
    """
    if before.endswith("\n") and after.endswith("\n"):  # a shared final newline is no line of text
        before, after = before[:-1], after[:-1]
    old, new = split_lines(before), split_lines(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines.extend(DiffLine(" ", (Span(text),)) for text in old[i1:i2])
        else:
            lines.extend(_changed_block(old[i1:i2], new[j1:j2]))
    return _elide(_slide(lines), context)


def _slide(lines: list[DiffLine]) -> list[DiffLine]:
    """Move each pure insertion or deletion to where it reads best, as git's indent heuristic does.

    A block of added lines can often slide up or down over equal lines with the same text; difflib
    picks one place, often mid-structure (``+ "type": .. + }, + {``). Choose the position whose
    first line is least indented and not blank, so an added JSON object or paragraph is shown whole.
    """
    k = 0
    while k < len(lines):
        if lines[k].sign == " ":
            k += 1
            continue
        end = k
        while end < len(lines) and lines[end].sign != " ":
            end += 1
        if len({line.sign for line in lines[k:end]}) == 1:
            _slide_block(lines, k, end)
        k = end
    return lines


def _slide_block(lines: list[DiffLine], start: int, end: int) -> None:
    texts = [line.text for line in lines]
    candidates = [start]
    s, e = start, end
    while s > 0 and lines[s - 1].sign == " " and texts[s - 1] == texts[e - 1]:
        s, e = s - 1, e - 1
        candidates.append(s)
    s, e = start, end
    while e < len(lines) and lines[e].sign == " " and texts[e] == texts[s]:
        s, e = s + 1, e + 1
        candidates.append(s)
    best = min(candidates, key=lambda c: (_indent(texts[c]), candidates.index(c)))
    if best == start:
        return
    sign, size = lines[start].sign, end - start
    for k in range(min(candidates), max(candidates) + size):
        lines[k] = DiffLine(sign if best <= k < best + size else " ", (Span(texts[k]),))


def _indent(text: str) -> int:
    """How far a line is indented; a blank line is the worst place for a block to start."""
    return len(text) - len(text.lstrip()) if text.strip() else 1_000_000


def _changed_block(old: Sequence[str], new: Sequence[str]) -> list[DiffLine]:
    """Removed then added lines (as a unified diff has them), with marks on lines that were edited."""
    removed: dict[int, tuple[Span, ...]] = {i: (Span(text),) for i, text in enumerate(old)}
    added: dict[int, tuple[Span, ...]] = {j: (Span(text),) for j, text in enumerate(new)}
    for i, j in _pair(old, new):
        removed[i], added[j] = _intraline(tokenize(old[i]), tokenize(new[j]))
    return [DiffLine("-", spans) for spans in removed.values()] + [DiffLine("+", spans) for spans in added.values()]


def _pair(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int]]:
    """Which removed line became which added line, in order.

    A pair is shown with its changed words marked; an unpaired line is shown whole. Greedy and
    monotonic: each removed line takes the most similar added line after the previous pair. On a big
    rewrite (more than ``MAX_PAIRING_WORK`` comparisons) lines are paired by position when similar.
    """
    old_tokens = [tokenize(line) for line in old]
    new_tokens = [tokenize(line) for line in new]
    if len(old) * len(new) > MAX_PAIRING_WORK:
        candidates = [(i, i) for i in range(min(len(old), len(new)))]
        return [(i, j) for i, j in candidates if _similarity(old_tokens[i], new_tokens[j]) >= MIN_SIMILARITY]
    pairs: list[tuple[int, int]] = []
    start = 0
    for i, tokens in enumerate(old_tokens):
        best, best_j = MIN_SIMILARITY, None
        for j in range(start, len(new)):
            score = _similarity(tokens, new_tokens[j])
            if score >= best and (best_j is None or score > best):
                best, best_j = score, j
        if best_j is not None:
            pairs.append((i, best_j))
            start = best_j + 1
    return pairs


def _similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Share of words (or characters, in spaceless scripts) two lines have in common, in order.

    Spaces are left out: every sentence has them, and they would make unrelated lines look alike.
    """
    a = [token for token in a if not token.isspace()]
    b = [token for token in b if not token.isspace()]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < MIN_SIMILARITY or matcher.quick_ratio() < MIN_SIMILARITY:
        return 0.0
    return matcher.ratio()


def _intraline(old: Sequence[str], new: Sequence[str]) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """The two versions of an edited line as spans, removed and added words marked."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    removed: list[Span] = []
    added: list[Span] = []
    for tag, i1, i2, j1, j2 in _bridge_blanks(matcher.get_opcodes(), old):
        if tag == "equal":
            removed.append(Span("".join(old[i1:i2])))
            added.append(Span("".join(new[j1:j2])))
            continue
        if i2 > i1:
            removed.append(Span("".join(old[i1:i2]), DELETE))
        if j2 > j1:
            added.append(Span("".join(new[j1:j2]), INSERT))
    return _coalesce(removed), _coalesce(added)


Opcode = tuple[str, int, int, int, int]


def _bridge_blanks(opcodes: Sequence[Opcode], old: Sequence[str]) -> list[Opcode]:
    """Join two changes separated only by spaces, so "a b" -> "x y" reads ``[-a b-]{+x y+}``,
    not ``[-a-]{+x+} [-b-]{+y+}``."""
    merged: list[Opcode] = []
    for op in opcodes:
        merged.append(op)
        while (
            len(merged) >= 3
            and merged[-1][0] != "equal"
            and merged[-3][0] != "equal"
            and merged[-2][0] == "equal"
            and "".join(old[merged[-2][1] : merged[-2][2]]).isspace()
        ):
            first, _, last = merged[-3:]
            merged[-3:] = [("replace", first[1], last[2], first[3], last[4])]
    return merged


def _coalesce(spans: list[Span]) -> tuple[Span, ...]:
    """Adjacent spans of one style as one span; empty spans dropped."""
    out: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        if out and out[-1].style == span.style:
            out[-1] = Span(out[-1].text + span.text, span.style)
        else:
            out.append(span)
    return tuple(out)


def _elide(lines: list[DiffLine], context: int) -> list[DiffLine]:
    """Keep ``context`` unchanged lines around each change; replace longer unchanged runs by one
    ``"..."`` line counting them. Nothing at all when nothing changed."""
    changed = [k for k, line in enumerate(lines) if line.sign != " "]
    if not changed:
        return []
    keep: set[int] = set()
    for k in changed:
        keep.update(range(max(0, k - context), min(len(lines), k + context + 1)))
    out: list[DiffLine] = []
    k = 0
    while k < len(lines):
        if k in keep:
            out.append(lines[k])
            k += 1
            continue
        end = k
        while end < len(lines) and end not in keep:
            end += 1
        if end - k == 1:  # an elision line would hide nothing: show the line
            out.append(lines[k])
        else:
            out.append(DiffLine("...", skipped=end - k))
        k = end
    return out
