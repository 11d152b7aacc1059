#!/usr/bin/env python3
"""Random resource/patch pairs for differential testing of the Rust SMP port
against kyaml (tools/smp-oracle). Development aid.

usage: gen.py N SEED > cases.jsonl
"""
import json
import random
import sys

N = int(sys.argv[1])
R = random.Random(int(sys.argv[2]))

NAMES = ["a", "b", "c", "d"]
PORTS = [80, 443, 8080]
PROTOS = ["TCP", "UDP"]
# Scalars that YAML must quote (or not) as strings, and non-strings written
# over them: kyaml keeps the old scalar's quoting style.
VALS = ["1", "8080", "true", "", "yes", "x", "a: b", "-x", "- x", "1:30", "2024-01-02",
        "0x1F", "1e3", ".5", " lead", "#c", "a #c", "null", "~", "0o17", "017", "+1", "1_000",
        "multi\nline", 1, 8080, True, False, 0]


def maybe(p=0.5):
    return R.random() < p


def pick(xs):
    return R.choice(xs)


def directive():
    return pick(["delete", "replace", "merge", "delete", "replace", "bogus"])


def sprinkle(obj, in_patch, extra_keys=()):
    """Randomly add nulls/directives to a map (only in patches)."""
    if not in_patch:
        if maybe(0.05):
            obj["nullField"] = None
        return obj
    r = R.random()
    if r < 0.06:
        obj["$patch"] = directive()
    elif r < 0.10:
        k = pick(list(obj.keys()) or ["x"])
        obj[k] = None
    return obj


def container_port(in_patch):
    p = {"containerPort": pick(PORTS)}
    if maybe(0.5):
        p["protocol"] = pick(PROTOS)
    if maybe(0.3):
        p["name"] = pick(["http", "https"])
    return sprinkle(p, in_patch)


def env(in_patch):
    e = {"name": pick(["A", "B", "C"])}
    if maybe(0.8):
        e["value"] = pick(VALS)
    if in_patch and maybe(0.1):
        e["value"] = None
    return sprinkle(e, in_patch)


def mount(in_patch):
    return sprinkle({"mountPath": pick(["/a", "/b", "/c"]), "name": pick(["v1", "v2"])}, in_patch)


def lst(gen, in_patch, n=3):
    out = [gen(in_patch) for _ in range(R.randint(0, n))]
    if in_patch:
        r = R.random()
        if r < 0.05:
            out.append({"$patch": directive()})
        elif r < 0.08:
            out.insert(0, {"$patch": directive()})
        elif r < 0.10:
            out.append(None)
        elif r < 0.12:
            out.append({})
    return out


def container(in_patch):
    c = {"name": pick(NAMES)}
    if maybe(0.7):
        c["image"] = pick(["img:1", "img:2", "other"])
    if maybe(0.4):
        c["ports"] = lst(container_port, in_patch)
    if maybe(0.4):
        c["env"] = lst(env, in_patch)
    if maybe(0.3):
        c["volumeMounts"] = lst(mount, in_patch)
    if maybe(0.3):
        c["args"] = [pick(["--x", "--y", "1"]) for _ in range(R.randint(0, 3))]
    if maybe(0.2):
        c["resources"] = {"limits": {"cpu": pick(["1", "2"]), "memory": "1Gi"}}
        if in_patch and maybe(0.3):
            c["resources"]["limits"]["memory"] = None
    if in_patch and maybe(0.05):
        c["$setElementOrder/ports"] = [{"containerPort": 80}]
    if in_patch and maybe(0.04):
        c["$deleteFromPrimitiveList/args"] = ["--x"]
    if maybe(0.03):
        del c["name"]
    return sprinkle(c, in_patch)


def volume(in_patch):
    v = {"name": pick(["v1", "v2", "v3"])}
    r = R.random()
    if r < 0.4:
        v["emptyDir"] = {}
    elif r < 0.8:
        v["configMap"] = {"name": pick(["cm1", "cm2"])}
    if in_patch and maybe(0.15):
        v["emptyDir"] = None
    if in_patch and maybe(0.05):
        v["$retainKeys"] = ["name", "configMap"]
    return sprinkle(v, in_patch)


def meta(in_patch):
    m = {"name": "x"}
    if maybe(0.5):
        m["labels"] = {pick(["app", "tier"]): pick(["web", "db"]) for _ in range(R.randint(1, 2))}
        if in_patch and maybe(0.2):
            m["labels"]["app"] = None
    if maybe(0.3):
        m["finalizers"] = [pick(["f1", "f2", "f3"]) for _ in range(R.randint(0, 3))]
    if maybe(0.2):
        m["annotations"] = {"a": pick(VALS), "b": pick(VALS)}
    return sprinkle(m, in_patch)


def deployment(in_patch):
    pod = {}
    if maybe(0.9):
        pod["containers"] = lst(container, in_patch)
    if maybe(0.3):
        pod["initContainers"] = lst(container, in_patch, 2)
    if maybe(0.4):
        pod["volumes"] = lst(volume, in_patch)
    if maybe(0.2):
        pod["nodeSelector"] = {"disk": pick(["ssd", "hdd"])}
    if maybe(0.1):
        pod["tolerations"] = [{"key": pick(["k1", "k2"]), "operator": "Exists"} for _ in range(R.randint(0, 2))]
    sprinkle(pod, in_patch)
    spec = {"template": sprinkle({"spec": pod}, in_patch)}
    if maybe(0.5):
        spec["replicas"] = pick([1, 2, 3])
    if maybe(0.3):
        spec["selector"] = {"matchLabels": {"app": pick(["web", "db"])}}
    if maybe(0.2):
        spec["strategy"] = {"type": "Recreate"} if maybe() else {"rollingUpdate": {"maxSurge": 1}, "type": "RollingUpdate"}
    if in_patch and maybe(0.03):
        spec["template"] = "scalar-instead-of-map"
    d = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(in_patch), "spec": sprinkle(spec, in_patch)}
    return d


def svc_port(in_patch):
    p = {"port": pick(PORTS)}
    if maybe(0.5):
        p["protocol"] = pick(PROTOS)
    if maybe(0.5):
        p["targetPort"] = pick([80, 8080, "http"])
    if maybe(0.3):
        p["name"] = pick(["http", "https"])
    return sprinkle(p, in_patch)


def service(in_patch):
    spec = {}
    if maybe(0.9):
        spec["ports"] = lst(svc_port, in_patch)
    if maybe(0.4):
        spec["selector"] = {"app": pick(["web", "db"])}
    if maybe(0.3):
        spec["type"] = pick(["ClusterIP", "NodePort"])
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(in_patch), "spec": sprinkle(spec, in_patch)}


def crd(in_patch):
    spec = {}
    if maybe(0.8):
        spec["items"] = [sprinkle({"name": pick(NAMES), "v": pick([1, 2])}, in_patch) for _ in range(R.randint(0, 3))]
    if maybe(0.5):
        spec["tags"] = [pick(["x", "y", "z"]) for _ in range(R.randint(0, 3))]
    if maybe(0.4):
        spec["nested"] = sprinkle({"a": pick([1, 2]), "b": {"c": pick(["p", "q"])}}, in_patch)
    if maybe(0.2):
        # an embedded object that names its own type: kyaml looks its schema up
        spec["template"] = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                            "spec": {"containers": lst(container, in_patch, 2)}}
    return {"apiVersion": "example.com/v1", "kind": "Foo", "metadata": meta(in_patch), "spec": sprinkle(spec, in_patch)}


def configmap(in_patch):
    d = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(in_patch)}
    if maybe(0.8):
        d["data"] = {k: pick(VALS) for k in R.sample(["k1", "k2", "k3"], R.randint(0, 3))}
        if in_patch and maybe(0.3):
            d["data"]["k1"] = None
    return sprinkle(d, in_patch)


KINDS = [deployment, deployment, deployment, service, crd, configmap]

for i in range(N):
    k = pick(KINDS)
    res = k(False)
    patch = k(True)
    if maybe(0.02):
        patch = {"apiVersion": res["apiVersion"], "kind": res["kind"], "metadata": {"name": "x"}, "$patch": pick(["delete", "replace"])}
    print(json.dumps({"name": f"fuzz-{sys.argv[2]}-{i}", "resource": res, "patch": patch}))
