#!/usr/bin/env python3
"""Check that every YAML file under OUT_DIR means the same to YAML 1.1 and 1.2 readers.

Usage: check_yaml11.py OUT_DIR

Helm and Helmsman read YAML with Go's YAML 1.1 rules, where unquoted `on`,
`yes`, `0755` or `1:20` are not strings. Each *.yaml (and *.yml) file under
OUT_DIR is loaded with PyYAML's yaml.safe_load_all (YAML 1.1) and with
ruamel.yaml's YAML(typ='safe', pure=True) (YAML 1.2), and the two results
must be equal, with exactly the same Python type at every node (bool is not
accepted for int). Also failures, although both readers agree:

  * a timestamp (date or datetime): envspec's output has no timestamps, an
    unquoted 2024-01-01 is a string that lost its quotes;
  * a number whose text does not survive the trip: `1.10` is read as 1.1 by
    every reader, `0.50` as 0.5, `1_000` as 1000; a string that lost its
    quotes (a version, an id) looks like this;
  * an unquoted y, Y, n or N: PyYAML reads a string, but Go's YAML 1.1 reader
    (go-yaml v2, which Helm reads values with) reads a bool.

Every mismatch is printed with its file and key path. Exit status 1 if there is
any, or if OUT_DIR holds no YAML file; 0 otherwise, after printing
`N files read identically by YAML 1.1 and YAML 1.2 readers`.
"""

import datetime
import math
import re
import sys
from pathlib import Path

try:
    import yaml
    from ruamel.yaml import YAML
except ImportError as e:
    sys.exit(
        "check_yaml11.py: %s (Python %s); run this script with the Python of the venv "
        "that scripts/install-test-tools.sh makes" % (e, sys.executable)
    )

V11 = "YAML 1.1 (PyYAML)"
V12 = "YAML 1.2 (ruamel.yaml)"
GO_V2_BOOLS = {"y", "Y", "n", "N"}
CANONICAL_INT = re.compile(r"-?(0|[1-9][0-9]*)\Z")
SPECIAL_FLOATS = {".nan", ".inf", "-.inf"}
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"


def plural(n, noun):
    return "%d %s%s" % (n, noun, "" if n == 1 else "s")


def show(value):
    return "%s %r" % (type(value).__name__, value)


def key_text(key):
    if isinstance(key, str) and re.fullmatch(r"[A-Za-z0-9_\-/]+", key):
        return key
    return "[%r]" % (key,)


def join(path, key):
    """Path of a mapping's value: apps.web, env[0].value, [True]."""
    k = key_text(key)
    if not path:
        return k
    return path + ("" if k.startswith("[") else ".") + k


def item(path, i):
    """Path of a sequence's item: env[0]."""
    return "%s[%d]" % (path, i)


def at(path):
    return path or "(document root)"


def same_scalar(a, b):
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a == b


def compare(a, b, path, out):
    """Append to out a message for every place where a (1.1) and b (1.2) differ."""
    if type(a) is not type(b):
        out.append("%s: %s reads %s, %s reads %s" % (at(path), V11, show(a), V12, show(b)))
        return
    if isinstance(a, dict):
        ka, kb = list(a), list(b)
        if len(ka) == len(kb):
            # Both loaders keep the document's order, so keys pair up by position.
            for x, y in zip(ka, kb):
                if type(x) is not type(y) or not same_scalar(x, y):
                    out.append("%s: key read as %s by %s, as %s by %s"
                               % (at(join(path, y)), show(x), V11, show(y), V12))
                compare(a[x], b[y], join(path, y), out)
        else:
            only11 = [show(k) for k in ka if not any(type(k) is type(j) and k == j for j in kb)]
            only12 = [show(k) for k in kb if not any(type(k) is type(j) and k == j for j in ka)]
            out.append("%s: %d keys for %s, %d for %s (only in 1.1: %s; only in 1.2: %s)" % (
                at(path), len(ka), V11, len(kb), V12,
                ", ".join(only11) or "-", ", ".join(only12) or "-"))
            for x in ka:
                for y in kb:
                    if type(x) is type(y) and x == y:
                        compare(a[x], b[y], join(path, y), out)
    elif isinstance(a, (list, tuple)):
        if len(a) != len(b):
            out.append("%s: %s reads %d items, %s reads %d" % (at(path), V11, len(a), V12, len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, item(path, i), out)
    elif not same_scalar(a, b):
        out.append("%s: %s reads %s, %s reads %s" % (at(path), V11, show(a), V12, show(b)))


def timestamps(value, path, out):
    """Report dates and datetimes in data (from either reader)."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        out.append("%s: read as a timestamp (%s); quote it if it is a string" % (at(path), show(value)))
    elif isinstance(value, dict):
        for k, v in value.items():
            timestamps(k, join(path, k), out)
            timestamps(v, join(path, k), out)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            timestamps(v, item(path, i), out)


def plain_scalar_traps(node, path, out):
    """Walk PyYAML's node tree for plain scalars whose meaning is fragile."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else "<complex key>"
            plain_scalar_traps(k, join(path, key), out)
            plain_scalar_traps(v, join(path, key), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            plain_scalar_traps(v, item(path, i), out)
    elif isinstance(node, yaml.ScalarNode) and node.style is None:
        text = node.value
        if text in GO_V2_BOOLS:
            out.append("%s: unquoted %r is a string for PyYAML but a bool for Go's YAML 1.1 "
                       "reader (go-yaml v2, used by Helm); quote it" % (at(path), text))
        elif node.tag == INT_TAG and not CANONICAL_INT.match(text):
            out.append("%s: unquoted %r is read as the number %s, which does not print back "
                       "the same; quote it if it is a string" % (at(path), text, _number(node)))
        elif node.tag == FLOAT_TAG and text not in SPECIAL_FLOATS and repr(_number(node)) != text:
            out.append("%s: unquoted %r is read as the number %s, which does not print back "
                       "the same; quote it if it is a string" % (at(path), text, _number(node)))


def _number(node):
    # A plain scalar resolved as int or float is digits and signs only, so it
    # reads the same as a document of its own.
    return yaml.safe_load(node.value)


def check_file(path):
    problems = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        return ["not UTF-8: %s" % e]
    try:
        d11 = list(yaml.safe_load_all(text))
    except yaml.YAMLError as e:
        problems.append("%s cannot read it: %s" % (V11, " ".join(str(e).split())))
        d11 = None
    try:
        d12 = list(YAML(typ="safe", pure=True).load_all(text))
    except Exception as e:  # ruamel.yaml's errors share no single base class
        problems.append("%s cannot read it: %s" % (V12, " ".join(str(e).split())))
        d12 = None
    if d11 is None or d12 is None:
        return problems

    many = len(d11) > 1 or len(d12) > 1
    if len(d11) != len(d12):
        problems.append("%s reads %d documents, %s reads %d" % (V11, len(d11), V12, len(d12)))
    for i, (a, b) in enumerate(zip(d11, d12)):
        root = "(document %d)" % (i + 1) if many else ""
        compare(a, b, root, problems)
        timestamps(a, root, problems)
        if type(b) is not type(a):
            timestamps(b, root, problems)
    for i, node in enumerate(yaml.compose_all(text)):
        plain_scalar_traps(node, "(document %d)" % (i + 1) if many else "", problems)
    # The same place can be reported by two rules; keep each message once.
    return list(dict.fromkeys(problems))


def main(argv):
    if len(argv) != 2:
        print("usage: check_yaml11.py OUT_DIR", file=sys.stderr)
        return 2
    out_dir = Path(argv[1])
    if not out_dir.is_dir():
        print("check_yaml11.py: %s is not a directory" % out_dir, file=sys.stderr)
        return 1
    files = sorted(p for p in out_dir.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        print("check_yaml11.py: FAIL: no *.yaml file under %s: nothing to check" % out_dir,
              file=sys.stderr)
        return 1
    bad = 0
    for f in files:
        problems = check_file(f)
        if problems:
            bad += 1
            for p in problems:
                print("%s: %s" % (f, p))
    if bad:
        print("check_yaml11.py: %s of %s not read identically by YAML 1.1 and YAML 1.2 readers"
              % (bad, plural(len(files), "file")))
        return 1
    print("%s read identically by YAML 1.1 and YAML 1.2 readers" % plural(len(files), "file"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
