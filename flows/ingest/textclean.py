"""Pure text functions: decode raw bytes, repair text, drop boilerplate, split sentences.

Nothing here touches the file system, Prefect or DuckDB, so every function is
tested directly. trafilatura handles HTML; it returns nothing for plain text,
so text dumps get this line-based pass (trafilatura has no line classifier to
reuse), written here and tested against boilerplate kinds in many languages.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import ftfy

# decoding has its own module and written policy; the names stay importable from here
from flows.ingest.decode import RejectedInput, decode_bytes  # noqa: F401

CLEANER_VERSION = "clean-5"


# ---------------------------------------------------------------------------
# repair
# ---------------------------------------------------------------------------

_ENTITY_RESIDUE = re.compile(
    r"&(nbsp|amp|quot|apos|lt|gt|mdash|ndash|hellip|rsquo|lsquo|rdquo|ldquo|laquo|raquo|"
    r"shy|zwj|zwnj|thinsp|ensp|emsp|#\d{1,7}|#[xX][0-9a-fA-F]{1,6})([;,]?)"
)
_LOSSY_OPEN_QUOTE = re.compile(r"(?:(?<=^)|(?<=[\s(\[]))â(?=[^\W\d_])", re.M)
_LOSSY_CLOSE_QUOTE = re.compile(r"(?<=[^\W\d_.,!?])â(?=[\s,.;:!?)\]]|$)", re.M)
# mojibake signature: C1 controls, or a UTF-8 lead byte read as cp1252/latin-1 (Â Ã â ...) followed by
# a continuation byte read the same way; ftfy is the slow part, so it only runs where this is found
_MOJIBAKE_HINT = re.compile(
    "[\u0080-\u009f]|[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# a run of spaces and tabs that is not already one plain space (single spaces, most of them, are not
# matched and replaced by themselves)
_OTHER_SPACES = r"\t\u00a0\u2000-\u200a\u202f\u205f\u3000"
_SPACE_RUN = re.compile(rf" [ {_OTHER_SPACES}]+|[{_OTHER_SPACES}][ {_OTHER_SPACES}]*")
# only before commas and full stops: French puts a (thin) space before ; : ! ? on purpose
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.])(?=\s|$)")


def _unescape_residue(match: re.Match) -> str:
    name, terminator = match.group(1), match.group(2)
    char = html.unescape(f"&{name};")
    return char + ("," if terminator == "," else "")


def repair_text(text: str) -> str:
    """Fix entity residue and mojibake, normalise spaces and line ends; never change words.

    Repeated to a fixed point (at most three passes): ftfy may undo one layer of mojibake per pass.
    """
    for _ in range(3):
        repaired = _repair_once(text)
        if repaired == text:
            break
        text = repaired
    return text


def _repair_once(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ENTITY_RESIDUE.sub(_unescape_residue, text)
    if _MOJIBAKE_HINT.search(text):  # ftfy is the slow part: only where mojibake can be
        text = ftfy.fix_text(text, uncurl_quotes=False, fix_line_breaks=True)
    if "\u00e2" in text:  # both patterns need an â; a substring test is cheaper than their look-behinds
        text = _LOSSY_OPEN_QUOTE.sub("\u201c", text)
        text = _LOSSY_CLOSE_QUOTE.sub("\u201d", text)
    text = _INVISIBLE.sub("", text)
    # over the whole text, not line by line (same result: neither pattern crosses a line end): one regex
    # call each instead of two per line
    text = _SPACE_RUN.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text)


# ---------------------------------------------------------------------------
# paragraphs
# ---------------------------------------------------------------------------

_TERMINAL = re.compile(r"[.!?:;…\"'”’»)\]]$")


def join_wrapped_lines(text: str) -> list[str]:
    """Split text into paragraphs: blank lines separate; hard-wrapped lines are joined back."""
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        wrapped = _is_hard_wrapped(lines)
        current = ""
        for line in lines:
            if current and _continues(current, line, wrapped):
                if current.endswith("-") and not current.endswith(" -") and line[:1].islower():
                    current = current[:-1] + line
                else:
                    current = current + " " + line
            else:
                if current:
                    paragraphs.append(current)
                current = line
        if current:
            paragraphs.append(current)
    return paragraphs


def _is_hard_wrapped(lines: list[str]) -> bool:
    """A block of three or more lines of similar width (at most 100 characters) was wrapped by a tool."""
    if len(lines) < 3:
        return False
    width = max(len(line) for line in lines)
    if width > 100 or width < 30:
        return False
    similar = sum(1 for line in lines[:-1] if len(line) >= 0.6 * width)
    return similar >= 0.7 * (len(lines) - 1)


def _continues(previous: str, line: str, wrapped: bool) -> bool:
    """True when `line` is the wrapped continuation of `previous`."""
    if _TERMINAL.search(previous) and not (wrapped and not re.search(r"[.!?…][\"'”’»)\]]*$", previous)):
        return False
    if wrapped:
        return True
    first = line[:1]
    if first.islower():
        return True
    if previous.endswith((",", "-", "–", "—")) and len(previous) >= 30:
        return True
    return False


# ---------------------------------------------------------------------------
# boilerplate
# ---------------------------------------------------------------------------

_SOCIAL = re.compile(
    r"\b(facebook|twitter|instagram|telegram|whatsapp|linkedin|youtube|tiktok|draugiem|vkontakte|vk|"
    r"threads|bluesky|mastodon|reddit|pinterest|viber|x)\b",
    re.I,
)
_SHARE_VERB = re.compile(
    r"\b(share|follow|subscribe|join us|like us|sign up|newsletter|teilen|folgen|abonnieren|partager|suivez|"
    r"abonnez|compartir|s[ií]guenos|seguici|condividi|seko|sekojiet|dalies|obserwuj|udost[eę]pnij|"
    r"подписывайтесь|подпишитесь|следите|поделиться|підписуйтесь|стежте|поділитися)\b",
    re.I,
)

_BOILERPLATE_RULES: list[tuple[str, re.Pattern]] = [
    ("cookie_notice", re.compile(
        r"^(?=.*\b(cookies?|consent|datenschutz|privacy (policy|settings|preferences))\b)"
        r"(?=.*\b(use|uses|using|accept|agree|consent|settings|browse|browsing|continue|manage|verwenden|"
        r"akzeptieren|zustimmen|utilis\w*|accepter|usamos|utilizamos|aceptar|utilizziamo|accetta|używamy|"
        r"используем|використовуємо)\b)", re.I)),
    ("loading_widget", re.compile(r"^(loading|load more|show more|see more|view more|chargement|wird geladen)\b.{0,60}$", re.I)),
    ("list_widget", re.compile(r"^(list of \d+ items?|end of list|\d+ items?)\s*(end of list)?$", re.I)),
    ("related_links", re.compile(
        r"^(read (also|more|next)|see also|also read|more (news|stories|from|on this|in)|related( (articles?|stories|posts?|sources|news|content|coverage|topics|links))?|"
        r"recommended( (stories|for you|articles|reading))?|most (read|popular|viewed|shared)|you (may|might) also (like|be interested)|"
        r"top stories|trending( now)?|latest (news|stories)|lesen sie auch|mehr zum thema|lire aussi|à lire aussi|leer m[aá]s|"
        r"leggi anche|czytaj (też|także)|читайте также|читайте також|lasīt arī|skatīt arī)\b\s*[:\-–—]?\s*(.{0,160})$", re.I)),
    ("advertisement", re.compile(
        r"^(advertisement|advertising|sponsored( content)?|anzeige|werbung|publicité|publicidad|pubblicità|реклама|ad|"
        r"scroll (down )?to continue( reading)?|continue reading below)\s*$", re.I)),
    ("photo_credit", re.compile(
        r"^(photo|photos|image|images|picture|foto|fotos|bild|credit|credits|illustration|video)\s*(credit)?\s*[:/|©]", re.I)),
    ("photo_caption", re.compile(
        r"(\[[^\]]{0,80}\b(via|photo|getty|reuters|afp|ap|epa|anadolu|shutterstock|pool)\b[^\]]{0,40}\]\s*$"
        r"|/\s*[^/\n]{2,60}/\s*[^/\n]{0,40}\b(via|reuters|afp|ap|getty|epa|pool)\b[^/\n]{0,30}$"
        r"|\((photo|image|foto)\s*:[^)]{0,80}\)\s*$"
        r"|\b(getty images|afp via getty images|ap photo|reuters/[a-z]+)\s*\)?\s*$)", re.I)),
    ("label", re.compile(
        r"^(tags?|topics?|author|authors|by|published|updated|posted|share( this)?( article)?|comments?|filed under|"
        r"categor(y|ies)|keywords|print|email|copy link|schlagworte|autor|auteur|autore)\s*:?\s*$", re.I)),
    ("dateline_label", re.compile(
        r"^(published|updated|posted|last updated|veröffentlicht|publié|publicado)\s*(on|at|:)?\s*[\w ,.:/+-]{0,40}$", re.I)),
    ("copyright", re.compile(r"^(©|\(c\)|copyright\b)|\ball rights reserved\b", re.I)),
    # atomic group: a segment once read is not re-split (its spaces belong to it or to the next one in
    # exponentially many ways, which took minutes on a 20-item "| a • b • c |" line)
    ("bullet_links", re.compile(r"^(?>\s*[•·|]\s*[^•·|]{1,40}){2,}\s*$")),
]

_BYLINE = re.compile(r"^(?i:by|von|par|por|di|autor:?|author:?)\s+([A-Z][^.!?]{1,100})$")
_SOURCE_FOOTER = re.compile(r"^(source|sources|quelle|fuente|source originale|источник|джерело|avots)\s*:\s*(.{1,80})$", re.I)
_PUBLISHER_BLURB = re.compile(
    r"^\S.{0,60}\b(is|are|was)\b.{0,120}\b(radio|news|media|agency|publisher|website|site|platform|portal|outlet|"
    r"newspaper|magazine|broadcaster|network|channel)\b", re.I)


def classify_line(line: str) -> str | None:
    """Return the boilerplate kind of one paragraph, or None when it is article text."""
    words = line.split()
    n_words = len(words)
    if n_words == 0:
        return "empty"
    for kind, pattern in _BOILERPLATE_RULES:
        if kind == "cookie_notice" and n_words > 70:
            continue
        if kind in ("related_links", "photo_credit") and n_words > 30:
            continue
        if kind == "photo_caption" and n_words > 60:
            continue
        if kind == "copyright" and n_words > 30:
            continue
        if pattern.search(line):
            return kind
    if n_words <= 15:
        socials = len(_SOCIAL.findall(line))
        if socials >= 2 or (socials >= 1 and _SHARE_VERB.search(line)) or (
            _SHARE_VERB.match(line) and n_words <= 6 and not _TERMINAL.search(line)
        ):
            return "share_prompt"
    if n_words <= 18 and _BYLINE.match(line):
        return "byline"
    if n_words <= 12 and _SOURCE_FOOTER.match(line):
        return "source_footer"
    return None


# Markers after which an article is over: what follows is a trailer of short items.
_TRAILER_STARTERS = {"source_footer", "label", "copyright", "loading_widget"}


@dataclass
class CleanedText:
    title: str | None
    paragraphs: list[str]
    source_name: str | None = None
    author: str | None = None
    dropped: list[tuple[str, str]] = field(default_factory=list)
    n_duplicates: int = 0

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def _norm_key(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def _looks_like_title(paragraph: str) -> bool:
    n_words = len(paragraph.split())
    return 2 <= n_words <= 25 and not re.search(r"[.!?;:,]$", paragraph)


def _is_content(paragraph: str) -> bool:
    return len(paragraph.split()) >= 12 and bool(re.search(r"[.!?\"”’»]$", paragraph))


def clean_text_document(text: str) -> CleanedText:
    """Turn a noisy text dump into title + article paragraphs, with what was dropped and why."""
    paragraphs = join_wrapped_lines(repair_text(text))
    kept: list[str] = []
    dropped: list[tuple[str, str]] = []
    seen: set[str] = set()
    source_name = author = title = None
    n_duplicates = 0
    in_trailer = False
    previous_kind: str | None = None
    for paragraph in paragraphs:
        kind = classify_line(paragraph)
        if kind == "source_footer":
            source_name = source_name or _SOURCE_FOOTER.match(paragraph).group(2).strip()
        elif kind == "byline":
            author = author or _BYLINE.match(paragraph).group(1).strip()
        elif kind is None and previous_kind == "label" and len(paragraph.split()) <= 6 and not _is_content(paragraph):
            kind = "label_value"
        elif kind is None and in_trailer:
            if _PUBLISHER_BLURB.search(paragraph) or not _is_content(paragraph):
                kind = "trailer"
            else:
                in_trailer = False
        if kind is not None:
            dropped.append((paragraph, kind))
            # Markers end the article only once there is an article to end.
            in_trailer = in_trailer or (kind in _TRAILER_STARTERS and bool(kept))
            if kind == "label_value" and previous_kind == "label" and re.match(r"(?i)^(author|autor|auteur)", dropped[-2][0] if len(dropped) > 1 else ""):
                author = author or paragraph
            previous_kind = kind
            continue
        previous_kind = None
        key = _norm_key(paragraph)
        if key in seen:
            n_duplicates += 1
            dropped.append((paragraph, "duplicate"))
            continue
        seen.add(key)
        if title is None and not kept and _looks_like_title(paragraph):
            title = paragraph
            continue
        kept.append(paragraph)
    # A title never stands alone as the whole article.
    if not kept and title:
        kept, title = [title], None
    return CleanedText(title=title, paragraphs=kept, source_name=source_name, author=author,
                       dropped=dropped, n_duplicates=n_duplicates)


def dedupe_paragraphs(paragraphs: list[str], title: str | None = None) -> tuple[list[str], int]:
    """Drop repeated paragraphs (and a repeated title), keeping the first occurrence."""
    seen = {_norm_key(title)} if title else set()
    kept, n_duplicates = [], 0
    for paragraph in paragraphs:
        key = _norm_key(paragraph)
        if not key:
            continue
        if key in seen:
            n_duplicates += 1
            continue
        seen.add(key)
        kept.append(paragraph)
    return kept, n_duplicates


# ---------------------------------------------------------------------------
# sentences
# ---------------------------------------------------------------------------

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "gov", "sen", "rep",
    "st", "jr", "sr", "no", "nos", "vs", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig", "approx", "est", "dept", "pres",
    "u.s", "u.k", "u.n", "e.u", "e.g", "i.e", "a.m", "p.m", "d.c", "mt", "ft", "rev", "hon", "amb",
}
_BOUNDARY = re.compile(r"([.!?…]+[\"'”’»)\]]*)(\s+)(?=[\"'“‘«(\[]?[A-Z0-9À-ÖØ-ÞА-ЯЁІЇЄҐ])")


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences, keeping abbreviations (U.S., Gen., No. 5) intact."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        end = match.end(1)
        candidate = paragraph[start:end]
        last_word = re.search(r"([\w.]+)[.!?…]+[\"'”’»)\]]*$", candidate)
        if last_word and match.group(1).startswith("."):
            token = last_word.group(1).lower().rstrip(".")
            if token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", token):
                # "U.S. officials" is no boundary; "... in the U.S. The next" is, when a capitalised
                # function word follows an initialism.
                following = paragraph[match.end():match.end() + 12]
                if not (re.fullmatch(r"(?:[a-z]\.)+[a-z]", token) and re.match(r"(The|This|That|It|He|She|They|We|But|And|In|On|A)\b", following)):
                    continue
        sentence = candidate.strip()
        if sentence:
            sentences.append(sentence)
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


# A "sentence" longer than this (a table flattened to one line, a 10 MB dump without a full stop) is cut
# at white space into pieces of at most this size: the text stays verbatim, and the SQL models' cost stays
# linear in the text (one 10 MB "sentence" kept a build busy for minutes).
MAX_SENTENCE_CHARS = 1_000


def cap_sentence(sentence: str, limit: int = MAX_SENTENCE_CHARS) -> list[str]:
    """The sentence itself, or verbatim pieces of at most `limit` characters cut at white space (a run
    without any white space is cut at the limit)."""
    pieces = []
    while len(sentence) > limit:
        cut = sentence.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        head, sentence = sentence[:cut].strip(), sentence[cut:].strip()
        if head:
            pieces.append(head)
    if sentence:
        pieces.append(sentence)
    return pieces


def split_body_sentences(body: str) -> list[tuple[int, int, str]]:
    """Return (paragraph_no, sentence_no, sentence) for a cleaned body; sentence_no runs over the article."""
    rows = []
    sentence_no = 0
    for paragraph_no, paragraph in enumerate(p for p in body.split("\n\n") if p.strip()):
        for sentence in split_sentences(paragraph.strip()):
            for piece in cap_sentence(sentence):
                rows.append((paragraph_no, sentence_no, piece))
                sentence_no += 1
    return rows
