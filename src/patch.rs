//! RFC 6902 JSON patches for releases: built from changes, guarded by `test` ops, inverted exactly.
//!
//! Pure. A release is a list of [`Change`]s (a JSON pointer with its old and
//! new value). The forward patch tests every old value before changing it, so
//! it fails instead of overwriting a concurrent edit; the inverse patch tests
//! the new values, so an undo never reverts someone else's later change.

use serde_json::Value;

#[derive(Debug, thiserror::Error)]
pub enum PatchError {
    #[error(
        "the patch no longer applies: {0}; someone changed the object since (re-read it and try again)"
    )]
    Conflict(String),
    #[error("invalid JSON patch: {0}")]
    Invalid(String),
}

/// One field change: `old == None` adds the field, `new == None` removes it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Change {
    /// A JSON pointer (RFC 6901), e.g. `/spec/template/spec/containers/0/image`.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

impl Change {
    pub fn replace(path: impl Into<String>, old: Value, new: Value) -> Self {
        Change {
            path: path.into(),
            old: Some(old),
            new: Some(new),
        }
    }
    pub fn add(path: impl Into<String>, new: Value) -> Self {
        Change {
            path: path.into(),
            old: None,
            new: Some(new),
        }
    }
    /// The change that undoes this one.
    pub fn inverse(&self) -> Self {
        Change {
            path: self.path.clone(),
            old: self.new.clone(),
            new: self.old.clone(),
        }
    }
}

/// The guarded RFC 6902 patch for a list of changes, as JSON.
pub fn guarded(changes: &[Change]) -> Value {
    let mut ops = Vec::new();
    for c in changes {
        if let Some(old) = &c.old {
            ops.push(serde_json::json!({"op": "test", "path": c.path, "value": old}));
        }
        match (&c.old, &c.new) {
            (Some(_), Some(new)) => {
                ops.push(serde_json::json!({"op": "replace", "path": c.path, "value": new}))
            }
            (None, Some(new)) => {
                ops.push(serde_json::json!({"op": "add", "path": c.path, "value": new}))
            }
            (Some(_), None) => ops.push(serde_json::json!({"op": "remove", "path": c.path})),
            (None, None) => {}
        }
    }
    Value::Array(ops)
}

/// The inverse of a list of changes, in reverse order.
pub fn inverse(changes: &[Change]) -> Vec<Change> {
    changes.iter().rev().map(Change::inverse).collect()
}

/// Applies an RFC 6902 patch to a document, all or nothing.
pub fn apply(doc: &Value, patch: &Value) -> Result<Value, PatchError> {
    let p: json_patch::Patch =
        serde_json::from_value(patch.clone()).map_err(|e| PatchError::Invalid(e.to_string()))?;
    let mut out = doc.clone();
    json_patch::patch(&mut out, &p).map_err(|e| match e.kind {
        json_patch::PatchErrorKind::TestFailed => {
            PatchError::Conflict(format!("test failed at operation {}", e.operation))
        }
        _ => PatchError::Conflict(e.to_string()),
    })?;
    Ok(out)
}

/// Escapes one JSON pointer segment (RFC 6901: `~` as `~0`, `/` as `~1`).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn guarded_patch_and_exact_inverse() {
        let doc = json!({"images": [{"name": "api", "newTag": "v1.3.0"}]});
        let changes = vec![Change::replace(
            "/images/0/newTag",
            json!("v1.3.0"),
            json!("v1.4.0"),
        )];
        let forward = guarded(&changes);
        assert_eq!(
            forward,
            json!([{"op": "test", "path": "/images/0/newTag", "value": "v1.3.0"},
                   {"op": "replace", "path": "/images/0/newTag", "value": "v1.4.0"}])
        );
        let new = apply(&doc, &forward).unwrap();
        assert_eq!(new["images"][0]["newTag"], "v1.4.0");
        let back = apply(&new, &guarded(&inverse(&changes))).unwrap();
        assert_eq!(back, doc);
        // Applying the forward patch twice fails on its test op: no blind overwrite.
        assert!(matches!(
            apply(&new, &forward),
            Err(PatchError::Conflict(_))
        ));
    }

    #[test]
    fn add_inverts_to_remove() {
        let doc = json!({"images": [{"name": "api"}]});
        let changes = vec![Change::add("/images/0/newTag", json!("v2"))];
        let new = apply(&doc, &guarded(&changes)).unwrap();
        let back = apply(&new, &guarded(&inverse(&changes))).unwrap();
        assert_eq!(back, doc);
    }

    #[test]
    fn pointer_escaping() {
        assert_eq!(escape("a/b~c"), "a~1b~0c");
    }
}
