//! Built-in plugin configs listed under `generators:` and `transformers:` (`apiVersion: builtin`).
//!
//! kustomize lets a kustomization configure its built-in generators and
//! transformers directly with objects such as `kind: PrefixSuffixTransformer`.
//! Their field specs are exactly the ones the config gives (no defaults).
//! External (KRM function, exec) plugins are refused by name.

use indexmap::IndexMap;
use serde_json::Value;

use super::kustomization::{
    Generator, Patch, PatchSource, Selector, parse_image_value, parse_selector,
};
use super::transform::{self, Spec, SubjectPolicy, TransformError};

/// One built-in generator or transformer configuration.
#[derive(Debug, Clone)]
pub enum PluginConfig {
    Generator {
        secret: bool,
        spec: Generator,
        name: String,
    },
    PrefixSuffix {
        prefix: String,
        suffix: String,
        specs: Vec<Spec>,
    },
    Labels {
        labels: IndexMap<String, String>,
        specs: Vec<Spec>,
    },
    Annotations {
        annotations: IndexMap<String, String>,
        specs: Vec<Spec>,
    },
    Namespace {
        namespace: String,
        specs: Vec<Spec>,
        unset_only: bool,
        subjects: SubjectPolicy,
    },
    Image {
        image: super::kustomization::Image,
        specs: Vec<Spec>,
    },
    Replicas {
        name: String,
        count: i64,
        specs: Vec<Spec>,
    },
    Patch(Patch),
    StrategicMerge(Vec<PatchSource>),
    Json6902 {
        target: Selector,
        source: PatchSource,
    },
    Replacements(Vec<Value>),
}

impl PluginConfig {
    /// The `kind` kustomize records for this config in annotations.
    pub fn kind(&self) -> &'static str {
        match self {
            PluginConfig::Generator { secret: true, .. } => "SecretGenerator",
            PluginConfig::Generator { .. } => "ConfigMapGenerator",
            PluginConfig::PrefixSuffix { .. } => "PrefixSuffixTransformer",
            PluginConfig::Labels { .. } => "LabelTransformer",
            PluginConfig::Annotations { .. } => "AnnotationsTransformer",
            PluginConfig::Namespace { .. } => "NamespaceTransformer",
            PluginConfig::Image { .. } => "ImageTagTransformer",
            PluginConfig::Replicas { .. } => "ReplicaCountTransformer",
            PluginConfig::Patch(_) => "PatchTransformer",
            PluginConfig::StrategicMerge(_) => "PatchStrategicMergeTransformer",
            PluginConfig::Json6902 { .. } => "PatchJson6902Transformer",
            PluginConfig::Replacements(_) => "ReplacementTransformer",
        }
    }
}

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

fn string_map(v: Option<&Value>) -> Result<IndexMap<String, String>, String> {
    let mut out = IndexMap::new();
    if let Some(Value::Object(m)) = v {
        for (k, val) in m {
            match val {
                Value::String(x) => out.insert(k.clone(), x.clone()),
                other => return Err(format!("`{k}` must be a string, got {other}")),
            };
        }
    }
    Ok(out)
}

fn field_specs(v: &Value) -> Vec<Spec> {
    v.get("fieldSpecs")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|f| {
                    Spec::new(
                        &s(f, "group").unwrap_or_default(),
                        &s(f, "version").unwrap_or_default(),
                        &s(f, "kind").unwrap_or_default(),
                        &s(f, "path").unwrap_or_default(),
                        f.get("create").and_then(Value::as_bool).unwrap_or(false),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Reads one plugin config document. `text` and `file` are for messages.
pub fn parse(doc: &Value, text: &str, file: &str) -> Result<PluginConfig, TransformError> {
    let err = |m: String| TransformError::Config {
        file: file.to_string(),
        message: m,
    };
    let api = s(doc, "apiVersion").unwrap_or_default();
    let kind = s(doc, "kind").unwrap_or_default();
    if api != "builtin" {
        return Err(err(format!(
            "{kind} ({api}) is an external plugin, which the built-in renderer does not run; use `--engine kustomize`"
        )));
    }
    let name = doc
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let cfg = match kind.as_str() {
        "ConfigMapGenerator" | "SecretGenerator" => {
            let secret = kind == "SecretGenerator";
            // The generator arguments sit inline in the config; unknown fields are ignored.
            let mut args = serde_json::Map::new();
            for key in [
                "name",
                "namespace",
                "behavior",
                "literals",
                "files",
                "envs",
                "env",
                "options",
                "type",
            ] {
                if let Some(v) = doc.get(key) {
                    if key == "type" && !secret {
                        continue;
                    }
                    args.insert(key.to_string(), v.clone());
                }
            }
            if !args.contains_key("name") {
                args.insert("name".into(), Value::String(name.clone()));
            }
            if !args.contains_key("namespace")
                && let Some(ns) = doc.get("metadata").and_then(|m| m.get("namespace"))
            {
                args.insert("namespace".into(), ns.clone());
            }
            let list = Value::Array(vec![Value::Object(args)]);
            let mut specs = super::kustomization::parse_generators_value(text, file, &list, secret)
                .map_err(|e| TransformError::Other(e.to_string()))?;
            PluginConfig::Generator {
                secret,
                spec: specs.remove(0),
                name,
            }
        }
        "PrefixSuffixTransformer" | "PrefixTransformer" | "SuffixTransformer" => {
            PluginConfig::PrefixSuffix {
                prefix: s(doc, "prefix").unwrap_or_default(),
                suffix: s(doc, "suffix").unwrap_or_default(),
                specs: field_specs(doc),
            }
        }
        "LabelTransformer" => PluginConfig::Labels {
            labels: string_map(doc.get("labels")).map_err(err)?,
            specs: field_specs(doc),
        },
        "AnnotationsTransformer" => PluginConfig::Annotations {
            annotations: string_map(doc.get("annotations")).map_err(err)?,
            specs: field_specs(doc),
        },
        "NamespaceTransformer" => PluginConfig::Namespace {
            namespace: doc
                .get("metadata")
                .and_then(|m| m.get("namespace"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            specs: field_specs(doc),
            unset_only: doc
                .get("unsetOnly")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            subjects: match s(doc, "setRoleBindingSubjects").as_deref() {
                None | Some("") | Some("defaultOnly") => SubjectPolicy::DefaultOnly,
                Some("allServiceAccounts") => SubjectPolicy::AllServiceAccounts,
                Some("none") => SubjectPolicy::None,
                Some(other) => {
                    return Err(err(format!(
                        "invalid value {other:?} for setRoleBindingSubjects: must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\""
                    )));
                }
            },
        },
        "ImageTagTransformer" => PluginConfig::Image {
            image: parse_image_value(doc.get("imageTag").unwrap_or(&Value::Null)).map_err(err)?,
            specs: field_specs(doc),
        },
        "ReplicaCountTransformer" => {
            let r = doc.get("replica").cloned().unwrap_or(Value::Null);
            PluginConfig::Replicas {
                name: s(&r, "name").unwrap_or_default(),
                count: r.get("count").and_then(Value::as_i64).unwrap_or(0),
                specs: field_specs(doc),
            }
        }
        "PatchTransformer" => {
            let source = match (s(doc, "path"), s(doc, "patch")) {
                (Some(p), None) => PatchSource::Path(p),
                (None, Some(p)) => PatchSource::Inline(p),
                _ => {
                    return Err(err(
                        "a PatchTransformer needs exactly one of `path` and `patch`".into(),
                    ));
                }
            };
            let target = match doc.get("target") {
                None | Some(Value::Null) => None,
                Some(t) => Some(parse_selector(t).map_err(err)?),
            };
            let opt = |k: &str| {
                doc.get("options")
                    .and_then(|o| o.get(k))
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
            };
            PluginConfig::Patch(Patch {
                source,
                target,
                allow_name_change: opt("allowNameChange"),
                allow_kind_change: opt("allowKindChange"),
            })
        }
        "PatchStrategicMergeTransformer" => {
            let mut out = Vec::new();
            for p in doc
                .get("paths")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(p) = p.as_str() {
                    out.push(PatchSource::Path(p.to_string()));
                }
            }
            if let Some(p) = s(doc, "patches") {
                out.push(PatchSource::Inline(p));
            }
            PluginConfig::StrategicMerge(out)
        }
        "PatchJson6902Transformer" => {
            let target = parse_selector(doc.get("target").unwrap_or(&Value::Null)).map_err(err)?;
            let source = match (s(doc, "path"), s(doc, "jsonOp")) {
                (Some(p), None) => PatchSource::Path(p),
                (None, Some(p)) => PatchSource::Inline(p),
                _ => {
                    return Err(err(
                        "a PatchJson6902Transformer needs exactly one of `path` and `jsonOp`"
                            .into(),
                    ));
                }
            };
            PluginConfig::Json6902 { target, source }
        }
        "ReplacementTransformer" => PluginConfig::Replacements(
            doc.get("replacements")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
        ),
        other => {
            return Err(err(format!(
                "builtin {other} is not supported by the built-in renderer; use `--engine kustomize`"
            )));
        }
    };
    Ok(cfg)
}

/// Runs a transformer config over the resources. Patch sources must already be loaded
/// by the caller, which passes their texts in `loaded` (same order as the config lists them).
pub fn apply_transformer(
    cfg: &PluginConfig,
    resources: &mut Vec<super::resource::Resource>,
    loaded: &[(String, String)],
) -> Result<(), TransformError> {
    match cfg {
        PluginConfig::Generator { .. } => Ok(()),
        PluginConfig::PrefixSuffix {
            prefix,
            suffix,
            specs,
        } => transform::prefix_suffix(resources, prefix, suffix, specs),
        PluginConfig::Labels { labels, specs } => {
            transform::set_map_entries(resources, labels, specs)
        }
        PluginConfig::Annotations { annotations, specs } => {
            transform::set_map_entries(resources, annotations, specs)
        }
        PluginConfig::Namespace {
            namespace,
            specs,
            unset_only,
            subjects,
        } => transform::set_namespace(resources, namespace, specs, *unset_only, *subjects),
        PluginConfig::Image { image, specs } => transform::set_image(resources, image, specs),
        PluginConfig::Replicas { name, count, specs } => {
            transform::set_replicas(resources, name, *count, specs)
        }
        PluginConfig::Patch(p) => {
            let (text, origin) = loaded.first().cloned().unwrap_or_default();
            super::patches::apply_patch(resources, &text, &origin, p)
        }
        PluginConfig::StrategicMerge(_) => {
            for (text, origin) in loaded {
                super::patches::apply_strategic_merge_file(resources, text, origin)?;
            }
            Ok(())
        }
        PluginConfig::Json6902 { target, .. } => {
            let (text, origin) = loaded.first().cloned().unwrap_or_default();
            let p = Patch {
                source: PatchSource::Inline(text.clone()),
                target: Some(target.clone()),
                allow_name_change: false,
                allow_kind_change: false,
            };
            super::patches::apply_json6902_entry(resources, &text, &origin, &p)
        }
        PluginConfig::Replacements(list) => {
            let pairs: Vec<(Value, String)> = list
                .iter()
                .map(|v| (v.clone(), "transformer config".to_string()))
                .collect();
            super::replacement::apply(resources, &pairs)
        }
    }
}

/// The patch sources a transformer config reads, in order.
pub fn patch_sources(cfg: &PluginConfig) -> Vec<PatchSource> {
    match cfg {
        PluginConfig::Patch(p) => vec![p.source.clone()],
        PluginConfig::StrategicMerge(list) => list.clone(),
        PluginConfig::Json6902 { source, .. } => vec![source.clone()],
        _ => Vec::new(),
    }
}
