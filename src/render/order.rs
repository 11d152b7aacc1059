//! kustomize's "legacy" output order: namespaces and cluster-wide kinds first, webhooks last.

use super::resource::Resource;

/// Kinds printed first, in this order (kustomize's default `orderFirst`).
pub const ORDER_FIRST: [&str; 22] = [
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];

/// Kinds printed last (kustomize's default `orderLast`).
pub const ORDER_LAST: [&str; 2] = [
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// A kind's rank in the default order: negative for `ORDER_FIRST`, 0 for others, positive for `ORDER_LAST`.
pub fn kind_rank(kind: &str) -> i64 {
    if let Some(i) = ORDER_FIRST.iter().position(|k| *k == kind) {
        i as i64 - ORDER_FIRST.len() as i64
    } else if let Some(i) = ORDER_LAST.iter().position(|k| *k == kind) {
        i as i64 + 1
    } else {
        0
    }
}

/// Sorts in place by kind rank, then GVK string, then namespace and name.
pub fn legacy_sort(
    resources: &mut Vec<Resource>,
    first: Option<&[String]>,
    last: Option<&[String]>,
) {
    let first: Vec<&str> = match first {
        Some(f) => f.iter().map(String::as_str).collect(),
        None => ORDER_FIRST.to_vec(),
    };
    let last: Vec<&str> = match last {
        Some(l) => l.iter().map(String::as_str).collect(),
        None => ORDER_LAST.to_vec(),
    };
    let rank = |kind: &str| -> i64 {
        if let Some(i) = first.iter().position(|k| *k == kind) {
            i as i64 - first.len() as i64
        } else if let Some(i) = last.iter().position(|k| *k == kind) {
            i as i64 + 1
        } else {
            0
        }
    };
    let mut keyed: Vec<(i64, String, String, Resource)> = resources
        .drain(..)
        .map(|r| {
            let id = r.cur_id();
            (
                rank(&id.gvk.kind),
                id.gvk.sort_string(),
                id.legacy_sort_string(),
                r,
            )
        })
        .collect();
    keyed.sort_by(|a, b| {
        let (ga, gb) = (a.3.gvk(), b.3.gvk());
        if ga != gb {
            if a.0 != b.0 {
                return a.0.cmp(&b.0);
            }
            // kustomize reverses the comparison between two Namespace kinds when one is in the core group.
            if ga.kind == "Namespace"
                && gb.kind == "Namespace"
                && (ga.group.is_empty() || gb.group.is_empty())
            {
                return b.1.cmp(&a.1);
            }
            return a.1.cmp(&b.1);
        }
        a.2.cmp(&b.2)
    });
    resources.extend(keyed.into_iter().map(|k| k.3));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn r(kind: &str, name: &str) -> Resource {
        Resource::new(
            json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name}}),
            "t",
        )
    }

    #[test]
    fn namespaces_first_webhooks_last_then_by_name() {
        let mut v = vec![
            r("ValidatingWebhookConfiguration", "w"),
            r("Deployment", "b"),
            r("Foo", "x"),
            r("Deployment", "a"),
            r("Namespace", "n"),
        ];
        legacy_sort(&mut v, None, None);
        let names: Vec<&str> = v.iter().map(|r| r.name()).collect();
        assert_eq!(names, ["n", "a", "b", "x", "w"]);
    }
}
