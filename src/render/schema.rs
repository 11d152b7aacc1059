//! TEMPORARY stub: the embedded Kubernetes schema.
pub struct Schema;
impl Schema {
    pub fn builtin() -> &'static Schema {
        &Schema
    }
}
