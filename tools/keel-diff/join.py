#!/usr/bin/env python3
"""Joins generated cases with Keel's answers: one {"case":..,"keel":..} a line.

Usage: join.py [--sample N] cases.jsonl keel.jsonl. --sample keeps N cases for the
recorded fixture: the policy cases where Keel updates a container (up to a third,
as they are the rarer ones), then the others in order.
"""
import json
import sys

args = sys.argv[1:]
sample = None
if args[0] == "--sample":
    sample, args = int(args[1]), args[2:]
cases = [json.loads(line) for line in open(args[0], encoding="utf-8")]
answers = [json.loads(line) for line in open(args[1], encoding="utf-8")]
assert len(cases) == len(answers), "Keel answered a different number of cases"
out = []
for c, k in zip(cases, answers):
    assert c["id"] == k["id"]
    out.append({"case": c, "keel": k})
if sample is not None:
    updates = [o for o in out if o["case"]["kind"] == "policy" and any(o["keel"]["decisions"])]
    keep = {o["case"]["id"] for o in updates[: sample // 3]}
    for o in out:
        if len(keep) >= sample:
            break
        keep.add(o["case"]["id"])
    out = [o for o in out if o["case"]["id"] in keep]
for o in out:
    print(json.dumps(o, ensure_ascii=False, sort_keys=True))
