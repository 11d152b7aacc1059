//! Applying the patches of a kustomization: strategic merge and RFC 6902, with target selection.

use serde_json::Value;

use super::json6902;
use super::kustomization::{Patch, Selector, parse_selector};
use super::resource::{Gvk, Resource};
use super::schema::Schema;
use super::smp;
use super::transform::{TransformError, selects};
use super::yaml;

fn yaml_err(e: yaml::YamlError) -> TransformError {
    TransformError::Other(e.to_string())
}

/// A patch document is JSON 6902 when it is a list of operations.
fn is_json6902(doc: &Value) -> bool {
    doc.is_array()
}

/// `patchesStrategicMerge:` entries: each document patches the resource with its own id.
pub fn apply_strategic_merge_file(
    resources: &mut Vec<Resource>,
    text: &str,
    origin: &str,
) -> Result<(), TransformError> {
    for doc in yaml::parse_stream(text, origin).map_err(yaml_err)? {
        if is_json6902(&doc.value) {
            return Err(TransformError::Patch {
                patch: origin.to_string(),
                message:
                    "a JSON 6902 patch needs a target; list it under `patches:` with `target:`"
                        .into(),
            });
        }
        apply_smp_by_id(resources, &doc, origin, true)?;
    }
    Ok(())
}

/// `patches:` entries: SMP or JSON 6902, by target selector or by the patch's own id.
pub fn apply_patch(
    resources: &mut Vec<Resource>,
    text: &str,
    origin: &str,
    p: &Patch,
) -> Result<(), TransformError> {
    // kustomize tries the text both as strategic-merge documents (kyaml) and as JSON 6902
    // operations (sigs.k8s.io/yaml, go-yaml v2); the operations are read the second way.
    let json6902 = || yaml::parse_json6902(text, origin).ok().filter(is_json6902);
    let docs = match yaml::parse_stream(text, origin) {
        Ok(docs) => docs,
        Err(e) => match json6902() {
            Some(ops) => vec![yaml::Document {
                value: ops,
                line: 1,
                empty_nulls: Vec::new(),
                items_as_json: false,
            }],
            None => return Err(yaml_err(e)),
        },
    };
    if docs.is_empty() {
        return Err(TransformError::Patch {
            patch: origin.to_string(),
            message: "the patch is empty".into(),
        });
    }
    if docs.len() == 1 && is_json6902(&docs[0].value) {
        let target = p.target.as_ref().ok_or_else(|| TransformError::Patch {
            patch: origin.to_string(),
            message: "a JSON 6902 patch needs a `target`".into(),
        })?;
        let ops = json6902().unwrap_or_else(|| docs[0].value.clone());
        return apply_json6902(resources, &ops, origin, target);
    }
    for doc in docs {
        match &p.target {
            None => apply_smp_by_id(resources, &doc, origin, false)?,
            Some(target) => {
                for i in matching(resources, target, origin)? {
                    // kustomize keeps the target's name, namespace and kind unless the options allow a change.
                    smp_one(
                        resources,
                        i,
                        &doc,
                        origin,
                        p.allow_name_change,
                        p.allow_kind_change,
                        true,
                    )?;
                }
            }
        }
    }
    resources.retain(|r| !r.obj.is_null());
    Ok(())
}

/// `patchesJson6902:` entries: a target plus a YAML or JSON list of operations.
pub fn apply_json6902_entry(
    resources: &mut [Resource],
    text: &str,
    origin: &str,
    p: &Patch,
) -> Result<(), TransformError> {
    let target = p.target.as_ref().ok_or_else(|| TransformError::Patch {
        patch: origin.to_string(),
        message: "a patchesJson6902 entry needs a `target`".into(),
    })?;
    let ops = yaml::parse_json6902(text, origin).map_err(yaml_err)?;
    apply_json6902(resources, &ops, origin, target)
}

fn matching(
    resources: &[Resource],
    target: &Selector,
    origin: &str,
) -> Result<Vec<usize>, TransformError> {
    let mut out = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        if selects(target, r).map_err(|m| TransformError::Patch {
            patch: origin.to_string(),
            message: m,
        })? {
            out.push(i);
        }
    }
    Ok(out)
}

fn apply_json6902(
    resources: &mut [Resource],
    ops: &Value,
    origin: &str,
    target: &Selector,
) -> Result<(), TransformError> {
    json6902::decode(ops).map_err(|e| TransformError::Patch {
        patch: origin.to_string(),
        message: e.to_string(),
    })?;
    for i in matching(resources, target, origin)? {
        let r = &mut resources[i];
        let before = r.cur_id();
        json6902::apply(&mut r.obj, ops).map_err(|e| TransformError::Patch {
            patch: origin.to_string(),
            message: format!("applying to {before}: {e}"),
        })?;
        // kustomize sends the object through JSON here: every null now reads `null`.
        r.empty_nulls.clear();
        if r.cur_id() != before {
            r.prev_ids.push(before);
        }
    }
    Ok(())
}

/// Finds the resource a patch document names (by any id it has had) and merges it in.
fn apply_smp_by_id(
    resources: &mut Vec<Resource>,
    patch_doc: &yaml::Document,
    origin: &str,
    adopt_api_version: bool,
) -> Result<(), TransformError> {
    let patch = &patch_doc.value;
    let kind = patch.get("kind").and_then(Value::as_str).unwrap_or("");
    let api = patch
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let md = patch.get("metadata");
    let name = md
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let ns = md.and_then(|m| m.get("namespace")).and_then(Value::as_str);
    let patch_id = super::resource::ResId {
        gvk: Gvk::from_api_version(api, kind),
        name: name.to_string(),
        namespace: ns.unwrap_or("").to_string(),
    };
    // kustomize looks the patch's id up among every id a resource has had.
    let candidates: Vec<usize> = resources
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.all_ids().any(|id| {
                id.gvk == patch_id.gvk && id.name == patch_id.name && id.ns_equals(&patch_id)
            })
        })
        .map(|(i, _)| i)
        .collect();
    let shown = format!(
        "{kind} {}{name}",
        ns.map(|n| format!("{n}/")).unwrap_or_default()
    );
    match candidates.len() {
        0 => Err(TransformError::NoPatchTarget {
            patch: origin.to_string(),
            target: shown,
        }),
        1 => {
            smp_one(
                resources,
                candidates[0],
                patch_doc,
                origin,
                false,
                false,
                adopt_api_version,
            )?;
            resources.retain(|r| !r.obj.is_null());
            Ok(())
        }
        _ => Err(TransformError::Patch {
            patch: origin.to_string(),
            message: format!(
                "patch target {shown} is ambiguous: it matches several resources; add a namespace or use `patches:` with a target"
            ),
        }),
    }
}

fn smp_one(
    resources: &mut [Resource],
    i: usize,
    patch: &yaml::Document,
    origin: &str,
    allow_name_change: bool,
    allow_kind_change: bool,
    adopt_api_version: bool,
) -> Result<(), TransformError> {
    let r = &mut resources[i];
    let before = r.cur_id();
    let options = smp::PatchOptions {
        allow_name_change,
        allow_kind_change,
        adopt_api_version,
    };
    let resource_src = smp::Source {
        empty_nulls: &r.empty_nulls,
        json_text: r.json_text,
    };
    let patch_src = smp::Source {
        empty_nulls: &patch.empty_nulls,
        json_text: false,
    };
    let merged = smp::apply_to_resource(
        &r.obj,
        resource_src,
        &patch.value,
        patch_src,
        Schema::builtin(),
        options,
    )
    .map_err(|e| TransformError::Patch {
        patch: origin.to_string(),
        message: format!("applying to {before}: {e}"),
    })?;
    match merged {
        None => {
            r.obj = Value::Null;
            r.empty_nulls.clear();
        }
        Some((v, empty_nulls)) => {
            r.obj = v;
            r.empty_nulls = empty_nulls;
            if r.cur_id() != before {
                r.prev_ids.push(before);
            }
        }
    }
    Ok(())
}

/// Parses a `target:` map given inline in a builtin transformer config.
pub fn selector_from_value(v: &Value) -> Result<Selector, String> {
    parse_selector(v)
}
