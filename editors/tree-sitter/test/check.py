#!/usr/bin/env python3
"""Checks of the tree-sitter grammar beyond `tree-sitter test`.

  - the committed parser (src/) is what `tree-sitter generate` makes of grammar.js;
  - `tree-sitter test` (corpus and highlight tests) passes, one TAP line per test;
  - the fixture and every example parse without ERROR or MISSING nodes;
  - in those files every character that is not white space is highlighted, and
    no node gets two different captures;
  - the query files compile against the grammar;
  - envspec itself agrees with the corpus: a corpus input parses with envspec
    (no E0101) exactly when it is not marked `:error`.

Prints TAP lines (`ok N - ...` / `not ok N - ...`). Environment:
  TREE_SITTER  the tree-sitter CLI (default: `tree-sitter` on PATH)
  ENVSPEC      the envspec binary; the envspec agreement check fails without it
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GRAMMAR = HERE.parent
ROOT = GRAMMAR.parent.parent
FIXTURE = ROOT / "editors" / "fixtures" / "all-constructs.env"
TREE_SITTER = os.environ.get("TREE_SITTER", "tree-sitter")
ENVSPEC = os.environ.get("ENVSPEC")
ANSI = re.compile(r"\x1b\[[0-9;]*m")

results = []


def record(name, ok, detail=""):
    results.append((name, ok, detail))
    n = len(results)
    print(f"{'ok' if ok else 'not ok'} {n} - {name}", flush=True)
    if not ok and detail:
        for line in detail.rstrip().splitlines()[:60]:
            print(f"  # {line}")


def spec_files():
    """The fixture and every non-hidden *.env file below examples/, outside `out`."""
    found = []
    for dirpath, dirnames, filenames in os.walk(ROOT / "examples"):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "out")
        found += [Path(dirpath) / f for f in filenames if f.endswith(".env") and not f.startswith(".")]
    return [FIXTURE] + sorted(found)


def ts(*args, cwd=GRAMMAR):
    return subprocess.run([TREE_SITTER, *args], cwd=cwd, capture_output=True, text=True)


def rel(path):
    return os.path.relpath(path, ROOT)


# ---- the generated parser is up to date ----------------------------------------

def check_generated():
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("grammar.js", "tree-sitter.json"):
            shutil.copy(GRAMMAR / name, tmp)
        # The QuickJS runtime built into the CLI evaluates grammar.js: no node
        # needed, and the output is the same as with node.
        run = ts("generate", "--abi", "14", "--js-runtime", "native", cwd=tmp)
        if run.returncode != 0:
            record("src/ is generated from grammar.js", False, run.stdout + run.stderr)
            return
        fresh = sorted(p.relative_to(tmp) for p in Path(tmp, "src").rglob("*") if p.is_file())
        committed = sorted(p.relative_to(GRAMMAR) for p in (GRAMMAR / "src").rglob("*") if p.is_file())
        stale = [str(p) for p in fresh if not (GRAMMAR / p).exists() or (GRAMMAR / p).read_bytes() != Path(tmp, p).read_bytes()]
        extra = [str(p) for p in committed if not Path(tmp, p).exists()]
        record(
            "src/ is generated from grammar.js (tree-sitter generate --abi 14)",
            not stale and not extra,
            f"differs: {stale}; not generated: {extra}; run `tree-sitter generate --abi 14` in editors/tree-sitter",
        )


# ---- tree-sitter test ------------------------------------------------------------

def check_tree_sitter_test():
    run = ts("test")
    out = ANSI.sub("", run.stdout + run.stderr)
    cases = re.findall(r"^\s*\d+\.\s+([✓✗])\s+(.*?)\s*$", out, re.M)
    if not cases:
        record("tree-sitter test ran", False, out)
        return
    for mark, name in cases:
        record(f"tree-sitter test: {name}", mark == "✓", out if mark != "✓" else "")
    if run.returncode != 0 and all(mark == "✓" for mark, _ in cases):
        record("tree-sitter test exits 0", False, out)


# ---- parsing and highlighting the spec files --------------------------------------

def check_parses(files):
    for path in files:
        run = ts("parse", "--no-ranges", str(path))
        tree = run.stdout
        bad = [m for m in ("ERROR", "MISSING", "UNEXPECTED") if m in tree]
        record(
            f"{rel(path)}: parses without ERROR or MISSING nodes",
            run.returncode == 0 and not bad,
            (run.stderr + "\n" + "\n".join(l for l in tree.splitlines() if any(m in l for m in bad)))[-4000:],
        )


CAPTURE = re.compile(r"capture: \d+ - ([\w.]+), start: \((\d+), (\d+)\), end: \((\d+), (\d+)\)")


def check_highlight_coverage(files):
    for path in files:
        run = ts("query", "--captures", "queries/highlights.scm", str(path))
        if run.returncode != 0:
            record(f"{rel(path)}: highlights.scm runs", False, run.stderr)
            continue
        lines = path.read_text(encoding="utf-8").split("\n")
        covered = [bytearray(len(l.encode("utf-8"))) for l in lines]
        by_range = {}
        for name, sr, sc, er, ec in CAPTURE.findall(run.stdout):
            sr, sc, er, ec = int(sr), int(sc), int(er), int(ec)
            by_range.setdefault((sr, sc, er, ec), set()).add(name)
            for row in range(sr, er + 1):
                start = sc if row == sr else 0
                end = ec if row == er else len(covered[row])
                for col in range(start, end):
                    covered[row][col] = 1
        gaps = []
        for row, line in enumerate(lines):
            raw = line.encode("utf-8")
            for col, byte in enumerate(raw):
                if not covered[row][col] and chr(byte) not in " \t\r\ufeff":
                    gaps.append(f"{row + 1}:{col + 1} {raw[col:col + 20].decode('utf-8', 'replace')!r}")
                    break
        twice = [f"{r[0] + 1}:{r[1] + 1}-{r[2] + 1}:{r[3] + 1} {sorted(n)}" for r, n in by_range.items() if len(n) > 1]
        record(
            f"{rel(path)}: every non-blank character is highlighted",
            not gaps,
            "first unhighlighted character per line:\n" + "\n".join(gaps[:40]),
        )
        record(f"{rel(path)}: no node has two different captures", not twice, "\n".join(twice[:40]))


def check_queries():
    for query in sorted((GRAMMAR / "queries").glob("*.scm")):
        run = ts("query", "--quiet", str(query), str(FIXTURE))
        record(f"queries/{query.name} compiles against the grammar", run.returncode == 0, run.stdout + run.stderr)


# ---- envspec agrees with the corpus ---------------------------------------------

HEADER = re.compile(r"^={3,}\n(.*?)\n((?::[^\n]*\n)*)={3,}\n(.*?)\n-{3,}\n", re.M | re.S)


def corpus_cases():
    for corpus in sorted((GRAMMAR / "test" / "corpus").glob("*.txt")):
        text = corpus.read_text(encoding="utf-8")
        for m in HEADER.finditer(text):
            title, attributes, body = m.group(1).strip(), m.group(2), m.group(3)
            yield corpus.name, title, ":error" in attributes, body.strip("\n") + "\n"


def check_envspec_agrees():
    if not ENVSPEC:
        record("envspec agrees with the corpus", False, "set ENVSPEC to the envspec binary (editors/test.sh does)")
        return
    cases = list(corpus_cases())
    if not cases:
        record("corpus cases found", False)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for i, (corpus, title, is_error, body) in enumerate(cases):
            spec = Path(tmp, f"case{i}")
            spec.mkdir()
            (spec / "input.env").write_text(body, encoding="utf-8")
            run = subprocess.run(
                [ENVSPEC, "--format", "json", "--color", "never", "build", str(spec), "-o", str(Path(tmp, f"out{i}"))],
                capture_output=True,
                text=True,
            )
            codes = []
            for line in (run.stdout + run.stderr).splitlines():
                if line.startswith("{"):
                    try:
                        codes.append(json.loads(line).get("code"))
                    except json.JSONDecodeError:
                        pass
            syntax_error = "E0101" in codes
            record(
                f"envspec agrees with {corpus}: {title} ({'a syntax error' if is_error else 'parses'})",
                syntax_error == is_error,
                f"envspec reported {codes or 'nothing'} (exit {run.returncode})\n{run.stderr[-2000:]}",
            )


def main():
    files = spec_files()
    check_generated()
    check_tree_sitter_test()
    check_parses(files)
    check_highlight_coverage(files)
    check_queries()
    check_envspec_agrees()
    failed = sum(1 for _, ok, _ in results if not ok)
    print(f"1..{len(results)}")
    print(f"# {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
