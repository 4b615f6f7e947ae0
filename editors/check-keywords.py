#!/usr/bin/env python3
"""Every editor knows every keyword of the grammar, and no other.

The keywords are the `kw_*` rules of grammar/envspec.pest (declarations,
`deploy`, `in`, `via`) and the words of its `keyword` rule (`and`, `or`,
`not`, `in`, `true`, `false`). A grammar change that an editor misses fails
here:

  - VS Code: a rule of the TextMate grammar whose scope is `keyword.*` (or
    `constant.language.*` for booleans) matches the word;
  - tree-sitter: grammar.js has the word as a token, queries/highlights.scm
    highlights it (booleans through their `boolean` node), and grammar.js has
    no word token the grammar lacks;
  - Vim: a `syn` definition of the syntax file names the word;
  - Emacs: the keyword lists of envspec-mode.el, from which its font-lock
    keywords are built, hold the word, and no word the grammar lacks.

A last check runs the same comparison against the grammar plus an invented
keyword and expects every editor to miss it, so the checks cannot pass by
accident. Prints TAP lines; exits 1 on a failure.
"""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEST = ROOT / "grammar" / "envspec.pest"
TEXTMATE = ROOT / "editors" / "vscode" / "syntaxes" / "envspec.tmLanguage.json"
TS_GRAMMAR = ROOT / "editors" / "tree-sitter" / "grammar.js"
TS_HIGHLIGHTS = ROOT / "editors" / "tree-sitter" / "queries" / "highlights.scm"
VIM = ROOT / "editors" / "vim" / "syntax" / "envspec.vim"
EMACS = ROOT / "editors" / "emacs" / "envspec-mode.el"

BOOLEANS = {"true", "false"}


def grammar_keywords(pest_text):
    """The kw_* words and the words of the `keyword` rule."""
    words = set(re.findall(r'^kw_\w+\s*=\s*@\{\s*"([A-Za-z_]+)"', pest_text, re.M))
    rule = re.search(r"^keyword\s*=\s*_?\{(.*?)\}\s*$", pest_text, re.M)
    if rule:
        words |= set(re.findall(r'"([A-Za-z_]+)"', rule.group(1)))
    return words


def whole(word, text):
    return re.search(r"(?<![A-Za-z0-9_])" + re.escape(word) + r"(?![A-Za-z0-9_])", text) is not None


# ---- VS Code ----------------------------------------------------------------------

def textmate_rules(node):
    """(regex sources, scope names) of every rule in the TextMate grammar."""
    if isinstance(node, dict):
        regexes = [node[k] for k in ("match", "begin") if isinstance(node.get(k), str)]
        if regexes:
            scopes = []
            if isinstance(node.get("name"), str):
                scopes.append(node["name"])
            for key in ("captures", "beginCaptures"):
                for capture in (node.get(key) or {}).values():
                    if isinstance(capture, dict) and isinstance(capture.get("name"), str):
                        scopes.append(capture["name"])
            yield regexes, scopes
        for value in node.values():
            yield from textmate_rules(value)
    elif isinstance(node, list):
        for value in node:
            yield from textmate_rules(value)


def textmate_missing(words):
    grammar = json.loads(TEXTMATE.read_text(encoding="utf-8"))
    rules = list(textmate_rules(grammar))
    missing = []
    for word in sorted(words):
        prefixes = ("constant.language.",) if word in BOOLEANS else ("keyword.",)
        if not any(
            any(s.startswith(prefixes) for s in scopes) and any(whole(word, r) for r in regexes)
            for regexes, scopes in rules
        ):
            missing.append(word)
    return missing


# ---- tree-sitter ----------------------------------------------------------------------

def tree_sitter_missing(words):
    source = TS_GRAMMAR.read_text(encoding="utf-8")
    highlights = TS_HIGHLIGHTS.read_text(encoding="utf-8")
    literals = set(re.findall(r"""['"]([A-Za-z_]+)['"]""", source))
    missing = [w for w in sorted(words) if w not in literals]
    missing += [f"{w} (highlights.scm)" for w in sorted(words - BOOLEANS) if f'"{w}"' not in highlights]
    if "(boolean)" not in highlights:
        missing.append("booleans (highlights.scm)")
    return missing


def tree_sitter_extra(words):
    source = TS_GRAMMAR.read_text(encoding="utf-8")
    # Word tokens: string literals of the grammar, but not the grammar's
    # `name:` or the names given to `field(...)`.
    literals = set()
    for m in re.finditer(r"""['"]([a-z_]+)['"]""", source):
        before = source[:m.start()].rstrip()
        if not before.endswith(("field(", ":")):
            literals.add(m.group(1))
    return sorted(literals - words)


# ---- Vim ------------------------------------------------------------------------------

def vim_missing(words):
    lines = [l for l in VIM.read_text(encoding="utf-8").splitlines()
             if re.match(r"\s*(syn\s|call s:Match\()", l)]
    return [w for w in sorted(words) if not any(whole(w, l) for l in lines)]


# ---- Emacs ------------------------------------------------------------------------------

def lisp_form(text, start):
    """The balanced form that starts at index start (naive about strings, enough here)."""
    depth = 0
    in_string = False
    i = start
    while i < len(text):
        c = text[i]
        if in_string:
            if c == "\\":
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
        i += 1
    return text[start:]


EMACS_LISTS = (
    "envspec-declaration-keywords",
    "envspec-block-keywords",
    "envspec-operator-keywords",
    "envspec-constant-keywords",
)


def emacs_lists():
    """The words of the keyword lists, and the source of the font-lock keywords."""
    text = EMACS.read_text(encoding="utf-8")
    words = set()
    for name in EMACS_LISTS:
        at = text.find(f"(defconst {name}")
        quoted = re.search(r"'\(([^)]*)\)", lisp_form(text, at)) if at >= 0 else None
        if not quoted:
            raise SystemExit(f"{EMACS}: no list in defconst {name}")
        words |= set(re.findall(r'"([A-Za-z_]+)"', quoted.group(1)))
    at = text.find("(defconst envspec-font-lock-keywords")
    return words, lisp_form(text, at) if at >= 0 else ""


def emacs_missing(words):
    listed, font_lock = emacs_lists()
    missing = [w for w in sorted(words) if w not in listed]
    missing += [f"{name} (not used by the font-lock keywords)" for name in EMACS_LISTS if name not in font_lock]
    return missing


def emacs_extra(words):
    listed, _ = emacs_lists()
    return sorted(listed - words)


# ---- main ----------------------------------------------------------------------------

EDITORS = [
    ("VS Code TextMate grammar", textmate_missing),
    ("tree-sitter grammar and highlights", tree_sitter_missing),
    ("Vim syntax", vim_missing),
    ("Emacs mode", emacs_missing),
]


def main():
    results = []

    def record(name, problems):
        results.append(not problems)
        print(f"{'ok' if not problems else 'not ok'} {len(results)} - {name}")
        for p in problems:
            print(f"  # {p}")

    pest = PEST.read_text(encoding="utf-8")
    words = grammar_keywords(pest)
    kw_rules = re.findall(r"^(kw_\w+)\s*=", pest, re.M)
    record(
        f"grammar/envspec.pest: {len(kw_rules)} kw_* rules, {len(words)} keywords ({', '.join(sorted(words))})",
        [] if kw_rules and len(words) >= len(kw_rules) else ["no keywords found: has the grammar changed shape?"],
    )
    for name, missing in EDITORS:
        record(f"{name} knows every keyword of the grammar", [f"missing: {w}" for w in missing(words)])
    record("tree-sitter grammar.js has no keyword the grammar lacks", [f"extra: {w}" for w in tree_sitter_extra(words)])
    record("Emacs keyword lists hold no keyword the grammar lacks", [f"extra: {w}" for w in emacs_extra(words)])

    invented = "frobnicate"
    changed = grammar_keywords(pest + f'\nkw_{invented} = @{{ "{invented}" ~ !identifier_char }}\n')
    record(
        "a keyword added to the grammar is reported missing by every editor check",
        [f"{name} did not notice `{invented}`" for name, missing in EDITORS
         if not any(m.startswith(invented) for m in missing(changed))],
    )

    failed = results.count(False)
    print(f"1..{len(results)}")
    print(f"# {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
