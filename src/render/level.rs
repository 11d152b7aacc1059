//! One kustomization level's built-in transformers, in kustomize's order
//! (kusttarget.go): patches, namespace, prefix/suffix, labels, annotations,
//! JSON 6902 patches, replicas, images, replacements.
//!
//! Called by the walk ([`super::build`]) once per level; built on the
//! transformers ([`super::transform`], [`super::patches`], [`super::replacement`]).

use serde_json::Value;

use super::kustomization::{Kustomization, LabelSpec, Patch};
use super::resource::Resource;
use super::transform::{
    Spec, SubjectPolicy, TransformError, TransformerConfig, add_unique, prefix_suffix, set_image,
    set_map_entries, set_namespace, set_replicas,
};
use super::{patches, replacement};

/// Patches read from disk by the builder, ready to apply.
#[derive(Debug, Default)]
pub struct LoadedPatches {
    /// (text, where it came from)
    pub strategic_merge: Vec<(String, String)>,
    pub patches: Vec<((String, String), Patch)>,
    pub json6902: Vec<((String, String), Patch)>,
    pub replacements: Vec<(Value, String)>,
}

/// Runs the built-in transformers of one kustomization, in kustomize's order.
pub fn run_builtin(
    resources: &mut Vec<Resource>,
    config: &TransformerConfig,
    k: &Kustomization,
    patches: &LoadedPatches,
    configured_in: &str,
    record: bool,
) -> Result<(), TransformError> {
    // For `buildMetadata: [transformerAnnotations]`: every object present when a transformer runs.
    let note = |resources: &mut Vec<Resource>, kind: &str| {
        if record {
            for r in resources.iter_mut() {
                r.transformations
                    .push((configured_in.to_string(), kind.to_string()));
            }
        }
    };
    if !patches.strategic_merge.is_empty() {
        for (text, origin) in &patches.strategic_merge {
            patches::apply_strategic_merge_file(resources, text, origin)?;
        }
        note(resources, "PatchStrategicMergeTransformer");
    }
    for ((text, origin), p) in &patches.patches {
        patches::apply_patch(resources, text, origin, p)?;
        note(resources, "PatchTransformer");
    }
    if let Some(ns) = k.namespace.as_deref().filter(|n| !n.is_empty()) {
        let specs = &config.namespace;
        set_namespace(resources, ns, specs, false, SubjectPolicy::DefaultOnly)?;
        note(resources, "NamespaceTransformer");
    }
    if let Some(p) = k.name_prefix.as_deref().filter(|p| !p.is_empty()) {
        let specs = &config.name_prefix;
        prefix_suffix(resources, p, "", specs)?;
        note(resources, "PrefixTransformer");
    }
    if let Some(s) = k.name_suffix.as_deref().filter(|s| !s.is_empty()) {
        let specs = &config.name_suffix;
        prefix_suffix(resources, "", s, specs)?;
        note(resources, "SuffixTransformer");
    }
    // `labels:` entries first, then `commonLabels` (kustomize's LabelTransformer order).
    for l in &k.labels {
        let list = label_specs(l, config);
        set_map_entries(resources, &l.pairs, &list)?;
        note(resources, "LabelTransformer");
    }
    if !k.common_labels.is_empty() {
        let specs = &config.common_labels;
        set_map_entries(resources, &k.common_labels, specs)?;
        note(resources, "LabelTransformer");
    }
    if !k.common_annotations.is_empty() {
        let specs = &config.common_annotations;
        set_map_entries(resources, &k.common_annotations, specs)?;
        note(resources, "AnnotationsTransformer");
    }
    for ((text, origin), p) in &patches.json6902 {
        patches::apply_json6902_entry(resources, text, origin, p)?;
        note(resources, "PatchJson6902Transformer");
    }
    for r in &k.replicas {
        let specs = &config.replicas;
        set_replicas(resources, &r.name, r.count, specs)?;
        note(resources, "ReplicaCountTransformer");
    }
    for i in &k.images {
        let specs = &config.images;
        set_image(resources, i, specs)?;
        note(resources, "ImageTagTransformer");
    }
    if !patches.replacements.is_empty() {
        replacement::apply(resources, &patches.replacements)?;
        note(resources, "ReplacementTransformer");
    }
    resources.retain(|r| !r.obj.is_null());
    Ok(())
}

/// The field specs a `labels:` entry writes to, in kustomize's order.
fn label_specs(l: &LabelSpec, config: &TransformerConfig) -> Vec<Spec> {
    let mut list: Vec<Spec> = Vec::new();
    add_unique(
        &mut list,
        l.fields
            .iter()
            .map(|f| Spec::new(&f.group, &f.version, &f.kind, &f.path, f.create)),
    );
    if l.include_selectors {
        add_unique(&mut list, config.common_labels.clone());
    } else {
        if l.include_templates {
            add_unique(&mut list, config.template_labels.clone());
        }
        add_unique(&mut list, [Spec::new("", "", "", "metadata/labels", true)]);
    }
    list
}
