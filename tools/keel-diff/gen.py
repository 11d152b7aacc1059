#!/usr/bin/env python3
"""Generates keel-diff cases (JSON lines) around the edges of Keel's rules.

Usage: gen.py N [SEED] > cases.jsonl. Deterministic for a seed. About 55% policy
cases, 30% native payloads, 15% registry notifications; see run.sh.
"""
import json
import random
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
R = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
D = "sha256:" + "0123456789abcdef" * 4

# ---- tags -------------------------------------------------------------------
PRE = ["", "", "", "-rc.1", "-rc.2", "-alpha", "-beta.3", "-rc.01", "-0", "-rc-1", "-rc.1.2", "-"]
BUILD = ["", "", "", "", "+build.5", "+b", "+001", "+"]


def version():
    if R.random() < 0.5:  # an ordinary release tag
        return R.choice(["", "", "v"]) + ".".join(str(R.choice([0, 1, 2, 3, 10])) for _ in range(3))
    n = R.choice([1, 2, 3, 3, 3, 3, 4])
    parts = [str(R.choice([0, 1, 1, 2, 3, 10, 99])) for _ in range(n)]
    if R.random() < 0.05:
        parts[0] = "0" + parts[0]
    if R.random() < 0.02:
        parts[0] = "99999999999999999999"
    t = ".".join(parts) + R.choice(PRE) + (R.choice(BUILD) if R.random() < 0.3 else "")
    if R.random() < 0.35:
        t = R.choice(["v", "v", "V", "ver"]) + t
    return t


OTHER = ["latest", "dev", "main", "stable", "build-1", "build-2", "build-10", "dev-1", "dev-2",
         "release-1.2", "1..2", "1.2.", ".1.2", "a.b.c", "1.x", "1.2.3-rc.1-2", "Latest",
         "2024.01.02", "20240102", "sha-abc123", "1.2.3_4", "x" * 129, "-x", ".x"]


def tag():
    return version() if R.random() < 0.7 else R.choice(OTHER)


def bump(cur):
    """A pushed tag near the current one."""
    r = R.random()
    if r < 0.15:
        return cur
    if r < 0.3:
        return tag()
    pre = "v" if cur.startswith("v") and R.random() < 0.8 else ""
    core = cur.lstrip("vV").split("-")[0].split("+")[0].split(".")
    try:
        nums = [int(x) for x in core][:3]
    except ValueError:
        return tag()
    while len(nums) < 3:
        nums.append(0)
    i = R.choice([0, 1, 2, 2])
    nums[i] += R.choice([1, 1, -1, 0])
    for j in range(i + 1, 3):
        nums[j] = R.choice([0, nums[j]])
    nums = [max(0, x) for x in nums]
    out = ".".join(map(str, nums[: R.choice([2, 3, 3, 3, 3, 3])]))
    return pre + out + (R.choice(PRE) if R.random() < 0.4 else "") + (R.choice(BUILD) if R.random() < 0.1 else "")


# ---- policy cases -------------------------------------------------------------
POLICIES = ["all", "major", "minor", "patch", "force"] * 5 + ["all", "major", "minor", "patch", "force", "never", "", "glob:build-*", "glob:*",
            "glob:dev-*", "glob:*-1", "glob:a:b", "glob:", "glob:*.*", "regexp:^dev-[0-9]+$",
            "regexp:^v?1\\.", "regexp:(", "regexp:", "regexp:a:b", "regexp:(?P<compare>\\d+)",
            "sometimes", " all", "all ", "All", "MINOR", "Force", "glob: build-*",
            "regexp:^[0-9]+\\.[0-9]+\\.[0-9]+$", "regexp:(?i)DEV"]
POLICY_KEYS = ["keel.sh/policy"] * 6 + ["keel.observer/policy", "Keel.sh/Policy", "keel.sh/Policy"]
FLAG_VALUES = ["true", "true", "false", "True", "TRUE", "1", "", " true"]
MATCH_TAG_KEYS = ["keel.sh/matchTag", "keel.sh/match-tag", "keel.sh/matchtag", "keel.sh/MatchTag"]
PRERELEASE_KEYS = ["keel.sh/matchPreRelease", "keel.sh/matchprerelease"]
MONITOR_KEYS = ["keel.sh/monitorContainers", "keel.sh/monitorcontainers", "KEEL.SH/MONITORCONTAINERS"]
MONITOR_VALUES = ["^api$", "api", "app|api", "^(api|sidecar)$", "(", "[", "", ".*", "^init-.*", "API",
                  "(?i)API", "side"]
INIT_KEYS = ["keel.sh/initContainers", "keel.sh/initcontainers", "Keel.sh/InitContainers"]
NAMES = ["app", "api", "sidecar", "init-db", "migrate", "API"]
REPO = "reg.example.com/acme/app"


def put(lab, ann, key, value, ann_bias=0.6):
    """Into labels, annotations or (sometimes) both with different values."""
    r = R.random()
    if r < 0.1:
        lab[key] = value
        ann[key] = R.choice(FLAG_VALUES + POLICIES + MONITOR_VALUES)
    elif r < ann_bias:
        ann[key] = value
    else:
        lab[key] = value


def image(cur):
    r = R.random()
    if r < 0.8:
        return f"{REPO}:{cur}"
    return R.choice([REPO, f"{REPO}@{D}", f"{REPO}:{cur}@{D}", "reg.example.com/acme/other:" + cur,
                     "reg.example.com/ACME/app:" + cur, f"https://{REPO}:{cur}"])


def policy_case(i):
    lab, ann = {}, {}
    if R.random() < 0.4:  # the semver rules, with their edges below
        put(lab, ann, "keel.sh/policy", R.choice(["all", "major", "minor", "patch"]))
    elif R.random() < 0.95:
        put(lab, ann, R.choice(POLICY_KEYS), R.choice(POLICIES))
    if R.random() < 0.1:
        put(lab, ann, "keel.observer/policy", R.choice(POLICIES))
    if R.random() < 0.35:
        put(lab, ann, R.choice(MATCH_TAG_KEYS), R.choice(FLAG_VALUES))
    if R.random() < 0.4:
        put(lab, ann, R.choice(PRERELEASE_KEYS), R.choice(FLAG_VALUES))
    if R.random() < 0.3:
        put(lab, ann, R.choice(MONITOR_KEYS), R.choice(MONITOR_VALUES), 0.5)
    if R.random() < 0.3:
        put(lab, ann, R.choice(INIT_KEYS), R.choice(FLAG_VALUES), 0.5)
    cur = tag()
    containers = []
    for _ in range(R.choice([1, 1, 2, 3])):
        c = cur if R.random() < 0.8 else tag()
        containers.append({"name": R.choice(NAMES), "image": image(c), "init": R.random() < 0.3})
    pushed = bump(cur)
    # The pushed tag is one our payload parsers accept (they refuse malformed tags first).
    if not valid_tag(pushed):
        pushed = "dev"
    name = R.choice([REPO] * 16 + ["reg.example.com/acme/other", "https://" + REPO])
    return {"id": i, "kind": "policy", "labels": lab, "annotations": ann,
            "containers": containers, "push": {"name": name, "tag": pushed}}


def valid_tag(t):
    ok = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
    return 0 < len(t) <= 128 and (t[0].isalnum() or t[0] == "_") and set(t) <= ok and t.isascii()


# ---- payloads -----------------------------------------------------------------
IMAGE_NAMES = ["ghcr.io/acme/api", "acme/api", "nginx", "docker.io/library/nginx",
               "127.0.0.1:5000/acme/api", "localhost:5000/x", "localhost/x", "Acme/api",
               "https://ghcr.io/acme/api", "http://127.0.0.1:5000/a", "ghcr.io/acme/api:dev",
               f"ghcr.io/acme/api@{D}", " acme/api", "", "a//b", "ghcr.io/", "a b", "-x",
               "index.docker.io/acme/api", "index.docker.io/nginx", "docker.io/nginx", "GHCR.IO/acme/api", "ghcr.io:443/acme/api"]
PAYLOAD_TAGS = ["dev", "1.2.3", "v1.2.3", "1.2.3+b", "-x", ".x", "x" * 129, "x" * 128, "", "dev;rm",
                "Dev", "_x", "a:b", "latest", " dev"]
DIGESTS = [D, "", "sha256:12", D.upper(), "sha512:" + "ab" * 64, "md5:x", D + "0"]


def key(k):
    r = R.random()
    if r < 0.9:
        return k
    if r < 0.95:
        return R.choice([k.upper(), k.capitalize(), k[0] + k[1:].upper()])
    if r < 0.975 and "s" in k:
        return k.replace("s", "\u017f")  # long s: Go's case folding matches it with s
    return R.choice([k + "_", k + "s", "\\u00" + format(ord(k[0]), "02x") + k[1:]])


def value(pool):
    r = R.random()
    if r < 0.92:
        return json.dumps(R.choice(pool), ensure_ascii=R.random() < 0.5)
    return R.choice(["null", "1", "true", "[]", "{}", '"\\u0064ev"'])


def obj(fields):
    items = [f'"{k}":{v}' for k, v in fields]
    R.shuffle(items)
    sep = R.choice([",", ", ", ",\n"])
    return "{" + sep.join(items) + "}"


def wrap(body):
    r = R.random()
    if r < 0.9:
        return body
    return R.choice([body + "\n", " " + body, body + " trailing", body + body, body + "}",
                     "[" + body + "]", "null", '"x"', "1", "", "{", body[:-1]])


def native_case(i):
    fields = []
    if R.random() < 0.92:
        fields.append((key("name"), value(["ghcr.io/acme/api"] * 6 + IMAGE_NAMES)))
    if R.random() < 0.92:
        fields.append((key("tag"), value(["dev", "1.2.3"] * 4 + PAYLOAD_TAGS)))
    if R.random() < 0.35:
        fields.append((key("digest"), value(DIGESTS)))
    if R.random() < 0.15:
        fields.append((key("host"), value(["ghcr.io", "", "127.0.0.1:5000", "https://ghcr.io"])))
    if R.random() < 0.1:
        fields.append(("platforms", R.choice(["[]", "null", '"x"', '[{"os":"linux"}]'])))
    if R.random() < 0.1:
        fields.append(("platformVerified", R.choice(["true", '"yes"', "null"])))
    if R.random() < 0.15:
        fields.append(("extra", R.choice(["1", '{"a":[1,2]}', '"x"'])))
    if R.random() < 0.08 and fields:
        fields.append(R.choice(fields)[:1] + (value(IMAGE_NAMES + PAYLOAD_TAGS),))
    return {"id": i, "kind": "native", "body": wrap(obj(fields))}


def registry_event():
    target, request = [], []
    if R.random() < 0.9:
        target.append((key("repository"), value(["acme/api"] * 4 + ["library/nginx", "x", "", "Acme/api",
                                                 "acme//api", "a b"])))
    if R.random() < 0.8:
        target.append((key("tag"), value(["dev", "1.2.3"] * 3 + PAYLOAD_TAGS)))
    if R.random() < 0.6:
        target.append((key("digest"), value(DIGESTS)))
    if R.random() < 0.5:
        target.append(("mediaType", json.dumps(R.choice(
            ["application/vnd.oci.image.manifest.v1+json", "application/octet-stream"]))))
    if R.random() < 0.15:
        target.append(("size", R.choice(["12", '"12"', "1.5", "null"])))
    if R.random() < 0.9:
        request.append((key("host"), value(["127.0.0.1:5000"] * 3 + ["registry.example.com", "", "localhost",
                                             "Registry.Example.com", "https://r.example.com"])))
    fields = [(key("action"), value(["push"] * 12 + ["pull", "delete", "PUSH", "Push", ""]))]
    if target or R.random() < 0.5:
        fields.append((key("target"), obj(target) if R.random() < 0.95 else R.choice(["null", "[]", '"x"'])))
    if request or R.random() < 0.5:
        fields.append((key("request"), obj(request)))
    if R.random() < 0.15:
        fields.append(("timestamp", R.choice(['"2018-10-11T13:53:21.859222576Z"', '"yesterday"', "null", "1"])))
    if R.random() < 0.1:
        fields.append(("id", R.choice(['"d83e"', "7"])))
    return obj(fields) if R.random() < 0.97 else R.choice(["null", "1", '"x"', "[]"])


def registry_case(i):
    r = R.random()
    if r < 0.9:
        events = "[" + ",".join(registry_event() for _ in range(R.choice([0, 1, 1, 1, 2, 3]))) + "]"
        body = obj([(key("events"), events)] + ([("other", "1")] if R.random() < 0.1 else []))
    else:
        body = R.choice(["{}", '{"events":null}', '{"events":{}}', '{"events":"x"}', "[]", "null"])
    return {"id": i, "kind": "registry", "body": wrap(body)}


for i in range(N):
    r = R.random()
    case = policy_case(i) if r < 0.55 else native_case(i) if r < 0.85 else registry_case(i)
    print(json.dumps(case, ensure_ascii=False))
