//! Rendered objects against the live cluster, the way `kubectl diff --server-side` does it.
//!
//! For every rendered object: its kind is resolved by discovery (once per
//! group/version), a namespaced object without a namespace gets the target's
//! (`-n`, else the context's, as kubectl does), its live state is read, and
//! a server-side apply dry-run (field manager `kubectl-release`, conflicts
//! forced) says what it would become; for an object that does not exist the
//! same dry-run answers what a create would make. Live objects are read with
//! one LIST per kind and namespace (falling back to one GET per object when
//! listing is forbidden), and the dry-runs run concurrently with a bound.
//!
//! When an environment name is given, live objects carrying
//! `kubectl-release.dev/env: <ENV>` that are no longer rendered come back as
//! deletions (objects owned by another object, such as ReplicaSets, excepted).
//!
//! Nothing here prints: the caller gets pairs for [`crate::diff::live_diff`]
//! and the warnings to show on stderr.

use crate::diff::str_at;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use futures::stream::{self, StreamExt, TryStreamExt};
use kube::api::{Api, DynamicObject, ListParams, Patch, PatchParams};
use kube::core::Status;
use kube::discovery::{self, ApiCapabilities, ApiResource, Scope};
use serde_json::Value;

use super::{Cluster, ClusterError};
use crate::diff::LivePair;

/// The label by which an overlay marks the objects of an environment.
pub const ENV_LABEL: &str = "kubectl-release.dev/env";

/// The default field manager of the server-side apply dry-run.
pub const FIELD_MANAGER: &str = "kubectl-release";

/// Kinds searched for owned objects that are no longer rendered, besides the
/// rendered kinds (apiVersion, kind). Kinds the cluster does not serve are skipped.
pub const OWNED_KINDS: &[(&str, &str)] = &[
    ("v1", "ConfigMap"),
    ("v1", "Secret"),
    ("v1", "Service"),
    ("v1", "ServiceAccount"),
    ("v1", "PersistentVolumeClaim"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "DaemonSet"),
    ("batch/v1", "CronJob"),
    ("batch/v1", "Job"),
    ("networking.k8s.io/v1", "Ingress"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ("policy/v1", "PodDisruptionBudget"),
];

/// How to diff.
#[derive(Debug, Clone)]
pub struct Options {
    /// Field manager of the apply dry-run.
    pub field_manager: String,
    /// The environment whose owned objects are searched for deletions (`None`: no deletions).
    pub owner: Option<String>,
    /// Requests in flight at once.
    pub concurrency: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            field_manager: FIELD_MANAGER.to_string(),
            owner: None,
            concurrency: 8,
        }
    }
}

/// The pairs to diff, and what the caller should tell the user on stderr.
#[derive(Debug, Default)]
pub struct Outcome {
    pub pairs: Vec<LivePair>,
    pub warnings: Vec<String>,
}

/// One rendered object, resolved against the cluster.
struct Item {
    /// The object as sent: namespace defaulted (namespaced kinds) or removed (cluster-scoped).
    doc: Value,
    ar: ApiResource,
    namespaced: bool,
    namespace: String,
    name: String,
}

impl Item {
    fn label(&self) -> String {
        object_label(&self.ar.kind, &self.namespace, &self.name)
    }
}

/// `Kind namespace/name` or `Kind name`, as errors name objects.
pub fn object_label(kind: &str, namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        format!("{kind} {name}")
    } else {
        format!("{kind} {namespace}/{name}")
    }
}

fn status_of(e: &kube::Error) -> Option<&Status> {
    match e {
        kube::Error::Api(s) => Some(s),
        _ => None,
    }
}

/// The kinds one group/version serves (`None`: the cluster does not serve it).
type Served = Option<Vec<(ApiResource, ApiCapabilities)>>;

/// Resolved kinds, cached per group/version (one discovery request each).
struct Discovery {
    groups: HashMap<String, Served>,
}

impl Discovery {
    async fn fetch(
        cluster: &Cluster,
        api_versions: BTreeSet<String>,
        concurrency: usize,
    ) -> Result<Self, ClusterError> {
        let client = cluster.client.clone();
        let found: Vec<(String, Served)> = stream::iter(api_versions.into_iter().map(|av| {
            let client = client.clone();
            async move {
                let gv: kube::core::GroupVersion = match av.parse() {
                    Ok(gv) => gv,
                    Err(_) => return Ok((av, None)),
                };
                match discovery::pinned_group(&client, &gv).await {
                    Ok(group) => {
                        let resources = group.versioned_resources(&gv.version);
                        Ok((av, Some(resources)))
                    }
                    Err(e) if status_of(&e).map(|s| s.code) == Some(404) => Ok((av, None)),
                    Err(e) => Err(cluster.api_err(&format!("discovery of {av}"), e)),
                }
            }
        }))
        .buffer_unordered(concurrency)
        .try_collect()
        .await?;
        Ok(Discovery {
            groups: found.into_iter().collect(),
        })
    }

    fn resolve(&self, api_version: &str, kind: &str) -> Option<(ApiResource, ApiCapabilities)> {
        self.groups
            .get(api_version)?
            .as_ref()?
            .iter()
            .find(|(ar, _)| ar.kind == kind)
            .cloned()
    }
}

/// The rendered objects' live and would-be states, plus deletions of owned objects.
pub async fn compare(
    cluster: &Cluster,
    docs: &[Value],
    opts: &Options,
) -> Result<Outcome, ClusterError> {
    let concurrency = opts.concurrency.max(1);
    let mut warnings = Vec::new();

    // Discovery for every rendered group/version and, for deletions, the owned kinds'.
    let mut api_versions: BTreeSet<String> = docs
        .iter()
        .map(|d| str_at(d, &["apiVersion"]).to_string())
        .collect();
    if opts.owner.is_some() {
        api_versions.extend(OWNED_KINDS.iter().map(|(av, _)| av.to_string()));
    }
    let disc = Discovery::fetch(cluster, api_versions, concurrency).await?;

    // Resolve each object: kind, scope, namespace.
    let mut items = Vec::with_capacity(docs.len());
    for (i, d) in docs.iter().enumerate() {
        let (api_version, kind) = (str_at(d, &["apiVersion"]), str_at(d, &["kind"]));
        let name = str_at(d, &["metadata", "name"]).to_string();
        if name.is_empty() {
            return Err(ClusterError::NoName {
                index: i + 1,
                kind: kind.to_string(),
            });
        }
        let given_ns = str_at(d, &["metadata", "namespace"]).to_string();
        let Some((ar, caps)) = disc.resolve(api_version, kind) else {
            return Err(ClusterError::UnknownKind {
                object: object_label(kind, &given_ns, &name),
                api_version: api_version.to_string(),
                kind: kind.to_string(),
                context: cluster.context.clone(),
            });
        };
        let namespaced = caps.scope == Scope::Namespaced;
        let mut doc = d.clone();
        let namespace = if namespaced {
            let ns = if given_ns.is_empty() {
                cluster.namespace.clone()
            } else {
                given_ns
            };
            if let Some(Value::Object(md)) = doc.get_mut("metadata") {
                md.insert("namespace".into(), Value::String(ns.clone()));
            }
            ns
        } else {
            if let Some(Value::Object(md)) = doc.get_mut("metadata") {
                md.remove("namespace");
            }
            String::new()
        };
        items.push(Item {
            doc,
            ar,
            namespaced,
            namespace,
            name,
        });
    }

    // Namespaces the environment lives in: the rendered ones and the target's.
    let mut namespaces: BTreeSet<String> = items
        .iter()
        .filter(|i| i.namespaced)
        .map(|i| i.namespace.clone())
        .collect();
    namespaces.insert(cluster.namespace.clone());
    let rendered_namespaces: BTreeSet<String> = items
        .iter()
        .filter(|i| i.ar.kind == "Namespace" && i.ar.group.is_empty())
        .map(|i| i.name.clone())
        .collect();

    // Live state: one LIST per (kind, namespace) of namespaced rendered objects;
    // one GET per object for cluster-scoped ones and where listing is forbidden.
    let mut groups: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (idx, it) in items.iter().enumerate() {
        if it.namespaced {
            groups
                .entry((gvk_key(&it.ar), it.namespace.clone()))
                .or_default()
                .push(idx);
        }
    }
    let lists = stream::iter(groups.iter().map(|((_, ns), idxs)| {
        let ar = items[idxs[0]].ar.clone();
        let client = cluster.client.clone();
        let ns = ns.clone();
        async move {
            let api: Api<DynamicObject> = Api::namespaced_with(client, &ns, &ar);
            let r = api.list(&ListParams::default()).await;
            (ar, ns, r)
        }
    }))
    .buffer_unordered(concurrency)
    .collect::<Vec<_>>()
    .await;
    // (kind key, namespace) -> live objects by name, for the groups that could be listed.
    let mut listed: HashMap<(String, String), BTreeMap<String, Value>> = HashMap::new();
    for (ar, ns, r) in lists {
        match r {
            Ok(list) => {
                let objs = list
                    .items
                    .into_iter()
                    .map(|o| {
                        let v = with_type(&ar, o);
                        (str_at(&v, &["metadata", "name"]).to_string(), v)
                    })
                    .collect();
                listed.insert((gvk_key(&ar), ns), objs);
            }
            Err(e) if status_of(&e).map(|s| s.code) == Some(403) => {
                if opts.owner.is_some() {
                    warnings.push(format!(
                        "cannot list {} in namespace {ns} (forbidden): reading them one by one; deletions of {} there are not checked",
                        resource_name(&ar),
                        ar.kind
                    ));
                }
            }
            Err(e) => {
                return Err(cluster.api_err(
                    &format!("listing {} in namespace {ns}", resource_name(&ar)),
                    e,
                ));
            }
        }
    }

    // Per object: live state (from the lists or a GET) and the apply dry-run.
    let pp = PatchParams::apply(&opts.field_manager).dry_run().force();
    let results: Vec<(usize, LivePair, Option<String>)> =
        stream::iter(items.iter().enumerate().map(|(idx, it)| {
            let pp = pp.clone();
            let listed = &listed;
            let rendered_namespaces = &rendered_namespaces;
            async move {
                let api: Api<DynamicObject> = if it.namespaced {
                    Api::namespaced_with(cluster.client.clone(), &it.namespace, &it.ar)
                } else {
                    Api::all_with(cluster.client.clone(), &it.ar)
                };
                let live = match listed.get(&(gvk_key(&it.ar), it.namespace.clone())) {
                    Some(objs) => objs.get(&it.name).cloned(),
                    None => api
                        .get_opt(&it.name)
                        .await
                        .map_err(|e| object_err(cluster, it, "reading the live object", e))?
                        .map(|o| with_type(&it.ar, o)),
                };
                let mut note = None;
                let merged = match api.patch(&it.name, &pp, &Patch::Apply(&it.doc)).await {
                    Ok(o) => with_type(&it.ar, o),
                    Err(e) if live.is_none() && namespace_missing(&e, &it.namespace) => {
                        if rendered_namespaces.contains(&it.namespace) {
                            note = Some(format!(
                                "{}: namespace {} does not exist yet (it is created with the environment); shown as rendered, without server defaults",
                                it.label(),
                                it.namespace
                            ));
                            it.doc.clone()
                        } else {
                            return Err(ClusterError::NamespaceMissing {
                                object: it.label(),
                                namespace: it.namespace.clone(),
                                context: cluster.context.clone(),
                            });
                        }
                    }
                    Err(e) => return Err(object_err(cluster, it, "server-side apply dry-run", e)),
                };
                let pair = LivePair {
                    namespace: it.namespace.clone(),
                    kind: it.ar.kind.clone(),
                    name: it.name.clone(),
                    live,
                    merged: Some(merged),
                };
                Ok::<_, ClusterError>((idx, pair, note))
            }
        }))
        .buffer_unordered(concurrency)
        .try_collect()
        .await?;
    let mut results = results;
    results.sort_by_key(|r| r.0);
    let mut pairs = Vec::with_capacity(results.len());
    for (_, pair, note) in results {
        warnings.extend(note);
        pairs.push(pair);
    }

    if let Some(env) = &opts.owner {
        let (deleted, w) = owned_not_rendered(
            cluster,
            env,
            &disc,
            &items,
            &namespaces,
            &listed,
            concurrency,
        )
        .await?;
        pairs.extend(deleted);
        warnings.extend(w);
    }
    Ok(Outcome { pairs, warnings })
}

/// Live objects labelled for `env` that are not rendered (and not owned by another object).
async fn owned_not_rendered(
    cluster: &Cluster,
    env: &str,
    disc: &Discovery,
    items: &[Item],
    namespaces: &BTreeSet<String>,
    listed: &HashMap<(String, String), BTreeMap<String, Value>>,
    concurrency: usize,
) -> Result<(Vec<LivePair>, Vec<String>), ClusterError> {
    let rendered: BTreeSet<(String, String, String)> = items
        .iter()
        .map(|i| (gvk_key(&i.ar), i.namespace.clone(), i.name.clone()))
        .collect();
    // Candidate kinds: the rendered ones and the usual ones, each once.
    let mut kinds: BTreeMap<String, (ApiResource, bool)> = BTreeMap::new();
    for it in items {
        kinds.insert(gvk_key(&it.ar), (it.ar.clone(), it.namespaced));
    }
    for (av, kind) in OWNED_KINDS {
        if let Some((ar, caps)) = disc.resolve(av, kind) {
            // The same kind may be rendered under another version.
            if !items
                .iter()
                .any(|i| i.ar.group == ar.group && i.ar.kind == ar.kind)
            {
                kinds.insert(gvk_key(&ar), (ar, caps.scope == Scope::Namespaced));
            }
        }
    }
    let selector = format!("{ENV_LABEL}={env}");
    let mut candidates: Vec<Value> = Vec::new();
    let mut queries = Vec::new();
    for (key, (ar, namespaced)) in &kinds {
        if *namespaced {
            for ns in namespaces {
                match listed.get(&(key.clone(), ns.clone())) {
                    Some(objs) => candidates.extend(
                        objs.values()
                            .filter(|o| str_at(o, &["metadata", "labels", ENV_LABEL]) == env)
                            .cloned(),
                    ),
                    None => queries.push((ar.clone(), Some(ns.clone()))),
                }
            }
        } else {
            queries.push((ar.clone(), None));
        }
    }
    let lists = stream::iter(queries.into_iter().map(|(ar, ns)| {
        let client = cluster.client.clone();
        let lp = ListParams::default().labels(&selector);
        async move {
            let api: Api<DynamicObject> = match &ns {
                Some(ns) => Api::namespaced_with(client, ns, &ar),
                None => Api::all_with(client, &ar),
            };
            let r = api.list(&lp).await;
            (ar, ns, r)
        }
    }))
    .buffer_unordered(concurrency)
    .collect::<Vec<_>>()
    .await;
    let mut forbidden: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (ar, ns, r) in lists {
        match r {
            Ok(list) => candidates.extend(list.items.into_iter().map(|o| with_type(&ar, o))),
            // 403 forbidden, 404 not served, 405 not listable
            Err(e) if matches!(status_of(&e).map(|s| s.code), Some(403..=405)) => {
                forbidden
                    .entry(resource_name(&ar))
                    .or_default()
                    .insert(ns.unwrap_or_else(|| "(cluster)".into()));
            }
            Err(e) => {
                return Err(cluster.api_err(
                    &format!("listing {} labelled {selector}", resource_name(&ar)),
                    e,
                ));
            }
        }
    }
    let mut warnings = Vec::new();
    if !forbidden.is_empty() {
        let what: Vec<String> = forbidden
            .iter()
            .map(|(r, nss)| {
                format!(
                    "{r} ({})",
                    nss.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            })
            .collect();
        warnings.push(format!(
            "deletions not checked for {}: listing them is not allowed",
            what.join(", ")
        ));
    }
    let mut out = Vec::new();
    for v in candidates {
        let md = &v["metadata"];
        if md
            .get("ownerReferences")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
        {
            continue;
        }
        let kind = str_at(&v, &["kind"]).to_string();
        let Some((ar, _)) = kinds
            .values()
            .find(|(ar, _)| ar.kind == kind && ar.api_version == str_at(&v, &["apiVersion"]))
        else {
            continue;
        };
        let ns = str_at(&v, &["metadata", "namespace"]).to_string();
        let name = str_at(&v, &["metadata", "name"]).to_string();
        if rendered.contains(&(gvk_key(ar), ns.clone(), name.clone())) {
            continue;
        }
        out.push(LivePair {
            namespace: ns,
            kind,
            name,
            live: Some(v),
            merged: None,
        });
    }
    Ok((out, warnings))
}

/// Group and kind: the identity of a kind whatever version it is read at.
fn gvk_key(ar: &ApiResource) -> String {
    format!("{}/{}", ar.group, ar.kind)
}

/// `deployments.apps`, `configmaps`: how RBAC rules and kubectl name a resource.
fn resource_name(ar: &ApiResource) -> String {
    if ar.group.is_empty() {
        ar.plural.clone()
    } else {
        format!("{}.{}", ar.plural, ar.group)
    }
}

/// An object as JSON with its apiVersion and kind (list items may lack them).
fn with_type(ar: &ApiResource, o: DynamicObject) -> Value {
    let mut v = serde_json::to_value(o).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("apiVersion".into(), Value::String(ar.api_version.clone()));
        m.insert("kind".into(), Value::String(ar.kind.clone()));
    }
    v
}

fn namespace_missing(e: &kube::Error, namespace: &str) -> bool {
    status_of(e).is_some_and(|s| {
        s.code == 404 && s.message == format!("namespaces \"{namespace}\" not found")
    })
}

fn object_err(cluster: &Cluster, it: &Item, what: &str, e: kube::Error) -> ClusterError {
    let object = it.label();
    match status_of(&e) {
        Some(s) if s.code == 403 => ClusterError::Forbidden {
            object,
            resource: resource_name(&it.ar),
            message: s.message.clone(),
        },
        Some(s) if s.code == 422 || s.code == 400 => ClusterError::Invalid {
            object,
            message: s.message.clone(),
        },
        _ => ClusterError::Object {
            object,
            context: cluster.context.clone(),
            message: format!("{what}: {e}"),
        },
    }
}
