//! `replacements:`: copying a field of one object into fields of others.
use super::resource::Resource;
use super::transform::TransformError;
use serde_json::Value;
pub fn apply(_resources: &mut [Resource], _r: &[(Value, String)]) -> Result<(), TransformError> {
    Err(TransformError::Other(
        "replacements: not implemented yet".into(),
    ))
}
