#!/usr/bin/env python3
"""Generated kustomize targets where nulls written without text meet strategic-merge
patches, for the loader differential (scripts/diff-loader.sh --gen smp). Development aid.

kyaml keeps a null's source text, and its merge drops a null the patch does not name
when that text is empty (`key:`, `{a: }`, `!!null`) but keeps `key: null` and `~`. Each
case mixes such nulls into resources of known types (Deployment, Service, ConfigMap), a
type the schema does not know, anchors, merge keys and `List` files, and applies
strategic-merge patches (by id, by target, `patchesStrategicMerge`) that set, delete,
replace or leave those fields, sometimes after a JSON 6902 patch or a replacement, or
in an overlay of the base that loads them.

Case i of seed S is generated from its own random stream ("smp-S-i").

usage: gen_smp.py OUT_DIR N SEED   (writes OUT_DIR/<case>/..., prints one JSON line per case)
"""
import json
import os
import random
import sys


class Case:
    def __init__(self, rng):
        self.r = rng
        self.features = set()
        self.anchors = 0
        # Anchors of the document being made (an alias must follow its anchor there).
        self.doc_anchors = []
        # Nulls are spelled out (`null`, `~`): see patch_for.
        self.spelled = False

    def maybe(self, p):
        return self.r.random() < p

    def pick(self, xs):
        return self.r.choice(xs)

    def feat(self, name):
        self.features.add(name)


# -- values and their text -----------------------------------------------------------

class Empty:
    """A null written without text: `key:` (or `{a: }` in a flow collection)."""


EMPTY = Empty()


class Raw:
    """A scalar as written."""

    def __init__(self, text):
        self.text = text


class Flow:
    """A map or list written in flow style."""

    def __init__(self, value):
        self.value = value


class Anchor:
    def __init__(self, name, value):
        self.name, self.value = name, value


class Alias:
    def __init__(self, name):
        self.name = name


def flow_text(v):
    if isinstance(v, Empty):
        return ""
    if isinstance(v, Raw):
        # libyaml reads `!!null}` as one tag (then fails): keep a blank after a tag.
        return v.text + " " if v.text.startswith("!") and v.text.count(" ") == 0 else v.text
    if isinstance(v, Flow):
        return flow_text(v.value)
    if isinstance(v, Alias):
        return "*" + v.name
    if isinstance(v, Anchor):
        inner = flow_text(v.value)
        return "&" + v.name + (" " + inner if inner else "")
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {flow_text(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(flow_text(x) for x in v) + "]"
    raise TypeError(v)


def is_block_collection(v):
    return isinstance(v, (dict, list)) and len(v) > 0


def head_text(v):
    """What follows `key:` or `-` on the same line ('' for a block collection or a null
    without text)."""
    if isinstance(v, Anchor):
        inner = head_text(v.value)
        return "&" + v.name + (" " + inner if inner else "")
    if isinstance(v, Empty) or is_block_collection(v):
        return ""
    if isinstance(v, (dict, list)):
        return "{}" if isinstance(v, dict) else "[]"
    return flow_text(v)


def body(v):
    return v.value if isinstance(v, Anchor) else v


def emit_map(m, indent):
    out = []
    for k, v in m.items():
        head = head_text(v)
        out.append(" " * indent + k + ":" + (" " + head if head else ""))
        b = body(v)
        if is_block_collection(b):
            out += emit_block(b, indent + 2 if isinstance(b, dict) else indent)
    return out


def emit_list(items, indent):
    out = []
    for v in items:
        b = body(v)
        if isinstance(b, dict) and b and not isinstance(v, Anchor):
            inner = emit_map(b, indent + 2)
            out.append(" " * indent + "- " + inner[0].lstrip(" "))
            out += inner[1:]
            continue
        head = head_text(v)
        out.append(" " * indent + "-" + (" " + head if head else ""))
        if is_block_collection(b):
            out += emit_block(b, indent + 2)
    return out


def emit_block(v, indent):
    return emit_map(v, indent) if isinstance(v, dict) else emit_list(v, indent)


# -- random pieces ---------------------------------------------------------------------

NULLS = ["", "", "", "null", "~", "!!null", "!!null ''", "Null"]


def null(c):
    t = c.pick(["null", "~", "Null"] if c.spelled else NULLS)
    c.feat("null " + (t or "(empty)"))
    return EMPTY if t == "" else Raw(t)


def scalar(c):
    # Plain only: kyaml keeps a quoted scalar's style when a patch writes a number over
    # it, which is the loader's other business (scalar styles, see smp.rs).
    return Raw(c.pick(["x", "1", "a b", "true", "v2"]))


def leaf(c):
    """A null (mostly without text) or a scalar."""
    return null(c) if c.maybe(0.6) else scalar(c)


def anchored(c, v):
    """Sometimes gives the value an anchor (and remembers it for an alias)."""
    if c.maybe(0.08):
        c.anchors += 1
        name = f"a{c.anchors}"
        c.doc_anchors.append(name)
        c.feat("anchor")
        return Anchor(name, v)
    return v


def nested(c, depth):
    """A map of nulls and scalars, maybe nested, maybe in flow style."""
    m = {}
    for i in range(c.pick([1, 2, 3])):
        k = c.pick(["a", "b", "c", "d", "e"]) + str(i)
        if depth < 2 and c.maybe(0.3):
            m[k] = nested(c, depth + 1)
        elif depth < 2 and c.maybe(0.1):
            c.feat("list of maps")
            m[k] = [nested(c, depth + 1) for _ in range(c.pick([1, 2]))]
        else:
            m[k] = anchored(c, leaf(c))
    if c.maybe(0.2):
        c.feat("flow map")
        return Flow(m)
    return m


def container(c, name):
    m = {"name": Raw(name)}
    if c.maybe(0.7):
        m["image"] = c.pick([Raw("img:1"), EMPTY])
    if c.maybe(0.4):
        m["args"] = c.pick([EMPTY, Raw("null"), [Raw("-v")], Flow([Raw("a"), Raw("b")])])
    if c.maybe(0.4):
        c.feat("env")
        env = [{"name": Raw(f"E{j}"), "value": leaf(c)} for j in range(c.pick([1, 2]))]
        m["env"] = Flow(env) if c.maybe(0.3) else env
    if c.maybe(0.3):
        c.feat("ports")
        m["ports"] = [{"containerPort": Raw("80"), "protocol": c.pick([EMPTY, Raw("TCP")])}]
    if c.maybe(0.4):
        m["resources"] = nested(c, 1)
    if c.maybe(0.2):
        m["securityContext"] = c.pick([EMPTY, Flow({"runAsUser": EMPTY}), {"privileged": leaf(c)}])
    return m


def pod_spec(c):
    s = {}
    if c.maybe(0.5):
        c.feat("affinity")
        s["affinity"] = {"nodeAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": leaf(c),
            "requiredDuringSchedulingIgnoredDuringExecution": leaf(c)}}
    if c.maybe(0.5):
        s["nodeSelector"] = c.pick([null(c), nested(c, 2)])
    if c.maybe(0.4):
        c.feat("tolerations")
        s["tolerations"] = [{"key": leaf(c), "operator": Raw("Exists")}]
    s["containers"] = [container(c, n) for n in ["app", "side"][:c.pick([1, 1, 2])]]
    if c.maybe(0.3):
        c.feat("volumes")
        s["volumes"] = [{"name": Raw("v"), "secret": {"secretName": Raw("s"), "optional": leaf(c)}}]
    if c.maybe(0.2):
        s["imagePullSecrets"] = [{"name": Raw("reg")}, {"name": leaf(c)}]
    for k in ["priorityClassName", "serviceAccountName", "hostname"]:
        if c.maybe(0.25):
            s[k] = anchored(c, leaf(c))
    if c.maybe(0.15) and c.doc_anchors:
        c.feat("alias")
        s["subdomain"] = Alias(c.pick(c.doc_anchors))
    return s


def labels(c):
    m = {"app": Raw("x")}
    if c.maybe(0.4):
        m["extra"] = leaf(c)
    return Flow(m) if c.maybe(0.3) else m


def deployment(c, name):
    tmpl = {"metadata": {"labels": labels(c)}, "spec": pod_spec(c)}
    if c.maybe(0.2):
        tmpl["metadata"]["annotations"] = {"note": leaf(c)}
    spec = {"replicas": c.pick([Raw("1"), EMPTY]) if c.maybe(0.3) else Raw("1"),
            "template": tmpl}
    if c.maybe(0.1):
        c.feat("merge key")
        c.anchors += 1
        a = f"a{c.anchors}"
        spec = {"defaults": Anchor(a, {"paused": leaf(c), "minReadySeconds": leaf(c)}),
                "<<": Alias(a), **spec}
    md = {"name": Raw(name)}
    if c.maybe(0.3):
        md["labels"] = labels(c)
    return {"apiVersion": Raw("apps/v1"), "kind": Raw("Deployment"), "metadata": md, "spec": spec}


def service(c, name):
    ports = [{"name": Raw("http"), "port": Raw("80"), "targetPort": leaf(c)}]
    return {"apiVersion": Raw("v1"), "kind": Raw("Service"), "metadata": {"name": Raw(name)},
            "spec": {"selector": nested(c, 2), "ports": ports,
                     "clusterIP": leaf(c)}}


def config_map(c, name):
    return {"apiVersion": Raw("v1"), "kind": Raw("ConfigMap"), "metadata": {"name": Raw(name)},
            "data": {"k1": leaf(c), "k2": Raw("v")}}


def thing(c, name):
    c.feat("unknown type")
    return {"apiVersion": Raw("example.com/v1"), "kind": Raw("Thing"),
            "metadata": {"name": Raw(name)},
            "spec": {"config": nested(c, 0), "items": [nested(c, 1)]}}


MAKERS = {"Deployment": deployment, "Service": service, "ConfigMap": config_map, "Thing": thing}


# -- patches ---------------------------------------------------------------------------

def patch_for(c, kind, name):
    """A strategic-merge patch of one resource: sets, deletes, replaces or leaves.

    Its nulls are spelled out except in `tolerations` (a list replaced whole, never flow
    style in the resources made here): kustomize prints a patch's null without text as
    `""` when the patch puts it below a flow collection of the resource (yaml.v3 writes
    it in flow style there), which the renderer does not reproduce (see README)."""
    c.spelled = True
    try:
        return make_patch(c, kind, name)
    finally:
        c.spelled = False


def make_patch(c, kind, name):
    api = {"Deployment": "apps/v1", "Service": "v1", "ConfigMap": "v1", "Thing": "example.com/v1"}
    p = {"apiVersion": Raw(api[kind]), "kind": Raw(kind), "metadata": {"name": Raw(name)}}
    if kind == "Deployment":
        spec = {}
        r = c.r.random()
        if r < 0.3:
            c.feat("patch leaves the nulls")
            spec["minReadySeconds"] = Raw("5")
        else:
            pod = {}
            for _ in range(c.pick([1, 2])):
                what = c.pick(["containers", "nodeSelector", "tolerations", "affinity", "replace",
                               "new field", "imagePullSecrets"])
                c.feat("patch " + what)
                if what == "containers":
                    pod["containers"] = [container(c, c.pick(["app", "side", "new"]))]
                elif what == "nodeSelector":
                    pod["nodeSelector"] = c.pick([Raw("null"), EMPTY, nested(c, 2)])
                elif what == "tolerations":
                    c.spelled = False
                    t = [{"key": leaf(c), "effect": leaf(c)}]
                    c.spelled = True
                    pod["tolerations"] = Flow(t) if c.maybe(0.5) else t
                elif what == "affinity":
                    pod["affinity"] = c.pick([
                        {"nodeAffinity": Raw("null")},
                        {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": leaf(c)}},
                        {"podAffinity": nested(c, 1)},
                    ])
                elif what == "replace":
                    pod["securityContext"] = {"$patch": Raw("replace"), "runAsUser": leaf(c)}
                elif what == "imagePullSecrets":
                    pod["imagePullSecrets"] = [{"name": Raw("reg2")}]
                else:
                    pod["x-" + c.pick(["a", "b"])] = nested(c, 1)
            spec["template"] = {"spec": pod}
            if c.maybe(0.2):
                spec["template"]["metadata"] = {"labels": {"extra": leaf(c)}}
        p["spec"] = spec
    elif kind == "Service":
        p["spec"] = c.pick([{"type": Raw("ClusterIP")}, {"ports": [{"port": Raw("80"), "name": Raw("http"),
                                                                  "nodePort": leaf(c)}]},
                            {"selector": nested(c, 2)}])
    elif kind == "ConfigMap":
        p["data"] = c.pick([{"k3": Raw("v")}, {"k1": leaf(c)}, {"k2": Raw("null")}])
    else:
        p["spec"] = c.pick([{"config": nested(c, 0)}, {"other": Raw("1")}, {"items": [nested(c, 1)]}])
    return p


def json6902(c):
    c.feat("json 6902 patch")
    return ["- op: add", "  path: /metadata/annotations",
            "  value: {touched: json6902}"]


# -- files -----------------------------------------------------------------------------

def yaml_doc(v):
    return "\n".join(emit_map(v, 0)) + "\n"


def resources_text(c, objs, json_list=True):
    if len(objs) > 1 and c.maybe(0.15):
        c.feat("List file")
        items = [o for o in objs]
        # Left out with a replacement: kustomize prints a null of such items whose text a
        # replacement emptied as "" (not a merge matter).
        lk = c.pick(["List", "List", "ConfigMapList"] if json_list else ["List"])
        if lk != "List":
            c.feat("other *List kind")
        return yaml_doc({"apiVersion": Raw("v1"), "kind": Raw(lk), "items": items})
    return "---\n".join(yaml_doc(o) for o in objs)


def kustomization(res, patches, extra=()):
    lines = ["resources:"] + [f"- {r}" for r in res]
    if patches:
        lines.append("patches:")
        lines += patches
    lines += list(extra)
    return "\n".join(lines) + "\n"


def patch_entry(c, files, idx, kind, name, text):
    """A `patches:` entry for a strategic-merge patch: a file, inline, by target."""
    r = c.r.random()
    if r < 0.4:
        fname = f"patch{idx}.yaml"
        files[fname] = text
        return [f"- path: {fname}"]
    inline = ["  patch: |-"] + ["    " + line for line in text.rstrip("\n").split("\n")]
    if r < 0.7:
        c.feat("inline patch")
        return ["-" + inline[0][1:]] + inline[1:]
    c.feat("patch by target")
    return ["- target:", f"    kind: {kind}"] + inline


def make(seed, i):
    c = Case(random.Random(f"smp-{seed}-{i}"))
    files = {}
    objs = []
    for j in range(c.pick([1, 2, 3])):
        kind = c.pick(["Deployment", "Deployment", "Deployment", "Service", "ConfigMap", "Thing"])
        name = f"{kind.lower()}{j}"
        c.doc_anchors = []
        objs.append((kind, name, MAKERS[kind](c, name)))
    replacement = c.maybe(0.1)
    base_files = {"resources.yaml": resources_text(c, [o for _, _, o in objs], not replacement)}
    patches = []
    for n, (kind, name, _) in enumerate(objs):
        if c.maybe(0.85):
            text = yaml_doc(patch_for(c, kind, name))
            patches.append((kind, name, text))
    base_extra = []
    base_patches = []
    layered = c.maybe(0.3)
    if c.maybe(0.15):
        base_patches += ["- target:", "    kind: " + objs[0][0], "  patch: |-"] + \
            ["    " + x for x in json6902(c)]
        if not layered:
            c.feat("json 6902 then merge")
    if replacement:
        c.feat("replacement")
        src = objs[0]
        base_extra += ["replacements:", "- source:", f"    kind: {src[0]}", f"    name: {src[1]}",
                       "    fieldPath: " + {"Deployment": "spec.template.metadata.labels",
                                            "Service": "spec.selector", "ConfigMap": "data",
                                            "Thing": "spec.config"}[src[0]],
                       "  targets:", "  - select:", "      kind: Deployment",
                       "    fieldPaths:", "    - spec.template.spec.nodeSelector",
                       "    options:", "      create: true"]
    if layered:
        c.feat("overlay")
        files.update({"base/" + k: v for k, v in base_files.items()})
        files["base/kustomization.yaml"] = kustomization(["resources.yaml"], base_patches, base_extra)
        entries = []
        for n, (kind, name, text) in enumerate(patches):
            entries += patch_entry(c, files, n, kind, name, text)
        files["kustomization.yaml"] = kustomization(["base"], entries)
    else:
        files.update(base_files)
        entries = list(base_patches)
        smp_file = []
        for n, (kind, name, text) in enumerate(patches):
            if c.maybe(0.15):
                c.feat("patchesStrategicMerge")
                files[f"psm{n}.yaml"] = text
                smp_file.append(f"- psm{n}.yaml")
            else:
                entries += patch_entry(c, files, n, kind, name, text)
        extra = list(base_extra)
        if smp_file:
            extra += ["patchesStrategicMerge:"] + smp_file
        files["kustomization.yaml"] = kustomization(["resources.yaml"], entries, extra)
    return {"name": f"m{seed}-{i:05d}", "files": files, "features": sorted(c.features)}


def main():
    out_dir, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for i in range(n):
        case = make(seed, i)
        d = os.path.join(out_dir, case["name"])
        for name, text in case["files"].items():
            path = os.path.join(d, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        print(json.dumps(case, ensure_ascii=False))


if __name__ == "__main__":
    main()
