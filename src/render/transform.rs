//! kustomize's built-in transformers: namespace, prefix/suffix, labels, annotations,
//! images, replicas, and the field-spec walk and selectors they share.
//!
//! The bottom layer of the renderer: the walk ([`super::build`]) and the per-level
//! order ([`super::level`]) call these; nothing here calls back up.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::builtin_config::{self as builtin, FieldSpec};
use super::kustomization::{Image, Selector};
use super::resource::{Gvk, Resource};
use super::yaml;

/// Why a transformer failed.
#[derive(Debug, thiserror::Error)]
pub enum TransformError {
    #[error("{file}: {message}")]
    Config { file: String, message: String },
    #[error("{patch}: no resource matches the patch target {target}; check its kind and name")]
    NoPatchTarget { patch: String, target: String },
    #[error("{patch}: {message}")]
    Patch { patch: String, message: String },
    #[error("{resource}: {message}")]
    Resource { resource: String, message: String },
    #[error("{0}")]
    Other(String),
}

/// A field spec with owned parts, so user configurations can add their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub gvk: Gvk,
    pub path: Vec<String>,
    pub create: bool,
}

impl Spec {
    pub fn new(group: &str, version: &str, kind: &str, path: &str, create: bool) -> Self {
        Spec {
            gvk: Gvk {
                group: group.into(),
                version: version.into(),
                kind: kind.into(),
            },
            path: split_path(path),
            create,
        }
    }
    fn from_static(f: &FieldSpec) -> Self {
        Spec::new(f.group, f.version, f.kind, f.path, f.create)
    }
}

fn specs(list: &[FieldSpec]) -> Vec<Spec> {
    list.iter().map(Spec::from_static).collect()
}

/// Splits a field-spec path on `/`, keeping `\/` escapes and `[...]` brackets intact.
pub fn split_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'/') => {
                cur.push('/');
                chars.next();
            }
            '[' => {
                depth += 1;
                cur.push(c);
            }
            ']' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            '/' if depth == 0 => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    if !cur.is_empty() || !out.is_empty() {
        out.push(cur);
    }
    out
}

/// A referenced kind and the fields that refer to it by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameRefSpec {
    pub gvk: Gvk,
    pub referrers: Vec<Spec>,
}

/// Field specs used by the transformers: kustomize's built-ins plus `configurations:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransformerConfig {
    pub name_prefix: Vec<Spec>,
    pub name_suffix: Vec<Spec>,
    pub namespace: Vec<Spec>,
    pub common_labels: Vec<Spec>,
    pub template_labels: Vec<Spec>,
    pub common_annotations: Vec<Spec>,
    pub images: Vec<Spec>,
    pub replicas: Vec<Spec>,
    pub name_reference: Vec<NameRefSpec>,
    pub var_reference: Vec<Spec>,
}

static DEFAULT_CONFIG: std::sync::LazyLock<TransformerConfig> =
    std::sync::LazyLock::new(TransformerConfig::build_default);

/// A transformer config shared between kustomization levels: most levels of a
/// large repository use exactly the defaults, so they share one copy.
pub type SharedConfig = std::sync::Arc<TransformerConfig>;

static DEFAULT_SHARED: std::sync::LazyLock<SharedConfig> =
    std::sync::LazyLock::new(|| std::sync::Arc::new(DEFAULT_CONFIG.clone()));
static EMPTY_SHARED: std::sync::LazyLock<SharedConfig> =
    std::sync::LazyLock::new(|| std::sync::Arc::new(TransformerConfig::empty()));
/// The defaults as an accumulation sees them: merged into an empty config. Merging
/// the defaults (or this) into it again changes nothing.
static MERGED_DEFAULT: std::sync::LazyLock<SharedConfig> = std::sync::LazyLock::new(|| {
    let mut c = TransformerConfig::empty();
    c.merge_slow(&DEFAULT_CONFIG)
        .expect("the built-in field specs merge");
    std::sync::Arc::new(c)
});

/// The config an accumulation starts from.
pub fn shared_empty() -> SharedConfig {
    EMPTY_SHARED.clone()
}

/// One level's config (defaults plus its `configurations:` files), shared when it is just the defaults.
pub fn shared_for_level(files: &[(String, String)]) -> Result<SharedConfig, TransformError> {
    if files.is_empty() {
        Ok(DEFAULT_SHARED.clone())
    } else {
        Ok(std::sync::Arc::new(TransformerConfig::for_level(files)?))
    }
}

/// kustomize's config merge on shared configs, without copying in the common cases.
pub fn merge_shared(target: &mut SharedConfig, other: &SharedConfig) -> Result<(), TransformError> {
    use std::sync::Arc;
    if Arc::ptr_eq(target, other) || Arc::ptr_eq(other, &EMPTY_SHARED) {
        return Ok(());
    }
    let target_is_base = Arc::ptr_eq(target, &EMPTY_SHARED) || Arc::ptr_eq(target, &MERGED_DEFAULT);
    if target_is_base
        && (Arc::ptr_eq(other, &DEFAULT_SHARED) || Arc::ptr_eq(other, &MERGED_DEFAULT))
    {
        *target = MERGED_DEFAULT.clone();
        return Ok(());
    }
    Arc::make_mut(target).merge_slow(other)
}

impl Default for TransformerConfig {
    fn default() -> Self {
        DEFAULT_CONFIG.clone()
    }
}

impl TransformerConfig {
    fn build_default() -> Self {
        TransformerConfig {
            name_prefix: specs(builtin::NAME_PREFIX),
            name_suffix: specs(builtin::NAME_SUFFIX),
            namespace: specs(builtin::NAMESPACE),
            common_labels: specs(builtin::COMMON_LABELS),
            template_labels: specs(builtin::TEMPLATE_LABELS),
            common_annotations: specs(builtin::COMMON_ANNOTATIONS),
            images: specs(builtin::IMAGES),
            replicas: specs(builtin::REPLICAS),
            name_reference: builtin::NAME_REFERENCE
                .iter()
                .map(|n| NameRefSpec {
                    gvk: Gvk {
                        group: n.group.into(),
                        version: n.version.into(),
                        kind: n.kind.into(),
                    },
                    referrers: specs(n.referrers),
                })
                .collect(),
            var_reference: specs(builtin::VAR_REFERENCE),
        }
    }
}

pub(super) fn add_unique(list: &mut Vec<Spec>, more: impl IntoIterator<Item = Spec>) {
    for s in more {
        if !list.contains(&s) {
            list.push(s);
        }
    }
}

/// kustomize's `FsSlice.MergeAll`: an incoming spec is dropped when an existing
/// one with the same path is selected by the incoming GVK (so a generic spec
/// arriving after a kind-specific one for the same path is lost, as in kustomize).
fn merge_specs(existing: &[Spec], incoming: &[Spec]) -> Result<Vec<Spec>, TransformError> {
    let mut out = existing.to_vec();
    for x in incoming {
        match out
            .iter()
            .find(|e| x.gvk.selects(&e.gvk) && e.path == x.path)
        {
            Some(e) if e.create != x.create => {
                return Err(TransformError::Other(format!(
                    "conflicting fieldspecs for path {}: create is both true and false",
                    x.path.join("/")
                )));
            }
            Some(_) => {}
            None => out.push(x.clone()),
        }
    }
    sort_specs(&mut out);
    Ok(out)
}

/// kustomize sorts field specs by GVK (kind rank, then `group_version_kind`).
fn sort_specs(list: &mut [Spec]) {
    list.sort_by_key(|s| gvk_sort_key(&s.gvk));
}

fn gvk_sort_key(g: &Gvk) -> (i64, String) {
    (super::order::kind_rank(&g.kind), g.sort_string())
}

impl TransformerConfig {
    /// A config with no field specs: what an accumulation starts from.
    pub fn empty() -> Self {
        TransformerConfig {
            name_prefix: Vec::new(),
            name_suffix: Vec::new(),
            namespace: Vec::new(),
            common_labels: Vec::new(),
            template_labels: Vec::new(),
            common_annotations: Vec::new(),
            images: Vec::new(),
            replicas: Vec::new(),
            name_reference: Vec::new(),
            var_reference: Vec::new(),
        }
    }

    /// kustomize's `TransformerConfig.Merge`: `other`'s specs merged into ours, then sorted.
    pub fn merge(&mut self, other: &TransformerConfig) -> Result<(), TransformError> {
        self.merge_slow(other)
    }

    fn merge_slow(&mut self, other: &TransformerConfig) -> Result<(), TransformError> {
        self.name_prefix = merge_specs(&self.name_prefix, &other.name_prefix)?;
        self.name_suffix = merge_specs(&self.name_suffix, &other.name_suffix)?;
        self.namespace = merge_specs(&self.namespace, &other.namespace)?;
        self.common_annotations = merge_specs(&self.common_annotations, &other.common_annotations)?;
        self.common_labels = merge_specs(&self.common_labels, &other.common_labels)?;
        self.template_labels = merge_specs(&self.template_labels, &other.template_labels)?;
        self.var_reference = merge_specs(&self.var_reference, &other.var_reference)?;
        for n in &other.name_reference {
            match self.name_reference.iter_mut().find(|e| e.gvk == n.gvk) {
                Some(e) => {
                    // Referrer lists merge without sorting.
                    let mut merged = e.referrers.clone();
                    for x in &n.referrers {
                        match merged
                            .iter()
                            .find(|m| x.gvk.selects(&m.gvk) && m.path == x.path)
                        {
                            Some(m) if m.create != x.create => {
                                return Err(TransformError::Other(
                                    "conflicting fieldspecs in nameReference".into(),
                                ));
                            }
                            Some(_) => {}
                            None => merged.push(x.clone()),
                        }
                    }
                    e.referrers = merged;
                }
                None => self.name_reference.push(n.clone()),
            }
        }
        self.name_reference.sort_by_key(|n| gvk_sort_key(&n.gvk));
        self.images = merge_specs(&self.images, &other.images)?;
        self.replicas = merge_specs(&self.replicas, &other.replicas)?;
        Ok(())
    }

    /// The config of one kustomization level: the defaults merged with its `configurations:` files.
    pub fn for_level(files: &[(String, String)]) -> Result<Self, TransformError> {
        let mut base = TransformerConfig::default();
        if files.is_empty() {
            return Ok(base);
        }
        let mut custom = TransformerConfig::empty();
        for (text, file) in files {
            let mut one = TransformerConfig::empty();
            one.read_file(text, file)?;
            custom.merge(&one)?;
        }
        base.merge(&custom)?;
        Ok(base)
    }

    /// Reads a `configurations:` file (kustomize's transformer config format) into
    /// this (empty) config, sorted as kustomize sorts it.
    fn read_file(&mut self, text: &str, file: &str) -> Result<(), TransformError> {
        let v = yaml::parse_one(text, file).map_err(|e| TransformError::Other(e.to_string()))?;
        let err = |m: String| TransformError::Config {
            file: file.to_string(),
            message: m,
        };
        let Some(m) = v.as_object() else {
            return if v.is_null() {
                Ok(())
            } else {
                Err(err("expected a map of field specs".into()))
            };
        };
        for (key, val) in m {
            match key.as_str() {
                "nameReference" => {
                    for item in val.as_array().into_iter().flatten() {
                        let gvk = Gvk {
                            group: str_field(item, "group"),
                            version: str_field(item, "version"),
                            kind: str_field(item, "kind"),
                        };
                        let referrers = parse_specs(item.get("fieldSpecs")).map_err(err)?;
                        self.name_reference.push(NameRefSpec { gvk, referrers });
                    }
                }
                "namePrefix" => {
                    add_unique(&mut self.name_prefix, parse_specs(Some(val)).map_err(err)?)
                }
                "nameSuffix" => {
                    add_unique(&mut self.name_suffix, parse_specs(Some(val)).map_err(err)?)
                }
                "namespace" => {
                    add_unique(&mut self.namespace, parse_specs(Some(val)).map_err(err)?)
                }
                "commonLabels" => add_unique(
                    &mut self.common_labels,
                    parse_specs(Some(val)).map_err(err)?,
                ),
                "templateLabels" => add_unique(
                    &mut self.template_labels,
                    parse_specs(Some(val)).map_err(err)?,
                ),
                "commonAnnotations" => add_unique(
                    &mut self.common_annotations,
                    parse_specs(Some(val)).map_err(err)?,
                ),
                "images" => add_unique(&mut self.images, parse_specs(Some(val)).map_err(err)?),
                "replicas" => add_unique(&mut self.replicas, parse_specs(Some(val)).map_err(err)?),
                "varReference" => add_unique(
                    &mut self.var_reference,
                    parse_specs(Some(val)).map_err(err)?,
                ),
                other => {
                    return Err(err(format!(
                        "unknown field `{other}` in a transformer configuration"
                    )));
                }
            }
        }
        for list in [
            &mut self.name_prefix,
            &mut self.name_suffix,
            &mut self.namespace,
            &mut self.common_labels,
            &mut self.template_labels,
            &mut self.common_annotations,
            &mut self.images,
            &mut self.replicas,
            &mut self.var_reference,
        ] {
            sort_specs(list);
        }
        self.name_reference.sort_by_key(|n| gvk_sort_key(&n.gvk));
        Ok(())
    }

    /// `crds:` (deprecated in kustomize) is not implemented.
    pub fn merge_crd(&mut self, _text: &str, file: &str) -> Result<(), TransformError> {
        Err(TransformError::Config {
            file: file.to_string(),
            message: "`crds:` is not supported by the built-in renderer; use `configurations:` or `--engine kustomize`".into(),
        })
    }
}

fn str_field(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or("").to_string()
}

fn parse_specs(v: Option<&Value>) -> Result<Vec<Spec>, String> {
    let mut out = Vec::new();
    let Some(v) = v else { return Ok(out) };
    if v.is_null() {
        return Ok(out);
    }
    let items = v
        .as_array()
        .ok_or_else(|| format!("expected a list of field specs, got {v}"))?;
    for item in items {
        let o = item
            .as_object()
            .ok_or_else(|| format!("a field spec must be a map, got {item}"))?;
        for k in o.keys() {
            if !["group", "version", "kind", "path", "create", "behavior"].contains(&k.as_str()) {
                return Err(format!("unknown field `{k}` in a field spec"));
            }
        }
        out.push(Spec::new(
            &str_field(item, "group"),
            &str_field(item, "version"),
            &str_field(item, "kind"),
            &str_field(item, "path"),
            item.get("create").and_then(Value::as_bool).unwrap_or(false),
        ));
    }
    Ok(out)
}

/// What a walk creates when a field on the path is missing and the spec says `create`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    Map,
    Scalar,
}

/// Visits the field a spec points at, in every element of every list on the way.
/// The callback gets `None` when the field is missing and may not be created.
pub fn walk<F>(
    obj: &mut Value,
    path: &[String],
    create: Option<Create>,
    f: &mut F,
) -> Result<(), String>
where
    F: FnMut(&mut Value) -> Result<(), String>,
{
    if path.is_empty() {
        return f(obj);
    }
    match obj {
        Value::Null => Ok(()),
        Value::Array(items) => {
            for item in items {
                walk(item, path, create, f)?;
            }
            Ok(())
        }
        Value::Object(map) => {
            let (name, is_seq) = match path[0].strip_suffix("[]") {
                Some(n) => (n, true),
                None => (path[0].as_str(), false),
            };
            let last = path.len() == 1;
            let kind = if last {
                create
            } else {
                create.map(|_| Create::Map)
            };
            let field = if is_seq || create.is_none() {
                match map.get_mut(name) {
                    Some(f) => f,
                    None => return Ok(()),
                }
            } else {
                map.entry(name.to_string()).or_insert_with(|| match kind {
                    Some(Create::Map) => Value::Object(Map::new()),
                    _ => Value::Null,
                })
            };
            if field.is_null() {
                match kind {
                    Some(Create::Map) if !is_seq => *field = Value::Object(Map::new()),
                    Some(Create::Scalar) if last => return f(field),
                    _ => return Ok(()),
                }
            }
            walk(field, &path[1..], create, f)
        }
        _ => Err(format!(
            "expected a map or a list at `{}`, found a scalar",
            path.join("/")
        )),
    }
}

/// Runs `f` on the field of every spec that selects the resource.
fn for_each_spec<F>(
    r: &mut Resource,
    list: &[Spec],
    create_kind: Option<Create>,
    f: &mut F,
) -> Result<(), TransformError>
where
    F: FnMut(&mut Value) -> Result<(), String>,
{
    let gvk = r.gvk();
    for s in list {
        if !s.gvk.selects(&gvk) {
            continue;
        }
        let create = if s.create { create_kind } else { None };
        walk(&mut r.obj, &s.path, create, f).map_err(|m| TransformError::Resource {
            resource: r.cur_id().to_string(),
            message: format!("field spec {}: {m}", s.path.join("/")),
        })?;
    }
    Ok(())
}

/// How the namespace transformer treats (Cluster)RoleBinding subjects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubjectPolicy {
    /// Subjects named `default` (kustomize's default, whatever their kind).
    #[default]
    DefaultOnly,
    AllServiceAccounts,
    None,
}

/// Sets `metadata.namespace` and the other namespace fields (kustomize's NamespaceTransformer).
pub fn set_namespace(
    resources: &mut [Resource],
    ns: &str,
    list: &[Spec],
    unset_only: bool,
    subjects: SubjectPolicy,
) -> Result<(), TransformError> {
    let set = |v: &mut Value| {
        if unset_only && !matches!(v, Value::Null) && v.as_str() != Some("") {
            return Ok(());
        }
        *v = Value::String(ns.to_string());
        Ok(())
    };
    for r in resources.iter_mut() {
        if r.obj.is_null() {
            continue;
        }
        r.store_previous_id();
        let gvk = r.gvk();
        let is_binding = gvk.kind == "RoleBinding" || gvk.kind == "ClusterRoleBinding";
        if !gvk.is_cluster_scoped() {
            let md = r.metadata_mut();
            let cur = md.entry("namespace").or_insert(Value::Null);
            set(cur).map_err(TransformError::Other)?;
        }
        let mut rest: Vec<Spec> = Vec::new();
        for s in list {
            let path = s.path.join("/");
            if path == "metadata/namespace"
                || (is_binding && path == "subjects/namespace" && s.gvk.selects(&gvk))
            {
                continue;
            }
            // `metadata/name` specs only apply to core v1 objects (this renames a Namespace).
            if path == "metadata/name" && r.api_version() != "v1" {
                continue;
            }
            rest.push(s.clone());
        }
        for_each_spec(r, &rest, Some(Create::Scalar), &mut |v| set(v))?;
        if is_binding {
            set_role_binding_subjects(r, ns, subjects, unset_only);
        }
    }
    Ok(())
}

fn set_role_binding_subjects(r: &mut Resource, ns: &str, policy: SubjectPolicy, unset_only: bool) {
    if let Some(Value::Array(subjects)) = r.obj.get_mut("subjects") {
        for s in subjects {
            let pick = match policy {
                SubjectPolicy::DefaultOnly => {
                    s.get("name").and_then(Value::as_str) == Some("default")
                }
                SubjectPolicy::AllServiceAccounts => {
                    s.get("kind").and_then(Value::as_str) == Some("ServiceAccount")
                }
                SubjectPolicy::None => false,
            };
            if !pick {
                continue;
            }
            if let Value::Object(m) = s {
                if unset_only
                    && m.get("namespace")
                        .and_then(Value::as_str)
                        .is_some_and(|v| !v.is_empty())
                {
                    continue;
                }
                m.insert("namespace".into(), Value::String(ns.to_string()));
            }
        }
    }
}

/// Kinds whose names prefixes and suffixes never touch (judged by the original id).
fn skips_prefix_suffix(gvk: &Gvk) -> bool {
    gvk.kind == "CustomResourceDefinition"
        || gvk.kind == "Namespace"
        || (gvk.kind == "APIService" && gvk.group == "apiregistration.k8s.io")
}

/// Adds a name prefix and/or suffix through the given specs (PrefixTransformer/SuffixTransformer).
pub fn prefix_suffix(
    resources: &mut [Resource],
    prefix: &str,
    suffix: &str,
    list: &[Spec],
) -> Result<(), TransformError> {
    for r in resources.iter_mut() {
        if r.obj.is_null() || skips_prefix_suffix(&r.org_id().gvk) {
            continue;
        }
        let gvk = r.gvk();
        for s in list {
            if !s.gvk.selects(&gvk) {
                continue;
            }
            let is_name = s.path.len() == 2 && s.path[0] == "metadata" && s.path[1] == "name";
            if is_name {
                r.store_previous_id();
                if !prefix.is_empty() {
                    r.prefixes.push(prefix.to_string());
                }
                if !suffix.is_empty() {
                    r.suffixes.push(suffix.to_string());
                }
            }
            let create = if s.create { Some(Create::Scalar) } else { None };
            walk(&mut r.obj, &s.path, create, &mut |v| {
                match v {
                    Value::String(x) => *x = format!("{prefix}{x}{suffix}"),
                    Value::Null => *v = Value::String(format!("{prefix}{suffix}")),
                    _ => {}
                }
                Ok(())
            })
            .map_err(|m| TransformError::Resource {
                resource: r.cur_id().to_string(),
                message: m,
            })?;
        }
    }
    Ok(())
}

/// Adds label or annotation entries through the given specs.
pub fn set_map_entries(
    resources: &mut [Resource],
    entries: &IndexMap<String, String>,
    list: &[Spec],
) -> Result<(), TransformError> {
    for r in resources.iter_mut() {
        for_each_spec(r, list, Some(Create::Map), &mut |v| match v {
            Value::Object(m) => {
                for (k, val) in entries {
                    m.insert(k.clone(), Value::String(val.clone()));
                }
                Ok(())
            }
            Value::Null => {
                let mut m = Map::new();
                for (k, val) in entries {
                    m.insert(k.clone(), Value::String(val.clone()));
                }
                *v = Value::Object(m);
                Ok(())
            }
            other => Err(format!("expected a map, found {other}")),
        })?;
    }
    Ok(())
}

/// `replicas:`: sets the count on workloads that have (or had) that name.
pub fn set_replicas(
    resources: &mut [Resource],
    name: &str,
    count: i64,
    list: &[Spec],
) -> Result<(), TransformError> {
    let mut matched = false;
    for r in resources.iter_mut() {
        if r.obj.is_null() || !r.all_ids().any(|id| id.name == name) {
            continue;
        }
        let gvk = r.gvk();
        let specs: Vec<Spec> = list
            .iter()
            .filter(|s| s.gvk.selects(&gvk))
            .cloned()
            .collect();
        if specs.is_empty() {
            continue;
        }
        matched = true;
        for_each_spec(r, &specs, Some(Create::Scalar), &mut |v| {
            *v = Value::from(count);
            Ok(())
        })?;
    }
    if !matched {
        return Err(TransformError::Other(format!(
            "replicas: no Deployment, ReplicaSet, ReplicationController or StatefulSet named {name:?}; check the name"
        )));
    }
    Ok(())
}

/// Splits an image reference into name, tag and digest the way kustomize does:
/// `:` and `@` count only after the first `/`, so a registry port is not a tag.
pub fn split_image(image: &str) -> (String, Option<String>, Option<String>) {
    let search_from = match image.find('/') {
        Some(i) if i > 0 => i,
        _ => 0,
    };
    let tail = &image[search_from..];
    let (rest_end, digest) = match tail.find('@') {
        Some(i) => (
            search_from + i,
            Some(image[search_from + i + 1..].to_string()),
        ),
        None => (image.len(), None),
    };
    let rest = &image[..rest_end];
    match rest[search_from..].find(':') {
        Some(i) => (
            rest[..search_from + i].to_string(),
            Some(rest[search_from + i + 1..].to_string()),
            digest,
        ),
        None => (rest.to_string(), None, digest),
    }
}

/// Whether an image value is the image `name` (with any tag or sha256 digest).
/// kustomize uses the name as an unescaped regular expression; so do we.
fn image_matches(name_re: &regex::Regex, value: &str) -> bool {
    name_re.is_match(value)
}

fn image_regex(name: &str) -> Result<regex::Regex, TransformError> {
    regex::Regex::new(&format!(
        "^{name}(:[a-zA-Z0-9_.{{}}-]*)?(@sha256:[a-zA-Z0-9_.{{}}-]*)?$"
    ))
    .map_err(|e| TransformError::Other(format!("images: invalid image name {name:?}: {e}")))
}

/// The new image reference for `current` (already known to match `img`).
pub fn updated_image(current: &str, img: &Image) -> String {
    let (name, tag, digest) = split_image(current);
    let name = img.new_name.clone().unwrap_or(name);
    let (tag, digest) = match (&img.new_tag, &img.digest) {
        (Some(t), Some(d)) => (Some(t.clone()), Some(d.clone())),
        (Some(t), None) => (Some(t.clone()), None),
        (None, Some(d)) => (None, Some(d.clone())),
        (None, None) => match &img.tag_suffix {
            Some(sfx) => (Some(format!("{}{sfx}", tag.unwrap_or_default())), None),
            None => (tag, digest),
        },
    };
    let mut out = name;
    if let Some(t) = tag {
        out.push(':');
        out.push_str(&t);
    }
    if let Some(d) = digest {
        out.push('@');
        out.push_str(&d);
    }
    out
}

/// `images:`: kustomize's two passes, every `containers`/`initContainers` list
/// anywhere, then the image field specs (so pod templates are updated twice).
pub fn set_image(
    resources: &mut [Resource],
    img: &Image,
    list: &[Spec],
) -> Result<(), TransformError> {
    let re = image_regex(&img.name)?;
    for r in resources.iter_mut() {
        if r.obj.is_null() || r.kind() == "CustomResourceDefinition" {
            continue;
        }
        visit_containers(&mut r.obj, &re, img);
        for_each_spec(r, list, None, &mut |v| {
            if let Value::String(s) = v
                && image_matches(&re, s)
            {
                *s = updated_image(s, img);
            }
            Ok(())
        })?;
    }
    Ok(())
}

fn visit_containers(v: &mut Value, re: &regex::Regex, img: &Image) {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                visit_containers(child, re, img);
                if (k == "containers" || k == "initContainers")
                    && let Value::Array(items) = child
                {
                    for c in items.iter_mut() {
                        if let Some(Value::String(s)) = c.get_mut("image")
                            && image_matches(re, s)
                        {
                            *s = updated_image(s, img);
                        }
                    }
                }
            }
        }
        Value::Array(items) => {
            for i in items {
                visit_containers(i, re, img);
            }
        }
        _ => {}
    }
}

/// Merges a generated ConfigMap/Secret into an existing one (`behavior: merge|replace`):
/// labels and annotations merge, name and namespace stay the existing ones; with
/// merge the data maps merge too, with replace the new data wins.
pub fn merge_generated(existing: &mut Resource, new: Resource, replace: bool) {
    let keep_name = existing.name().to_string();
    let keep_ns = existing.namespace().to_string();
    let needs_hash = new.generated.as_ref().is_some_and(|g| g.needs_hash)
        && existing.generated.as_ref().is_some_and(|g| g.needs_hash);
    if replace {
        existing.origin = new.origin.clone();
    }
    let old = std::mem::replace(&mut existing.obj, new.obj);
    let merge_map = |old: Option<&Value>, new: Option<&Value>| -> Option<Value> {
        let mut out = match old {
            Some(Value::Object(m)) => m.clone(),
            _ => Map::new(),
        };
        if let Some(Value::Object(n)) = new {
            for (k, v) in n {
                out.insert(k.clone(), v.clone());
            }
        }
        if out.is_empty() && old.is_none() && new.is_none() {
            None
        } else {
            Some(Value::Object(out))
        }
    };
    let old_md = old.get("metadata").cloned().unwrap_or(Value::Null);
    for field in ["labels", "annotations"] {
        let merged = merge_map(
            old_md.get(field),
            existing.obj.get("metadata").and_then(|m| m.get(field)),
        );
        if let Some(m) = merged {
            existing.metadata_mut().insert(field.into(), m);
        }
    }
    if !replace {
        for field in ["data", "binaryData"] {
            if let Some(m) = merge_map(old.get(field), existing.obj.get(field))
                && let Some(o) = existing.obj.as_object_mut()
            {
                o.insert(field.into(), m);
            }
        }
    }
    existing.set_name(&keep_name);
    if !keep_ns.is_empty() {
        existing.set_namespace(&keep_ns);
    }
    match existing.generated.as_mut() {
        Some(g) => g.needs_hash = needs_hash,
        None => {
            existing.generated = Some(super::resource::Generated {
                behavior: super::kustomization::Behavior::Create,
                needs_hash,
            })
        }
    }
}

/// Whether a resource matches a patch target selector: name and namespace are
/// anchored regexes against the original or current id; group, version and kind
/// against the current one.
pub fn selects(sel: &Selector, r: &Resource) -> Result<bool, String> {
    let gvk = r.gvk();
    for (pat, val) in [
        (&sel.group, &gvk.group),
        (&sel.version, &gvk.version),
        (&sel.kind, &gvk.kind),
    ] {
        if let Some(p) = pat.as_deref().filter(|p| !p.is_empty())
            && !anchored(p)?.is_match(val)
        {
            return Ok(false);
        }
    }
    let (org, cur) = (r.org_id(), r.cur_id());
    if let Some(name) = sel.name.as_deref().filter(|p| !p.is_empty()) {
        let re = anchored(name)?;
        if !re.is_match(&org.name) && !re.is_match(&cur.name) {
            return Ok(false);
        }
    }
    if let Some(ns) = sel.namespace.as_deref().filter(|p| !p.is_empty()) {
        let re = anchored(ns)?;
        if !re.is_match(org.effective_namespace()) && !re.is_match(cur.effective_namespace()) {
            return Ok(false);
        }
    }
    if let Some(ls) = &sel.label_selector
        && !label_selector_matches(ls, r.labels())?
    {
        return Ok(false);
    }
    if let Some(a) = &sel.annotation_selector
        && !label_selector_matches(a, r.annotations())?
    {
        return Ok(false);
    }
    Ok(true)
}

/// An anchored regex, compiled once per pattern: selectors are matched against
/// every resource, and compiling per match dominated large renders.
fn anchored(pattern: &str) -> Result<regex::Regex, String> {
    thread_local! {
        static CACHE: std::cell::RefCell<std::collections::HashMap<String, regex::Regex>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    if let Some(re) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(re);
    }
    let re = regex::Regex::new(&format!("^(?:{pattern})$"))
        .map_err(|e| format!("invalid name pattern {pattern:?}: {e}"))?;
    CACHE.with(|c| c.borrow_mut().insert(pattern.to_string(), re.clone()));
    Ok(re)
}

/// Kubernetes label selector syntax: `a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`.
pub fn label_selector_matches(
    sel: &str,
    labels: Option<&Map<String, Value>>,
) -> Result<bool, String> {
    let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
    for term in split_selector(sel) {
        let t = term.trim();
        if t.is_empty() {
            continue;
        }
        let ok = if let Some((k, rest)) = t.split_once(" notin ") {
            let set = parse_set(rest)?;
            get(k.trim()).is_none_or(|v| !set.contains(&v.to_string()))
        } else if let Some((k, rest)) = t.split_once(" in ") {
            let set = parse_set(rest)?;
            get(k.trim()).is_some_and(|v| set.contains(&v.to_string()))
        } else if let Some((k, v)) = t.split_once("!=") {
            get(k.trim()) != Some(v.trim())
        } else if let Some((k, v)) = t.split_once("==").or_else(|| t.split_once('=')) {
            get(k.trim()) == Some(v.trim())
        } else if let Some(k) = t.strip_prefix('!') {
            get(k.trim()).is_none()
        } else {
            get(t).is_some()
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

fn split_selector(sel: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in sel.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&sel[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&sel[start..]);
    out
}

fn parse_set(s: &str) -> Result<Vec<String>, String> {
    let s = s.trim();
    let inner = s
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .ok_or_else(|| format!("invalid selector set {s:?}: expected (a,b)"))?;
    Ok(inner.split(',').map(|x| x.trim().to_string()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn split_path_keeps_escapes_and_brackets() {
        assert_eq!(
            split_path("metadata/annotations/a\\/b"),
            ["metadata", "annotations", "a/b"]
        );
        assert_eq!(split_path("spec/x[a=b/c]/y"), ["spec", "x[a=b/c]", "y"]);
    }

    #[test]
    fn walk_creates_maps_and_visits_list_elements() {
        let mut v = json!({"spec": {"containers": [{"name": "a"}, {"name": "b"}]}});
        let path = split_path("spec/containers/name");
        let mut seen = Vec::new();
        walk(&mut v, &path, None, &mut |x| {
            seen.push(x.clone());
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, [json!("a"), json!("b")]);

        let mut v = json!({"metadata": {}});
        walk(
            &mut v,
            &split_path("spec/template/metadata/labels"),
            Some(Create::Map),
            &mut |x| {
                *x = json!({"a": "b"});
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(
            v["spec"]["template"]["metadata"]["labels"],
            json!({"a": "b"})
        );
    }

    #[test]
    fn image_updates() {
        let img = Image {
            name: "nginx".into(),
            new_tag: Some("1.2".into()),
            ..Default::default()
        };
        assert_eq!(updated_image("nginx:1.0", &img), "nginx:1.2");
        assert_eq!(updated_image("nginx", &img), "nginx:1.2");
        assert!(!image_matches(&image_regex("nginx").unwrap(), "nginx2"));
        assert!(image_matches(
            &image_regex("nginx").unwrap(),
            "nginx@sha256:ab"
        ));
        let img = Image {
            name: "localhost:5000/app".into(),
            new_name: Some("ghcr.io/acme/app".into()),
            digest: Some("sha256:abc".into()),
            ..Default::default()
        };
        assert_eq!(
            updated_image("localhost:5000/app:v1", &img),
            "ghcr.io/acme/app@sha256:abc"
        );
        assert_eq!(
            split_image("my.registry:5000/app:1"),
            ("my.registry:5000/app".into(), Some("1".into()), None)
        );
    }

    #[test]
    fn label_selectors() {
        let l = json!({"app": "web", "tier": "fe"});
        let l = l.as_object();
        assert!(label_selector_matches("app=web,tier in (fe, be)", l).unwrap());
        assert!(!label_selector_matches("app!=web", l).unwrap());
        assert!(label_selector_matches("!missing,app", l).unwrap());
    }
}
