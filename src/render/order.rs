//! kustomize's "legacy" output order: namespaces and cluster-wide kinds first, webhooks last.

use super::resource::{Gvk, Resource};

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
pub fn legacy_sort(resources: &mut [Resource], first: Option<&[String]>, last: Option<&[String]>) {
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
    // Keys are computed once per resource (the comparator runs n log n times) and
    // the resources are then moved into place, without a second list of them.
    let mut keyed: Vec<(i64, Gvk, String, String, usize)> = resources
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let id = r.cur_id();
            let (sort_string, legacy) = (id.gvk.sort_string(), id.legacy_sort_string());
            (rank(&id.gvk.kind), id.gvk, sort_string, legacy, i)
        })
        .collect();
    keyed.sort_by(|a, b| {
        let (ga, gb) = (&a.1, &b.1);
        if ga != gb {
            if a.0 != b.0 {
                return a.0.cmp(&b.0);
            }
            // kustomize reverses the comparison between two Namespace kinds when one is in the core group.
            if ga.kind == "Namespace"
                && gb.kind == "Namespace"
                && (ga.group.is_empty() || gb.group.is_empty())
            {
                return b.2.cmp(&a.2);
            }
            return a.2.cmp(&b.2);
        }
        a.3.cmp(&b.3)
    });
    let order: Vec<usize> = keyed.into_iter().map(|k| k.4).collect();
    permute(resources, order);
}

/// Reorders `items` so that position `i` holds what was at `order[i]`, in place.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        // Follow the cycle through `start`, marking visited positions with their own index.
        let mut cur = start;
        while order[cur] != start {
            let next = order[cur];
            items.swap(cur, next);
            order[cur] = cur;
            cur = next;
        }
        order[cur] = cur;
    }
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

    #[test]
    fn permute_follows_cycles() {
        let mut v = vec!['a', 'b', 'c', 'd', 'e'];
        permute(&mut v, vec![3, 0, 4, 1, 2]);
        assert_eq!(v, ['d', 'a', 'e', 'b', 'c']);
        let mut w = vec![1, 2, 3];
        permute(&mut w, vec![0, 1, 2]);
        assert_eq!(w, [1, 2, 3]);
    }
}
