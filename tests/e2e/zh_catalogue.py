"""Every diagnostic that can reach a workbook's Data_Quality sheet has a
Chinese text: each literal format passed to diag_add, diag_add_ent,
diag_add_at (and to the files' own wrappers around them) in the modules
below is an English key of the catalogue in src/msgzh.c. Run from the
source tree (the sources are read, not the program)."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checks  # noqa: E402

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src")

# Where the messages of a report's inputs and figures are made.
FILES = ["ingest.c", "allocate.c", "columns.c", "csvin.c", "hourly.c", "factors.c", "ledger.c", "cbamgoods.c",
         "parse.c", "report_xlsx.c", "cbamcost.c", "scenario.c"]
# The format's argument index (from 0) of each function that takes one.
FUNCS = {"diag_add": 5, "diag_add_ent": 3, "diag_add_at": 6}
WRAPPERS = {"ingest.c": {"row_error": 3, "row_warning": 4}, "csvin.c": {"fail": 3, "note": 1}}
# Functions of other files whose messages reach a workbook too (the rest of
# such a file speaks to the terminal only).
FUNCTIONS = {"cmd_report.c": ["direct_unused"]}
# Formats that never reach a workbook, with why. (None today: add here
# rather than leave a message out of the catalogue silently.)
ALLOWED = {}


def strip_comments(src):
    """src with comments blanked (newlines kept, so line numbers hold) and strings intact."""
    out, i, n = [], 0, len(src)
    while i < n:
        if src.startswith("/*", i):
            j = src.index("*/", i + 2) + 2
            out.append("\n" * src.count("\n", i, j))
            i = j
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src[i] in "\"'":
            j = skip_quoted(src, i)
            out.append(src[i:j])
            i = j
        else:
            out.append(src[i])
            i += 1
    return "".join(out)


def skip_quoted(src, i):
    """The index after the string or character literal that starts at i."""
    q, j = src[i], i + 1
    while src[j] != q:
        j += 2 if src[j] == "\\" else 1
    return j + 1


def call_args(src, i):
    """The arguments (as text) of the call whose '(' is at i."""
    depth, args, cur, j = 0, [], [], i
    while True:
        c = src[j]
        if c in "\"'":
            k = skip_quoted(src, j)
            cur.append(src[j:k])
            j = k
            continue
        if c in "([{":
            depth += 1
            if depth > 1:
                cur.append(c)
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append("".join(cur).strip())
                return args
            cur.append(c)
        elif c == "," and depth == 1:
            args.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        j += 1


LITERAL = re.compile(r'\s*"((?:[^"\\]|\\.)*)"\s*')
ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}


def literal(arg):
    """The text of an argument made only of adjacent string literals; None otherwise."""
    pos, parts = 0, []
    while pos < len(arg):
        m = LITERAL.match(arg, pos)
        if not m:
            return None
        parts.append(m.group(1))
        pos = m.end()
    if not parts:
        return None
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), "\\" + m.group(1)), "".join(parts))


def formats(path, funcs, only=None):
    """(line, function, format or None, argument text) of each call in path
    (only in the definitions of the functions named in only, if given)."""
    with open(path, encoding="utf-8") as f:
        src = strip_comments(f.read())
    spans = None
    if only is not None:
        spans = []
        for name in only:
            m = re.search(r"^\w[^;{}]*\b%s\s*\([^;{}]*\)\s*\{" % name, src, re.M)
            if m is None:
                raise SystemExit("%s: no definition of %s()" % (path, name))
            spans.append((m.end(), src.index("\n}\n", m.end())))
    for m in re.finditer(r"\b(%s)\s*\(" % "|".join(funcs), src):
        if spans is not None and not any(a <= m.start() < b for a, b in spans):
            continue
        args = call_args(src, m.end() - 1)
        k = funcs[m.group(1)]
        if len(args) <= k or re.match(r"(const\s+)?char\s*\*", args[k]):
            continue  # a declaration or definition
        yield src.count("\n", 0, m.start()) + 1, m.group(1), literal(args[k]), args[k]


def catalogue():
    """The English keys of src/msgzh.c's table."""
    with open(os.path.join(SRC, "msgzh.c"), encoding="utf-8") as f:
        src = strip_comments(f.read())
    table = src[src.index("table[] = {"):]
    keys = set()
    for m in re.finditer(r"\{(\s*\"(?:[^\"\\]|\\.)*\")+\s*,", table):
        keys.add(literal(m.group(0)[1:-1]))
    return keys


def main():
    t = Checks()
    keys = catalogue()
    t.ok(len(keys) > 150, "the catalogue was read (%d keys)" % len(keys))
    # The scanner itself: concatenated literals, a call over lines, a comment with a parenthesis.
    sample = 'x(); /* ( */ diag_add(dl, DIAG_ERROR, f, 1, 2,\n  "a \\"%s\\" "\n  "b", q);'
    open_tmp = os.path.join(os.environ.get("TMPDIR", "/tmp"), "zh_catalogue_%d.c" % os.getpid())
    with open(open_tmp, "w", encoding="utf-8") as f:
        f.write(sample)
    got = list(formats(open_tmp, FUNCS))
    os.unlink(open_tmp)
    t.ok(got == [(1, "diag_add", 'a "%s" b', '"a \\"%s\\" "\n  "b"')], "scanner: %r" % (got,))
    # Only the named function's calls when a file is read in part.
    with open(open_tmp, "w", encoding="utf-8") as f:
        f.write('static void a(int x)\n{\n    diag_add(dl, 0, f, 1, 2, "in a");\n}\n\n'
                'static void b(int x,\n              int y)\n{\n    diag_add(dl, 0, f, 1, 2, "in b");\n}\n')
    got = [fmt for _, _, fmt, _ in formats(open_tmp, FUNCS, ["b"])]
    os.unlink(open_tmp)
    t.ok(got == ["in b"], "scanner, one function: %r" % (got,))

    seen = 0
    for name in FILES + list(FUNCTIONS):
        funcs = dict(FUNCS)
        funcs.update(WRAPPERS.get(name, {}))
        only = FUNCTIONS.get(name)
        found = 0
        for line, func, fmt, raw in formats(os.path.join(SRC, name), funcs, only):
            found += 1
            where = "src/%s:%d: %s" % (name, line, func)
            if fmt is None:
                t.ok(False, "%s: the format is not a string literal (%s): the catalogue cannot check it" % (where, raw))
            elif fmt in ALLOWED:
                t.ok(True, where)
            else:
                t.ok(fmt in keys, "%s: no Chinese for \"%s\" in src/msgzh.c" % (where, fmt))
        seen += found
        if only is not None:
            t.ok(found > 0, "src/%s: calls found in %s" % (name, ", ".join(only)))
    t.ok(seen > 150, "the sources were read (%d calls)" % seen)
    t.finish()


main()
