"""Write the guides (docs/*.md) as antsibull-docs extra docs (docs/docsite/rst/*.rst).

The Markdown files are the source: README.md links them and forges render
them. antsibull-docs reads only reStructuredText from docs/docsite/rst/, so
this script converts each guide into one .rst file there (the sections and
their order are in docs/docsite/extra-docs.yml). Run it after editing a guide;
scripts/docs.sh runs it with --check, which fails when an .rst file is stale.

    .venv/bin/python scripts/docsite.py [--check]

Covers the Markdown the guides use: headings, paragraphs, lists, tables,
fenced code, inline code, emphasis, links (to other guides or http(s)).
Anything else is an error, so nothing is dropped silently. Needs
markdown-it-py (in .venv through ansible-lint's dependency rich).
"""

import argparse
import sys
import unicodedata
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "docs"
DEST = ROOT / "docs" / "docsite" / "rst"
LABEL = "ansible_collections.hacluster.pacemaker.docsite.%s"
UNDERLINE = {1: "=", 2: "-", 3: "~", 4: "^"}
HEADER = """..
  Generated from docs/{name}.md by scripts/docsite.py: edit the Markdown file
  and rerun the script instead of editing this file.

.. _{label}:

"""


class Unsupported(Exception):
    pass


# Unicode categories of punctuation allowed before a start-string / after an end-string
_BEFORE = ("Ps", "Pi", "Pf", "Pd", "Po")
_AFTER = ("Pe", "Pi", "Pf", "Pd", "Po")


def _may_precede_markup(char):
    """docutils' rule for the character before an inline markup start-string."""
    return char.isspace() or char in "-:/'\"<([{" or unicodedata.category(char) in _BEFORE


def _may_follow_markup(char):
    """docutils' rule for the character after an inline markup end-string."""
    return char.isspace() or char in "-.,:;!?\\/'\")]}>" or unicodedata.category(char) in _AFTER


def escape(text):
    out = []
    for i, char in enumerate(text):
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if char in "\\*`|" or (char == "_" and not nxt.isalnum()):
            out.append("\\")
        out.append(char)
    return "".join(out)


class Inline:
    """Inline content as a list of (is_markup, text) pieces; join() inserts the
    escaped space RST needs where markup touches a word character."""

    def __init__(self, name):
        self.name = name
        self.pieces = []

    def render(self, node):
        for child in node.children:
            kind = child.type
            if kind == "text":
                self.pieces.append((False, escape(child.content)))
            elif kind in ("softbreak", "hardbreak"):
                self.pieces.append((False, "\n"))
            elif kind == "code_inline":
                code = child.content
                if "``" in code or code != code.strip("` "):  # RST cannot quote these
                    raise Unsupported("inline code %r" % code)
                self.pieces.append((True, "``%s``" % code))
            elif kind in ("strong", "em"):
                mark = "**" if kind == "strong" else "*"
                self.pieces.append((True, mark + escape(plain(child)).strip() + mark))
            elif kind == "link":
                self.pieces.append((True, self.link(child)))
            else:
                raise Unsupported("inline %s" % kind)
        return self

    def link(self, node):
        href = node.attrs["href"]
        text = plain(node)
        if href.startswith(("http://", "https://")):
            return "`%s <%s>`__" % (escape(text).replace("<", "\\<"), href)
        target = Path(href)
        if target.suffix != ".md" or target.parent != Path(".") or "#" in href:
            raise Unsupported("link to %s (only other guides and http(s) URLs)" % href)
        if not (SOURCE / target).is_file():
            raise Unsupported("link to a missing guide %s" % href)
        label = LABEL % target.stem
        if text == href:  # [awx.md](awx.md): the guide's title
            return ":ref:`%s`" % label
        return ":ref:`%s <%s>`" % (text.replace("<", "\\<").replace("`", ""), label)

    def join(self):
        out = ""
        after_markup = False
        for is_markup, text in self.pieces:
            if not text:
                continue
            if is_markup and out and not _may_precede_markup(out[-1]):
                out += "\\ "
            elif not is_markup and after_markup and not _may_follow_markup(text[0]):
                out += "\\ "
            out += text
            after_markup = is_markup
        return out


def plain(node):
    """The text of an inline node without its markup (for link texts, emphasis)."""
    if node.type in ("text", "code_inline"):
        return node.content
    if node.type in ("softbreak", "hardbreak"):
        return " "
    return "".join(plain(child) for child in node.children)


def inline(node, name):
    return Inline(name).render(node).join()


def indent(lines, first, rest):
    out = []
    for i, line in enumerate(lines):
        prefix = first if i == 0 else rest
        out.append(prefix + line if line else "")
    return out


def blocks(nodes, name):
    """Render block nodes into lines, blocks separated by one blank line."""
    out = []
    for node in nodes:
        lines = block(node, name)
        if out and lines:
            out.append("")
        out.extend(lines)
    return out


def block(node, name):
    kind = node.type
    if kind == "heading":
        text = inline(node.children[0], name).replace("\n", " ")
        return [text, UNDERLINE[int(node.tag[1])] * len(text)]
    if kind == "paragraph":
        return inline(node.children[0], name).split("\n")
    if kind == "fence":
        lang = node.info.strip() or "text"
        code = node.content.rstrip("\n").split("\n")
        return [".. code-block:: %s" % lang, ""] + indent(code, "   ", "   ")
    if kind in ("bullet_list", "ordered_list"):
        out = []
        number = int(node.attrs.get("start", 1))
        for item in node.children:
            marker = "- " if kind == "bullet_list" else "%d. " % number
            number += 1
            lines = blocks(item.children, name)
            if out:
                out.append("")
            out.extend(indent(lines, marker, " " * len(marker)))
        return out
    if kind == "table":
        rows = []
        for section in node.children:  # thead, tbody
            for row in section.children:
                cells = [
                    inline(cell.children[0], name) if cell.children else "" for cell in row.children
                ]
                rows.append([cell.replace("\n", " ") for cell in cells])
        out = [".. list-table::", "   :header-rows: 1", ""]
        for row in rows:
            for i, cell in enumerate(row):
                out.append(("   * - " if i == 0 else "     - ") + cell)
        return [line.rstrip() for line in out]
    raise Unsupported("block %s" % kind)


def convert(path):
    md = MarkdownIt("commonmark").enable("table")
    tree = SyntaxTreeNode(md.parse(path.read_text(encoding="utf-8")))
    if not tree.children or tree.children[0].type != "heading" or tree.children[0].tag != "h1":
        raise Unsupported("the guide does not start with a level-1 heading")
    body = blocks(tree.children, path.stem)
    return HEADER.format(name=path.stem, label=LABEL % path.stem) + "\n".join(body) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; fail if an .rst file is stale"
    )
    args = parser.parse_args()
    wanted = {}
    for path in sorted(SOURCE.glob("*.md")):
        try:
            wanted[DEST / (path.stem + ".rst")] = convert(path)
        except Unsupported as exc:
            sys.exit("docsite: %s: %s" % (path.relative_to(ROOT), exc))
    present = set(DEST.glob("*.rst"))
    stale = [p for p, text in wanted.items() if not p.is_file() or p.read_text("utf-8") != text]
    extra = sorted(present - set(wanted))
    if args.check:
        for path in stale + extra:
            print("docsite: %s is stale" % path.relative_to(ROOT), file=sys.stderr)
        if stale or extra:
            sys.exit("docsite: run .venv/bin/python scripts/docsite.py (docs/*.md changed)")
        return
    DEST.mkdir(parents=True, exist_ok=True)
    for path in stale:
        path.write_text(wanted[path], encoding="utf-8")
        print("docsite: wrote %s" % path.relative_to(ROOT))
    for path in extra:
        path.unlink()
        print("docsite: removed %s (no docs/%s.md)" % (path.relative_to(ROOT), path.stem))


if __name__ == "__main__":
    main()
