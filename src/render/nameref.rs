//! Name references: fields that name other objects follow their renames.
use super::resource::Resource;
use super::transform::{TransformError, TransformerConfig};
pub fn fix(_resources: &mut [Resource], _config: &TransformerConfig) -> Result<(), TransformError> {
    Ok(())
}
