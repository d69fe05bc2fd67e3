"""HTML pages as article text: page furniture (menus, polls, "other news" lists, share boxes) removed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from provinces.text import fold

# --------------------------------------------------------------------------------------------------
# HTML → text
# --------------------------------------------------------------------------------------------------

#: Elements that are never article text.
SKIPPED_TAGS = frozenset(
    "nav header footer aside script style noscript template form iframe svg canvas button select "
    "textarea label input object embed video audio map figure-caption-nav head".split()
)
VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
BLOCK_TAGS = frozenset(
    "p div section article main h1 h2 h3 h4 h5 h6 li ul ol table tr td th blockquote pre dl dt dd "
    "figure figcaption address hr br body".split()
)
HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
#: class or id of page furniture (folded, with ``-``/``_`` as separators).
FURNITURE_ATTR = re.compile(
    r"(?:^|[\s_-])(?:menu|menus|navbar|nav|navigation|breadcrumbs?|poll|polls|vote|binh-?chon|binhchon|"
    r"tin-?khac|tinkhac|tin-?lien-?quan|tinlienquan|other-?news|othernews|related|lienquan|lien-?quan|"
    r"more-?news|share|sharing|social|comments?|binh-?luan|binhluan|weather|thoi-?tiet|thoitiet|"
    r"ads?|advert\w*|banner|quang-?cao|quangcao|sidebar|footer|site-?header|counter|thong-?ke|statistics?|"
    r"visitors?|tags?|widget|print|font-?size|cookie)(?:$|[\s_-])"
)
#: Headings of furniture blocks: the heading and the list after it are dropped.
FURNITURE_HEADING = re.compile(
    r"^\W*(?:tin khac|cac tin khac|tin lien quan|bai lien quan|tin da dua|tin cung chuyen muc|xem them|"
    r"doc them|other news|related( news| articles)?|more news|read more|binh chon|tham do y kien|"
    r"thong ke truy cap|lien ket website|chia se|binh luan|y kien ban doc)\W*$"
)
LIST_TAGS = frozenset("ul ol menu dl".split())


@dataclass
class _Node:
    tag: str
    attrs: dict = field(default_factory=dict)
    children: list = field(default_factory=list)  # _Node or str
    parent: _Node | None = None

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def link_text(self) -> str:
        if self.tag == "a":
            return self.text()
        return "".join(c.link_text() for c in self.children if isinstance(c, _Node))

    def count(self, tag: str) -> int:
        return sum((c.tag == tag) + c.count(tag) for c in self.children if isinstance(c, _Node))


class _TreeBuilder(HTMLParser):
    """A forgiving tree of the page: unclosed ``<p>``/``<li>`` and stray end tags are tolerated."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.current = self.root
        self.title = ""
        self._in_title = False
        self.meta_title = ""

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "meta" and attrs.get("property") in ("og:title", "twitter:title"):
            self.meta_title = self.meta_title or attrs.get("content", "")
        if tag == "title":
            self._in_title = True
        if tag in ("p", "li") and self.current.tag == tag:
            self.current = self.current.parent or self.root
        node = _Node(tag, attrs, parent=self.current)
        self.current.children.append(node)
        if tag not in VOID_TAGS:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(_Node(tag, {k: v or "" for k, v in attrs}, parent=self.current))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        if self._in_title:
            self.title += data
            return
        self.current.children.append(data)


def _is_furniture(node: _Node) -> bool:
    if node.tag == "header" and node.count("h1"):
        return False  # an article's own header, with its title
    if node.tag in SKIPPED_TAGS:
        return True
    if node.attrs.get("role") in ("navigation", "banner", "contentinfo", "complementary", "search"):
        return True
    if node.attrs.get("aria-hidden") == "true" or "hidden" in node.attrs:
        return True
    marks = fold(" ".join(node.attrs.get(k, "") for k in ("class", "id")))
    if marks and node.tag not in ("body", "html", "article", "main") and FURNITURE_ATTR.search(marks):
        return True
    return _is_link_dense(node)


def _is_link_dense(node: _Node) -> bool:
    """A list (or list-like block) that is mostly links: menus, "other news", tag clouds."""
    if node.tag not in LIST_TAGS and node.tag not in ("div", "section", "table", "td", "p"):
        return False
    links = node.count("a")
    if links < 3 and not (node.tag in LIST_TAGS and links >= 2):
        return False
    text = " ".join(node.text().split())
    link_text = " ".join(node.link_text().split())
    return bool(text) and len(link_text) >= 0.6 * len(text)


def _is_furniture_heading(node: _Node) -> bool:
    if node.tag not in HEADINGS and node.tag not in ("strong", "b", "p", "div", "span"):
        return False
    heading = fold(" ".join(node.text().split()))
    return bool(heading) and len(heading) < 60 and bool(FURNITURE_HEADING.match(heading))


def _opens_with_furniture_heading(node: _Node) -> bool:
    """A box whose first element is a heading such as "Bình chọn" or "Tin khác": the whole box goes."""
    if node.tag not in ("div", "section", "li", "td"):
        return False
    first = next((c for c in node.children if isinstance(c, _Node) or c.strip()), None)
    return isinstance(first, _Node) and _is_furniture_heading(first)


def _prune(node: _Node) -> None:
    kept: list = []
    drop_next_list = False
    for child in node.children:
        if isinstance(child, str):
            if child.strip():
                drop_next_list = False
            kept.append(child)
            continue
        if _is_furniture(child) or _opens_with_furniture_heading(child):
            continue
        if _is_furniture_heading(child):
            drop_next_list = True  # the list or block that follows the heading goes too
            continue
        if drop_next_list and (child.tag in LIST_TAGS or child.count("a") >= 2):
            continue
        drop_next_list = drop_next_list and not child.text().strip()
        _prune(child)
        kept.append(child)
    node.children = kept


def _render(node: _Node, out: list[str]) -> None:
    for child in node.children:
        if isinstance(child, str):
            out.append(child)
            continue
        if child.tag == "br":
            out.append("\n")
            continue
        block = child.tag in BLOCK_TAGS
        if block:
            out.append("\n\n" if child.tag not in ("br", "li", "tr", "td", "th", "dd", "dt") else "\n")
        if child.tag == "li":
            out.append("• ")
        _render(child, out)
        if block:
            out.append("\n\n" if child.tag not in ("br", "li", "td", "th") else "\n")
        elif child.tag in ("td", "th"):
            out.append(" ")


def normalize_text(text: str) -> str:
    """Tidy whitespace: one space between words, at most one blank line between paragraphs."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_text(html: str) -> tuple[str, str]:
    """(text, title) of an HTML page, with page furniture stripped."""
    builder = _TreeBuilder()
    builder.feed(html or "")
    builder.close()
    root = builder.root
    try:
        # The article itself, when the page marks it, else the whole body.
        main = _find(root, lambda n: n.tag == "article") or _find(root, lambda n: n.tag == "main") or root
        h1 = _find(main, lambda n: n.tag == "h1")
        title = " ".join((builder.meta_title or (h1.text() if h1 else "") or builder.title).split())
        _prune(main)
        out: list[str] = []
        _render(main, out)
    except RecursionError:  # absurdly deep markup: keep the words, lose the structure
        title, out = " ".join(builder.title.split()), [re.sub(r"<[^>]*>", " ", html)]
    return normalize_text("".join(out)), title


def _find(node: _Node, predicate) -> _Node | None:
    for child in node.children:
        if isinstance(child, _Node):
            if predicate(child):
                return child
            found = _find(child, predicate)
            if found is not None:
                return found
    return None


# --------------------------------------------------------------------------------------------------
# Intake
# --------------------------------------------------------------------------------------------------

_VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.I)


def _language(text: str) -> str:
    sample = text[:3000]
    letters = sum(ch.isalpha() for ch in sample) or 1
    return "vi" if len(_VIETNAMESE.findall(sample)) / letters > 0.02 else "en"
