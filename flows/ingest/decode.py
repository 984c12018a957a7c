"""Raw bytes to text, by a written policy that never changes a character silently.

In order:
1. Empty files and known binary formats are rejected; a byte-order mark decides (UTF-8, UTF-16).
2. UTF-16 without a mark, recognised by NUL bytes in one byte position and none in the other.
3. Strict UTF-8.
4. UTF-8 mixed with single-byte text (a Latin-1 line pasted into a UTF-8 file): decoded per segment,
   every valid UTF-8 sequence as UTF-8 and every other byte as Windows-1252, so nothing is dropped.
5. Single-byte and legacy CJK text: every candidate encoding that decodes the bytes is judged on the
   text it gives. Windows-1252 wins when its text is plausible (no stray symbols inside words, few
   non-ASCII letters, as in the Western European languages); otherwise the one plausible reading
   wins, or, where several plausible readings differ, the charset detector's choice on enough text;
   where that is not enough, the file is rejected as ambiguous, naming the candidates. Never a guess
   that changes "Muñoz" into "Muńoz".

One case stays by design: Central European single-byte text without any letter that Windows-1252
lacks ("Kraków będzie" in cp1250) reads as plausible Windows-1252 ("bêdzie"), and Windows-1252 is
preferred; with one (ł, ż, ą: "Wałęsa"), the cp1250 reading is the only plausible one and wins.

Written here rather than taken whole from charset_normalizer: its guesses on short single-byte text
(cp1250 for Latin-1, Big5 for a 20-byte Latin-1 line) are what the policy exists to stop; it still
decides between plausible readings of longer texts.
"""

from __future__ import annotations

import re
import unicodedata

from charset_normalizer import from_bytes


class RejectedInput(ValueError):
    """The input cannot be an article; the message says why."""


MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "binary file (PNG image)"),
    (b"%PDF-", "binary file (PDF document)"),
    (b"PK\x03\x04", "binary file (zip archive)"),
    (b"\x1f\x8b", "gzip data that is not a readable article"),
    (b"GIF8", "binary file (GIF image)"),
    (b"\xff\xd8\xff", "binary file (JPEG image)"),
    (b"\x7fELF", "binary file (executable)"),
]

BOMS = [
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
]

# Latin-script single-byte encodings, Windows-1252 first; then other scripts and legacy CJK
LATIN_CANDIDATES = ["cp1252", "cp1250", "iso-8859-2", "cp1254", "cp1257", "iso-8859-15"]
OTHER_CANDIDATES = ["cp1251", "koi8-r", "cp1253", "cp1255", "cp1256", "shift_jis", "euc_jp", "gb18030",
                    "big5", "cp949"]
# punctuation and symbols that Western text carries outside words
COMMON_SYMBOLS = set("€£¥¢°§©®«»“”‘’‚„–—…•·¡¿×÷±¶†‡‰′″ ­")
MIN_BYTES_FOR_DETECTOR = 400
_WORD = re.compile(r"[^\W\d_]+")


# labels that mean Windows-1252 in practice (as the WHATWG encoding standard maps them for browsers)
WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "cp819",
                       "ibm819", "iso-ir-100", "windows-1252", "cp1252", "x-cp1252"}


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode raw bytes to (text, encoding) by the policy above; raise RejectedInput when impossible.

    `declared` is a charset the document states (an HTML meta tag, a sidecar): used when the bytes are
    not valid UTF-8 and decode with it."""
    if not data.strip():
        raise RejectedInput("empty file")
    for magic, reason in MAGIC:
        if data.startswith(magic):
            raise RejectedInput(reason)
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise RejectedInput(f"undecodable bytes after a {encoding} byte-order mark") from exc
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16:
            return utf16
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        stated = _declared_reading(data, declared)
        if stated:
            return stated
        mixed = decode_mixed(data) if _has_utf8_sequences(data) else None
        # mixed only where the bytes outside UTF-8 read as plausible Western text (Shift-JIS, for one,
        # holds byte pairs that happen to be valid UTF-8)
        if mixed is not None and _plausible(mixed, latin=True):
            text, encoding = mixed, "utf-8+cp1252 (mixed)"
        else:
            if control_byte_share(data) > 0.05:
                cjk = _utf16_cjk(data)
                if cjk:
                    return cjk
                raise RejectedInput("binary file (control bytes, not text)") from None
            text, encoding = _decode_legacy(data)
    if control_char_share(text) > 0.05:
        raise RejectedInput("binary file (too many control characters)")
    return text, encoding


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 recognised by its NULs: ASCII characters (spaces, digits, line ends) leave a NUL in one byte
    position and never the other, also in Japanese or Chinese text that has few of them."""
    sample = data[:8000]
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2 or 1
    for encoding, nuls, other in (("utf-16-le", odd_nuls, even_nuls), ("utf-16-be", even_nuls, odd_nuls)):
        if nuls > 0.02 * half and other <= 0.002 * half and len(data) % 2 == 0:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if control_char_share(text) < 0.01:
                return text, encoding
    return None


def _declared_reading(data: bytes, declared: str | None) -> tuple[str, str] | None:
    if not declared:
        return None
    label = declared.strip().lower()
    encoding = "cp1252" if label in WINDOWS_1252_LABELS else label
    if _normal_name(encoding) == "utf-8":
        return None  # declared UTF-8 but not valid UTF-8: the policy below decides
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return (text, f"{encoding} (declared)") if control_char_share(text) < 0.01 else None


def _utf16_cjk(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text with no ASCII at all (Japanese, Chinese, Korean), hence no NULs: its bytes look like
    control bytes, but as UTF-16 nearly every character is a CJK one (random bytes give under half)."""
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        cjk = sum(1 for ch in text if 0x3000 <= ord(ch) <= 0x9FFF or 0xAC00 <= ord(ch) <= 0xD7A3
                  or 0xFF00 <= ord(ch) <= 0xFFEF)
        if text and cjk / len(text) >= 0.9 and control_char_share(text) == 0:
            return text, encoding
    return None


def _has_utf8_sequences(data: bytes) -> bool:
    """True when the bytes hold at least one valid multi-byte UTF-8 sequence."""
    return any(length > 1 for length, _ in _segments(data))


def _segments(data: bytes):
    """(length, is_utf8) for each character-sized piece: a valid UTF-8 sequence or one other byte."""
    i, n = 0, len(data)
    while i < n:
        byte = data[i]
        if byte < 0x80:
            yield 1, True
            i += 1
            continue
        length = 2 if 0xC2 <= byte <= 0xDF else 3 if 0xE0 <= byte <= 0xEF else 4 if 0xF0 <= byte <= 0xF4 else 0
        if length and i + length <= n:
            try:
                data[i:i + length].decode("utf-8")
                yield length, True
                i += length
                continue
            except UnicodeDecodeError:
                pass
        yield 1, False
        i += 1


def decode_mixed(data: bytes) -> str:
    """Every valid UTF-8 sequence as UTF-8, every other byte as Windows-1252 (Latin-1 where 1252 has
    no character): nothing dropped, nothing replaced."""
    out, i = [], 0
    for length, is_utf8 in _segments(data):
        piece = data[i:i + length]
        if is_utf8:
            out.append(piece.decode("utf-8"))
        else:
            try:
                out.append(piece.decode("cp1252"))
            except UnicodeDecodeError:
                out.append(piece.decode("latin-1"))
        i += length
    return "".join(out)


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


def _plausible(text: str, latin: bool) -> bool:
    """Whether a reading looks like text. Suspicious: a character outside ASCII that is neither a letter, nor a
    space, nor punctuation or a common symbol; any such non-letter inside a word ("mo¿e", "³ódŸ" are
    Polish read as Windows-1252); a word whose letters mix Latin with Cyrillic or Greek ("Bіaszczak").
    Implausible as well: a Latin-script reading with many non-ASCII letters (Western European text has
    some; Cyrillic or Japanese read as Latin letters has almost only those), and words that often turn
    from lower to upper case inside ("лХМХЯРП" is Windows-1251 read as KOI8-R)."""
    suspicious = letters = non_ascii_letters = 0
    last = len(text) - 1
    for i, ch in enumerate(text):
        if ch.isalpha():
            letters += 1
            if ord(ch) > 127:
                non_ascii_letters += 1
            if 0xFF61 <= ord(ch) <= 0xFF9F:
                suspicious += 1  # half-width katakana: Chinese or Korean bytes read as Shift-JIS
            continue
        if ord(ch) <= 127:
            continue
        # neighbours in alphabetic scripts only: CJK text has no spaces, its punctuation touches letters
        before = i > 0 and text[i - 1].isalpha() and ord(text[i - 1]) < 0x2E80
        after = i < last and text[i + 1].isalpha() and ord(text[i + 1]) < 0x2E80
        category = unicodedata.category(ch)
        if before and after and ch not in "’·‑":
            suspicious += 1
        elif (before or after) and category[0] != "P" and ch not in "\xa0":
            suspicious += 1  # a symbol glued to a word: "£odzi" is Polish "Łodzi" read as Windows-1252
        elif not (ch in COMMON_SYMBOLS or category[0] in "ZP"):
            suspicious += 1
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    words = [w for w in _WORD.findall(text) if len(w) > 1]
    case_turns = 0
    for word in words:
        if any(ord(c) > 127 for c in word):
            scripts = {_script(c) for c in word}
            if "LATIN" in scripts and scripts & {"CYRILLIC", "GREEK"}:
                suspicious += 1
        if any(a.islower() and b.isupper() for a, b in zip(word, word[1:])):
            case_turns += 1
    if words and case_turns / len(words) > 0.05:
        return False
    if latin and letters and non_ascii_letters / letters > 0.35:
        return False
    # a stray "®" after a brand or a "°" in a long page is no evidence; a misread alphabet gives many
    return suspicious <= 0.02 * non_ascii


def _decode_legacy(data: bytes) -> tuple[str, str]:
    readings: dict[str, str] = {}
    for encoding in LATIN_CANDIDATES + OTHER_CANDIDATES:
        try:
            readings[encoding] = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    plausible = {e: t for e, t in readings.items() if _plausible(t, e in LATIN_CANDIDATES)}
    if "cp1252" in plausible:
        return plausible["cp1252"], "cp1252"
    # Japanese text is rich in kana; the same bytes read as Chinese or Korean have none
    for encoding in ("shift_jis", "euc_jp"):
        if encoding in plausible and _kana_share(plausible[encoding]) >= 0.2:
            return plausible[encoding], encoding
    distinct = set(plausible.values())
    if len(distinct) == 1:
        encoding = next(iter(plausible))
        return plausible[encoding], encoding
    if distinct and len(data) >= MIN_BYTES_FOR_DETECTOR:
        best = from_bytes(data[:200_000]).best()
        chosen = _normal_name(best.encoding) if best is not None and best.encoding else None
        for encoding, text in plausible.items():
            if _normal_name(encoding) == chosen:
                return text, encoding
    if distinct:
        names = ", ".join(sorted(plausible)[:6])
        raise RejectedInput(f"ambiguous encoding: the bytes read as different texts in {names}; "
                            "save the file as UTF-8 (or give its charset) to have it read")
    raise RejectedInput("ambiguous or unknown encoding: not UTF-8 or UTF-16, and no single-byte or CJK "
                        "encoding gives plausible text; save the file as UTF-8 to have it read")


def _kana_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    kana = [c for c in letters if 0x3040 <= ord(c) <= 0x30FF]
    return len(kana) / len(letters) if letters else 0.0


def _normal_name(encoding: str) -> str:
    import codecs

    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding.lower()


# control characters other than tab, line feed, vertical tab, form feed and carriage return (a regex
# counts them in C: a per-character Python loop was a quarter of the cleaning time of a page)
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def control_byte_share(data: bytes) -> float:
    sample = data[:20_000]
    return len(_CONTROL_BYTES.findall(sample)) / max(len(sample), 1)


def control_char_share(text: str) -> float:
    sample = text[:20_000]
    if not sample:
        return 0.0
    return len(_CONTROL_CHARS.findall(sample)) / len(sample)
