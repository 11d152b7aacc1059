//! Planning: which containers of which workloads change, as guarded RFC 6902 patches and their inverses.
//!
//! A release is planned from live state (the image each container runs now); an
//! undo is planned from a release record (the inverse of what it applied).

use serde_json::Value;

use super::ReleaseError;
use super::record::{ImageChange, Record, Status, WorkloadRef};
use crate::cluster::{Cluster, workload};
use crate::patch::{self, Change};

/// One workload's planned change.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub workload: WorkloadRef,
    pub images: Vec<ImageChange>,
    pub changes: Vec<Change>,
    /// The resourceVersion the plan was read at: the patch carries it, so the
    /// apiserver answers 409 if anything changed since, and the release re-reads.
    pub resource_version: Option<String>,
}

impl Planned {
    pub fn patch(&self) -> Value {
        let mut p = patch::guarded(&self.changes);
        if let (Some(rv), Value::Array(ops)) = (&self.resource_version, &mut p) {
            ops.push(serde_json::json!({"op": "replace", "path": "/metadata/resourceVersion", "value": rv}));
        }
        p
    }

    pub fn inverse(&self) -> Value {
        patch::guarded(&patch::inverse(&self.changes))
    }

    /// The plan that undoes this one (what the inverse patch does).
    pub fn reversed(&self) -> Planned {
        Planned {
            resource_version: None,
            workload: self.workload.clone(),
            images: reversed_images(&self.images),
            changes: patch::inverse(&self.changes),
        }
    }

    /// The image the plan sets (every change of one plan sets the same image).
    pub fn new_image(&self) -> Option<&str> {
        self.images.first().map(|i| i.new.as_str())
    }
}

/// Plans `new_image` for every container of `workloads` that runs another tag or
/// digest of `image_name`, reading live state. A workload that does not run the
/// image at all is an error (the environment is not synced, or the wrong one).
pub async fn plan(
    c: &Cluster,
    workloads: &[WorkloadRef],
    image_name: &str,
    new_image: &str,
) -> Result<Vec<Planned>, ReleaseError> {
    let mut out = Vec::new();
    for w in workloads {
        let (live, resource_version) = workload::live_containers(c, w).await?;
        if live
            .iter()
            .all(|lc| crate::image::name_of(&lc.image) != image_name)
        {
            return Err(ReleaseError::NotRunning {
                workload: w.clone(),
                image: image_name.to_string(),
                live: live.iter().map(|l| l.image.clone()).collect(),
            });
        }
        let mut images = Vec::new();
        let mut changes = Vec::new();
        for lc in live
            .iter()
            .filter(|lc| crate::image::name_of(&lc.image) == image_name && lc.image != new_image)
        {
            changes.push(Change::replace(
                lc.image_path(),
                Value::String(lc.image.clone()),
                Value::String(new_image.to_string()),
            ));
            images.push(ImageChange {
                container: lc.name.clone(),
                init: lc.init,
                old: lc.image.clone(),
                new: new_image.to_string(),
            });
        }
        if !changes.is_empty() {
            out.push(Planned {
                workload: w.clone(),
                images,
                changes,
                resource_version,
            });
        }
    }
    Ok(out)
}

/// The record `undo` reverts: revision `to` when given, else the newest release
/// that is not itself an undo and has not been undone or rolled back.
pub fn record_to_undo(records: &[Record], to: Option<u64>) -> Option<&Record> {
    match to {
        Some(n) => records.iter().find(|x| x.revision == n),
        None => records.iter().rev().find(|x| {
            x.undo_of.is_none()
                && matches!(
                    x.status,
                    Status::Succeeded | Status::Failed | Status::Interrupted | Status::InProgress
                )
        }),
    }
}

/// The plan that applies a record's inverse patch.
pub fn plan_undo(rec: &Record) -> Planned {
    Planned {
        workload: rec.workload.clone(),
        images: reversed_images(&rec.images),
        changes: patch::inverse(&changes_from_patch(&rec.patch)),
        resource_version: None,
    }
}

/// Each image change the other way round.
fn reversed_images(images: &[ImageChange]) -> Vec<ImageChange> {
    images
        .iter()
        .map(|i| ImageChange {
            old: i.new.clone(),
            new: i.old.clone(),
            ..i.clone()
        })
        .collect()
}

/// The changes of a recorded patch (its `test`+`replace` pairs).
pub fn changes_from_patch(patch: &Value) -> Vec<Change> {
    let mut out: Vec<Change> = Vec::new();
    for op in patch.as_array().into_iter().flatten() {
        // The resourceVersion precondition is not part of the change.
        if op.get("path").and_then(Value::as_str) == Some("/metadata/resourceVersion") {
            continue;
        }
        let path = op
            .get("path")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let value = op.get("value").cloned();
        match op.get("op").and_then(Value::as_str) {
            Some("test") => out.push(Change {
                path,
                old: value,
                new: None,
            }),
            Some("replace") | Some("add") => match out.last_mut() {
                Some(c) if c.path == path && c.new.is_none() => c.new = value,
                _ => out.push(Change {
                    path,
                    old: None,
                    new: value,
                }),
            },
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned() -> Planned {
        Planned {
            workload: WorkloadRef {
                kind: "Deployment".into(),
                namespace: "n".into(),
                name: "api".into(),
            },
            images: vec![ImageChange {
                container: "api".into(),
                init: false,
                old: "r/api:v1".into(),
                new: "r/api:v2".into(),
            }],
            changes: vec![Change::replace(
                "/spec/template/spec/containers/0/image",
                Value::String("r/api:v1".into()),
                Value::String("r/api:v2".into()),
            )],
            resource_version: Some("42".into()),
        }
    }

    #[test]
    fn a_recorded_patch_plans_its_exact_inverse() {
        let p = planned();
        let rec = Record {
            revision: 3,
            started: String::new(),
            finished: None,
            user: String::new(),
            actor: Default::default(),
            holder: None,
            env: None,
            workload: p.workload.clone(),
            images: p.images.clone(),
            patch: p.patch(),
            inverse: p.inverse(),
            status: Status::InProgress,
            reason: None,
            undo_of: None,
            git: None,
            argocd: None,
        };
        let undo = plan_undo(&rec);
        assert_eq!(undo, p.reversed());
        assert_eq!(
            undo.patch(),
            p.inverse(),
            "the resourceVersion guard is not replayed"
        );
        assert_eq!(record_to_undo(std::slice::from_ref(&rec), None), Some(&rec));
        let undone = Record {
            status: Status::Undone,
            ..rec.clone()
        };
        assert_eq!(record_to_undo(&[undone], None), None);
    }
}
