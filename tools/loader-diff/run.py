#!/usr/bin/env python3
"""Differential run of the YAML loader: generated targets (gen.py) rendered by
kustomize v5.5.0 and by `kubectl-release render -k`, compared byte for byte.
Run it through scripts/diff-loader.sh, which builds and finds both binaries.

usage: run.py --kustomize BIN --ours BIN [-n N] [--seed S] [--jobs J]
              [--keep DIR] [--show K] [--fixture FILE] [--gen loader|smp]

--gen smp takes the cases from gen_smp.py (nulls written without text under
strategic-merge patches) instead of gen.py.

Prints counts (cases, equal, differing, errors on both sides, errors on one
side only), the features over-represented among differing cases, and the
first K differences in full. --fixture writes every case with kustomize's
result as JSON lines for tests/it/loader_kustomize.rs.
Exit status 1 when any case differs.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402
import gen_smp  # noqa: E402

GENERATORS = {"loader": gen, "smp": gen_smp}


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def first_line(b):
    s = b.decode("utf-8", "replace").strip()
    return s.splitlines()[0] if s else ""


def compare(args, case, root):
    d = os.path.join(root, case["name"])
    os.makedirs(d, exist_ok=True)
    for name, text in case["files"].items():
        path = os.path.join(d, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    krc, kout, kerr = run([args.kustomize, "build", d])
    orc, oout, oerr = run([args.ours, "render", "-k", d])
    k_ok, o_ok = krc == 0, orc == 0
    if k_ok and o_ok:
        verdict = "equal" if kout == oout else "differ"
    elif not k_ok and not o_ok:
        verdict = "errors both"
    elif k_ok:
        verdict = "error ours only"
    else:
        verdict = "error kustomize only"
    return {
        "case": case,
        "verdict": verdict,
        "kustomize": kout.decode("utf-8", "replace") if k_ok else None,
        "kustomize_error": None if k_ok else first_line(kerr),
        "kustomize_panic": b"panic:" in kerr,
        "ours": oout.decode("utf-8", "replace") if o_ok else None,
        "ours_error": None if o_ok else first_line(oerr),
    }


def bad_count(results):
    return sum(r["verdict"] in ("differ", "error ours only", "error kustomize only") for r in results)


def first_diff(a, b):
    al, bl = a.splitlines(keepends=True), b.splitlines(keepends=True)
    for i, (x, y) in enumerate(zip(al, bl)):
        if x != y:
            return i + 1, x, y
    n = min(len(al), len(bl))
    return n + 1, (al[n] if n < len(al) else "<end>"), (bl[n] if n < len(bl) else "<end>")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kustomize", required=True)
    ap.add_argument("--ours", required=True)
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep")
    ap.add_argument("--show", type=int, default=5)
    ap.add_argument("--fixture")
    ap.add_argument("--gen", choices=sorted(GENERATORS), default="loader")
    args = ap.parse_args()

    root = args.keep or tempfile.mkdtemp(prefix="diff-loader-")
    cases = [GENERATORS[args.gen].make(args.seed, i) for i in range(args.n)]
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        results = list(ex.map(lambda c: compare(args, c, root), cases))
    elapsed = time.monotonic() - t0

    counts = collections.Counter(r["verdict"] for r in results)
    bad = [r for r in results if r["verdict"] in ("differ", "error ours only", "error kustomize only")]
    keep = args.keep or bad_count(results)
    print(f"loader differential ({args.gen}): seed {args.seed}, {len(results)} cases in {elapsed:.1f} s "
          f"({args.jobs} jobs)" + (f"; cases under {root}" if keep else ""))
    for v in ("equal", "differ", "errors both", "error ours only", "error kustomize only"):
        print(f"  {v:22} {counts.get(v, 0)}")
    panics = sum(1 for r in results if r["kustomize_panic"])
    if panics:
        print(f"  (kustomize panicked on {panics} of the error cases)")

    if bad:
        # Features much more frequent among differing cases than overall.
        all_f = collections.Counter(f for r in results for f in r["case"]["features"])
        bad_f = collections.Counter(f for r in bad for f in r["case"]["features"])
        print("features in differing cases (differing/total):")
        for f, n in sorted(bad_f.items(), key=lambda x: (-x[1] / all_f[x[0]], -x[1]))[:15]:
            print(f"  {n:5}/{all_f[f]:<5} {f}")
        for r in bad[: args.show]:
            name = r["case"]["name"]
            print(f"--- {name}: {r['verdict']} ({root}/{name})")
            if r["verdict"] == "differ":
                line, k, o = first_diff(r["kustomize"], r["ours"])
                print(f"  first difference at line {line}:\n    kustomize: {k!r}\n    ours:      {o!r}")
            else:
                print(f"  kustomize: {r['kustomize_error'] or 'ok'}\n  ours:      {r['ours_error'] or 'ok'}")

    if args.fixture:
        with open(args.fixture, "w", encoding="utf-8") as f:
            for r in results:
                expect = ({"output": r["kustomize"]} if r["kustomize"] is not None
                          else {"error": r["kustomize_error"]})
                line = {"name": r["case"]["name"], "files": r["case"]["files"], "expect": expect}
                f.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        print(f"wrote {len(results)} cases to {args.fixture}")
    if not keep:
        shutil.rmtree(root)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
