"""Scraped junk inside article text: found and marked, never deleted.

Pages copied or scraped from news sites carry the site around the article: share buttons,
comment forms, newsletter promos, photo captions and credits, video placeholders, links to
other stories. ``find_junk`` returns character spans (Python ``str`` offsets, end exclusive)
with a reason, so the text a reader sees stays exactly as it was and every later highlight
still maps back to it.

The rules are deliberately conservative: marking a sentence of the article as junk hides
a real difference, which is worse than leaving a share button visible. So a rule either
matches a phrase that only a page's furniture uses ("Share on Facebook (opens new window)",
"Your email address will not be published"), or a whole short line made only of such
phrases, or a photo caption that ends in a credit ("... Photo: Name/Agency").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .spans import trim, union
from .types import JunkSpan

# Longest line that can be a caption, a UI line or a promo; real paragraphs are longer
# and are never marked as a whole.
MAX_JUNK_LINE = 300
# Longest caption sentence marked before a photo credit found inside a paragraph.
MAX_CAPTION = 300
# Longest credit at the end of a line ("Photo: Name Name/Agency via Getty Images").
MAX_CREDIT_TAIL = 160
# Fewest words of a caption before a credit: a word or two there is not worth a caption span.
_MIN_CAPTION_WORDS = 3
# Most words in a row of share buttons ("Share Tweet Email Print"); more is prose.
_MAX_BUTTON_ROW_WORDS = 12
# A breadcrumb ("Home › News › Europe") is a short line of at least this many items, each of
# at most this many words.
_MAX_BREADCRUMB = 120
_MIN_BREADCRUMB_ITEMS = 3
_MAX_BREADCRUMB_ITEM_WORDS = 3

_PLATFORMS = (
    r"(?:Twitter|X|Facebook|LinkedIn|WhatsApp|Reddit|Pinterest|Telegram|Messenger|Email|E-mail|Mail"
    r"|Threads|Bluesky|Mastodon|Flipboard|Pocket|Tumblr|VK|Xing)"
)
_NEW_WINDOW = r"\((?:opens|open|öffnet)(?: in)?(?: a)? new (?:window|tab)\)"

# Phrases that only page furniture uses: marked wherever they appear, even glued into a
# paragraph by the scraper.
_INLINE_RULES: list[tuple[str, str, int]] = [
    # "Share on twitter (opens new window)", "Share via Email", "Share to Facebook"
    # "Share" is capitalised: a button label. "users can share to Facebook" is a sentence.
    (
        rf"\b(?:Share|SHARE|Teilen)(?: this(?: article| story| page)?)? (?:on|to|via|auf|per) (?i:{_PLATFORMS})"
        rf"(?:\s*{_NEW_WINDOW})?",
        "share buttons",
        0,
    ),
    (_NEW_WINDOW, "share buttons", 0),
    (r"\b(?:Print|Email|Save|Share) this (?:page|article|story)\b", "share buttons", 0),
    (r"\bCopy link\b|\bLink copied\b", "share buttons", 0),
    # Newsletter boxes: "Receive free <topic> updates", "We'll send you a ... email ..."
    (r"\bReceive free [^.!?\n]{1,60}? updates\b", "newsletter promo", 0),
    (
        r"\bWe(?:'|’)ll send you (?:a|an|our) [^.!?\n]{0,120}?(?:email|newsletter|digest|e-mail)[^.!?\n]{0,120}[.!]",
        "newsletter promo",
        0,
    ),
    (
        r"\b(?:Sign up|Subscribe) (?:for|to) (?:our|the|a) (?:free )?[^.!?\n]{0,60}?(?:newsletter|briefing|"
        r"email alerts|updates)\b[^.!?\n]{0,80}[.!]?",
        "newsletter promo",
        0,
    ),
    (
        r"\bGet (?:the latest|our|all the latest|breaking) [^.!?\n]{0,80}?delivered (?:straight |directly )?"
        r"to (?:your inbox|you|your phone)[.!]?",
        "newsletter promo",
        0,
    ),
    (r"\bRemote video URL\b", "video embed", 0),
    (r"\bYour browser does not support (?:the )?(?:video|audio)(?: tag| element)?\.?", "video embed", 0),
    (r"\bThis video (?:can ?not|cannot) be played\.?", "video embed", 0),
    (r"\b(?:Story|Article) continues below(?: advertisement)?\b|\bSkip Advertisement\b", "advertisement", 0),
]

# A line (paragraph) made only of these phrases is junk; inside a sentence they are words.
_LINE_PHRASES: list[tuple[str, str]] = [
    # Comment forms, in the languages a teacher is likely to meet.
    (
        # Longer phrases first: the first alternative that matches wins ("Comment *" before "Comment").
        r"Comment \*|Name \*|Email \*|E-mail \*"
        r"|Leave a (?:Reply|Comment|reply|comment)(?: to [^\n]{1,60})?|Cancel reply|Post (?:a )?Comment"
        r"|Add (?:a )?comment|Show comments|View comments|Join the (?:conversation|discussion)"
        r"|(?:\d+ )?Comments?(?: \(\d+\))?|Your email address will not be published\.?"
        r"|Required fields are marked \*?\.?|Send this to a friend|You must be logged in to post a comment\.?"
        r"|Save my name, email, and website in this browser for the next time I comment\.?"
        r"|Website",
        "comment form",
    ),
    (
        r"Schreibe einen Kommentar|Antworten abbrechen|Kommentar \*|E-Mail \*|Kommentar(?: abschicken| schreiben)?"
        r"|Meinen Namen, meine E-Mail-Adresse und meine Website in diesem Browser speichern, bis ich wieder "
        r"kommentiere\.?"
        r"|(?:Deine|Ihre) E-Mail-Adresse wird nicht veröffentlicht\.?|Erforderliche Felder sind mit \* markiert\.?"
        r"|Laisser un commentaire|Votre adresse (?:e-mail|de messagerie|email) ne sera pas publiée\.?"
        r"|Les champs obligatoires sont indiqués avec \*\.?|Deja un comentario|Deja una respuesta"
        r"|Tu dirección de correo electrónico no será publicada\.?"
        r"|Los campos obligatorios están marcados con \*\.?",
        "comment form",
    ),
    (r"Advertisement|ADVERTISEMENT|Anzeige|Sponsored(?: content)?", "advertisement"),
    (
        r"(?:Read more|READ MORE|Related|See also|Also read|Read also|Lesen Sie auch|Mehr zum Thema): [^\n]{1,150}"
        r"|(?:Related|Recommended|Read more|READ MORE|Read also|See also|More on this story|More from [A-Z][\w ]{0,30}"
        r"|You may also like|You might also like|Most read|Most popular|Top stories"
        r"|Related (?:articles|stories|topics))"
        r":?",
        "related links",
    ),
    (
        r"(?:Subscribe|Sign up)(?: (?:now|today|here))?[.!]?"
        r"|Subscribe to (?:our|the) [\w ]{0,40}(?:newsletter|channel)[.!]?"
        r"|Join (?:our|the|[A-Z][\w&]*(?:'|’)s) [^.!?\n]{0,40}?(?:Telegram|WhatsApp|Signal|Viber|YouTube|Google News)"
        r"(?: channel| group)?[^.!?\n]{0,100}[.!]?"
        r"|Follow (?:us|[A-Z][\w&]*) on (?:Twitter|X|Facebook|Instagram|Telegram|WhatsApp|Google News)"
        r"[^.!?\n]{0,60}[.!]?"
        r"|Download (?:our|the [A-Z][\w ]{0,20}) app[^.!?\n]{0,60}[.!]?",
        "newsletter promo",
    ),
    (
        r"(?:Video|Watch|WATCH)(?:: [^\n]{0,100})?|Click to play video|Play video|Media caption[^\n]{0,150}",
        "video embed",
    ),
    (
        r"(?:Published|Updated|Last updated|Posted|Veröffentlicht|Aktualisiert|date|Date)(?: on)?:? "
        r"(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./ ]\w{1,9}[./ ]\d{2,4}|\w{3,9} \d{1,2},? \d{4})"
        r"(?:[ ,T]+\d{1,2}[:.]\d{2}\w*(?: \w{2,4})?)?",
        "page metadata",
    ),
    (r"Image source, [^\n]{1,60}|Image caption, [^\n]{1,200}|Getty Images|Credit: [^\n]{1,80}", "photo credit"),
    (r"hide caption|toggle caption|Enlarge this image|Expand image|Close caption", "photo caption"),
    (
        r"\d{1,3} min(?:ute)?s? read|Listen to (?:this )?article(?: \d{1,3} min(?:ute)?s?)?"
        r"|Reading time:? \d{1,3} min(?:ute)?s?|Our Standards: The Thomson Reuters Trust Principles\.?",
        "page metadata",
    ),
    (
        r"(?:Copyright ?©?|©) ?\d{4}(?:[-–]\d{2,4})?[^\n]{0,100}|[^\n]{0,80}All [Rr]ights [Rr]eserved\.?",
        "copyright notice",
    ),
    (
        r"We use cookies[^\n]{0,250}|Accept (?:all )?cookies|Reject (?:all )?cookies"
        r"|Manage (?:cookie )?(?:settings|preferences)|Cookie (?:settings|policy|preferences)",
        "cookie notice",
    ),
    (r"Skip to (?:main )?content|Skip to navigation|Back to top", "navigation"),
]

# Words found in a row of buttons: a short line of nothing else is a button row.
_UI_ACTIONS = frozenset(["share", "shares", "tweet", "email", "e-mail", "print", "save", "copy", "follow", "comment"])
_UI_WORDS = _UI_ACTIONS | frozenset(
    ["mail", "saved", "link", "facebook", "twitter", "x", "whatsapp", "linkedin", "reddit", "pinterest", "telegram"]
    + ["messenger", "flipboard", "pocket", "tumblr", "threads", "bluesky", "comments", "like"]
)

# Photo credits. NAME is one to four capitalised words; AGENCY one word or "Getty Images".
# A name word is a capitalised word or an initial ("J."), never a word ending a sentence.
_NAME = r"[A-Z](?:\.|[\w'’-]*)(?: [A-Z](?:\.|[\w'’-]*)){0,3}"
_AGENCY = r"(?:Getty Images|(?:The )?[A-Z][\w.&-]*(?: via Getty Images)?)"
# Agencies whose name after "Name/" closes a caption even without the word "Photo".
_KNOWN_AGENCIES = (
    r"(?:AFP|AP|Reuters|EPA|EPA-EFE|Getty Images|Bloomberg|dpa|Xinhua|PA|PA Wire|Anadolu|Anadolu Agency"
    r"|SOPA Images|NurPhoto|Shutterstock|Alamy|picture alliance|ANP|Kyodo|Yonhap|TASS|Sipa|Zuma Press)"
)
_CREDIT_INLINE = re.compile(
    rf"©(?!\s*\d)\s?{_NAME}(?:\s?/\s?{_AGENCY})?"  # © Jane Doe/AP (not "© 2024 ...": a copyright line)
    rf"|\b(?:PHOTO|Photo|Photograph|Picture|Image|Foto|Bild)s?(?::| by) {_NAME}\s?/\s?{_AGENCY}"  # Photo: J Doe/Reuters
    rf"|\((?:Photo|Image|Picture|Foto|Bild)(?::| by| credit:)? [^()\n]{{1,60}}\)"  # (Photo: Jane Doe)
    rf"|\([^()\n]{{1,60}} via Getty Images\)"
    rf"|\b(?:AP|AFP|EPA|Reuters|dpa) Photo/{_NAME}"
)
# At the end of a line a credit may be any short name: "PHOTO: AFP", "Photo by Jane Doe".
_CREDIT_AT_END = re.compile(
    r"(?:\b(?:PHOTO|Photo|Photograph|Picture|Image|Foto|Bild)s?(?::| by| credit:) [^.!?\n]{1,60}"
    r"|©(?!\s*\d)\s?[^\n]{1,60}"
    rf"|\b{_NAME}\s?/\s?{_KNOWN_AGENCIES}(?: via Getty Images)?)[ \t]*$",
)
# Where a caption starts: after a sentence end, at a line start, or at a capitalised
# article glued to the previous text ("... and Moscow A soldier stands ...").
_CAPTION_START = re.compile(r"(?:^|(?<=[.!?]) |(?<=[.!?][\"”’]) |(?<=[\w,]) (?=(?:A|An|The) \w))", re.MULTILINE)

# A byline or credit on a line of its own: "Bloomberg", "By Jane Doe", "Reuters". One to three capitalised
# words (letters only, so no dates or figures) and no sentence punctuation.
_CAPITALISED = r"[A-Z][^\W\d_]*(?:['’-][^\W\d_]+)*"
_CAPITALISED_WORDS = rf"{_CAPITALISED}(?: {_CAPITALISED}){{0,2}}"
_BYLINE = re.compile(rf"By {_CAPITALISED_WORDS}")
_AGENCY_CREDIT = re.compile(rf"(?:By )?(?:{_KNOWN_AGENCIES}|Associated Press|Agence France-Presse|Bloomberg News)")
_NAME_LINE = re.compile(_CAPITALISED_WORDS)
# Without "By" or an agency's name, capitalised words could be a title-case headline or crosshead
# ("Bridge Reopens", "Talks Resumed"): a word that reads like a verb (or a plural) leaves the line alone.
_VERB_LIKE = re.compile(r"(?:ed|ing|(?<![siu])s)$")
# Bylines sit under the headline (its next few lines) or close the text; a lone name further in is
# more likely a list item or a crosshead, so only "By ..." and an agency's name are marked there.
_BYLINE_LINES_AFTER_HEADLINE = 3
_MAX_BYLINE = 40

_LINE_RE = re.compile(r"[^\n]+")
_BREADCRUMB_SEPARATOR = re.compile(r"\s+[›»>|/]\s+")
_BREADCRUMB_ITEM = re.compile(r"[^\W\d_][^\W\d_ &'’-]*(?:[ &'’-]+[^\W\d_]+)*")
_WORD_RE = re.compile(r"[\w'’*-]+")
_NEXT_TWO_WORDS = re.compile(r"[ \t]+([\w-]+)\b(?:[ \t]+([\w-]+))?")
_METADATA_AT_START = re.compile(r"\A\s*(date \d{4}-\d{2}-\d{2})\b")
_INLINE_RELATED = re.compile(
    r"(?:(?<=[.!?] )|(?<=[.!?][\"”’] ))(?:Recommended|Related|Read more|READ MORE|Read also)\b"
    r"(?:[ \w-]{0,30}?[a-z](?=[A-Z]))?"
)

_compiled_inline = [(re.compile(p, flags), reason) for p, reason, flags in _INLINE_RULES]
_SEPARATOR = re.compile(r"\s*[|·•–-]?\s*")


def _top_level_alternatives(pattern: str) -> list[str]:
    """Split a pattern at the "|" that are not inside brackets or groups."""
    parts, depth, in_class, escaped, start = [], 0, False, False, 0
    for i, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    return [*parts, pattern[start:]]


# Every phrase on its own, so that at each place on a line the longest one is taken
# ("Subscribe to our newsletter", not just "Subscribe").
_line_phrases = [
    (re.compile(alternative), reason)
    for pattern, reason in _LINE_PHRASES
    for alternative in _top_level_alternatives(pattern)
]
# One pattern for all of them: a quick "no" for the many lines that start with none.
_any_line_phrase = re.compile("|".join(f"(?:{p})" for p, _ in _LINE_PHRASES))


def find_junk(text: str) -> list[JunkSpan]:
    """Junk passages of ``text``, sorted and non-overlapping, as offsets into ``text``."""
    spans: list[JunkSpan] = []
    spans += _metadata_at_start(text)
    for pattern, reason in _compiled_inline:
        spans += (JunkSpan(m.start(), m.end(), reason) for m in pattern.finditer(text))
    spans += _inline_related(text)
    spans += _credits_and_captions(text)
    spans += _junk_lines(text)
    spans = _absorb_ui_words(text, _merge(text, [_trimmed(text, s) for s in spans]))
    return _merge(text, spans)


def _metadata_at_start(text: str) -> list[JunkSpan]:
    # Some scrapers put the page's date field in front of the text: "date 2022-03-15 ...".
    m = _METADATA_AT_START.match(text)
    return [JunkSpan(m.start(1), m.end(1), "page metadata")] if m else []


def _inline_related(text: str) -> Iterator[JunkSpan]:
    """A "Recommended" box glued into a paragraph: only its label is certain, so only it is marked."""
    for m in _INLINE_RELATED.finditer(text):
        yield JunkSpan(m.start(), m.end(), "related links")


def _credits_and_captions(text: str) -> Iterator[JunkSpan]:
    credits = [(m.start(), m.end()) for m in _CREDIT_INLINE.finditer(text)]
    # A credit closing a line is short: only each line's tail is searched, so a long line costs no more.
    for line in _LINE_RE.finditer(text):
        m = _CREDIT_AT_END.search(text, max(line.start(), line.end() - MAX_CREDIT_TAIL), line.end())
        if m:
            credits.append((m.start(), m.end()))
    for start, end in union(credits):
        yield JunkSpan(start, end, "photo credit")
        caption = _caption_before(text, start)
        if caption is not None:
            yield JunkSpan(caption, start, "photo caption")


def _caption_before(text: str, credit_start: int) -> int | None:
    """Start of the caption that the credit at ``credit_start`` belongs to, if it is short enough."""
    # Only the stretch a caption could fill is looked at, so long one-line texts stay fast.
    window = max(0, credit_start - 2 * MAX_CAPTION)
    line_start = max(text.rfind("\n", window, credit_start) + 1, window)
    before = text[line_start:credit_start]
    if not before.strip():
        return None
    # The caption is the last sentence before the credit (the one the credit closes).
    body = before.rstrip()
    starts = [m.start() for m in _CAPTION_START.finditer(body) if m.start() < len(body.rstrip('.!?"”’ '))]
    start = starts[-1] if starts else 0
    caption = before[start:]
    if len(caption) > MAX_CAPTION or len(_WORD_RE.findall(caption)) < _MIN_CAPTION_WORDS:
        return None
    return line_start + start + (len(caption) - len(caption.lstrip()))


def _trimmed(text: str, span: JunkSpan) -> JunkSpan:
    """The span without the blanks at its ends, so it covers only visible junk."""
    return JunkSpan(*trim(text, span.start, span.end), span.reason)


def _junk_lines(text: str) -> Iterator[JunkSpan]:
    """Whole short lines made only of page furniture: comment forms, promos, button rows, bylines."""
    lines = [line for line in _LINE_RE.finditer(text) if line.group().strip()]
    for number, line in enumerate(lines):
        content = line.group()
        stripped = content.strip()
        if len(stripped) > MAX_JUNK_LINE:
            continue
        start = line.start() + (len(content) - len(content.lstrip()))
        end = start + len(stripped)
        near_an_end = 0 < number <= _BYLINE_LINES_AFTER_HEADLINE or number == len(lines) - 1 > 0
        if _is_button_row(stripped):
            yield JunkSpan(start, end, "share buttons")
            continue
        if _is_breadcrumb(stripped):
            yield JunkSpan(start, end, "navigation")
            continue
        phrases = _line_of_phrases(stripped, start)
        # Furniture's own phrases first: "Post Comment" closing a comment form is the form, not a byline.
        if phrases:
            yield from phrases
        elif _is_byline(stripped, near_an_end=near_an_end):
            yield JunkSpan(start, end, "byline")


def _line_of_phrases(line: str, offset: int) -> list[JunkSpan]:
    """Spans for each phrase if the line is made of junk phrases only, else nothing."""
    spans, pos = [], 0
    while pos < len(line):
        if not _any_line_phrase.match(line, pos):
            return []
        matches = [(m.end(), reason) for pattern, reason in _line_phrases if (m := pattern.match(line, pos))]
        end, reason = max(matches, key=lambda match: match[0])
        if end == pos:
            return []
        spans.append(JunkSpan(offset + pos, offset + end, reason))
        separator = _SEPARATOR.match(line, end)
        assert separator is not None  # every part of the pattern is optional: it always matches
        pos = separator.end()
    return spans


def _is_byline(line: str, *, near_an_end: bool) -> bool:
    """ "Bloomberg", "By Jane Doe", "Reuters": a line that only credits who wrote or sent the text.

    "By" and a name, or an agency's name, anywhere; other capitalised words ("Jane Doe", "Harbour
    Herald") only just under the headline or as the last line, two words or more, not all in
    capitals, and with no word that reads like a verb. The first line is the headline's place: a
    title-case headline there stays.
    """
    if len(line) > _MAX_BYLINE:
        return False
    if _BYLINE.fullmatch(line) or _AGENCY_CREDIT.fullmatch(line):
        return True
    words = line.split()
    # A name has two words or more; one capitalised word there is a crosshead ("Background"), and
    # capitals only a dateline ("LONDON", "NEW YORK").
    if len(words) < 2 or line.isupper():
        return False
    return near_an_end and bool(_NAME_LINE.fullmatch(line)) and not any(_VERB_LIKE.search(w) for w in words)


def _is_button_row(line: str) -> bool:
    words = [w.lower() for w in _WORD_RE.findall(line) if not w.isdigit()]
    if not words or len(words) > _MAX_BUTTON_ROW_WORDS or any(w.strip("*") not in _UI_WORDS for w in words):
        return False
    # "Share Tweet Email" is a button row; a line saying only "Facebook" might be a subheading.
    return bool(_UI_ACTIONS.intersection(words)) or len(words) >= 2


def _is_breadcrumb(line: str) -> bool:
    """ "Home › News › Europe": three or more short capitalised items between arrow-like separators."""
    if len(line) > _MAX_BREADCRUMB:
        return False
    items = _BREADCRUMB_SEPARATOR.split(line)
    return len(items) >= _MIN_BREADCRUMB_ITEMS and all(
        _BREADCRUMB_ITEM.fullmatch(item) and item[0].isupper() and len(item.split()) <= _MAX_BREADCRUMB_ITEM_WORDS
        for item in items
    )


def _absorb_ui_words(text: str, spans: list[JunkSpan]) -> list[JunkSpan]:
    """Stretch share-button spans over button words right after them ("... (opens new window) Save").

    A button word followed by a lowercase word starts a sentence instead ("Save the Children
    said ..."), so it stays.
    """
    out = []
    for span in spans:
        if span.reason != "share buttons":
            out.append(span)
            continue
        end = span.end
        while m := _NEXT_TWO_WORDS.match(text, end):
            word, following = m.group(1), m.group(2) or ""
            if word.lower() not in _UI_ACTIONS or not word[0].isupper() or following[:1].islower():
                break
            end = m.end(1)
        out.append(JunkSpan(span.start, end, span.reason))
    return out


def _merge(text: str, spans: list[JunkSpan]) -> list[JunkSpan]:
    """Sorted, non-overlapping spans; neighbours with the same reason and only space between become one.

    Not spans.union: a junk span keeps its reason, so spans of different reasons stay apart."""
    out: list[JunkSpan] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.end <= span.start:
            continue
        if out:
            last = out[-1]
            if span.end <= last.end:
                continue  # inside the previous span
            if span.start < last.end:
                if span.reason == last.reason:
                    out[-1] = JunkSpan(last.start, span.end, last.reason)
                    continue
                span = JunkSpan(last.end, span.end, span.reason)
            elif span.reason == last.reason and not text[last.end : span.start].strip():
                out[-1] = JunkSpan(last.start, span.end, last.reason)
                continue
        out.append(span)
    return out
