#!/usr/bin/env python3
"""Random JSON 6902 cases for tools/json6902-oracle (one JSON object a line).

Documents are small trees of maps and lists; operations aim mostly at paths
that exist (so they do something), and otherwise at the corners where
json-patch.v4 departs from RFC 6902: missing keys, negative, signed,
zero-padded and out-of-range indices, `-`, paths without a leading slash,
the empty path, `~0`/`~1` escapes, nulls on the way, absent values.

Usage: gen.py COUNT SEED
"""
import json
import random
import sys

KEYS = ["a", "b", "c", "spec", "x", "a/b", "c~d", "~1", ""]
OPS = ["add", "remove", "replace", "move", "copy", "test"]


def scalar(r):
    return r.choice([0, 1, 2, -3, 10, "s", "", "1", True, False, None])


def tree(r, depth):
    roll = r.random()
    if depth <= 0 or roll < 0.35:
        return scalar(r)
    if roll < 0.7:
        return {r.choice(KEYS): tree(r, depth - 1) for _ in range(r.randint(0, 3))}
    return [tree(r, depth - 1) for _ in range(r.randint(0, 3))]


def escape(key):
    return key.replace("~", "~0").replace("/", "~1")


def paths(doc, prefix=""):
    """Every existing path, as (pointer, value)."""
    out = [(prefix, doc)]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += paths(v, prefix + "/" + escape(k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += paths(v, prefix + "/" + str(i))
    return out


def odd_index(r, n):
    return r.choice(
        [str(n), str(n + 1), "-", str(-1), str(-n), str(-n - 1), "+0", "01", "x", ""]
    )


def path_for(r, doc):
    existing = paths(doc)
    inner = [pv for pv in existing if pv[0]] or existing
    containers = [pv for pv in existing if isinstance(pv[1], (dict, list))]
    roll = r.random()
    if roll < 0.55:
        return r.choice(inner)[0]
    if roll < 0.85:
        base, value = r.choice(containers)
        if isinstance(value, list):
            return base + "/" + odd_index(r, len(value))
        return base + "/" + escape(r.choice(KEYS))
    if roll < 0.92:
        return r.choice(inner)[0].lstrip("/")  # no leading slash
    return r.choice(["", "/", "//", "/nothing/deeper", "/" + escape(r.choice(KEYS)) + "/0"])


def op(r, doc):
    kind = r.choice(OPS + (["bogus"] if r.random() < 0.03 else []))
    o = {"op": kind, "path": path_for(r, doc)}
    if kind in ("move", "copy"):
        o["from"] = path_for(r, doc)
    if kind in ("add", "replace", "test"):
        roll = r.random()
        if kind == "test" and roll < 0.5:
            # Often the value that is there, so a test can pass.
            found = dict(paths(doc)).get(o["path"], None)
            o["value"] = found
        elif roll < 0.95 or kind == "test":
            o["value"] = tree(r, 2)
        # else: no value at all
    if r.random() < 0.02:
        del o["path"]
    return o


def main():
    count, seed = int(sys.argv[1]), int(sys.argv[2])
    r = random.Random(seed)
    for i in range(count):
        doc = {k: tree(r, 3) for k in r.sample(KEYS[:6], r.randint(1, 3))}
        ops = [op(r, doc) for _ in range(r.choice([1, 1, 2, 3]))]
        print(json.dumps({"name": f"json6902-{seed}-{i}", "doc": doc, "patch": ops}))


if __name__ == "__main__":
    main()
