#!/usr/bin/env python3
"""Shape-agnostic random resource/patch pairs (wrong kinds, odd directives,
mixed lists) for differential testing against kyaml. Development aid.

usage: chaos.py N SEED > cases.jsonl
"""
import copy
import json
import random
import sys

N = int(sys.argv[1])
R = random.Random(int(sys.argv[2]))
KEYS = ["name", "containers", "ports", "containerPort", "protocol", "env", "value", "spec",
        "template", "metadata", "labels", "finalizers", "args", "items", "volumes", "emptyDir",
        "image", "x", "port", "mountPath", "volumeMounts", "initContainers"]
SCALARS = ["a", "b", "TCP", "UDP", 80, 443, "80", True, None, "", "8080", 0]
TYPES = [("apps/v1", "Deployment"), ("v1", "Pod"), ("v1", "Service"), ("example.com/v1", "Foo"), ("v1", "ConfigMap")]


def scalar():
    return R.choice(SCALARS)


def value(depth):
    r = R.random()
    if depth <= 0 or r < 0.35:
        return scalar()
    if r < 0.7:
        return {R.choice(KEYS): value(depth - 1) for _ in range(R.randint(0, 4))}
    n = R.randint(0, 4)
    if R.random() < 0.7:
        return [{R.choice(["name", "containerPort", "port", "mountPath", "protocol", "value"]): scalar(),
                 **({R.choice(KEYS): value(depth - 2)} if R.random() < 0.5 else {})} for _ in range(n)]
    return [value(depth - 1) for _ in range(n)]


def mutate(v, depth=0):
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            r = R.random()
            if r < 0.15:
                continue
            if r < 0.22:
                out[k] = None
            elif r < 0.27:
                out[k] = value(2)
            else:
                out[k] = mutate(x, depth + 1)
        if R.random() < 0.2:
            out[R.choice(KEYS)] = value(2)
        if R.random() < 0.08:
            out["$patch"] = R.choice(["delete", "replace", "merge", "x"])
        return out
    if isinstance(v, list):
        out = [mutate(x, depth + 1) for x in v if R.random() > 0.2]
        R.shuffle(out)
        if R.random() < 0.2:
            out.append(value(2))
        if R.random() < 0.08:
            out.insert(R.randint(0, len(out)), {"$patch": R.choice(["delete", "replace", "merge"])})
        return out
    if R.random() < 0.3:
        return scalar()
    return v


def pod_like():
    c = lambda: {"name": R.choice(["a", "b", "c"]), **{k: value(2) for k in R.sample(["ports", "env", "image", "args", "volumeMounts"], R.randint(0, 3))}}
    pod = {"containers": [c() for _ in range(R.randint(0, 3))],
           **({"volumes": value(2)} if R.random() < 0.3 else {})}
    extra = {k: value(3) for k in R.sample([k for k in KEYS if k != "template"], R.randint(0, 2))}
    return pod, {**extra, "template": {"spec": pod}}


for i in range(N):
    api, kind = R.choice(TYPES)
    res = {"apiVersion": api, "kind": kind, "metadata": {"name": "x", **({"labels": value(1)} if R.random() < 0.3 else {})},
           "spec": value(4)}
    if R.random() < 0.6:
        pod, workload = pod_like()
        res["spec"] = pod if kind == "Pod" else workload
    patch = mutate(copy.deepcopy(res))
    patch["apiVersion"], patch["kind"] = api, kind
    print(json.dumps({"name": f"chaos-{sys.argv[2]}-{i}", "resource": res, "patch": patch}))
