#!/usr/bin/env python3
"""Regenerate the kyaml-derived unit tests in src/render/smp.rs.

Runs every case of cases.yaml through kyaml itself (tools/smp-oracle) and
rewrites the block between the GENERATED markers of smp.rs's test module, so
each expected result is exactly what kustomize v5.5.0 produces.

usage (from the crate root):
    (cd tools/smp-oracle && go build -o /tmp/smp-oracle .)
    python3 tools/smp-fuzz/make_unit_tests.py /tmp/smp-oracle
"""
import json
import pathlib
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
CASES = ROOT / "tools/smp-fuzz/cases.yaml"
TARGET = ROOT / "src/render/smp.rs"
BEGIN = "    // BEGIN GENERATED kyaml cases (tools/smp-fuzz/make_unit_tests.py)\n"
END = "    // END GENERATED kyaml cases\n"


def indent(text, pad):
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


def raw(text, pad):
    body = indent(text.rstrip("\n") + "\n", pad)
    return 'r#"\n' + body + pad[:-4] + '"#'


def main():
    oracle = sys.argv[1]
    cases = yaml.safe_load(CASES.read_text())
    lines = "".join(
        json.dumps({"name": c["name"], "resource_yaml": c["resource"], "patch_yaml": c["patch"]}) + "\n"
        for c in cases
    )
    out = subprocess.run([oracle], input=lines, capture_output=True, text=True, check=True).stdout
    results = [json.loads(l)["expect"] for l in out.splitlines() if l.strip()]
    assert len(results) == len(cases)

    pad = " " * 16
    code = []
    for case, expect in zip(cases, results):
        if "yaml" in expect:
            want = "Expect::Merged(" + raw(expect["yaml"], pad + "    ") + ")"
        elif expect.get("deleted"):
            want = "Expect::Deleted"
        else:
            want = "Expect::Error"
        cite = case["cite"].replace('"', "'")
        code.append(
            f"    /// {cite}\n"
            f"    #[test]\n"
            f"    fn {case['name']}() {{\n"
            f"        check(\n"
            f"            {raw(case['resource'], pad)},\n"
            f"            {raw(case['patch'], pad)},\n"
            f"            {want},\n"
            f"        );\n"
            f"    }}\n"
        )
    src = TARGET.read_text()
    head, rest = src.split(BEGIN)
    _, tail = rest.split(END)
    TARGET.write_text(head + BEGIN + "\n".join(code) + END + tail)
    print(f"wrote {len(code)} cases")


if __name__ == "__main__":
    main()
