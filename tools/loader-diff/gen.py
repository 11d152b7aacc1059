#!/usr/bin/env python3
"""Generated kustomize targets that stress the YAML loader, for the differential
run against kustomize v5.5.0 (scripts/diff-loader.sh). Development aid.

Each case is a directory with a kustomization.yaml and one or two resource
files whose text varies what a YAML reader can get wrong: scalar styles
(plain, single and double quoted, literal and folded with every chomping and
indentation indicator), trailing whitespace and blank lines, CRLF and lone CR
line ends, a missing final newline, BOMs, tabs, document markers (`---`,
`...`), comments at the end of the file, null and empty values in metadata
maps and elsewhere, anchors, aliases and merge keys, odd keys.

Case i of seed S is generated from its own random stream ("S-i"), so one case
can be regenerated alone and N only adds cases.

usage: gen.py OUT_DIR N SEED     (writes OUT_DIR/<case>/..., prints one JSON line per case)
"""
import json
import os
import random
import sys


class Case:
    def __init__(self, rng):
        self.r = rng
        self.features = set()

    # -- helpers ---------------------------------------------------------
    def maybe(self, p):
        return self.r.random() < p

    def pick(self, xs):
        return self.r.choice(xs)

    def feat(self, name):
        self.features.add(name)


# Words for scalar content: YAML indicators, things yaml.v3 resolves to other
# types, non-ASCII, characters that need escaping.
WORDS = [
    "hello", "world", "a b", "x:y", "x: y", "#hash", "a #c", "- dash", "-x", "tab\there",
    "ünï", "日本", "😀", "'q'", '"dq"', "back\\slash", "{brace}", "[br]", "%p", "@a",
    "`b", "&anc", "*ali", "!tag", "|", ">", "?", ":", ",", "0755", "yes", "no", "on",
    "null", "~", "true", "False", "1e3", "1.0", ".5", "0x1F", "0o17", "1_000", "+1",
    "-2", "2001-12-14", "2001-12-14T21:59:43.10-05:00", "12:30:00", ".inf", ".NaN",
    "=", "<<", "---", "...", "a  b", " lead", "trail ", "", "a\\nb", "%", "é",
]
# Plain scalars that are valid on one line as a mapping value.
PLAIN = [
    "hello", "a b", "x:y", "a#b", "0755", "yes", "no", "on", "off", "y", "n", "null",
    "Null", "NULL", "~", "true", "True", "TRUE", "false", "1e3", "1E3", "1.0", ".5",
    "5.", "0x1F", "0X1f", "0o17", "0b101", "1_000", "+1", "-2", "-0", "0", "00",
    "007", "08", "0.0", "-.5", "1e-3", "6.8523015e+5", "685_230.15", "190:20:30",
    "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
    "2002-1-1", "12:30", ".inf", "-.Inf", ".nan", ".NaN", "9223372036854775807",
    "9223372036854775808", "-9223372036854775808", "18446744073709551616",
    "1.7976931348623157e309", "ünï", "😀", "a'b", 'a"b', "http://x/y?z=1#f",
    "-x", "?x", ":x", "a:", "x- y", "%p", "a,b", "a]b", "a}b", "<<", "=", "!",
]


def block_scalar(c, indent, at_eof_hint):
    """A literal or folded block scalar: header and content lines."""
    style = c.pick("|>")
    chomp = c.pick(["", "", "-", "+"])
    c.feat(f"block {style}{chomp or 'clip'}")
    step = c.pick([2, 2, 2, 1, 3, 4])
    ind_ind = ""
    if c.maybe(0.25):
        ind_ind = str(step)
        c.feat("indentation indicator")
    header = style + (ind_ind + chomp if c.maybe(0.5) else chomp + ind_ind)
    if c.maybe(0.1):
        header += c.pick([" # header comment", "  ", "\t"])
        c.feat("header comment/space")
    cin = indent + step
    pad = " " * cin
    lines = []
    n = c.pick([0, 1, 1, 2, 2, 3, 4])
    if n == 0:
        c.feat("block empty")
    for i in range(n):
        kind = c.r.random()
        if kind < 0.12 and i > 0:
            lines.append("")
            c.feat("block inner empty line")
        elif kind < 0.2 and (i > 0 or ind_ind or c.maybe(0.15)):
            # A more-indented first line sets the indentation unless an indicator does.
            lines.append(pad + " " * c.pick([1, 2, 4]) + c.pick(WORDS))
            c.feat("block more-indented line")
            if i == 0 and not ind_ind:
                c.feat("block first line more indented")
        elif kind < 0.27:
            lines.append(pad + c.pick(WORDS) + c.pick([" ", "  ", "\t", " \t"]))
            c.feat("block trailing whitespace")
        elif kind < 0.3:
            lines.append(pad + "\t" + c.pick(WORDS))
            c.feat("block tab after indent")
        elif kind < 0.36:
            lines.append(" " * c.pick([0, cin - 1, cin, cin + 1]) + "   ")
            c.feat("block whitespace-only line")
        elif kind < 0.4:
            lines.append(pad + "# looks like a comment")
            c.feat("block comment-like line")
        else:
            words = [c.pick(WORDS) for _ in range(c.pick([1, 1, 2, 3]))]
            lines.append(pad + " ".join(w for w in words if w) or pad + "x")
    tail = c.pick([0, 0, 0, 1, 1, 2, 3])
    for _ in range(tail):
        lines.append(c.pick(["", "", " " * c.pick([1, cin, cin + 2])]))
    if tail:
        c.feat("block trailing blank lines")
    return header, lines


def single_quoted(c, indent):
    c.feat("single quoted")
    w = [c.pick(WORDS).replace("'", "''") for _ in range(c.pick([1, 1, 2, 3]))]
    if c.maybe(0.3):
        c.feat("single quoted multi-line")
        pad = " " * (indent + c.pick([1, 2, 4]))
        parts = ["'" + w[0]]
        for x in w[1:] + [c.pick(WORDS).replace("'", "''")]:
            if c.maybe(0.3):
                parts.append("")
            parts.append(pad + x + c.pick(["", "", " ", "\t"]))
        parts[-1] += "'"
        return parts[0], parts[1:]
    return "'" + " ".join(w) + "'", []


ESCAPES = ["\\n", "\\t", "\\\\", '\\"', "\\x41", "\\u00e9", "\\U0001F600", "\\0",
           "\\a", "\\b", "\\e", "\\f", "\\r", "\\v", "\\N", "\\_", "\\L", "\\P", "\\ ",
           "\\\t", "\\'"]
# Escapes YAML 1.2 or libyaml refuses (`\/` is YAML 1.2 only, surrogate pairs JSON only).
BAD_ESCAPES = ["\\q", "\\x4", "\\uD800", "\\U00110000", "\\/", "\\uD83D\\uDE00"]


def double_quoted(c, indent):
    c.feat("double quoted")

    def word():
        x = c.pick(WORDS).replace("\\", "\\\\").replace('"', '\\"')
        if c.maybe(0.4):
            c.feat("double quoted escape")
            if c.maybe(0.05):
                c.feat("double quoted invalid escape")
                x += c.pick(BAD_ESCAPES)
            else:
                x += c.pick(ESCAPES)
        return x

    w = [word() for _ in range(c.pick([1, 1, 2, 3]))]
    if c.maybe(0.3):
        c.feat("double quoted multi-line")
        pad = " " * (indent + c.pick([1, 2, 4]))
        parts = ['"' + w[0] + c.pick(["", "", " ", "\\"])]
        for x in w[1:] + [word()]:
            if c.maybe(0.3):
                parts.append("")
            parts.append(pad + x + c.pick(["", "", " ", "\t", "\\"]))
        parts[-1] = parts[-1].rstrip("\\") + '"'
        return parts[0], parts[1:]
    return '"' + " ".join(w) + '"', []


def plain(c, indent):
    v = c.pick(PLAIN)
    c.feat("plain")
    if c.maybe(0.15):
        c.feat("plain multi-line")
        pad = " " * (indent + c.pick([1, 2]))
        more = []
        for _ in range(c.pick([1, 2])):
            if c.maybe(0.3):
                more.append("")
            if c.maybe(0.05):
                c.feat("plain continuation with tab")
                more.append(c.pick(["\t", " " * indent + "\t", pad + "\t"]) + "cont")
            else:
                more.append(pad + c.pick(["cont", "a b", "x", "1", "# not a comment?"]))
        return v, more
    if c.maybe(0.08):
        c.feat("plain trailing whitespace")
        v += c.pick([" ", "  ", "\t"])
    if c.maybe(0.05):
        c.feat("plain end-of-line comment")
        v += c.pick([" # c", "\t# c"])
    return v, []


TAGS = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!!timestamp", "!", "!custom",
        "!<tag:yaml.org,2002:str>", "!!binary", "!!map"]


def tagged(c, indent):
    t = c.pick(TAGS)
    c.feat("tag " + t)
    if t == "!!binary":
        v = c.pick(["aGVsbG8=", "aGVs\n" + " " * (indent + 2) + "bG8=", "not base64!", "/w==", ""])
        if "\n" in v:
            return t + " |", [" " * (indent + 2) + x.strip() for x in v.split("\n")]
        return t + " " + v, []
    head, more = c.pick([plain, single_quoted, double_quoted])(c, indent)
    return t + " " + head, more


def null_value(c):
    c.feat("null value")
    return c.pick(["", "", "~", "null", "Null", "!!null", "{}", "[]", "''", '""'])


def scalar(c, indent):
    k = c.r.random()
    if k < 0.3:
        return block_scalar(c, indent, False)
    if k < 0.45:
        return single_quoted(c, indent)
    if k < 0.62:
        return double_quoted(c, indent)
    if k < 0.88:
        return plain(c, indent)
    if k < 0.93:
        return tagged(c, indent)
    return null_value(c), []


def key(c):
    if c.maybe(0.95):
        return c.pick(["k", "key", "a.b", "app-config", "x_y", "K1", "data.txt", "key2", "k3"])
    c.feat("odd key")
    return c.pick(['"quoted key"', "'single'", "yes", "1", "0755", "null", "~", "true",
                   "1.5", '"x:y"', "a b", "? explicit", '""', "''", "2001-12-14", "!!str 1",
                   "? ", ".inf", "<<"])


def mapping(c, indent, depth, n_min=1):
    """Lines of a block mapping at `indent`."""
    out = []
    used = set()
    for _ in range(c.pick(range(n_min, 4))):
        k = key(c)
        if k in used:
            if c.maybe(0.97):
                continue
            c.feat("duplicate key")
        used.add(k)
        pad = " " * indent
        sep = ":"
        if c.maybe(0.02):
            sep = ":\t"
            c.feat("tab after colon")
        elif c.maybe(0.03):
            sep = " :"
            c.feat("space before colon")
        if k == "? explicit":
            out.append(pad + "? explicit")
            k, sep = "", ":"
        r = c.r.random()
        if depth < 2 and r < 0.15:
            out.append(pad + k + sep + c.pick(["", "", " # c"]))
            out += mapping(c, indent + c.pick([2, 2, 4]), depth + 1)
        elif depth < 2 and r < 0.25:
            out.append(pad + k + sep)
            out += sequence(c, indent + c.pick([0, 2]), depth + 1)
        elif r < 0.3:
            c.feat("flow collection")
            out.append(pad + k + sep + " " + c.pick([
                "[a, b]", "[]", "{}", "{a: 1, b: [x]}", "[ 'q', \"d\\n\" ]", "[a,\n" + pad + "  b]",
                "{a: }", "[a, ]", "{? a}", "[1, 0755, yes]", "[a, {b: }]", "{a: , b: }",
                "{a: ~, b: ''}", "[{a: }, {? }]", "{a: 2001-12-14}", "[!!str 1, ! 2, !x 3]",
            ]))
        elif r < 0.34:
            c.feat("anchor/alias")
            out.append(pad + k + sep + " &a" + str(len(out)) + " " + c.pick(PLAIN))
            out.append(pad + "ali" + str(len(out)) + ": *a" + str(len(out) - 1))
        else:
            head, more = scalar(c, indent)
            out.append(pad + k + sep + (" " + head if head else ""))
            out += more
        if c.maybe(0.05):
            c.feat("comment line")
            out.append(" " * c.pick([0, indent, indent + 3]) + "# a comment")
    return out


def sequence(c, indent, depth):
    out = []
    for _ in range(c.pick([1, 2, 3])):
        pad = " " * indent + "- "
        if depth < 2 and c.maybe(0.2):
            inner = mapping(c, indent + 2, depth + 1)
            out.append(pad + inner[0].lstrip(" "))
            out += inner[1:]
        else:
            head, more = scalar(c, indent + 2)
            out.append(pad.rstrip(" ") + (" " + head if head else ""))
            out += more
    return out


def metadata(c, name):
    out = ["metadata:", "  name: " + name]
    for field in ("annotations", "labels"):
        if not c.maybe(0.5):
            continue
        r = c.r.random()
        if r < 0.3:
            v = c.pick(["", "", "~", "null", "{}", '""', "[]"])
            c.feat(f"metadata.{field} {v or '(empty)'}")
            out.append(f"  {field}:" + (" " + v if v else ""))
        else:
            c.feat(f"metadata.{field} map")
            out.append(f"  {field}:")
            for i in range(c.pick([1, 2])):
                if c.maybe(0.05):
                    c.feat(f"metadata.{field} alias")
                    out.insert(1, "  generateName: &g " + c.pick(PLAIN))
                    out.append(f"    {field[0]}{i}.example.com/k: *g")
                    continue
                head, more = scalar(c, 4)
                if not head and not more:
                    c.feat(f"metadata.{field} null value")
                out.append(f"    {field[0]}{i}.example.com/k:" + (" " + head if head else ""))
                out += more
    if c.maybe(0.1):
        f = c.pick(["namespace", "finalizers", "ownerReferences", "generateName"])
        c.feat(f"metadata.{f} null")
        out.append(f"  {f}:")
    if c.maybe(0.1):
        c.feat("metadata comment")
        out.append("  # trailing metadata comment")
    return out


def list_document(c, idx):
    """A `List` (kyaml unwraps it when it is the file's only document) or another `*List`
    kind (kustomize expands it through JSON)."""
    lk = c.pick(["List", "List", "ConfigMapList", "ResourceList"])
    c.feat("list " + lk)
    out = ["apiVersion: v1", "kind: " + lk]
    if c.maybe(0.1):
        c.feat("list items empty")
        out.append("items:" + c.pick(["", " []", " ~"]))
        return out
    out.append("items:")
    for j in range(c.pick([1, 2])):
        item = document(c, f"{idx}-{j}", in_list=True)
        out.append("- " + item[0])
        out += [("  " + line) if line else line for line in item[1:]]
    if c.maybe(0.5):
        out[2:2] = ["metadata:", "  name: the-list"]
    return out


def document(c, idx, in_list=False):
    kind = c.r.random()
    name = f"r{idx}"
    if not in_list and kind > 0.92:
        return list_document(c, idx)
    if kind < 0.5:
        out = ["apiVersion: v1", "kind: ConfigMap"] + metadata(c, name)
        if c.maybe(0.1):
            c.feat("data null")
            out.append("data:" + c.pick(["", " {}", " ~"]))
        else:
            out.append("data:")
            out += mapping(c, 2, 1)
    elif kind < 0.9:
        out = ["apiVersion: example.com/v1", "kind: Thing"] + metadata(c, name)
        out.append("spec:")
        out += mapping(c, 2, 0)
    else:
        c.feat("merge key")
        out = ["apiVersion: example.com/v1", "kind: Thing"] + metadata(c, name)
        out += ["base: &base", "  x: 1", "  y: two", "spec:", "  <<: *base", "  y: " + c.pick(PLAIN)]
    if c.maybe(0.3) and "merge key" not in c.features:
        # Put the fields in another order: the loader must not care.
        c.feat("shuffled top-level")
        head, rest = out[:2], out[2:]
        blocks, cur = [], []
        for line in rest:
            if line and not line.startswith((" ", "#", "\t")) and cur:
                blocks.append(cur)
                cur = []
            cur.append(line)
        blocks.append(cur)
        c.r.shuffle(blocks)
        out = [line for b in blocks for line in b] + head if c.maybe(0.5) else head + [l for b in blocks for l in b]
    return out


def resource_file(c, file_idx):
    lines = []
    if c.maybe(0.15):
        c.feat("leading comment")
        lines.append("# leading comment")
    if c.maybe(0.2):
        c.feat("leading ---")
        lines.append(c.pick(["---", "--- # c", "---  "]))
    ndocs = c.pick([1, 1, 1, 2, 2, 3])
    if ndocs > 1:
        c.feat("multi-document")
    for d in range(ndocs):
        if d:
            bare = False
            if c.maybe(0.15):
                c.feat("document end ...")
                lines.append("...")
                if c.maybe(0.2):
                    # YAML starts a bare document here; kyaml reads one document per piece.
                    c.feat("bare document after ...")
                    bare = True
            if c.maybe(0.1):
                lines.append("# between documents")
            if not bare:
                sep = c.pick(["---", "---", "--- # sep", "---\t", "--- ", "---#x", "----", "--- x"]
                             if c.maybe(0.1) else ["---", "---", "--- # sep", "---\t", "--- "])
                if sep != "---":
                    c.feat("--- with trailing text")
                lines.append(sep)
        lines += document(c, f"{file_idx}-{d}")
    if c.maybe(0.1):
        c.feat("document end ... at end")
        lines.append("...")
    if c.maybe(0.08):
        c.feat("trailing ---")
        lines.append("---")
    if c.maybe(0.15):
        c.feat("comment at end")
        lines.append(c.pick(["# end", "  # end indented", "#"]))
    if c.maybe(0.15):
        c.feat("trailing blank lines")
        lines += c.pick([[""], ["", ""], ["  "], ["", "   "]])
    return text_of(c, lines)


def text_of(c, lines):
    """Joins lines with the case's line ends, final newline and BOM choices."""
    eol = "\n"
    r = c.r.random()
    if r < 0.15:
        eol = "\r\n"
        c.feat("CRLF")
    body = eol.join(lines)
    if r > 0.97:
        c.feat("mixed line ends")
        body = "".join(l + c.pick(["\n", "\r\n"]) for l in lines)[:-1]
    elif r > 0.96:
        c.feat("lone CR")
        body = body.replace("\n", "\r", 1)
    if c.maybe(0.65):
        body += eol
    else:
        c.feat("no final newline")
    if c.maybe(0.08):
        c.feat("BOM")
        body = "\ufeff" + body
    return body


def kustomization(c, files):
    lines = []
    if c.maybe(0.1):
        lines.append("---")
    lines.append("resources:")
    lines += ["- " + f for f in files]
    if "patched.yaml" in files:
        # kustomize reads JSON 6902 operations with go-yaml v2 (`y`, `on` are booleans).
        # The patched resource is a plain one: a JSON 6902 patch sends the whole resource
        # through Go's JSON types (see README), which is the transformer's business.
        # Integers beyond 2^53 lose precision there too (Go's float64); left out.
        small = [x for x in PLAIN if not x.lstrip("+-").startswith(("9223", "1844"))]
        v = c.pick(small + ["[y, n, on, Off]", "{a: yes, b: NO}", "'y'", "", "{a: }"])
        lines += ["patches:", "- target:", "    kind: Patched", "  patch: |-",
                  "    - op: add", "      path: /zz", "      value: " + v]
    if c.maybe(0.1):
        lines.append("# end")
    return text_of(c, lines)


def make(seed, i):
    c = Case(random.Random(f"{seed}-{i}"))
    files = {}
    for f in range(c.pick([1, 1, 2])):
        files[f"r{f}.yaml"] = resource_file(c, f)
    if c.maybe(0.1):
        c.feat("json6902 patch")
        files["patched.yaml"] = "apiVersion: v1\nkind: Patched\nmetadata:\n  name: p\n"
    names = list(files)
    kfeat = set(c.features)
    files["kustomization.yaml"] = kustomization(c, names)
    # Line-end/BOM features of the kustomization file are named apart.
    c.features = kfeat | {"kustomization " + f for f in c.features - kfeat}
    return {"name": f"s{seed}-{i:05d}", "files": files, "features": sorted(c.features)}


def main():
    out_dir, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for i in range(n):
        case = make(seed, i)
        d = os.path.join(out_dir, case["name"])
        os.makedirs(d, exist_ok=True)
        for name, text in case["files"].items():
            with open(os.path.join(d, name), "w", encoding="utf-8", newline="") as f:
                f.write(text)
        print(json.dumps(case, ensure_ascii=False))


if __name__ == "__main__":
    main()
