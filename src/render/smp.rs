//! TEMPORARY stub: strategic merge patch (replaced by the real implementation).
use super::schema::Schema;
use serde_json::Value;
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SmpError(String);
pub fn apply(resource: &Value, patch: &Value, _schema: &Schema) -> Result<Option<Value>, SmpError> {
    let mut out = resource.clone();
    merge(&mut out, patch);
    Ok(Some(out))
}
fn merge(a: &mut Value, b: &Value) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in y {
                if v.is_null() {
                    x.remove(k);
                    continue;
                }
                match x.get_mut(k) {
                    Some(e) => merge(e, v),
                    None => {
                        x.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (a, b) => *a = b.clone(),
    }
}
