//! The embedded Kubernetes OpenAPI facts that strategic merge patch reads (kyaml's built-in v1.21.2 schema, reduced).
//!
//! kustomize v5.5.0 builds with kyaml v0.18.1, whose default built-in schema is
//! Kubernetes v1.21.2 (plus kyaml's own Kustomization definitions). The data
//! file `schema/k8s-v1.21.2.json` is generated from exactly that schema by
//! `tools/gen-smp-schema` and keeps only what SMP consults: for every schema
//! node its properties, map value schema, array items, patch strategy and merge
//! keys, plus the `apiVersion kind` -> definition index.
//!
//! Data format: `{"version", "source", "gvk": {"<apiVersion> <kind>": i},
//! "defs": [[name, node], ...]}`. A node is an integer (a `$ref` to `defs[i]`,
//! which kyaml resolves on every lookup) or an object with the optional keys
//! `p` (properties), `m` (additionalProperties), `a` (type is exactly
//! `["array"]`), `i` (items), `s` (x-kubernetes-patch-strategy) and `k`
//! (merge keys as kyaml's `PatchStrategyAndKeyList` returns them).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

/// The generated data file, embedded so the binary needs no schema on disk.
const BUILTIN_DATA: &str = include_str!("schema/k8s-v1.21.2.json");

/// Problems with schema data; only reachable with hand-made data, since the
/// embedded file is checked by the tests.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("schema data is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("schema data is malformed: {0}")]
    Malformed(String),
}

/// One schema node, with `$ref`s already replaced by arena indices.
#[derive(Debug, Default)]
struct NodeData {
    /// Sorted by name, for binary search.
    props: Vec<(String, u32)>,
    additional: Option<u32>,
    array: bool,
    items: Option<u32>,
    strategy: Option<String>,
    keys: Vec<String>,
}

/// A reduced OpenAPI schema: an arena of nodes whose first `defs.len()`
/// entries are the named definitions.
#[derive(Debug)]
pub struct Schema {
    version: String,
    defs: Vec<String>,
    gvk: HashMap<String, u32>,
    nodes: Vec<NodeData>,
}

/// A position in the schema: a definition, a field of one, an array's items...
#[derive(Clone, Copy, Debug)]
pub struct SchemaNode<'a> {
    schema: &'a Schema,
    index: u32,
}

impl Schema {
    /// kyaml's default built-in Kubernetes schema (v1.21.2), parsed on first use.
    pub fn builtin() -> &'static Schema {
        static BUILTIN: OnceLock<Schema> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Schema::from_json(BUILTIN_DATA).expect("embedded SMP schema data is valid")
        })
    }

    /// Parses data in the generator's format (see the module docs).
    pub fn from_json(text: &str) -> Result<Schema, SchemaError> {
        let root: Value = serde_json::from_str(text)?;
        let version = root
            .get("version")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let defs_json = root
            .get("defs")
            .and_then(Value::as_array)
            .ok_or_else(|| malformed("missing \"defs\" array"))?;

        // Definitions take the first arena slots so that a `$ref` (an integer)
        // is directly a node index.
        let mut schema = Schema {
            version,
            defs: Vec::with_capacity(defs_json.len()),
            gvk: HashMap::new(),
            nodes: Vec::new(),
        };
        schema.nodes.resize_with(defs_json.len(), NodeData::default);
        let mut bodies = Vec::with_capacity(defs_json.len());
        for (i, def) in defs_json.iter().enumerate() {
            match def.as_array().map(Vec::as_slice) {
                Some([Value::String(name), node]) => {
                    schema.defs.push(name.clone());
                    bodies.push(node);
                }
                _ => return Err(malformed(format!("defs[{i}] is not [name, node]"))),
            }
        }
        for (i, node) in bodies.into_iter().enumerate() {
            let data = schema.parse_object(node)?;
            schema.nodes[i] = data;
        }

        let gvk = root
            .get("gvk")
            .and_then(Value::as_object)
            .ok_or_else(|| malformed("missing \"gvk\" object"))?;
        for (key, index) in gvk {
            let index = schema.def_ref(index)?;
            schema.gvk.insert(key.clone(), index);
        }
        Ok(schema)
    }

    /// The Kubernetes version the data was taken from, e.g. `v1.21.2`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The definition kyaml uses for a resource of this `apiVersion` (as written,
    /// `group/version` or `v1`) and `kind`, if the schema knows the type.
    pub fn for_type(&self, api_version: &str, kind: &str) -> Option<SchemaNode<'_>> {
        let key = format!("{api_version} {kind}");
        self.gvk.get(&key).map(|&index| self.node(index))
    }

    /// A definition by its OpenAPI name, e.g. `io.k8s.api.core.v1.PodSpec`.
    pub fn definition(&self, name: &str) -> Option<SchemaNode<'_>> {
        self.defs
            .iter()
            .position(|d| d == name)
            .map(|i| self.node(i as u32))
    }

    fn node(&self, index: u32) -> SchemaNode<'_> {
        SchemaNode {
            schema: self,
            index,
        }
    }

    fn def_ref(&self, value: &Value) -> Result<u32, SchemaError> {
        value
            .as_u64()
            .filter(|&i| (i as usize) < self.defs.len())
            .map(|i| i as u32)
            .ok_or_else(|| malformed(format!("bad definition reference {value}")))
    }

    /// Parses a node that may be a reference or an inline object.
    fn parse_node(&mut self, value: &Value) -> Result<u32, SchemaError> {
        if value.is_number() {
            return self.def_ref(value);
        }
        let data = self.parse_object(value)?;
        self.nodes.push(data);
        Ok((self.nodes.len() - 1) as u32)
    }

    fn parse_object(&mut self, value: &Value) -> Result<NodeData, SchemaError> {
        let obj = value
            .as_object()
            .ok_or_else(|| malformed(format!("schema node is not an object: {value}")))?;
        let mut data = NodeData::default();
        if let Some(props) = obj.get("p") {
            let props = props
                .as_object()
                .ok_or_else(|| malformed("\"p\" is not an object"))?;
            for (name, node) in props {
                let index = self.parse_node(node)?;
                data.props.push((name.clone(), index));
            }
            data.props.sort_by(|a, b| a.0.cmp(&b.0));
        }
        if let Some(node) = obj.get("m") {
            data.additional = Some(self.parse_node(node)?);
        }
        data.array = obj.get("a").is_some_and(|a| a.as_u64() == Some(1));
        if let Some(node) = obj.get("i") {
            data.items = Some(self.parse_node(node)?);
        }
        if let Some(s) = obj.get("s") {
            let s = s
                .as_str()
                .ok_or_else(|| malformed("\"s\" is not a string"))?;
            data.strategy = Some(s.to_string());
        }
        if let Some(keys) = obj.get("k") {
            let keys = keys
                .as_array()
                .ok_or_else(|| malformed("\"k\" is not an array"))?;
            for k in keys {
                let k = k
                    .as_str()
                    .ok_or_else(|| malformed("merge key is not a string"))?;
                data.keys.push(k.to_string());
            }
        }
        Ok(data)
    }
}

fn malformed(msg: impl Into<String>) -> SchemaError {
    SchemaError::Malformed(msg.into())
}

impl<'a> SchemaNode<'a> {
    fn data(&self) -> &'a NodeData {
        &self.schema.nodes[self.index as usize]
    }

    /// The definition name, when this node is a named definition.
    pub fn definition_name(&self) -> Option<&'a str> {
        self.schema
            .defs
            .get(self.index as usize)
            .map(String::as_str)
    }

    /// Schema of a field of this object: the named property, else the map
    /// value schema (kyaml's `ResourceSchema.Field`).
    pub fn field(&self, name: &str) -> Option<SchemaNode<'a>> {
        let data = self.data();
        let index = match data.props.binary_search_by(|(n, _)| n.as_str().cmp(name)) {
            Ok(i) => data.props[i].1,
            Err(_) => data.additional?,
        };
        Some(self.schema.node(index))
    }

    /// Schema of the elements when this is an array (kyaml's `Elements`).
    pub fn elements(&self) -> Option<SchemaNode<'a>> {
        let data = self.data();
        if !data.array {
            return None;
        }
        data.items.map(|i| self.schema.node(i))
    }

    /// `x-kubernetes-patch-strategy` verbatim (e.g. `merge,retainKeys`).
    pub fn patch_strategy(&self) -> Option<&'a str> {
        self.data().strategy.as_deref()
    }

    /// Merge keys of a list: `x-kubernetes-list-map-keys` when present, else
    /// `x-kubernetes-patch-merge-key`; empty for a list of scalars, and always
    /// empty when there is no patch strategy (kyaml ignores keys then).
    pub fn merge_keys(&self) -> &'a [String] {
        &self.data().keys
    }

    /// Whether kyaml merges this list element-wise: its patch strategy
    /// includes `merge` (kyaml's `schema.IsAssociative`).
    pub fn is_merge_list(&self) -> bool {
        self.patch_strategy()
            .is_some_and(|s| s.split(',').any(|part| part == "merge"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_is_v1_21_2_and_small() {
        let s = Schema::builtin();
        assert_eq!(s.version(), "v1.21.2");
        assert!(BUILTIN_DATA.len() < 300 * 1024);
    }

    #[test]
    fn gvk_lookup_uses_group_slash_version() {
        let s = Schema::builtin();
        let d = s.for_type("apps/v1", "Deployment").unwrap();
        assert_eq!(d.definition_name(), Some("io.k8s.api.apps.v1.Deployment"));
        let svc = s.for_type("v1", "Service").unwrap();
        assert_eq!(svc.definition_name(), Some("io.k8s.api.core.v1.Service"));
        assert!(s.for_type("apps/v1", "CronTab").is_none());
        assert!(s.for_type("Deployment", "apps/v1").is_none());
        // v1.21 still has the beta APIs that v1.22+ dropped.
        assert!(s.for_type("extensions/v1beta1", "Ingress").is_some());
        assert!(s.for_type("batch/v1", "CronJob").is_some());
    }

    #[test]
    fn pod_spec_list_strategies() {
        let s = Schema::builtin();
        let spec = s
            .for_type("apps/v1", "Deployment")
            .and_then(|d| d.field("spec"))
            .and_then(|n| n.field("template"))
            .and_then(|n| n.field("spec"))
            .unwrap();
        assert_eq!(spec.definition_name(), Some("io.k8s.api.core.v1.PodSpec"));
        let containers = spec.field("containers").unwrap();
        assert!(containers.is_merge_list());
        assert_eq!(containers.merge_keys(), ["name"]);
        let container = containers.elements().unwrap();
        assert_eq!(
            container.definition_name(),
            Some("io.k8s.api.core.v1.Container")
        );
        // list-map-keys win over the single patch-merge-key.
        let ports = container.field("ports").unwrap();
        assert_eq!(ports.merge_keys(), ["containerPort", "protocol"]);
        assert_eq!(
            container.field("volumeMounts").unwrap().merge_keys(),
            ["mountPath"]
        );
        assert_eq!(container.field("env").unwrap().merge_keys(), ["name"]);
        // args has no strategy: replaced wholesale.
        assert!(!container.field("args").unwrap().is_merge_list());
        let volumes = spec.field("volumes").unwrap();
        assert_eq!(volumes.patch_strategy(), Some("merge,retainKeys"));
        assert!(volumes.is_merge_list());
    }

    #[test]
    fn map_fields_use_additional_properties() {
        let s = Schema::builtin();
        let meta = s
            .definition("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")
            .unwrap();
        let labels = meta.field("labels").unwrap();
        assert!(labels.field("anything").is_some());
        assert!(meta.field("noSuchField").is_none());
        let finalizers = meta.field("finalizers").unwrap();
        assert!(finalizers.is_merge_list());
        assert!(finalizers.merge_keys().is_empty());
    }

    #[test]
    fn ref_with_replace_strategy_is_resolved_away() {
        // PodDisruptionBudgetSpec.selector carries patchStrategy "replace" next
        // to its $ref; kyaml resolves the ref and so never sees it.
        let s = Schema::builtin();
        let sel = s
            .for_type("policy/v1", "PodDisruptionBudget")
            .and_then(|d| d.field("spec"))
            .and_then(|n| n.field("selector"))
            .unwrap();
        assert_eq!(sel.patch_strategy(), None);
    }

    #[test]
    fn service_ports_keys() {
        let s = Schema::builtin();
        let ports = s
            .for_type("v1", "Service")
            .and_then(|d| d.field("spec"))
            .and_then(|n| n.field("ports"))
            .unwrap();
        assert_eq!(ports.merge_keys(), ["port", "protocol"]);
    }

    #[test]
    fn malformed_data_is_an_error() {
        assert!(matches!(
            Schema::from_json("{\"defs\": [[\"a\", 5]], \"gvk\": {}}"),
            Err(SchemaError::Malformed(_))
        ));
        assert!(matches!(
            Schema::from_json("nope"),
            Err(SchemaError::Json(_))
        ));
    }
}
