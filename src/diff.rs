//! Normalising and presenting differences between two sets of objects (env vs env, rendered vs live).
//!
//! Pure: objects in, a change list and text out. Secret values are masked
//! before anything is compared for display, the way `kubectl diff` does it:
//! `***` on both sides when equal, `*** (before)` / `*** (after)` when not.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::render::emit;

/// What happened to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Create,
    Update,
    Delete,
    Noop,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Update => "update",
            Op::Delete => "delete",
            Op::Noop => "noop",
        }
    }
}

/// One object's difference, with both sides printed as YAML (secrets masked).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ObjectDiff {
    pub namespace: String,
    pub kind: String,
    pub name: String,
    pub op: Op,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// The unified diff text (no colour).
    pub diff: String,
}

/// One environment's objects and the decorations that make names differ between environments.
pub struct Side<'a> {
    pub label: &'a str,
    pub docs: &'a [Value],
    pub prefix: &'a str,
    pub suffix: &'a str,
    /// The environment's namespace (its kustomization's `namespace:`), if any.
    pub namespace: &'a str,
}

/// The string at `path` in `v`, or "" when it is missing or not a string.
pub(crate) fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        match cur.get(p) {
            Some(x) => cur = x,
            None => return "",
        }
    }
    cur.as_str().unwrap_or("")
}

/// A name with an environment's prefix and suffix taken off.
pub fn base_name<'a>(name: &'a str, prefix: &str, suffix: &str) -> &'a str {
    let n = name.strip_prefix(prefix).unwrap_or(name);
    n.strip_suffix(suffix).unwrap_or(n)
}

/// A generated ConfigMap/Secret name without kustomize's 10-character content hash.
pub fn without_hash(name: &str) -> &str {
    match name.rsplit_once('-') {
        Some((base, h)) if h.len() == 10 && h.chars().all(|c| "2456789bcdfghkmt".contains(c)) => {
            base
        }
        _ => name,
    }
}

/// The name two environments' copies of an object share.
fn pairing_name(doc: &Value, side: &Side) -> String {
    let kind = str_at(doc, &["kind"]);
    let name = str_at(doc, &["metadata", "name"]);
    if kind == "Namespace" && !side.namespace.is_empty() && name == side.namespace {
        return "(environment namespace)".to_string();
    }
    let base = base_name(name, side.prefix, side.suffix);
    if kind == "ConfigMap" || kind == "Secret" {
        without_hash(base).to_string()
    } else {
        base.to_string()
    }
}

/// Masks Secret `data`/`stringData` values in place; `other` is the same Secret on
/// the other side, so equal values show `***` and differing ones before/after.
pub fn mask_secret(obj: &mut Value, other: Option<&Value>, side_is_before: bool) {
    if str_at(obj, &["kind"]) != "Secret" {
        return;
    }
    for field in ["data", "stringData"] {
        let other_map = other
            .and_then(|o| o.get(field))
            .and_then(Value::as_object)
            .cloned();
        if let Some(Value::Object(m)) = obj.get_mut(field) {
            for (k, v) in m.iter_mut() {
                let same = other_map.as_ref().and_then(|o| o.get(k)) == Some(v);
                *v = Value::String(if same || other.is_none() {
                    "***".to_string()
                } else if side_is_before {
                    "*** (before)".to_string()
                } else {
                    "*** (after)".to_string()
                });
            }
        }
    }
}

/// Fields that never count as differences (server-managed).
pub fn normalize(obj: &mut Value) {
    if let Some(o) = obj.as_object_mut() {
        o.remove("status");
        if let Some(Value::Object(md)) = o.get_mut("metadata") {
            for k in [
                "managedFields",
                "resourceVersion",
                "uid",
                "generation",
                "creationTimestamp",
                "selfLink",
                "deletionTimestamp",
                "deletionGracePeriodSeconds",
            ] {
                md.remove(k);
            }
            if let Some(Value::Object(a)) = md.get_mut("annotations") {
                a.remove("kubectl.kubernetes.io/last-applied-configuration");
                a.remove("deployment.kubernetes.io/revision");
                if a.is_empty() {
                    md.remove("annotations");
                }
            }
        }
    }
}

fn to_yaml(v: &Value) -> String {
    emit::document_to_yaml(v)
}

/// Builds the difference of two sides from already-paired objects.
pub fn diff_pair(
    namespace: &str,
    kind: &str,
    name: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    labels: (&str, &str),
) -> ObjectDiff {
    let mut b = before.cloned();
    let mut a = after.cloned();
    if let Some(b) = b.as_mut() {
        mask_secret(b, after, true);
    }
    if let Some(a) = a.as_mut() {
        mask_secret(a, before, false);
    }
    let by = b.as_ref().map(to_yaml);
    let ay = a.as_ref().map(to_yaml);
    let op = match (&by, &ay) {
        (None, Some(_)) => Op::Create,
        (Some(_), None) => Op::Delete,
        (Some(x), Some(y)) if x == y && before == after => Op::Noop,
        _ => Op::Update,
    };
    let diff = if op == Op::Noop {
        String::new()
    } else {
        let (x, y) = (
            by.clone().unwrap_or_default(),
            ay.clone().unwrap_or_default(),
        );
        // The namespace, when there is one, goes into the headers so that
        // same-named objects of two namespaces stay apart.
        let path = if namespace.is_empty() {
            format!("{kind}/{name}")
        } else {
            format!("{kind}/{namespace}/{name}")
        };
        similar::TextDiff::from_lines(&x, &y)
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("{}/{path}", labels.0),
                &format!("{}/{path}", labels.1),
            )
            .to_string()
    };
    ObjectDiff {
        namespace: namespace.to_string(),
        kind: kind.to_string(),
        name: name.to_string(),
        op,
        before: by,
        after: ay,
        diff,
    }
}

/// Environment against environment: objects are paired by kind and name with each
/// side's prefix/suffix taken off; names and namespaces are shown without them.
pub fn env_diff(a: &Side, b: &Side) -> Vec<ObjectDiff> {
    let key = |doc: &Value, side: &Side| -> (String, String) {
        (str_at(doc, &["kind"]).to_string(), pairing_name(doc, side))
    };
    // Both sides are shown under the shared name, without namespace.
    let strip = |doc: &Value, side: &Side| -> Value {
        let mut d = doc.clone();
        let name =
            base_name(str_at(doc, &["metadata", "name"]), side.prefix, side.suffix).to_string();
        if let Some(Value::Object(md)) = d.get_mut("metadata") {
            md.insert("name".into(), Value::String(name));
            md.remove("namespace");
        }
        normalize(&mut d);
        d
    };
    let mut pairs: BTreeMap<(String, String), (Option<Value>, Option<Value>)> = BTreeMap::new();
    for d in a.docs {
        pairs.entry(key(d, a)).or_default().0 = Some(strip(d, a));
    }
    for d in b.docs {
        pairs.entry(key(d, b)).or_default().1 = Some(strip(d, b));
    }
    pairs
        .into_iter()
        .map(|((kind, name), (x, y))| {
            diff_pair("", &kind, &name, x.as_ref(), y.as_ref(), (a.label, b.label))
        })
        .collect()
}

/// One object of a live diff: its live state and the state a server-side apply
/// dry-run says it would have (`None` on the side where it does not exist).
#[derive(Debug, Clone, PartialEq)]
pub struct LivePair {
    pub namespace: String,
    pub kind: String,
    pub name: String,
    pub live: Option<Value>,
    pub merged: Option<Value>,
}

/// Sorts every object's keys, as kubectl diff's YAML shows them, so that both
/// sides print the same fields in the same order whatever produced them.
pub fn sort_keys(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = std::mem::take(m).into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            for (k, mut child) in entries {
                sort_keys(&mut child);
                m.insert(k, child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(sort_keys),
        _ => {}
    }
}

/// Rendered against live: both sides normalised (server-managed fields dropped,
/// keys sorted), Secrets masked; ordered by namespace, kind and name.
pub fn live_diff(pairs: &[LivePair]) -> Vec<ObjectDiff> {
    let prepare = |v: &Option<Value>| {
        v.as_ref().map(|v| {
            let mut v = v.clone();
            normalize(&mut v);
            sort_keys(&mut v);
            v
        })
    };
    let mut out: Vec<ObjectDiff> = pairs
        .iter()
        .map(|p| {
            let (live, merged) = (prepare(&p.live), prepare(&p.merged));
            diff_pair(
                &p.namespace,
                &p.kind,
                &p.name,
                live.as_ref(),
                merged.as_ref(),
                ("live", "merged"),
            )
        })
        .collect();
    out.sort_by(|a, b| (&a.namespace, &a.kind, &a.name).cmp(&(&b.namespace, &b.kind, &b.name)));
    out
}

/// A fixed-width table: Namespace (when any), Kind, Name, Op.
pub fn table(diffs: &[ObjectDiff], show_noop: bool) -> String {
    let rows: Vec<&ObjectDiff> = diffs
        .iter()
        .filter(|d| show_noop || d.op != Op::Noop)
        .collect();
    let with_ns = rows.iter().any(|d| !d.namespace.is_empty());
    let mut cols: Vec<Vec<String>> = Vec::new();
    let header: Vec<String> = if with_ns {
        vec![
            "NAMESPACE".into(),
            "KIND".into(),
            "NAME".into(),
            "OP".into(),
        ]
    } else {
        vec!["KIND".into(), "NAME".into(), "OP".into()]
    };
    cols.push(header);
    for d in &rows {
        let mut r = Vec::new();
        if with_ns {
            r.push(if d.namespace.is_empty() {
                "-".into()
            } else {
                d.namespace.clone()
            });
        }
        r.push(d.kind.clone());
        r.push(d.name.clone());
        r.push(d.op.as_str().to_string());
        cols.push(r);
    }
    let widths: Vec<usize> = (0..cols[0].len())
        .map(|i| cols.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &cols {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<w$}", w = widths[i]))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    let count = |op: Op| diffs.iter().filter(|d| d.op == op).count();
    out.push_str(&format!(
        "{} to create, {} to update, {} to delete, {} unchanged\n",
        count(Op::Create),
        count(Op::Update),
        count(Op::Delete),
        count(Op::Noop)
    ));
    out
}

/// All unified diffs, coloured for a terminal when `color` is set.
pub fn unified(diffs: &[ObjectDiff], color: bool) -> String {
    let mut out = String::new();
    for d in diffs.iter().filter(|d| d.op != Op::Noop) {
        for line in d.diff.lines() {
            let (pre, post) = if !color {
                ("", "")
            } else if line.starts_with("+++") || line.starts_with("---") {
                ("\x1b[1m", "\x1b[0m")
            } else if line.starts_with('+') {
                ("\x1b[32m", "\x1b[0m")
            } else if line.starts_with('-') {
                ("\x1b[31m", "\x1b[0m")
            } else if line.starts_with("@@") {
                ("\x1b[36m", "\x1b[0m")
            } else {
                ("", "")
            };
            out.push_str(pre);
            out.push_str(line);
            out.push_str(post);
            out.push('\n');
        }
    }
    out
}

/// Whether to colour output: only on a terminal, and never with `NO_COLOR` set
/// (the caller reads the variable: this module does no I/O).
pub fn use_color(is_tty: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    is_tty && no_color.is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dep(name: &str, ns: &str, image: &str, replicas: i64) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": ns},
               "spec": {"replicas": replicas, "template": {"spec": {"containers": [{"name": "c", "image": image}]}}}})
    }

    #[test]
    fn pairs_by_base_name_and_reports_ops() {
        let dev = vec![
            dep("api", "acme-dev", "api:dev", 1),
            dep("old", "acme-dev", "x", 1),
        ];
        let prod = vec![
            dep("prod-api", "acme-prod", "api:v1.4.0", 3),
            dep("prod-new", "acme-prod", "y", 1),
        ];
        let d = env_diff(
            &Side {
                label: "dev",
                docs: &dev,
                prefix: "",
                suffix: "",
                namespace: "acme-dev",
            },
            &Side {
                label: "prod",
                docs: &prod,
                prefix: "prod-",
                suffix: "",
                namespace: "acme-prod",
            },
        );
        let ops: Vec<(&str, Op)> = d.iter().map(|x| (x.name.as_str(), x.op)).collect();
        assert_eq!(
            ops,
            [
                ("api", Op::Update),
                ("new", Op::Create),
                ("old", Op::Delete)
            ]
        );
        assert!(
            d[0].diff.contains("-  replicas: 1\n+  replicas: 3"),
            "{}",
            d[0].diff
        );
        assert!(
            !d[0].diff.contains("namespace"),
            "namespaces are not differences between envs"
        );
        let t = table(&d, false);
        assert!(
            t.starts_with("KIND        NAME  OP\nDeployment  api   update\n"),
            "{t}"
        );
    }

    #[test]
    fn generated_names_pair_without_hash() {
        assert_eq!(without_hash("api-config-dt2ttfh5k9"), "api-config");
        assert_eq!(without_hash("my-deployment"), "my-deployment");
    }

    #[test]
    fn secrets_are_masked() {
        let s = |v: &str| json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"same": "eA==", "pw": v}});
        let d = diff_pair(
            "",
            "Secret",
            "s",
            Some(&s("YQ==")),
            Some(&s("Yg==")),
            ("a", "b"),
        );
        assert!(
            !d.diff.contains("YQ==") && !d.diff.contains("Yg==") && !d.diff.contains("eA=="),
            "{}",
            d.diff
        );
        assert!(d.diff.contains("*** (before)") && d.diff.contains("*** (after)"));
        assert!(d.after.unwrap().contains("same: '***'"));
        let d = diff_pair(
            "",
            "Secret",
            "s",
            Some(&s("YQ==")),
            Some(&s("YQ==")),
            ("a", "b"),
        );
        assert_eq!(d.op, Op::Noop);
    }

    #[test]
    fn live_diff_normalises_sorts_and_orders() {
        let live = json!({"kind": "ConfigMap", "apiVersion": "v1",
            "metadata": {"name": "c", "namespace": "n", "uid": "1", "resourceVersion": "7",
                         "managedFields": [{"manager": "argocd-like"}]},
            "data": {"b": "2", "a": "1"}});
        let mut same = live.clone();
        same["metadata"]["resourceVersion"] = json!("8");
        same["metadata"]["managedFields"] = json!([{"manager": "kubectl-release"}]);
        let mut changed = same.clone();
        changed["data"]["a"] = json!("one");
        let pair = |name: &str, live: Option<&Value>, merged: Option<&Value>| LivePair {
            namespace: "n".into(),
            kind: "ConfigMap".into(),
            name: name.into(),
            live: live.cloned(),
            merged: merged.cloned(),
        };
        let d = live_diff(&[
            pair("z", Some(&live), Some(&changed)),
            pair("y", Some(&live), Some(&same)),
            pair("x", None, Some(&same)),
            pair("w", Some(&live), None),
        ]);
        let ops: Vec<(&str, Op)> = d.iter().map(|x| (x.name.as_str(), x.op)).collect();
        assert_eq!(
            ops,
            [
                ("w", Op::Delete),
                ("x", Op::Create),
                ("y", Op::Noop),
                ("z", Op::Update)
            ]
        );
        let z = &d[3];
        assert!(
            z.diff
                .starts_with("--- live/ConfigMap/n/z\n+++ merged/ConfigMap/n/z\n"),
            "{}",
            z.diff
        );
        assert!(z.diff.contains("-  a: \"1\"\n+  a: one\n"), "{}", z.diff);
        let after = z.after.as_deref().unwrap();
        assert!(
            after.starts_with("apiVersion: v1\ndata:\n  a: one\n  b: \"2\"\nkind: ConfigMap\n")
        );
        assert!(!after.contains("managedFields") && !after.contains("uid"));
    }

    #[test]
    fn color_only_on_tty_without_no_color() {
        assert!(!use_color(false, None));
        assert!(use_color(true, None));
        assert!(!use_color(true, Some(std::ffi::OsStr::new("1"))));
    }
}
