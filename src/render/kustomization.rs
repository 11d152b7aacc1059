//! The kustomization file: reading `kustomization.yaml` into typed fields, strictly.
//!
//! Unknown fields are errors (kustomize unmarshals strictly too), and fields this
//! renderer does not implement are refused by name instead of being ignored.

use indexmap::IndexMap;
use serde_json::Value;

use super::yaml::{self, YamlError};

/// File names kustomize recognises, in the order it tries them.
pub const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

#[derive(Debug, thiserror::Error)]
pub enum KustomizationError {
    #[error(transparent)]
    Yaml(#[from] YamlError),
    #[error("{file}:{line}: invalid kustomization: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
    #[error(
        "{file}:{line}: `{field}` is not supported by the built-in renderer; use `--engine kustomize` to render this kustomization with kustomize"
    )]
    Unsupported {
        file: String,
        line: usize,
        field: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KustKind {
    Kustomization,
    Component,
}

/// Where a patch comes from: a file path, or inline text.
#[derive(Debug, Clone, PartialEq)]
pub enum PatchSource {
    Path(String),
    Inline(String),
}

/// A patch target selector (`patches[].target`, `replacements` selectors).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selector {
    pub group: Option<String>,
    pub version: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub label_selector: Option<String>,
    pub annotation_selector: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    pub source: PatchSource,
    pub target: Option<Selector>,
    pub allow_name_change: bool,
    pub allow_kind_change: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Image {
    pub name: String,
    pub new_name: Option<String>,
    pub new_tag: Option<String>,
    pub digest: Option<String>,
    pub tag_suffix: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Replica {
    pub name: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LabelSpec {
    pub pairs: IndexMap<String, String>,
    pub include_selectors: bool,
    pub include_templates: bool,
    pub fields: Vec<FieldSpecArg>,
}

/// A user-supplied field spec (`labels[].fields`, `configurations`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldSpecArg {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub path: String,
    pub create: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Behavior {
    #[default]
    Create,
    Merge,
    Replace,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct GeneratorOptions {
    pub labels: IndexMap<String, String>,
    pub annotations: IndexMap<String, String>,
    pub disable_name_suffix_hash: Option<bool>,
    pub immutable: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Generator {
    pub name: String,
    pub namespace: Option<String>,
    pub behavior: Behavior,
    pub literals: Vec<String>,
    pub files: Vec<String>,
    pub envs: Vec<String>,
    /// Secrets only.
    pub secret_type: Option<String>,
    pub options: Option<GeneratorOptions>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Var {
    pub name: String,
    pub obj_kind: String,
    pub obj_name: String,
    pub obj_api_version: String,
    pub obj_namespace: Option<String>,
    pub field_path: String,
}

/// `replacements` entries: inline, or a path to a file holding them.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplacementSource {
    Path(String),
    Inline(Value),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    #[default]
    Legacy,
    Fifo,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SortOptions {
    pub order: SortOrder,
    pub order_first: Option<Vec<String>>,
    pub order_last: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Kustomization {
    pub kind: KustKind,
    /// Nothing but `apiVersion`/`kind` is set (kustomize's `CheckEmpty`):
    /// kustomize refuses to build such a kustomization, as a target, base or
    /// component alike.
    pub empty: bool,
    pub resources: Vec<String>,
    pub components: Vec<String>,
    pub crds: Vec<String>,
    pub name_prefix: Option<String>,
    pub name_suffix: Option<String>,
    pub namespace: Option<String>,
    pub common_labels: IndexMap<String, String>,
    pub labels: Vec<LabelSpec>,
    pub common_annotations: IndexMap<String, String>,
    pub patches_strategic_merge: Vec<PatchSource>,
    pub patches_json6902: Vec<Patch>,
    pub patches: Vec<Patch>,
    pub images: Vec<Image>,
    pub replicas: Vec<Replica>,
    pub replacements: Vec<ReplacementSource>,
    pub vars: Vec<Var>,
    pub config_map_generator: Vec<Generator>,
    pub secret_generator: Vec<Generator>,
    pub generator_options: Option<GeneratorOptions>,
    pub configurations: Vec<String>,
    pub openapi_path: Option<String>,
    pub sort_options: Option<SortOptions>,
    pub build_metadata: Vec<String>,
    pub generators: Vec<String>,
    pub transformers: Vec<String>,
}

/// Fields kustomize knows that this renderer refuses with a clear message.
const UNSUPPORTED: [&str; 5] = [
    "helmCharts",
    "helmGlobals",
    "helmChartInflationGenerator",
    "validators",
    "helmChartRepos",
];

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    /// The line of a top-level key, for messages (kustomizations are small).
    fn line_of(&self, key: &str) -> usize {
        for (i, line) in self.text.lines().enumerate() {
            let l = line.trim_start_matches(['"', '\'']);
            if l.starts_with(key)
                && l[key.len()..]
                    .trim_start_matches(['"', '\''])
                    .starts_with(':')
            {
                return i + 1;
            }
        }
        1
    }
    fn invalid(&self, key: &str, message: impl Into<String>) -> KustomizationError {
        KustomizationError::Invalid {
            file: self.file.to_string(),
            line: self.line_of(key),
            message: message.into(),
        }
    }
    fn string(&self, key: &str, v: &Value) -> Result<String, KustomizationError> {
        match v {
            Value::String(s) => Ok(s.clone()),
            other => Err(self.invalid(key, format!("`{key}` must be a string, got {other}"))),
        }
    }
    fn opt_string(
        &self,
        key: &str,
        v: Option<&Value>,
    ) -> Result<Option<String>, KustomizationError> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(v) => self.string(key, v).map(Some),
        }
    }
    fn bool(&self, key: &str, v: Option<&Value>) -> Result<bool, KustomizationError> {
        match v {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => {
                Err(self.invalid(key, format!("`{key}` must be true or false, got {other}")))
            }
        }
    }
    fn list<'v>(&self, key: &str, v: Option<&'v Value>) -> Result<&'v [Value], KustomizationError> {
        match v {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(a)) => Ok(a),
            Some(other) => Err(self.invalid(key, format!("`{key}` must be a list, got {other}"))),
        }
    }
    fn strings(&self, key: &str, v: Option<&Value>) -> Result<Vec<String>, KustomizationError> {
        self.list(key, v)?
            .iter()
            .map(|x| self.string(key, x))
            .collect()
    }
    /// A `map[string]string`; kustomize's JSON unmarshalling rejects non-string values.
    fn string_map(
        &self,
        key: &str,
        v: Option<&Value>,
    ) -> Result<IndexMap<String, String>, KustomizationError> {
        let mut out = IndexMap::new();
        match v {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => {
                for (k, val) in m {
                    let s = match val {
                        Value::String(s) => s.clone(),
                        Value::Null => String::new(),
                        other => {
                            return Err(self.invalid(
                                key,
                                format!("`{key}.{k}` must be a string, got {other}; quote it"),
                            ));
                        }
                    };
                    out.insert(k.clone(), s);
                }
            }
            Some(other) => {
                return Err(self.invalid(key, format!("`{key}` must be a map, got {other}")));
            }
        }
        Ok(out)
    }
    fn object<'v>(
        &self,
        key: &str,
        v: &'v Value,
    ) -> Result<&'v serde_json::Map<String, Value>, KustomizationError> {
        v.as_object()
            .ok_or_else(|| self.invalid(key, format!("each `{key}` entry must be a map, got {v}")))
    }
    fn check_keys(
        &self,
        key: &str,
        m: &serde_json::Map<String, Value>,
        allowed: &[&str],
    ) -> Result<(), KustomizationError> {
        for k in m.keys() {
            if !allowed.contains(&k.as_str()) {
                return Err(self.invalid(key, format!("unknown field `{k}` in `{key}`")));
            }
        }
        Ok(())
    }
}

impl Kustomization {
    /// Parses a kustomization file's text. `file` is used in messages.
    pub fn parse(text: &str, file: &str) -> Result<Self, KustomizationError> {
        let value = yaml::parse_one(text, file)?;
        let ctx = Ctx { file, text };
        let empty = serde_json::Map::new();
        let folded = fold_keys(&value);
        let m = match &folded {
            Value::Null => &empty,
            Value::Object(m) => m,
            other => {
                return Err(KustomizationError::Invalid {
                    file: file.to_string(),
                    line: 1,
                    message: format!("a kustomization must be a map, got {other}"),
                });
            }
        };
        for key in m.keys() {
            if UNSUPPORTED.contains(&key.as_str()) {
                return Err(KustomizationError::Unsupported {
                    file: file.to_string(),
                    line: ctx.line_of(key),
                    field: key.clone(),
                });
            }
            if !KNOWN.contains(&key.as_str()) {
                return Err(ctx.invalid(key, format!("unknown field `{key}`")));
            }
        }
        let kind = match m.get("kind") {
            None | Some(Value::Null) => KustKind::Kustomization,
            Some(Value::String(k)) if k == "Kustomization" || k.is_empty() => {
                KustKind::Kustomization
            }
            Some(Value::String(k)) if k == "Component" => KustKind::Component,
            Some(other) => {
                return Err(ctx.invalid(
                    "kind",
                    format!("kind must be Kustomization or Component, got {other}"),
                ));
            }
        };
        let mut resources = ctx.strings("resources", m.get("resources"))?;
        // `bases` is the legacy spelling of directory resources; kustomize appends them.
        resources.extend(ctx.strings("bases", m.get("bases"))?);

        let mut images = Vec::new();
        for key in ["images", "imageTags"] {
            for item in ctx.list(key, m.get(key))? {
                let o = ctx.object(key, item)?;
                ctx.check_keys(
                    key,
                    o,
                    &["name", "newName", "newTag", "digest", "tagSuffix"],
                )?;
                images.push(Image {
                    name: ctx.opt_string(key, o.get("name"))?.unwrap_or_default(),
                    new_name: ctx.opt_string(key, o.get("newName"))?,
                    new_tag: match o.get("newTag") {
                        // kustomize accepts a number here and keeps its text.
                        Some(Value::Number(n)) => Some(n.to_string()),
                        v => ctx.opt_string(key, v)?,
                    },
                    digest: ctx.opt_string(key, o.get("digest"))?,
                    tag_suffix: ctx.opt_string(key, o.get("tagSuffix"))?,
                });
            }
        }

        let mut replicas = Vec::new();
        for item in ctx.list("replicas", m.get("replicas"))? {
            let o = ctx.object("replicas", item)?;
            ctx.check_keys("replicas", o, &["name", "count"])?;
            let count = match o.get("count") {
                Some(Value::Number(n)) if n.is_i64() => n.as_i64().unwrap_or_default(),
                None => 0,
                Some(other) => {
                    return Err(ctx.invalid(
                        "replicas",
                        format!("`replicas.count` must be an integer, got {other}"),
                    ));
                }
            };
            replicas.push(Replica {
                name: ctx
                    .opt_string("replicas", o.get("name"))?
                    .unwrap_or_default(),
                count,
            });
        }

        let mut labels = Vec::new();
        for item in ctx.list("labels", m.get("labels"))? {
            let o = ctx.object("labels", item)?;
            ctx.check_keys(
                "labels",
                o,
                &["pairs", "includeSelectors", "includeTemplates", "fields"],
            )?;
            let mut fields = Vec::new();
            for f in ctx.list("labels", o.get("fields"))? {
                fields.push(parse_fieldspec(&ctx, "labels", f)?);
            }
            labels.push(LabelSpec {
                pairs: ctx.string_map("labels", o.get("pairs"))?,
                include_selectors: ctx.bool("labels", o.get("includeSelectors"))?,
                include_templates: ctx.bool("labels", o.get("includeTemplates"))?,
                fields,
            });
        }

        let mut patches_strategic_merge = Vec::new();
        for item in ctx.list("patchesStrategicMerge", m.get("patchesStrategicMerge"))? {
            let s = ctx.string("patchesStrategicMerge", item)?;
            // An entry is inline when it parses as a YAML map (kustomize's heuristic: contains a newline or `:`).
            if s.contains('\n') || s.trim_start().starts_with('{') {
                patches_strategic_merge.push(PatchSource::Inline(s));
            } else {
                patches_strategic_merge.push(PatchSource::Path(s));
            }
        }
        let patches = parse_patches(&ctx, "patches", m.get("patches"))?;
        let patches_json6902 = parse_patches(&ctx, "patchesJson6902", m.get("patchesJson6902"))?;

        let config_map_generator = parse_generators(
            &ctx,
            "configMapGenerator",
            m.get("configMapGenerator"),
            false,
        )?;
        let secret_generator =
            parse_generators(&ctx, "secretGenerator", m.get("secretGenerator"), true)?;
        let generator_options = match m.get("generatorOptions") {
            None | Some(Value::Null) => None,
            Some(v) => Some(parse_generator_options(&ctx, "generatorOptions", v)?),
        };

        let mut replacements = Vec::new();
        for item in ctx.list("replacements", m.get("replacements"))? {
            let o = ctx.object("replacements", item)?;
            if let Some(p) = o.get("path") {
                ctx.check_keys("replacements", o, &["path"])?;
                replacements.push(ReplacementSource::Path(ctx.string("replacements", p)?));
            } else {
                replacements.push(ReplacementSource::Inline(item.clone()));
            }
        }

        let mut vars = Vec::new();
        for item in ctx.list("vars", m.get("vars"))? {
            let o = ctx.object("vars", item)?;
            ctx.check_keys("vars", o, &["name", "objref", "fieldref"])?;
            let objref_raw = o
                .get("objref")
                .and_then(Value::as_object)
                .ok_or_else(|| ctx.invalid("vars", "each var needs an `objref` map"))?;
            // Field names match case-insensitively, as Go's JSON decoding does.
            let objref: serde_json::Map<String, Value> = objref_raw
                .iter()
                .map(|(k, v)| {
                    let canon = [
                        "kind",
                        "name",
                        "apiVersion",
                        "namespace",
                        "group",
                        "version",
                    ]
                    .iter()
                    .find(|c| c.eq_ignore_ascii_case(k))
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| k.clone());
                    (canon, v.clone())
                })
                .collect();
            let objref = &objref;
            ctx.check_keys(
                "vars",
                objref,
                &[
                    "kind",
                    "name",
                    "apiVersion",
                    "namespace",
                    "group",
                    "version",
                ],
            )?;
            let api_version = match ctx.opt_string("vars", objref.get("apiVersion"))? {
                Some(a) => a,
                None => {
                    let g = ctx
                        .opt_string("vars", objref.get("group"))?
                        .unwrap_or_default();
                    let v = ctx
                        .opt_string("vars", objref.get("version"))?
                        .unwrap_or_default();
                    if g.is_empty() { v } else { format!("{g}/{v}") }
                }
            };
            let field_path = match o.get("fieldref").and_then(Value::as_object) {
                // Go's JSON decoding matches nested field names case-insensitively too.
                Some(f) => ctx
                    .opt_string(
                        "vars",
                        f.iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case("fieldPath"))
                            .map(|(_, v)| v),
                    )?
                    .unwrap_or_default(),
                None => String::new(),
            };
            vars.push(Var {
                name: ctx.opt_string("vars", o.get("name"))?.unwrap_or_default(),
                obj_kind: ctx
                    .opt_string("vars", objref.get("kind"))?
                    .unwrap_or_default(),
                obj_name: ctx
                    .opt_string("vars", objref.get("name"))?
                    .unwrap_or_default(),
                obj_api_version: api_version,
                obj_namespace: ctx.opt_string("vars", objref.get("namespace"))?,
                field_path: if field_path.is_empty() {
                    "metadata.name".to_string()
                } else {
                    field_path
                },
            });
        }

        let sort_options = match m.get("sortOptions") {
            None | Some(Value::Null) => None,
            Some(v) => {
                let o = ctx.object("sortOptions", v)?;
                ctx.check_keys("sortOptions", o, &["order", "legacySortOptions"])?;
                let order = match ctx.opt_string("sortOptions", o.get("order"))?.as_deref() {
                    None | Some("legacy") => SortOrder::Legacy,
                    Some("fifo") => SortOrder::Fifo,
                    Some(other) => {
                        return Err(ctx.invalid(
                            "sortOptions",
                            format!("unknown sort order {other:?}; use legacy or fifo"),
                        ));
                    }
                };
                let (mut first, mut last) = (None, None);
                if let Some(l) = o.get("legacySortOptions") {
                    if order == SortOrder::Fifo {
                        return Err(ctx.invalid(
                            "sortOptions",
                            "legacySortOptions is only valid with order: legacy",
                        ));
                    }
                    let lo = ctx.object("sortOptions", l)?;
                    ctx.check_keys("sortOptions", lo, &["orderFirst", "orderLast"])?;
                    first = Some(ctx.strings("sortOptions", lo.get("orderFirst"))?);
                    last = Some(ctx.strings("sortOptions", lo.get("orderLast"))?);
                }
                Some(SortOptions {
                    order,
                    order_first: first,
                    order_last: last,
                })
            }
        };

        let openapi_path = match m.get("openapi") {
            None | Some(Value::Null) => None,
            Some(v) => {
                let o = ctx.object("openapi", v)?;
                ctx.check_keys("openapi", o, &["path", "version"])?;
                ctx.opt_string("openapi", o.get("path"))?
            }
        };

        Ok(Kustomization {
            kind,
            empty: is_empty(m),
            resources,
            components: ctx.strings("components", m.get("components"))?,
            crds: ctx.strings("crds", m.get("crds"))?,
            name_prefix: ctx.opt_string("namePrefix", m.get("namePrefix"))?,
            name_suffix: ctx.opt_string("nameSuffix", m.get("nameSuffix"))?,
            namespace: ctx.opt_string("namespace", m.get("namespace"))?,
            common_labels: ctx.string_map("commonLabels", m.get("commonLabels"))?,
            labels,
            common_annotations: ctx.string_map("commonAnnotations", m.get("commonAnnotations"))?,
            patches_strategic_merge,
            patches_json6902,
            patches,
            images,
            replicas,
            replacements,
            vars,
            config_map_generator,
            secret_generator,
            generator_options,
            configurations: ctx.strings("configurations", m.get("configurations"))?,
            openapi_path,
            sort_options,
            build_metadata: ctx.strings("buildMetadata", m.get("buildMetadata"))?,
            generators: ctx.strings("generators", m.get("generators"))?,
            transformers: ctx.strings("transformers", m.get("transformers"))?,
        })
    }
}

/// kustomize's `Kustomization.CheckEmpty`: the decoded struct deep-equals an
/// empty one apart from its TypeMeta. A null leaves a field nil and `""` is a
/// string's zero value, but `[]` and `{}` are non-nil, so not empty, except
/// where `FixKustomization` moves a list away first (`bases` into
/// `resources`, `imageTags` into `images`, `helmChartInflationGenerator` into
/// `helmCharts`): appending nothing to a nil list leaves it nil.
fn is_empty(m: &serde_json::Map<String, Value>) -> bool {
    m.iter().all(|(key, v)| match (key.as_str(), v) {
        ("apiVersion" | "kind", _) => true,
        (_, Value::Null) => true,
        ("namePrefix" | "nameSuffix" | "namespace", Value::String(s)) => s.is_empty(),
        ("bases" | "imageTags" | "helmChartInflationGenerator", Value::Array(a)) => a.is_empty(),
        _ => false,
    })
}

/// Go's encoding/json matches field names case-insensitively, and kustomize reads
/// kustomizations through it, so `nameprefix:` means `namePrefix:`.
fn fold_keys(v: &Value) -> Value {
    let Value::Object(m) = v else {
        return v.clone();
    };
    let mut out = serde_json::Map::new();
    for (k, val) in m {
        let key = if KNOWN.contains(&k.as_str()) {
            k.clone()
        } else {
            KNOWN
                .iter()
                .find(|known| known.eq_ignore_ascii_case(k))
                .map(|known| known.to_string())
                .unwrap_or_else(|| k.clone())
        };
        out.insert(key, val.clone());
    }
    Value::Object(out)
}

const KNOWN: [&str; 35] = [
    "apiVersion",
    "kind",
    "metadata",
    "openapi",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "images",
    "imageTags",
    "replacements",
    "replicas",
    "vars",
    "sortOptions",
    "resources",
    "components",
    "crds",
    "bases",
    "configMapGenerator",
    "secretGenerator",
    "helmGlobals",
    "helmCharts",
    "helmChartInflationGenerator",
    "generatorOptions",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "buildMetadata",
    "helmChartRepos",
];

pub(crate) fn parse_image_value(v: &Value) -> Result<Image, String> {
    let o = v
        .as_object()
        .ok_or_else(|| format!("imageTag must be a map, got {v}"))?;
    let get = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
    Ok(Image {
        name: get("name").unwrap_or_default(),
        new_name: get("newName"),
        new_tag: match o.get("newTag") {
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => get("newTag"),
        },
        digest: get("digest"),
        tag_suffix: get("tagSuffix"),
    })
}

fn parse_fieldspec(ctx: &Ctx, key: &str, v: &Value) -> Result<FieldSpecArg, KustomizationError> {
    let o = ctx.object(key, v)?;
    ctx.check_keys(key, o, &["group", "version", "kind", "path", "create"])?;
    Ok(FieldSpecArg {
        group: ctx.opt_string(key, o.get("group"))?.unwrap_or_default(),
        version: ctx.opt_string(key, o.get("version"))?.unwrap_or_default(),
        kind: ctx.opt_string(key, o.get("kind"))?.unwrap_or_default(),
        path: ctx.opt_string(key, o.get("path"))?.unwrap_or_default(),
        create: ctx.bool(key, o.get("create"))?,
    })
}

pub(crate) fn parse_selector(v: &Value) -> Result<Selector, String> {
    let o = v
        .as_object()
        .ok_or_else(|| format!("a target must be a map, got {v}"))?;
    let mut s = Selector::default();
    for (k, val) in o {
        let text = match val {
            Value::String(t) => Some(t.clone()),
            Value::Null => None,
            other => return Err(format!("target field `{k}` must be a string, got {other}")),
        };
        match k.as_str() {
            "group" => s.group = text,
            "version" => s.version = text,
            "kind" => s.kind = text,
            "name" => s.name = text,
            "namespace" => s.namespace = text,
            "labelSelector" => s.label_selector = text,
            "annotationSelector" => s.annotation_selector = text,
            other => return Err(format!("unknown field `{other}` in target")),
        }
    }
    Ok(s)
}

fn parse_patches(
    ctx: &Ctx,
    key: &str,
    v: Option<&Value>,
) -> Result<Vec<Patch>, KustomizationError> {
    let mut out = Vec::new();
    for item in ctx.list(key, v)? {
        let o = ctx.object(key, item)?;
        ctx.check_keys(key, o, &["path", "patch", "target", "options"])?;
        let source = match (o.get("path"), o.get("patch")) {
            (Some(p), None) => PatchSource::Path(ctx.string(key, p)?),
            (None, Some(p)) => PatchSource::Inline(ctx.string(key, p)?),
            (Some(_), Some(_)) => {
                return Err(ctx.invalid(
                    key,
                    format!("a `{key}` entry may not have both `path` and `patch`"),
                ));
            }
            (None, None) => {
                return Err(ctx.invalid(key, format!("a `{key}` entry needs `path` or `patch`")));
            }
        };
        let target = match o.get("target") {
            None | Some(Value::Null) => None,
            Some(t) => Some(parse_selector(t).map_err(|m| ctx.invalid(key, m))?),
        };
        let (mut allow_name_change, mut allow_kind_change) = (false, false);
        if let Some(opts) = o.get("options") {
            let oo = ctx.object(key, opts)?;
            ctx.check_keys(key, oo, &["allowNameChange", "allowKindChange"])?;
            allow_name_change = ctx.bool(key, oo.get("allowNameChange"))?;
            allow_kind_change = ctx.bool(key, oo.get("allowKindChange"))?;
        }
        out.push(Patch {
            source,
            target,
            allow_name_change,
            allow_kind_change,
        });
    }
    Ok(out)
}

fn parse_generator_options(
    ctx: &Ctx,
    key: &str,
    v: &Value,
) -> Result<GeneratorOptions, KustomizationError> {
    let o = ctx.object(key, v)?;
    ctx.check_keys(
        key,
        o,
        &[
            "labels",
            "annotations",
            "disableNameSuffixHash",
            "immutable",
        ],
    )?;
    Ok(GeneratorOptions {
        labels: ctx.string_map(key, o.get("labels"))?,
        annotations: ctx.string_map(key, o.get("annotations"))?,
        disable_name_suffix_hash: match o.get("disableNameSuffixHash") {
            None | Some(Value::Null) => None,
            v => Some(ctx.bool(key, v)?),
        },
        immutable: match o.get("immutable") {
            None | Some(Value::Null) => None,
            v => Some(ctx.bool(key, v)?),
        },
    })
}

pub(crate) fn parse_generators_value(
    text: &str,
    file: &str,
    v: &Value,
    secret: bool,
) -> Result<Vec<Generator>, KustomizationError> {
    let ctx = Ctx { file, text };
    parse_generators(
        &ctx,
        if secret {
            "secretGenerator"
        } else {
            "configMapGenerator"
        },
        Some(v),
        secret,
    )
}

fn parse_generators(
    ctx: &Ctx,
    key: &str,
    v: Option<&Value>,
    secret: bool,
) -> Result<Vec<Generator>, KustomizationError> {
    let mut out = Vec::new();
    for item in ctx.list(key, v)? {
        let o = ctx.object(key, item)?;
        let mut allowed = vec![
            "name",
            "namespace",
            "behavior",
            "literals",
            "files",
            "envs",
            "env",
            "options",
            "kvSources",
        ];
        if secret {
            allowed.push("type");
        }
        ctx.check_keys(key, o, &allowed)?;
        if o.contains_key("kvSources") {
            return Err(KustomizationError::Unsupported {
                file: ctx.file.to_string(),
                line: ctx.line_of(key),
                field: format!("{key}.kvSources"),
            });
        }
        let behavior = match ctx.opt_string(key, o.get("behavior"))?.as_deref() {
            Some("merge") => Behavior::Merge,
            Some("replace") => Behavior::Replace,
            // kustomize's NewGenerationBehavior reads anything else (`add`,
            // `Merge`, a typo) as unspecified, which creates.
            _ => Behavior::Create,
        };
        let mut envs = ctx.strings(key, o.get("envs"))?;
        if let Some(e) = ctx.opt_string(key, o.get("env"))? {
            envs.insert(0, e);
        }
        out.push(Generator {
            name: ctx.opt_string(key, o.get("name"))?.unwrap_or_default(),
            namespace: ctx.opt_string(key, o.get("namespace"))?,
            behavior,
            literals: ctx.strings(key, o.get("literals"))?,
            files: ctx.strings(key, o.get("files"))?,
            envs,
            secret_type: if secret {
                ctx.opt_string(key, o.get("type"))?
            } else {
                None
            },
            options: match o.get("options") {
                None | Some(Value::Null) => None,
                Some(v) => Some(parse_generator_options(ctx, key, v)?),
            },
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_fields() {
        let k = Kustomization::parse(
            "resources:\n- a.yaml\nbases:\n- ../base\nnamePrefix: p-\ncommonLabels:\n  app: x\nimages:\n- name: nginx\n  newTag: \"1.2\"\n",
            "k.yaml",
        )
        .unwrap();
        assert_eq!(k.resources, vec!["a.yaml", "../base"]);
        assert_eq!(k.name_prefix.as_deref(), Some("p-"));
        assert_eq!(k.common_labels["app"], "x");
        assert_eq!(k.images[0].new_tag.as_deref(), Some("1.2"));
    }

    #[test]
    fn unknown_field_is_an_error_with_line() {
        let err = Kustomization::parse("resources: []\nresourcez:\n- a\n", "k.yaml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "k.yaml:2: invalid kustomization: unknown field `resourcez`"
        );
    }

    #[test]
    fn helm_is_refused_by_name() {
        let err = Kustomization::parse("helmCharts:\n- name: x\n", "k.yaml").unwrap_err();
        assert!(
            matches!(err, KustomizationError::Unsupported { ref field, .. } if field == "helmCharts")
        );
        assert!(err.to_string().contains("--engine kustomize"));
    }

    #[test]
    fn numeric_label_value_is_refused() {
        let err = Kustomization::parse("commonLabels:\n  version: 1\n", "k.yaml").unwrap_err();
        assert!(err.to_string().contains("quote it"), "{err}");
    }

    /// Regression (kubeflow model-registry `behavior: add`): kustomize reads an
    /// unknown generator behavior as unspecified, which creates.
    #[test]
    fn unknown_generator_behavior_creates() {
        let k = Kustomization::parse(
            "configMapGenerator:\n- name: a\n  behavior: add\n- name: b\n  behavior: Merge\n- name: c\n  behavior: merge\n",
            "k.yaml",
        )
        .unwrap();
        let got: Vec<Behavior> = k.config_map_generator.iter().map(|g| g.behavior).collect();
        assert_eq!(got, [Behavior::Create, Behavior::Create, Behavior::Merge]);
    }
}
