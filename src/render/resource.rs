//! Resources as the renderer tracks them: the object, its identity, and the names it had before.

use serde_json::{Map, Value};

use super::yaml::EmptyNull;

/// Group, version and kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Gvk {
    pub group: String,
    pub version: String,
    pub kind: String,
}

impl Gvk {
    pub fn from_api_version(api_version: &str, kind: &str) -> Self {
        let (group, version) = match api_version.rsplit_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), api_version.to_string()),
        };
        Gvk {
            group,
            version,
            kind: kind.to_string(),
        }
    }

    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// kustomize's `Gvk.String()`: `group_version_kind` with `~G`, `~V`, `~K` for blanks.
    pub fn sort_string(&self) -> String {
        let g = if self.group.is_empty() {
            "~G"
        } else {
            &self.group
        };
        let v = if self.version.is_empty() {
            "~V"
        } else {
            &self.version
        };
        let k = if self.kind.is_empty() {
            "~K"
        } else {
            &self.kind
        };
        format!("{g}_{v}_{k}")
    }

    /// Whether `self` (a selector, blanks match anything) selects `other`.
    pub fn selects(&self, other: &Gvk) -> bool {
        (self.group.is_empty() || self.group == other.group)
            && (self.version.is_empty() || self.version == other.version)
            && (self.kind.is_empty() || self.kind == other.kind)
    }

    /// Whether kustomize treats this exact apiVersion and kind as cluster-scoped
    /// (its built-in Kubernetes v1.21 schema; unknown kinds are namespaced).
    pub fn is_cluster_scoped(&self) -> bool {
        is_cluster_scoped(&self.group, &self.version, &self.kind)
    }
}

pub fn is_cluster_scoped(group: &str, version: &str, kind: &str) -> bool {
    let v1_beta1 = version == "v1" || version == "v1beta1";
    match group {
        "admissionregistration.k8s.io" => {
            v1_beta1
                && matches!(
                    kind,
                    "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration"
                )
        }
        "apiextensions.k8s.io" => v1_beta1 && kind == "CustomResourceDefinition",
        "apiregistration.k8s.io" => v1_beta1 && kind == "APIService",
        "certificates.k8s.io" => v1_beta1 && kind == "CertificateSigningRequest",
        "flowcontrol.apiserver.k8s.io" => {
            version == "v1beta1" && matches!(kind, "FlowSchema" | "PriorityLevelConfiguration")
        }
        "networking.k8s.io" => v1_beta1 && kind == "IngressClass",
        "node.k8s.io" => v1_beta1 && kind == "RuntimeClass",
        "policy" => version == "v1beta1" && kind == "PodSecurityPolicy",
        "rbac.authorization.k8s.io" => {
            v1_beta1 && matches!(kind, "ClusterRole" | "ClusterRoleBinding")
        }
        "scheduling.k8s.io" => v1_beta1 && kind == "PriorityClass",
        "storage.k8s.io" => {
            v1_beta1
                && matches!(
                    kind,
                    "CSIDriver" | "CSINode" | "StorageClass" | "VolumeAttachment"
                )
        }
        "" => {
            version == "v1"
                && matches!(
                    kind,
                    "ComponentStatus"
                        | "Namespace"
                        | "Node"
                        | "NodeProxyOptions"
                        | "PersistentVolume"
                )
        }
        _ => false,
    }
}

/// A resource identity: GVK plus name and namespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ResId {
    pub gvk: Gvk,
    pub name: String,
    pub namespace: String,
}

impl ResId {
    /// Namespace as kustomize compares it: blank means `default` for namespaced kinds.
    pub fn effective_namespace(&self) -> &str {
        if self.gvk.is_cluster_scoped() {
            ""
        } else if self.namespace.is_empty() {
            "default"
        } else {
            &self.namespace
        }
    }

    pub fn ns_equals(&self, other: &ResId) -> bool {
        self.effective_namespace() == other.effective_namespace()
    }

    /// kustomize's `LegacySortString`: `Kind.Version.Group|namespace|name`.
    pub fn legacy_sort_string(&self) -> String {
        let v = if self.gvk.version.is_empty() {
            "[noVer]"
        } else {
            &self.gvk.version
        };
        let g = if self.gvk.group.is_empty() {
            "[noGrp]"
        } else {
            &self.gvk.group
        };
        let ns = if self.namespace.is_empty() {
            "~X"
        } else {
            &self.namespace
        };
        let nm = if self.name.is_empty() {
            "~N"
        } else {
            &self.name
        };
        format!("{}.{v}.{g}|{ns}|{nm}", self.gvk.kind)
    }
}

impl std::fmt::Display for ResId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let av = self.gvk.api_version();
        write!(f, "{}", self.gvk.kind)?;
        if !av.is_empty() {
            write!(f, ".{av}")?;
        }
        write!(f, " ")?;
        if !self.namespace.is_empty() {
            write!(f, "{}/", self.namespace)?;
        }
        write!(f, "{}", self.name)
    }
}

/// How a generated resource combines with an existing one of the same id.
pub use super::kustomization::Behavior;

/// What the renderer remembers about a generated ConfigMap or Secret.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    pub behavior: Behavior,
    pub needs_hash: bool,
}

/// One resource being rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub obj: Value,
    /// Ids this resource had before renames, oldest first (kustomize's previous ids).
    pub prev_ids: Vec<ResId>,
    /// Name prefixes and suffixes applied so far, in application order.
    pub prefixes: Vec<String>,
    pub suffixes: Vec<String>,
    pub generated: Option<Generated>,
    /// Where it was loaded from, for messages.
    pub source: String,
    /// kustomize's origin annotation text (`path: ...` or `configuredIn: ...`), kept for `buildMetadata`.
    pub origin: Option<String>,
    /// Transformations applied, as `(configuredIn, kind)`, for `buildMetadata: [transformerAnnotations]`.
    pub transformations: Vec<(String, String)>,
    /// Nulls kyaml still holds with an empty source text (`key:`), which a strategic
    /// merge drops; usually none. Paths may go stale as the object changes: a mark counts
    /// only where its null still is (see `smp`).
    pub empty_nulls: Vec<EmptyNull>,
    /// kustomize holds this resource as parsed from JSON text (an item of a `*List` it
    /// expands through JSON): every collection is in flow style, where a null without
    /// text prints as `""`, and every string is quoted.
    pub json_text: bool,
}

impl Resource {
    pub fn new(obj: Value, source: impl Into<String>) -> Self {
        Resource {
            obj,
            prev_ids: Vec::new(),
            prefixes: Vec::new(),
            suffixes: Vec::new(),
            generated: None,
            source: source.into(),
            origin: None,
            transformations: Vec::new(),
            empty_nulls: Vec::new(),
            json_text: false,
        }
    }

    fn str_at(&self, path: &[&str]) -> &str {
        let mut v = &self.obj;
        for p in path {
            match v.get(p) {
                Some(x) => v = x,
                None => return "",
            }
        }
        v.as_str().unwrap_or("")
    }

    pub fn kind(&self) -> &str {
        self.str_at(&["kind"])
    }
    pub fn api_version(&self) -> &str {
        self.str_at(&["apiVersion"])
    }
    pub fn name(&self) -> &str {
        self.str_at(&["metadata", "name"])
    }
    pub fn namespace(&self) -> &str {
        self.str_at(&["metadata", "namespace"])
    }
    pub fn gvk(&self) -> Gvk {
        Gvk::from_api_version(self.api_version(), self.kind())
    }

    pub fn cur_id(&self) -> ResId {
        ResId {
            gvk: self.gvk(),
            name: self.name().to_string(),
            namespace: self.namespace().to_string(),
        }
    }

    /// The id the resource had when it was loaded.
    pub fn org_id(&self) -> ResId {
        self.prev_ids
            .first()
            .cloned()
            .unwrap_or_else(|| self.cur_id())
    }

    /// Previous ids as kustomize reports them: the current group and version with
    /// each earlier name, namespace and kind, oldest first.
    pub fn prev_ids(&self) -> impl Iterator<Item = ResId> + '_ {
        let gvk = self.gvk();
        self.prev_ids.iter().map(move |p| ResId {
            gvk: Gvk {
                group: gvk.group.clone(),
                version: gvk.version.clone(),
                kind: p.gvk.kind.clone(),
            },
            name: p.name.clone(),
            namespace: p.namespace.clone(),
        })
    }

    /// Every previous id followed by the current one.
    pub fn all_ids(&self) -> impl Iterator<Item = ResId> + '_ {
        self.prev_ids().chain(std::iter::once(self.cur_id()))
    }

    /// Records the current id before a rename, as kustomize's `StorePreviousId` does.
    pub fn store_previous_id(&mut self) {
        let id = self.cur_id();
        self.prev_ids.push(id);
    }

    /// Drops the spare capacity that edits leave in the object's maps, lists and
    /// strings: a large render holds about a hundred of them per resource.
    pub fn compact(&mut self) {
        fn compact(v: Value) -> Value {
            match v {
                // Collecting from an exact-size iterator allocates exactly.
                Value::Object(m) => {
                    Value::Object(m.into_iter().map(|(k, v)| (k, compact(v))).collect())
                }
                Value::Array(a) => Value::Array(a.into_iter().map(compact).collect()),
                Value::String(mut s) => {
                    s.shrink_to_fit();
                    Value::String(s)
                }
                v => v,
            }
        }
        self.obj = compact(std::mem::take(&mut self.obj));
    }

    pub fn metadata_mut(&mut self) -> &mut Map<String, Value> {
        let obj = self.obj.as_object_mut().expect("resources are maps");
        let md = obj
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if !md.is_object() {
            *md = Value::Object(Map::new());
        }
        md.as_object_mut().expect("metadata is a map")
    }

    pub fn set_name(&mut self, name: &str) {
        self.metadata_mut()
            .insert("name".into(), Value::String(name.to_string()));
    }

    pub fn set_namespace(&mut self, ns: &str) {
        self.metadata_mut()
            .insert("namespace".into(), Value::String(ns.to_string()));
    }

    pub fn labels(&self) -> Option<&Map<String, Value>> {
        self.obj.get("metadata")?.get("labels")?.as_object()
    }
    pub fn annotations(&self) -> Option<&Map<String, Value>> {
        self.obj.get("metadata")?.get("annotations")?.as_object()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_and_sort_strings() {
        let r = Resource::new(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"}}),
            "t",
        );
        let id = r.cur_id();
        assert_eq!(id.gvk.group, "apps");
        assert_eq!(id.legacy_sort_string(), "Deployment.v1.apps|~X|a");
        assert_eq!(id.effective_namespace(), "default");
        assert_eq!(id.to_string(), "Deployment.apps/v1 a");
    }
}
