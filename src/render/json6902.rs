//! JSON 6902 patches as kustomize applies them: gopkg.in/evanphx/json-patch.v4 v4.12.0.
//!
//! kustomize does not follow RFC 6902 to the letter; it runs that library, and
//! real overlays rely on what it accepts:
//! - `replace` of a key an object lacks adds the key (the RFC says error);
//! - negative list indices count from the end (`/containers/-1` is the last
//!   element; for `add`, `-1` appends and `-(len+1)` prepends);
//! - an index is read like Go's `strconv.Atoi` (`+1` and `01` are 1);
//! - the first segment of a path is dropped whatever it is, so `spec/replicas`
//!   (no leading slash) means `/replicas`;
//! - `copy` from a key an object lacks copies a null;
//! - a null in the document counts as absent on the way down (`/a/b` under
//!   `a: null` is an error) and `test` finds a missing key equal to `null`;
//! - `replace` of the whole document (path `""`) with a scalar or null does
//!   nothing;
//! - `test` compares maps regardless of key order, and numbers by value:
//!   kustomize turns a YAML patch into JSON through Go floats, so `2.0`
//!   equals `2` (not reproduced: a patch written as JSON text, `[{...}]`,
//!   keeps its number text, where `2.0` does not equal `2`).
//!
//! The patch is applied to a copy, so a failing operation leaves the object as
//! it was.

use serde_json::{Map, Value};

/// Why a JSON 6902 patch could not be applied; mirrors json-patch.v4's errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Json6902Error {
    /// The patch is not a list of operation objects.
    #[error("not a valid JSON 6902 patch: {0}")]
    Decode(String),
    /// An operation is not one of add, remove, replace, move, copy, test.
    #[error(
        "operation {index}: unexpected op {op:?}; use add, remove, replace, move, copy or test"
    )]
    UnknownOp { index: usize, op: String },
    /// An operation lacks a string `path` or `from`.
    #[error("operation {index} ({op}): missing or non-string `{field}`")]
    MissingField {
        index: usize,
        op: String,
        field: &'static str,
    },
    /// The document has nothing at the path (or the index is out of range).
    #[error("operation {index} ({op}) failed at path {path:?}: {message}")]
    Path {
        index: usize,
        op: String,
        path: String,
        message: String,
    },
    /// A `test` operation found a different value.
    #[error("operation {index} (test) failed: the value at {path:?} is not the expected one")]
    TestFailed { index: usize, path: String },
}

/// Applies `ops` (a list of operations) to `doc` as json-patch.v4 does; on an
/// error `doc` is unchanged.
pub fn apply(doc: &mut Value, ops: &Value) -> Result<(), Json6902Error> {
    let list = decode(ops)?;
    let mut work = doc.clone();
    for (index, op) in list.into_iter().enumerate() {
        apply_one(&mut work, op, index)?;
    }
    *doc = work;
    Ok(())
}

/// `DecodePatch`: a list whose elements are maps (a null element is a nil
/// operation, which fails later as op "unknown"). kustomize decodes when it
/// reads the patch, so a malformed one fails even when it selects nothing.
pub fn decode(ops: &Value) -> Result<Vec<Option<&Map<String, Value>>>, Json6902Error> {
    let Value::Array(list) = ops else {
        return Err(Json6902Error::Decode(format!(
            "expected a list of operations, got {}",
            kind_name(ops)
        )));
    };
    list.iter()
        .enumerate()
        .map(|(index, op)| match op {
            Value::Object(o) => Ok(Some(o)),
            Value::Null => Ok(None),
            other => Err(Json6902Error::Decode(format!(
                "operation {index} is {}, not a map",
                kind_name(other)
            ))),
        })
        .collect()
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

fn apply_one(
    doc: &mut Value,
    op: Option<&Map<String, Value>>,
    index: usize,
) -> Result<(), Json6902Error> {
    let field = |name: &str| op.and_then(|o| o.get(name));
    let kind = match field("op") {
        Some(Value::String(s)) => s.as_str(),
        _ => "unknown",
    };
    let string = |name: &'static str| match field(name) {
        Some(Value::String(s)) => Ok(s.as_str()),
        _ => Err(Json6902Error::MissingField {
            index,
            op: kind.to_string(),
            field: name,
        }),
    };
    let fail = |path: &str, message: String| Json6902Error::Path {
        index,
        op: kind.to_string(),
        path: path.to_string(),
        message,
    };
    let missing = |path: &str| fail(path, "the document has no such path".into());
    // An absent `value` is a nil node in Go, written out as null.
    let value = || field("value").cloned().unwrap_or(Value::Null);
    match kind {
        "add" => {
            let path = string("path")?;
            let (con, key) = find_object(doc, path).ok_or_else(|| missing(path))?;
            add(con, &key, value()).map_err(|m| fail(path, m))
        }
        "remove" => {
            let path = string("path")?;
            let (con, key) = find_object(doc, path).ok_or_else(|| missing(path))?;
            remove(con, &key).map_err(|m| fail(path, m))
        }
        "replace" => {
            let path = string("path")?;
            if path.is_empty() {
                return match field("value") {
                    Some(v @ (Value::Object(_) | Value::Array(_))) => {
                        *doc = v.clone();
                        Ok(())
                    }
                    // The library wraps a nil error here, so a scalar or null
                    // value leaves the document as it is.
                    Some(_) => Ok(()),
                    // ... and an absent value makes it panic.
                    None => Err(Json6902Error::MissingField {
                        index,
                        op: kind.to_string(),
                        field: "value",
                    }),
                };
            }
            let (con, key) = find_object(doc, path).ok_or_else(|| missing(path))?;
            get(con, &key).map_err(|m| fail(path, m))?;
            set(con, &key, value()).map_err(|m| fail(path, m))
        }
        "move" => {
            let from = string("from")?;
            let (con, key) = find_object(doc, from).ok_or_else(|| missing(from))?;
            let moved = get(con, &key).map_err(|m| fail(from, m))?;
            remove(con, &key).map_err(|m| fail(from, m))?;
            let path = string("path")?;
            let (con, key) = find_object(doc, path).ok_or_else(|| missing(path))?;
            add(con, &key, moved).map_err(|m| fail(path, m))
        }
        "copy" => {
            let from = string("from")?;
            let (con, key) = find_object(doc, from).ok_or_else(|| missing(from))?;
            let copied = get(con, &key).map_err(|m| fail(from, m))?;
            let path = string("path")?;
            let (con, key) = find_object(doc, path).ok_or_else(|| missing(path))?;
            add(con, &key, copied).map_err(|m| fail(path, m))
        }
        "test" => {
            let path = string("path")?;
            // Go dereferences the absent value and panics; an error is the honest equivalent.
            let Some(expected) = field("value") else {
                return Err(Json6902Error::MissingField {
                    index,
                    op: kind.to_string(),
                    field: "value",
                });
            };
            let actual = if path.is_empty() {
                doc.clone()
            } else {
                let (con, key) = find_object(doc, path).ok_or_else(|| missing(path))?;
                get(con, &key).map_err(|m| fail(path, m))?
            };
            if equal(&actual, expected) {
                Ok(())
            } else {
                Err(Json6902Error::TestFailed {
                    index,
                    path: path.to_string(),
                })
            }
        }
        other => Err(Json6902Error::UnknownOp {
            index,
            op: other.to_string(),
        }),
    }
}

/// RFC 6901 unescaping in one left-to-right pass (Go's strings.Replacer).
fn decode_key(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    let mut chars = part.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.peek() {
                Some('1') => {
                    chars.next();
                    out.push('/');
                    continue;
                }
                Some('0') => {
                    chars.next();
                    out.push('~');
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
    }
    out
}

/// Go's `strconv.Atoi`: optional sign, decimal digits, leading zeros allowed.
fn atoi(s: &str) -> Result<i64, String> {
    s.parse::<i64>()
        .map_err(|_| format!("{s:?} is not a list index"))
}

/// json-patch's `findObject`: the container holding the last segment, and
/// that segment decoded. The first segment is skipped unread.
fn find_object<'a>(doc: &'a mut Value, path: &str) -> Option<(&'a mut Value, String)> {
    let split: Vec<&str> = path.split('/').collect();
    if split.len() < 2 {
        return None;
    }
    let mut cur = doc;
    for part in &split[1..split.len() - 1] {
        let key = decode_key(part);
        let next = match cur {
            Value::Object(map) => map.get_mut(&key)?,
            Value::Array(list) => {
                let i = index_in(list.len(), &key).ok()?;
                &mut list[i]
            }
            _ => return None,
        };
        // A null on the way is a nil node (absent); a scalar is not a container.
        if !matches!(next, Value::Object(_) | Value::Array(_)) {
            return None;
        }
        cur = next;
    }
    if !matches!(cur, Value::Object(_) | Value::Array(_)) {
        return None;
    }
    Some((cur, decode_key(split[split.len() - 1])))
}

/// An existing element's index (`partialArray.get`): negative counts from the end.
fn index_in(len: usize, key: &str) -> Result<usize, String> {
    let mut idx = atoi(key)?;
    let n = len as i64;
    if idx < 0 {
        if idx < -n {
            return Err(format!("index {idx} is out of range"));
        }
        idx += n;
    }
    if idx >= n {
        return Err(format!("index {idx} is out of range"));
    }
    Ok(idx as usize)
}

/// `get`: an object's missing key (or null) reads as null without error.
fn get(con: &Value, key: &str) -> Result<Value, String> {
    match con {
        Value::Object(map) => Ok(map.get(key).cloned().unwrap_or(Value::Null)),
        Value::Array(list) => Ok(list[index_in(list.len(), key)?].clone()),
        _ => Err("not a map or list".into()),
    }
}

/// `set` (replace): overwrite a key or an element `get` found.
fn set(con: &mut Value, key: &str, value: Value) -> Result<(), String> {
    match con {
        Value::Object(map) => {
            map.insert(key.to_string(), value);
            Ok(())
        }
        Value::Array(list) => {
            let i = index_in(list.len(), key)?;
            list[i] = value;
            Ok(())
        }
        _ => Err("not a map or list".into()),
    }
}

/// `add`: set a key; insert into a list at an index up to its length, `-`
/// appends, a negative index counts from the end of the grown list.
fn add(con: &mut Value, key: &str, value: Value) -> Result<(), String> {
    match con {
        Value::Object(map) => {
            map.insert(key.to_string(), value);
            Ok(())
        }
        Value::Array(list) => {
            if key == "-" {
                list.push(value);
                return Ok(());
            }
            let mut idx = atoi(key)?;
            let size = list.len() as i64 + 1;
            if idx >= size {
                return Err(format!("index {idx} is out of range"));
            }
            if idx < 0 {
                if idx < -size {
                    return Err(format!("index {idx} is out of range"));
                }
                idx += size;
            }
            list.insert(idx as usize, value);
            Ok(())
        }
        _ => Err("not a map or list".into()),
    }
}

/// `remove`: the key must exist (null counts); the index must be in range.
fn remove(con: &mut Value, key: &str) -> Result<(), String> {
    match con {
        Value::Object(map) => match map.shift_remove(key) {
            Some(_) => Ok(()),
            None => Err(format!("there is no key {key:?} to remove")),
        },
        Value::Array(list) => {
            let i = index_in(list.len(), key)?;
            list.remove(i);
            Ok(())
        }
        _ => Err("not a map or list".into()),
    }
}

/// `lazyNode.equal`: structural, map keys in any order. Go compares scalars
/// as the JSON text both sides marshal to, where a YAML `1.0` is `1`. A null
/// in a map equals only a null.
fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(i), Some(j)) => i == j,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        // A null list element is a nil node there, and comparing it makes the
        // library panic: kustomize fails, as it does when a test fails.
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(p, q)| !p.is_null() && !q.is_null() && equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(doc: Value, ops: Value) -> Result<Value, Json6902Error> {
        let mut d = doc;
        apply(&mut d, &ops).map(|()| d)
    }

    /// kubeflow manifests (oauth2-proxy m2m overlay): `replace` of a key the
    /// object lacks adds it, as json-patch.v4 does; RFC 6902 would refuse.
    #[test]
    fn replace_of_missing_key_adds_it() {
        let got = run(
            json!({"spec": {"jwtRules": [{"issuer": "a"}]}}),
            json!([
                {"op": "replace", "path": "/spec/jwtRules/0/issuer", "value": "b"},
                {"op": "replace", "path": "/spec/jwtRules/0/jwksUri", "value": "u"}
            ]),
        )
        .unwrap();
        assert_eq!(
            got,
            json!({"spec": {"jwtRules": [{"issuer": "b", "jwksUri": "u"}]}})
        );
    }

    #[test]
    fn replace_needs_the_parent_and_an_existing_element() {
        let doc = json!({"spec": {"list": [1]}});
        assert!(
            run(
                doc.clone(),
                json!([{"op": "replace", "path": "/spec/x/y", "value": 1}])
            )
            .is_err()
        );
        assert!(
            run(
                doc,
                json!([{"op": "replace", "path": "/spec/list/1", "value": 2}])
            )
            .is_err()
        );
    }

    #[test]
    fn negative_indices_count_from_the_end() {
        let doc = json!({"l": ["a", "b", "c"]});
        let ops = json!([
            {"op": "replace", "path": "/l/-1", "value": "C"},
            {"op": "remove", "path": "/l/-3"},
            {"op": "add", "path": "/l/-1", "value": "end"},
            {"op": "add", "path": "/l/-4", "value": "start"}
        ]);
        assert_eq!(
            run(doc, ops).unwrap(),
            json!({"l": ["start", "b", "C", "end"]})
        );
        let doc = json!({"l": ["a"]});
        assert!(run(doc.clone(), json!([{"op": "remove", "path": "/l/-2"}])).is_err());
        assert!(
            run(
                doc.clone(),
                json!([{"op": "add", "path": "/l/-3", "value": 0}])
            )
            .is_err()
        );
        assert!(run(doc, json!([{"op": "add", "path": "/l/2", "value": 0}])).is_err());
    }

    #[test]
    fn indices_read_like_atoi() {
        let doc = json!({"l": ["a", "b"]});
        let ops = json!([{"op": "replace", "path": "/l/01", "value": "B"}, {"op": "replace", "path": "/l/+0", "value": "A"}]);
        assert_eq!(run(doc.clone(), ops).unwrap(), json!({"l": ["A", "B"]}));
        assert!(run(doc, json!([{"op": "remove", "path": "/l/x"}])).is_err());
    }

    #[test]
    fn first_segment_is_skipped_unread() {
        let doc = json!({"replicas": 1, "spec": {"replicas": 2}});
        let got = run(
            doc,
            json!([{"op": "replace", "path": "spec/replicas", "value": 3}]),
        )
        .unwrap();
        assert_eq!(got, json!({"replicas": 3, "spec": {"replicas": 2}}));
    }

    #[test]
    fn escapes_and_whole_document_replace() {
        let doc = json!({"metadata": {"annotations": {"a/b": "1", "c~d": "2"}}});
        let got = run(
            doc,
            json!([
                {"op": "remove", "path": "/metadata/annotations/a~1b"},
                {"op": "replace", "path": "/metadata/annotations/c~0d", "value": "3"}
            ]),
        )
        .unwrap();
        assert_eq!(got, json!({"metadata": {"annotations": {"c~d": "3"}}}));
        let got = run(
            json!({"a": 1}),
            json!([{"op": "replace", "path": "", "value": {"b": 2}}]),
        )
        .unwrap();
        assert_eq!(got, json!({"b": 2}));
        let got = run(
            json!({"a": 1}),
            json!([{"op": "replace", "path": "", "value": 3}]),
        )
        .unwrap();
        assert_eq!(got, json!({"a": 1}));
    }

    #[test]
    fn move_copy_and_missing_keys() {
        let doc = json!({"a": {"x": 1}, "b": {}});
        let got = run(
            doc.clone(),
            json!([
                {"op": "copy", "from": "/a/x", "path": "/b/y"},
                {"op": "copy", "from": "/a/nothing", "path": "/b/z"},
                {"op": "move", "from": "/a/x", "path": "/b/x"}
            ]),
        )
        .unwrap();
        assert_eq!(got, json!({"a": {}, "b": {"y": 1, "z": null, "x": 1}}));
        assert!(
            run(
                doc.clone(),
                json!([{"op": "move", "from": "/a/nothing", "path": "/b/x"}])
            )
            .is_err()
        );
        assert!(run(doc, json!([{"op": "remove", "path": "/a/nothing"}])).is_err());
    }

    #[test]
    fn null_on_the_way_is_absent() {
        let doc = json!({"a": null});
        assert!(
            run(
                doc.clone(),
                json!([{"op": "add", "path": "/a/b", "value": 1}])
            )
            .is_err()
        );
        let got = run(doc, json!([{"op": "remove", "path": "/a"}])).unwrap();
        assert_eq!(got, json!({}));
    }

    #[test]
    fn test_op_semantics() {
        let doc = json!({"a": {"n": 1, "m": {"x": [1, "s"], "y": null}}});
        let ok = |ops: Value| run(doc.clone(), ops).is_ok();
        assert!(ok(json!([{"op": "test", "path": "/a/n", "value": 1.0}])));
        assert!(ok(
            json!([{"op": "test", "path": "/a/m", "value": {"y": null, "x": [1, "s"]}}])
        ));
        assert!(ok(
            json!([{"op": "test", "path": "/a/missing", "value": null}])
        ));
        assert!(!ok(json!([{"op": "test", "path": "/a/n", "value": "1"}])));
        assert!(!ok(
            json!([{"op": "test", "path": "/a/m", "value": {"x": [1, "s"]}}])
        ));
        assert!(!ok(json!([{"op": "test", "path": "/a/n"}])));
        assert!(ok(
            json!([{"op": "test", "path": "/a/m/x", "value": [1, "s"]}])
        ));
        // The library panics comparing a null list element; kustomize fails.
        let with_null = json!({"l": [1, null]});
        assert!(
            run(
                with_null,
                json!([{"op": "test", "path": "/l", "value": [1, null]}])
            )
            .is_err()
        );
    }

    #[test]
    fn failure_leaves_the_document_unchanged_and_says_where() {
        let mut doc = json!({"a": 1});
        let err = apply(
            &mut doc,
            &json!([{"op": "add", "path": "/b", "value": 2}, {"op": "remove", "path": "/c"}]),
        )
        .unwrap_err();
        assert_eq!(doc, json!({"a": 1}));
        assert!(matches!(err, Json6902Error::Path { index: 1, .. }), "{err}");
        let err = apply(&mut doc, &json!([{"op": "frob", "path": "/a"}])).unwrap_err();
        assert!(matches!(err, Json6902Error::UnknownOp { .. }));
        assert!(apply(&mut doc, &json!({"op": "add"})).is_err());
        assert!(apply(&mut doc, &json!([{"op": "add", "value": 1}])).is_err());
    }
}
