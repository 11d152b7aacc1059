//! The legacy `vars:` feature: `$(NAME)` references replaced by fields of other objects.
use super::kustomization::Var;
use super::resource::Resource;
use super::transform::{TransformError, TransformerConfig};
pub fn resolve(
    _resources: &mut [Resource],
    vars: &[Var],
    _config: &TransformerConfig,
) -> Result<(), TransformError> {
    if vars.is_empty() {
        Ok(())
    } else {
        Err(TransformError::Other("vars: not implemented yet".into()))
    }
}
