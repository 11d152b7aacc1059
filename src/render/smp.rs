//! kustomize's strategic merge patch: kyaml `merge2` semantics on serde_json values.
//!
//! kustomize v5.5.0 applies an SMP patch with
//! `merge2.Merge(patch, resource, ListIncreaseDirection: Prepend)`
//! (api/filters/patchstrategicmerge), i.e. kyaml's `walk.Walker` with the
//! `merge2.Merger` visitor and no associative-list inference. That algorithm
//! differs from apimachinery's SMP in many details (element order, which
//! directives exist, multi-key lists, ...), and kustomize's output is the
//! reference, so this module reproduces kyaml step by step rather than the
//! SMP specification.
//!
//! kyaml works on shared, mutable YAML nodes: a patch subtree that lands in the
//! result is merged with itself, list elements are found and replaced by
//! pointer, and a node copy (`SetYNode`) is shallow. Those effects are visible
//! in the output, so the walk below runs on an `Rc<RefCell<_>>` tree that
//! behaves the same way, converted from and back to `serde_json::Value`.
//!
//! What kyaml does (and so this module does):
//! - maps merge field by field; a `null` in the patch deletes the field; a null
//!   already in the resource is kept when the patch does not mention it;
//! - a list whose schema strategy includes `merge` merges by the schema's keys
//!   (`x-kubernetes-list-map-keys` before `x-kubernetes-patch-merge-key`);
//!   such a list of scalars is a union; any other list (also every list of a
//!   type the schema does not know, e.g. a CRD) is replaced by the patch's;
//! - merged list order: the patch's elements first, in patch order, then the
//!   resource's remaining ones (with several merge keys, new patch elements
//!   first, then every resource element in resource order);
//! - `$patch: delete|replace|merge` on maps and merge-list elements, and as a
//!   `{$patch: ...}` element of a merge list; a patch whose document says
//!   `$patch: delete` deletes the resource;
//! - kyaml has no `$retainKeys`, `$setElementOrder/...` or
//!   `$deleteFromPrimitiveList/...`: such keys are copied like ordinary fields.
//!
//! Where kyaml (so kustomize) differs from apimachinery's SMP, all reproduced:
//! `$patch: replace` on a single merge-list element is undone (the resource's
//! element wins); a patch port that adds `protocol` to a resource port without
//! one is dropped; a resource element lacking the merge key drops the other
//! elements; `patchStrategy: replace` next to a `$ref` (PodDisruptionBudget
//! `selector`) is ignored, so the map merges; a number or boolean written over
//! a string the YAML had to quote becomes a string (the old scalar's style is
//! kept); types outside the v1.21.2 schema (CRDs, `apps/v1beta1`) get no list
//! merging at all, though an embedded object naming its own apiVersion and
//! kind gets that type's schema.
//!
//! A null the resource writes without text (`key:`, `{a: }`, `!!null`) is
//! dropped where the walk reaches it and the patch does not name it, while
//! `key: null` or `~` stays (kyaml's `MakePersistentNullNode` keeps a null only
//! when its source text is not empty). The walk reaches every map of the
//! resource and the elements of merged lists, not lists replaced whole. JSON
//! values cannot tell these nulls apart, so the loader records where they are
//! ([`EmptyNull`]) and [`apply_marked`] takes and returns those marks.
//!
//! Not reproduced: per-field schemas from `# {"$openapi": ...}` comments,
//! custom/CRD OpenAPI (kustomization `openapi:`/`crds:`), and scalar styles,
//! which are inferred (a string is taken to have been quoted exactly when YAML
//! requires quotes).

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use serde_json::{Map, Value};

use super::schema::{Schema, SchemaNode};
use super::yaml::{EmptyNull, PathSeg, value_at_mut};

/// Why a patch could not be applied; each mirrors an error kyaml returns.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SmpError {
    /// Resource and patch disagree on the shape of a field.
    #[error("wrong node kind at {path}: expected {expected} but got {actual}")]
    WrongKind {
        path: String,
        expected: &'static str,
        actual: &'static str,
    },
    /// A `$patch` directive other than delete, replace or merge.
    #[error("unknown patch strategy '{value}' at {path}")]
    UnknownDirective { path: String, value: String },
    /// kyaml's element matcher was asked for mismatched keys and values.
    #[error("length of keys must equal length of values when MatchAnyValue is false (at {path})")]
    KeyValueMismatch { path: String },
}

/// How kustomize's resource-level wrapper treats one patch
/// (`resource.ApplySmPatch` and `resWrangler.ApplySmPatch`).
#[derive(Clone, Copy, Debug, Default)]
pub struct PatchOptions {
    /// `options.allowNameChange`: keep the name the patch sets.
    pub allow_name_change: bool,
    /// `options.allowKindChange`: keep the kind the patch sets.
    pub allow_kind_change: bool,
    /// kustomize gives the patch the resource's apiVersion first when it
    /// applies it through the ResMap (`patchesStrategicMerge`, or `patches`
    /// with a `target`); a `patches` entry without target does not.
    pub adopt_api_version: bool,
}

/// Apply one strategic-merge patch document to a resource, as kustomize does.
/// Returns None when the patch deletes the whole resource.
///
/// This is kustomize's patch filter alone (`merge2.Merge`); the type's schema
/// is looked up from the resource's apiVersion and kind (else the patch's).
/// Use [`apply_to_resource`] for the kind/name/namespace handling kustomize
/// wraps around it.
pub fn apply(resource: &Value, patch: &Value, schema: &Schema) -> Result<Option<Value>, SmpError> {
    let none = Source::default();
    Ok(apply_marked(resource, none, patch, none, schema)?.map(|(merged, _)| merged))
}

/// What kyaml's nodes hold beyond a document's JSON value, as far as a merge
/// shows it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Source<'a> {
    /// The nulls written without text.
    pub empty_nulls: &'a [EmptyNull],
    /// Parsed from JSON text (an item of a `*List` kustomize expands through
    /// JSON): every collection is flow style and every string double-quoted.
    pub json_text: bool,
}

/// [`apply`] for documents whose nulls written without text are known (see
/// [`EmptyNull`]): such a null in the resource is dropped where the merge walks
/// and the patch does not mention it. Returns the merged value with the empty
/// nulls left in it.
pub fn apply_marked(
    resource: &Value,
    resource_src: Source,
    patch: &Value,
    patch_src: Source,
    schema: &Schema,
) -> Result<Option<(Value, Vec<EmptyNull>)>, SmpError> {
    let mut walker = Walker {
        schema,
        path: Vec::new(),
    };
    let sources = [
        Some(Rn::new(to_node_marked(resource, resource_src, false))),
        Some(Rn::new(to_node_marked(patch, patch_src, true))),
    ];
    let merged = walker.walk(sources, None)?;
    Ok(merged.map(|rn| {
        let mut left = Vec::new();
        let value = if resource_src.empty_nulls.is_empty() && patch_src.empty_nulls.is_empty() {
            to_value(&rn.node)
        } else {
            to_value_marked(&rn.node, &mut Vec::new(), &mut left)
        };
        if !resource_src.json_text {
            return (value, left);
        }
        // The whole resource is printed in flow style, where yaml.v3 writes an
        // untagged empty null as `''`.
        let mut value = value;
        for e in left.iter_mut().filter(|e| !e.tagged && !e.flow) {
            if let Some(v) = value_at_mut(&mut value, &e.path) {
                *v = Value::String(String::new());
                e.flow = true;
            }
        }
        (value, left)
    }))
}

/// [`apply`] plus what kustomize's `Resource.ApplySmPatch` does around it:
/// the patch cannot change kind, name (unless allowed) or namespace, and a
/// resource merged down to nothing is dropped.
pub fn apply_to_resource(
    resource: &Value,
    resource_src: Source,
    patch: &Value,
    patch_src: Source,
    schema: &Schema,
    options: PatchOptions,
) -> Result<Option<(Value, Vec<EmptyNull>)>, SmpError> {
    let kind = str_field(resource, &["kind"]);
    let name = str_field(resource, &["metadata", "name"]);
    let namespace = str_field(resource, &["metadata", "namespace"]);

    let mut patch = patch.clone();
    if options.adopt_api_version {
        // resWrangler: patchCopy.SetGvk(res.GetGvk()); patchCopy.SetKind(patch.GetKind())
        let api_version = str_field(resource, &["apiVersion"]);
        let patch_kind = str_field(&patch, &["kind"]);
        if let Value::Object(map) = &mut patch {
            map.insert("apiVersion".into(), Value::String(api_version));
            map.insert("kind".into(), Value::String(patch_kind));
        }
    }

    let Some((mut merged, left)) = apply_marked(resource, resource_src, &patch, patch_src, schema)?
    else {
        return Ok(None);
    };
    if merged.as_object().is_some_and(Map::is_empty) || merged.is_null() {
        return Ok(None);
    }
    let Value::Object(obj) = &mut merged else {
        return Ok(Some((merged, left)));
    };
    if !options.allow_kind_change {
        obj.insert("kind".into(), Value::String(kind));
    }
    if !options.allow_name_change {
        metadata_mut(obj).insert("name".into(), Value::String(name));
    }
    if namespace.is_empty() {
        if let Some(Value::Object(meta)) = obj.get_mut("metadata") {
            meta.shift_remove("namespace");
        }
    } else {
        metadata_mut(obj).insert("namespace".into(), Value::String(namespace));
    }
    Ok(Some((merged, left)))
}

/// kyaml's `GetValue`-style string of a field, "" when absent.
fn str_field(value: &Value, path: &[&str]) -> String {
    let mut cur = value;
    for p in path {
        match cur.get(p) {
            Some(v) => cur = v,
            None => return String::new(),
        }
    }
    scalar_text(cur).unwrap_or_default()
}

/// `metadata`, created as a map when absent (kyaml's `SetMapField` does so).
fn metadata_mut(obj: &mut Map<String, Value>) -> &mut Map<String, Value> {
    let meta = obj
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(Map::new());
    }
    meta.as_object_mut().expect("metadata was just made a map")
}

// ---------------------------------------------------------------------------
// The node tree kyaml's walk operates on.

type NodeRef = Rc<RefCell<Node>>;

/// A YAML node as kyaml sees it: `Null` is a scalar tagged `!!null`, `EmptyNull` one
/// whose source text is empty (`key:`; see [`EmptyNull`]).
#[derive(Clone, Debug)]
enum Node {
    Null,
    EmptyNull {
        flow: bool,
        tagged: bool,
    },
    /// A scalar, and whether its string was written quoted where that is known.
    Scalar(Value, bool),
    Map(Vec<(String, NodeRef)>),
    Seq(Vec<NodeRef>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Null,
    Scalar,
    Map,
    Seq,
}

impl Kind {
    /// yaml.v3's names, as kyaml's errors print them (null is a scalar there).
    fn name(self) -> &'static str {
        match self {
            Kind::Map => "MappingNode",
            Kind::Seq => "SequenceNode",
            Kind::Scalar | Kind::Null => "ScalarNode",
        }
    }
}

/// kyaml's `RNode`: a node plus the "keep this null" flag of
/// `MakePersistentNullNode`.
#[derive(Clone, Debug)]
struct Rn {
    node: NodeRef,
    keep: bool,
}

impl Rn {
    fn new(node: NodeRef) -> Rn {
        Rn { node, keep: false }
    }
}

/// Resource (dest) and patch (origin) at the current position; None = absent.
type Sources = [Option<Rn>; 2];

fn new_node(node: Node) -> NodeRef {
    Rc::new(RefCell::new(node))
}

/// The node tree of a value; `quoted`: every string was written quoted (JSON
/// text), else a string counts as quoted where YAML needs the quotes.
fn to_node_styled(value: &Value, quoted: bool) -> NodeRef {
    new_node(match value {
        Value::Null => Node::Null,
        Value::String(_) => Node::Scalar(value.clone(), quoted),
        Value::Bool(_) | Value::Number(_) => Node::Scalar(value.clone(), false),
        Value::Array(items) => Node::Seq(
            items
                .iter()
                .map(|item| to_node_styled(item, quoted))
                .collect(),
        ),
        Value::Object(map) => Node::Map(
            map.iter()
                .map(|(k, v)| (k.clone(), to_node_styled(v, quoted)))
                .collect(),
        ),
    })
}

/// [`to_node`], with the empty nulls marked where they still are (a mark
/// whose null was since replaced or moved counts for nothing). A resource
/// holds a flow one as `""`, a patch as null.
fn to_node_marked(value: &Value, src: Source, patch: bool) -> NodeRef {
    let root = to_node_styled(value, src.json_text);
    for mark in src.empty_nulls {
        let Some(node) = node_at(&root, &mark.path) else {
            continue;
        };
        let still_there = match &*node.borrow() {
            Node::Null => !mark.flow || patch,
            Node::Scalar(Value::String(s), _) => s.is_empty() && mark.flow && !patch,
            _ => false,
        };
        if still_there {
            *node.borrow_mut() = Node::EmptyNull {
                flow: mark.flow,
                tagged: mark.tagged,
            };
        }
    }
    root
}

fn node_at(root: &NodeRef, path: &[PathSeg]) -> Option<NodeRef> {
    let mut cur = root.clone();
    for seg in path {
        let next = match (&*cur.borrow(), seg) {
            (Node::Map(fields), PathSeg::Key(k)) => fields
                .iter()
                .find(|(name, _)| name == k)
                .map(|(_, v)| v.clone()),
            (Node::Seq(items), PathSeg::Index(i)) => items.get(*i).cloned(),
            _ => None,
        }?;
        cur = next;
    }
    Some(cur)
}

/// [`to_value`], collecting where empty nulls are left.
fn to_value_marked(node: &NodeRef, path: &mut Vec<PathSeg>, left: &mut Vec<EmptyNull>) -> Value {
    match &*node.borrow() {
        Node::EmptyNull { flow, tagged } => left.push(EmptyNull {
            path: path.clone(),
            flow: *flow,
            tagged: *tagged,
        }),
        Node::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                path.push(PathSeg::Index(i));
                out.push(to_value_marked(item, path, left));
                path.pop();
            }
            return Value::Array(out);
        }
        Node::Map(fields) => {
            let mut out = Map::new();
            for (k, v) in fields {
                path.push(PathSeg::Key(k.clone()));
                let value = to_value_marked(v, path, left);
                path.pop();
                out.insert(k.clone(), value);
            }
            return Value::Object(out);
        }
        Node::Null | Node::Scalar(..) => {}
    }
    to_value(node)
}

fn to_value(node: &NodeRef) -> Value {
    match &*node.borrow() {
        Node::Null | Node::EmptyNull { flow: false, .. } => Value::Null,
        Node::EmptyNull { flow: true, .. } => Value::String(String::new()),
        Node::Scalar(v, _) => v.clone(),
        Node::Seq(items) => Value::Array(items.iter().map(to_value).collect()),
        Node::Map(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), to_value(v)))
                .collect(),
        ),
    }
}

fn kind(node: &NodeRef) -> Kind {
    match &*node.borrow() {
        Node::Null | Node::EmptyNull { .. } => Kind::Null,
        Node::Scalar(..) => Kind::Scalar,
        Node::Map(_) => Kind::Map,
        Node::Seq(_) => Kind::Seq,
    }
}

fn is_null(node: &NodeRef) -> bool {
    matches!(&*node.borrow(), Node::Null | Node::EmptyNull { .. })
}

fn missing_or_null(src: Option<&Rn>) -> bool {
    src.is_none_or(|rn| is_null(&rn.node))
}

/// kyaml's `IsEmptyMap`: absent, null or `{}`.
fn is_empty_map(node: &NodeRef) -> bool {
    match &*node.borrow() {
        Node::Null | Node::EmptyNull { .. } => true,
        Node::Map(fields) => fields.is_empty(),
        _ => false,
    }
}

/// `IsNilOrEmpty`: null, `{}` or `[]`.
fn nil_or_empty(node: &NodeRef) -> bool {
    match &*node.borrow() {
        Node::Null | Node::EmptyNull { .. } => true,
        Node::Map(fields) => fields.is_empty(),
        Node::Seq(items) => items.is_empty(),
        Node::Scalar(..) => false,
    }
}

/// The text of a scalar as JSON carries it; kyaml compares merge keys as text,
/// so `8080` and `"8080"` match.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// yaml.Node's `Value`: the scalar text; "" for maps and lists. A null
/// converted from JSON reads as `null`.
fn text(node: &NodeRef) -> String {
    match &*node.borrow() {
        Node::Null => "null".to_string(),
        Node::EmptyNull { .. } => String::new(),
        Node::Scalar(v, _) => scalar_text(v).unwrap_or_default(),
        Node::Map(_) | Node::Seq(_) => String::new(),
    }
}

/// kyaml's `GetValue`: "" for a null.
fn get_value(node: &NodeRef) -> String {
    if is_null(node) {
        String::new()
    } else {
        text(node)
    }
}

/// `RNode.Field(name).Value`: the value of a map field (first match).
fn map_field(node: &NodeRef, name: &str) -> Option<NodeRef> {
    match &*node.borrow() {
        Node::Map(fields) => fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone()),
        _ => None,
    }
}

fn map_keys(node: &NodeRef) -> Vec<String> {
    match &*node.borrow() {
        Node::Map(fields) => fields.iter().map(|(k, _)| k.clone()).collect(),
        _ => Vec::new(),
    }
}

fn seq_items(node: &NodeRef) -> Vec<NodeRef> {
    match &*node.borrow() {
        Node::Seq(items) => items.clone(),
        _ => Vec::new(),
    }
}

fn set_seq_items(node: &NodeRef, items: Vec<NodeRef>) {
    if let Node::Seq(current) = &mut *node.borrow_mut() {
        *current = items;
    }
}

fn push_seq_item(node: &NodeRef, item: NodeRef) {
    if let Node::Seq(current) = &mut *node.borrow_mut() {
        current.push(item);
    }
}

/// `FieldClearer`: removes the first field with this name.
fn clear_field(node: &NodeRef, name: &str) {
    if let Node::Map(fields) = &mut *node.borrow_mut()
        && let Some(i) = fields.iter().position(|(k, _)| k == name)
    {
        fields.remove(i);
    }
}

/// `FieldSetter{Name, Value}` on a map: absent or a non-kept null clears the
/// field; an existing field gets a shallow copy of the value (kyaml's
/// `SetYNode` copies the node struct into the existing node); a new field
/// shares the value node.
fn set_field(map: &NodeRef, name: &str, value: Option<Rn>) {
    let value = match value {
        Some(v) if !is_null(&v.node) || v.keep => v,
        _ => return clear_field(map, name),
    };
    match map_field(map, name) {
        Some(existing) => {
            if !Rc::ptr_eq(&existing, &value.node) {
                let mut copy = value.node.borrow().clone();
                if was_quoted(&existing) {
                    stringify(&mut copy);
                }
                *existing.borrow_mut() = copy;
            }
        }
        None => {
            if let Node::Map(fields) = &mut *map.borrow_mut() {
                fields.push((name.to_string(), value.node));
            }
        }
    }
}

/// kyaml's FieldSetter gives the new value the style of the scalar it
/// overwrites, so a number or boolean written over a quoted string is printed
/// quoted: it becomes a string. JSON has no styles; a string that YAML could
/// not have held unquoted is taken to have been quoted.
fn was_quoted(node: &NodeRef) -> bool {
    matches!(&*node.borrow(), Node::Scalar(Value::String(s), quoted) if *quoted || string_needs_quotes(s))
}

fn stringify(node: &mut Node) {
    if let Node::Scalar(v @ (Value::Number(_) | Value::Bool(_)), _) = node {
        *v = Value::String(scalar_text(v).unwrap_or_default());
    }
}

/// Whether yaml.v3 (which writes kustomize's own output) must quote this
/// string or put it in a block: it would read back as another type, as a
/// YAML 1.1 boolean or sexagesimal number, or cannot be a plain scalar.
fn string_needs_quotes(s: &str) -> bool {
    s.contains('\n')
        || resolves_to_non_string(s)
        || is_old_bool(s)
        || is_base60_float(s)
        || !plain_allowed(s)
}

/// yaml.v3's `resolve` for an untagged plain scalar, answering only "is it
/// something other than a string".
fn resolves_to_non_string(s: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", ".nan",
        ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf",
        "-.INF",
    ];
    if SPECIAL.contains(&s) {
        return true;
    }
    let Some(first) = s.bytes().next() else {
        return true;
    };
    match first {
        b'.' => s.parse::<f64>().is_ok(),
        b'0'..=b'9' | b'+' | b'-' => {
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            looks_like_timestamp(s) || is_go_int(&plain) || is_yaml_float(&plain)
        }
        _ => false,
    }
}

/// `strconv.ParseInt(s, 0, 64)` syntax: optional sign, then decimal, 0x, 0o,
/// 0b or a leading-zero octal.
fn is_go_int(s: &str) -> bool {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (body, radix) = if let Some(rest) = digits.strip_prefix("0x").or(digits.strip_prefix("0X"))
    {
        (rest, 16)
    } else if let Some(rest) = digits.strip_prefix("0o").or(digits.strip_prefix("0O")) {
        (rest, 8)
    } else if let Some(rest) = digits.strip_prefix("0b").or(digits.strip_prefix("0B")) {
        (rest, 2)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (&digits[1..], 8)
    } else {
        (digits, 10)
    };
    !body.is_empty() && body.chars().all(|c| c.is_digit(radix))
}

/// yaml.v3's float pattern `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_yaml_float(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

/// A date `YYYY-M-D`, optionally followed by a time, as yaml.v3 accepts.
fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let rest = &s[5..];
    let mut parts = rest.splitn(2, '-');
    let month = parts.next().unwrap_or_default();
    let Some(tail) = parts.next() else {
        return false;
    };
    let day_len = tail.bytes().take_while(u8::is_ascii_digit).count();
    let short_num = |t: &str| (1..=2).contains(&t.len()) && t.bytes().all(|c| c.is_ascii_digit());
    short_num(month)
        && short_num(&tail[..day_len])
        && (day_len == tail.len() || matches!(tail.as_bytes()[day_len], b'T' | b't' | b' '))
}

/// YAML 1.1 booleans, which yaml.v3 quotes for older readers.
fn is_old_bool(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// YAML 1.1 sexagesimal numbers such as `1:30`, also quoted by yaml.v3.
fn is_base60_float(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if !body.starts_with(|c: char| c.is_ascii_digit()) || !body.contains(':') {
        return false;
    }
    let (main, frac) = match body.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (body, None),
    };
    let mut groups = main.split(':');
    let head = groups.next().unwrap_or_default();
    let head_ok = head.bytes().all(|c| c.is_ascii_digit() || c == b'_');
    let tail_ok = groups.all(|g| {
        let b = g.as_bytes();
        match b {
            [d] => d.is_ascii_digit(),
            [h, d] => (b'0'..=b'5').contains(h) && d.is_ascii_digit(),
            _ => false,
        }
    });
    let frac_ok = frac.is_none_or(|f| f.bytes().all(|c| c.is_ascii_digit() || c == b'_'));
    head_ok && tail_ok && frac_ok
}

/// The emitter's test for a plain scalar in block context
/// (`yaml_emitter_analyze_scalar`).
fn plain_allowed(s: &str) -> bool {
    if s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    let chars: Vec<char> = s.chars().collect();
    let is_break = |c: char| matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}');
    let is_blank = |c: char| c == ' ' || c == '\t';
    if chars.first().is_some_and(|&c| c == ' ' || is_break(c))
        || chars.last().is_some_and(|&c| c == ' ' || is_break(c))
    {
        return false;
    }
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_blank = chars.get(i + 1).is_none_or(|&n| is_blank(n) || is_break(n));
        let preceded_by_blank = i == 0 || is_blank(chars[i - 1]) || is_break(chars[i - 1]);
        let indicator = if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => true,
                '?' | ':' | '-' => followed_by_blank,
                _ => false,
            }
        } else {
            match c {
                ':' => followed_by_blank,
                '#' => preceded_by_blank,
                _ => false,
            }
        };
        let special = c == '\t' || is_break(c) || (c.is_control() && c != '\n') || c == '\u{feff}';
        if indicator || special {
            return false;
        }
    }
    true
}

// ---------------------------------------------------------------------------
// `$patch` directives (kyaml merge2/smpdirective.go).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Directive {
    Unknown,
    Replace,
    Delete,
    Merge,
}

const DIRECTIVE_KEY: &str = "$patch";

fn parse_directive(value: &str) -> Option<Directive> {
    match value {
        "replace" => Some(Directive::Replace),
        "delete" => Some(Directive::Delete),
        "merge" => Some(Directive::Merge),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// The walk (kyaml walk.Walker + merge2.Merger).

struct Walker<'s> {
    schema: &'s Schema,
    /// Field path, only for error messages.
    path: Vec<String>,
}

impl<'s> Walker<'s> {
    fn path_string(&self) -> String {
        if self.path.is_empty() {
            "<root>".to_string()
        } else {
            self.path.join(".")
        }
    }

    fn wrong_kind(&self, expected: Kind, actual: Kind) -> SmpError {
        SmpError::WrongKind {
            path: self.path_string(),
            expected: expected.name(),
            actual: actual.name(),
        }
    }

    /// `Walker.Walk`: pick the schema, then dispatch on the first non-null
    /// source's kind (all-null or all-absent walks as a map).
    fn walk(
        &mut self,
        sources: Sources,
        schema: Option<SchemaNode<'s>>,
    ) -> Result<Option<Rn>, SmpError> {
        let schema = schema.or_else(|| self.schema_from_meta(&sources));
        let first = sources
            .iter()
            .flatten()
            .map(|rn| kind(&rn.node))
            .find(|k| *k != Kind::Null);
        if let Some(expected) = first {
            for rn in sources.iter().flatten() {
                let actual = kind(&rn.node);
                if actual != Kind::Null && actual != expected {
                    return Err(self.wrong_kind(expected, actual));
                }
            }
        }
        match first {
            None | Some(Kind::Map) => self.walk_map(sources, schema),
            Some(Kind::Seq) => {
                if schema.is_some_and(|s| s.is_merge_list()) {
                    self.walk_merge_list(sources, schema)
                } else {
                    // Non-associative list: the patch's list, as is, wins.
                    let [dest, origin] = sources;
                    Ok(origin.or(dest))
                }
            }
            Some(Kind::Scalar) | Some(Kind::Null) => {
                let [dest, origin] = sources;
                Ok(origin.or(dest))
            }
        }
    }

    /// `Walker.GetSchema` without field comments: a node that names its own
    /// apiVersion and kind gets that type's schema (resource roots, but also
    /// embedded objects where no schema was inherited).
    fn schema_from_meta(&self, sources: &Sources) -> Option<SchemaNode<'s>> {
        for rn in sources.iter().flatten() {
            let meta = |name: &str| {
                map_field(&rn.node, name)
                    .filter(|v| !nil_or_empty(v))
                    .map(|v| get_value(&v))
                    .unwrap_or_default()
            };
            let (api_version, kind) = (meta("apiVersion"), meta("kind"));
            if api_version.is_empty() || kind.is_empty() {
                continue;
            }
            if let Some(found) = self.schema.for_type(&api_version, &kind) {
                return Some(found);
            }
        }
        None
    }

    /// `Merger.VisitMap`: what the map becomes before its fields are merged.
    fn visit_map(&self, sources: &Sources) -> Result<Option<Rn>, SmpError> {
        let [dest, origin] = sources;
        if missing_or_null(dest.as_ref()) {
            // Errors are ignored on this path, as kyaml does.
            let (directive, _) = self.directive(origin.as_ref());
            if directive == Directive::Delete {
                return Ok(None);
            }
            if origin.is_none()
                && dest
                    .as_ref()
                    .is_some_and(|d| !matches!(&*d.node.borrow(), Node::EmptyNull { .. }))
            {
                // A null the resource spells out survives when the patch
                // does not mention the field (kustomize issue #4628); one
                // written with no text (`key:`) does not.
                return Ok(Some(Rn {
                    node: new_node(Node::Null),
                    keep: true,
                }));
            }
            return Ok(origin.clone());
        }
        if origin.as_ref().is_some_and(|o| is_null(&o.node)) {
            return Ok(None);
        }
        match self.strict_directive(origin.as_ref())? {
            Directive::Delete => Ok(None),
            Directive::Replace => Ok(origin.clone()),
            _ => Ok(dest.clone()),
        }
    }

    /// `walkMap`: visit the map, then merge every field of either side, in
    /// sorted field order, into the result.
    fn walk_map(
        &mut self,
        sources: Sources,
        schema: Option<SchemaNode<'s>>,
    ) -> Result<Option<Rn>, SmpError> {
        let Some(dest) = self.visit_map(&sources)? else {
            return Ok(None);
        };
        let origin = sources[1].clone();
        let names: BTreeSet<String> = [Some(&dest), origin.as_ref()]
            .into_iter()
            .flatten()
            .flat_map(|rn| map_keys(&rn.node))
            .collect();
        for name in names {
            let field_schema = schema.and_then(|s| s.field(&name));
            let values = [
                map_field(&dest.node, &name).map(Rn::new),
                origin
                    .as_ref()
                    .and_then(|o| map_field(&o.node, &name))
                    .map(Rn::new),
            ];
            self.path.push(name.clone());
            let merged = self.walk(values, field_schema);
            self.path.pop();
            set_field(&dest.node, &name, merged?);
        }
        Ok(Some(dest))
    }

    /// `determineSmpDirective`: the `$patch` directive of a patch map or list,
    /// removed from the patch when recognised. Returns the error separately
    /// because one caller ignores it.
    fn directive(&self, origin: Option<&Rn>) -> (Directive, Option<SmpError>) {
        let Some(origin) = origin else {
            return (Directive::Merge, None);
        };
        let node = &origin.node;
        match kind(node) {
            Kind::Map => {
                let Some(value) = map_field(node, DIRECTIVE_KEY) else {
                    return (Directive::Merge, None);
                };
                let value = text(&value);
                match parse_directive(&value) {
                    Some(d) => {
                        clear_field(node, DIRECTIVE_KEY);
                        (d, None)
                    }
                    None => (Directive::Unknown, Some(self.unknown_directive(value))),
                }
            }
            Kind::Seq => {
                // The first map element holding `$patch` decides, but only
                // when `$patch` is its only field.
                let holder = seq_items(node)
                    .into_iter()
                    .find(|e| kind(e) == Kind::Map && map_field(e, DIRECTIVE_KEY).is_some());
                let Some(holder) = holder else {
                    return (Directive::Merge, None);
                };
                if map_keys(&holder).len() > 1 {
                    return (Directive::Merge, None);
                }
                let value = map_field(&holder, DIRECTIVE_KEY)
                    .map(|v| text(&v))
                    .unwrap_or_default();
                match parse_directive(&value) {
                    Some(d) => {
                        // Removes every `{$patch: <value>}` element (and, as
                        // kyaml's ElementSetter does, null and `{}` elements).
                        let keys = [DIRECTIVE_KEY.to_string()];
                        let err = element_setter(node, None, &keys, &[value])
                            .err()
                            .map(|e| self.at_path(e));
                        (d, err)
                    }
                    None => (Directive::Unknown, Some(self.unknown_directive(value))),
                }
            }
            // kyaml: "no implemented strategic merge patch strategy"; only
            // reachable on the path that ignores errors.
            Kind::Scalar | Kind::Null => (Directive::Unknown, None),
        }
    }

    fn strict_directive(&self, origin: Option<&Rn>) -> Result<Directive, SmpError> {
        match self.directive(origin) {
            (_, Some(err)) => Err(err),
            (d, None) => Ok(d),
        }
    }

    fn unknown_directive(&self, value: String) -> SmpError {
        SmpError::UnknownDirective {
            path: self.path_string(),
            value,
        }
    }

    /// Fills in the path of an error raised by a node helper.
    fn at_path(&self, err: NodeError) -> SmpError {
        match err {
            NodeError::WrongKind { expected, actual } => self.wrong_kind(expected, actual),
            NodeError::KeyValueMismatch => SmpError::KeyValueMismatch {
                path: self.path_string(),
            },
        }
    }

    /// `Merger.VisitList` for a merge list: what the list becomes before its
    /// elements are merged.
    fn visit_merge_list(&self, sources: &Sources) -> Result<Option<Rn>, SmpError> {
        let [dest, origin] = sources;
        if missing_or_null(dest.as_ref()) {
            return Ok(origin.clone());
        }
        if origin.as_ref().is_some_and(|o| is_null(&o.node)) {
            return Ok(None);
        }
        match self.strict_directive(origin.as_ref())? {
            Directive::Delete => Ok(None),
            Directive::Replace => Ok(origin.clone()),
            _ => Ok(dest.clone()),
        }
    }

    /// `walkAssociativeSequence`.
    fn walk_merge_list(
        &mut self,
        sources: Sources,
        schema: Option<SchemaNode<'s>>,
    ) -> Result<Option<Rn>, SmpError> {
        let Some(dest) = self.visit_merge_list(&sources)? else {
            return Ok(None);
        };
        let sources = [Some(dest.clone()), sources[1].clone()];
        // Only reached with a schema whose strategy includes "merge", so
        // kyaml's key inference (off for kustomize anyway) never applies.
        let keys: Vec<String> = schema.map(|s| s.merge_keys().to_vec()).unwrap_or_default();
        let values = element_values(&sources, &keys);
        if !values.is_empty() || !keys.is_empty() {
            self.merge_elements(&sources, values, &keys, &dest, schema)
        } else {
            // A list of scalars: union by value.
            let values = primitive_values(&sources);
            self.merge_elements(&sources, values, &[String::new()], &dest, schema)
        }
    }

    /// `setAssociativeSequenceElements`: merge each element identified by its
    /// key values, collect the results, then put the resource's elements in.
    fn merge_elements(
        &mut self,
        sources: &Sources,
        mut values_list: Vec<Vec<String>>,
        keys: &[String],
        dest: &Rn,
        schema: Option<SchemaNode<'s>>,
    ) -> Result<Option<Rn>, SmpError> {
        let items = new_node(Node::Seq(Vec::new()));
        let element_schema = schema.and_then(|s| s.elements());
        if keys.len() > 1 {
            merge_values(&mut values_list);
        }
        let mut valid_keys: Vec<String> = Vec::new();
        for values in &values_list {
            if values.is_empty() {
                continue;
            }
            let valid_values;
            (valid_keys, valid_values) = validate_keys(&values_list, values, keys);
            let element_sources = element_value_list(sources, &valid_keys, &valid_values);
            self.path.push(format!("[{}]", valid_values.join(",")));
            let merged = self.walk(element_sources, element_schema);
            self.path.pop();
            let merged = merged?;

            let mut deleted = false;
            for (i, key) in valid_keys.iter().enumerate() {
                match &merged {
                    Some(rn) if !is_empty_map(&rn.node) => {
                        if map_field(&rn.node, key).is_none() && !valid_values[i].is_empty() {
                            // The element lost (or never had) its key: put it back.
                            set_key_text(&rn.node, key, &valid_values[i])
                                .map_err(|e| self.at_path(e))?;
                        }
                    }
                    _ => {
                        element_setter(&dest.node, None, &valid_keys, &valid_values)
                            .map_err(|e| self.at_path(e))?;
                        deleted = true;
                    }
                }
            }
            if deleted {
                continue;
            }
            if let Some(rn) = merged {
                element_setter(&items, Some(rn.node), &valid_keys, &valid_values)
                    .map_err(|e| self.at_path(e))?;
            }
        }
        if values_list.is_empty() {
            return Ok(Some(dest.clone()));
        }
        // Prepend mode: the merged patch elements come first; each resource
        // element replaces its match in place or is appended.
        append_list(&items, &dest.node, &valid_keys).map_err(|e| self.at_path(e))?;
        Ok(Some(Rn::new(items)))
    }
}

/// Errors of the node helpers, before the walk adds the path.
#[derive(Debug)]
enum NodeError {
    WrongKind { expected: Kind, actual: Kind },
    KeyValueMismatch,
}

/// `ElementValuesList` over both lists, patch first (prepend mode): each
/// element's values for the keys ("" when missing or empty), deduplicated.
fn element_values(sources: &Sources, keys: &[String]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for src in [&sources[1], &sources[0]].into_iter().flatten() {
        for element in seq_items(&src.node) {
            let values: Vec<String> = keys
                .iter()
                .map(|key| match map_field(&element, key) {
                    Some(v) if !nil_or_empty(&v) => text(&v),
                    _ => String::new(),
                })
                .collect();
            if values.is_empty() || out.contains(&values) {
                continue;
            }
            out.push(values);
        }
    }
    out
}

/// `elementPrimitiveValues`: the distinct element texts, patch first.
fn primitive_values(sources: &Sources) -> Vec<Vec<String>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for src in [&sources[1], &sources[0]].into_iter().flatten() {
        for element in seq_items(&src.node) {
            let value = text(&element);
            if seen.insert(value.clone()) {
                out.push(vec![value]);
            }
        }
    }
    out
}

/// `mergeValues`: with several keys, two elements whose key values agree
/// except where one side is empty count as the same element (a port without
/// protocol matches the same port with one).
fn merge_values(values_list: &mut [Vec<String>]) {
    for i in 0..values_list.len() {
        // kyaml's outer range variable keeps the values seen when the outer
        // iteration started.
        let first = values_list[i].clone();
        for j in 0..values_list.len() {
            if let Some(merged) = match_values(&first, &values_list[j]) {
                values_list[i] = merged.clone();
                values_list[j] = merged;
            }
        }
    }
}

/// kyaml's `match`: at least one equal position, and differences only where
/// one side is empty; the merged values take the non-empty side.
fn match_values(a: &[String], b: &[String]) -> Option<Vec<String>> {
    if a.len() != b.len() {
        return None;
    }
    let mut common = false;
    let mut merged = Vec::with_capacity(a.len());
    for (x, y) in a.iter().zip(b) {
        if x == y {
            common = true;
            merged.push(x.clone());
        } else if !x.is_empty() && !y.is_empty() {
            return None;
        } else if !x.is_empty() {
            merged.push(x.clone());
        } else {
            merged.push(y.clone());
        }
    }
    common.then_some(merged)
}

/// `validateKeys`: keep only the keys some element has a value for (all keys
/// when none has), with the matching values.
fn validate_keys(
    values_list: &[Vec<String>],
    values: &[String],
    keys: &[String],
) -> (Vec<String>, Vec<String>) {
    let mut valid = BTreeSet::new();
    for vals in values_list {
        for (i, v) in vals.iter().enumerate() {
            if !v.is_empty()
                && let Some(k) = keys.get(i)
            {
                valid.insert(k.clone());
            }
        }
    }
    if valid.is_empty() {
        return (keys.to_vec(), values.to_vec());
    }
    let valid_keys = keys
        .iter()
        .filter(|k| valid.contains(*k))
        .cloned()
        .collect();
    let valid_values = values
        .iter()
        .enumerate()
        .filter(|(i, v)| !v.is_empty() || keys.get(*i).is_some_and(|k| valid.contains(k)))
        .map(|(_, v)| v.clone())
        .collect();
    (valid_keys, valid_values)
}

/// `elementValueList`: the element with these key values in each list.
fn element_value_list(sources: &Sources, keys: &[String], values: &[String]) -> Sources {
    let (keys, values) = validate_keys(&[values.to_vec()], values, keys);
    let find = |src: &Option<Rn>| {
        let src = src.as_ref()?;
        if kind(&src.node) != Kind::Seq {
            return None;
        }
        element_matcher(&src.node, &keys, &values)
            .ok()
            .flatten()
            .map(Rn::new)
    };
    [find(&sources[0]), find(&sources[1])]
}

/// `ElementMatcher` (exact values): the first element whose fields have
/// these texts; with the empty key, the first element whose own text matches.
fn element_matcher(
    list: &NodeRef,
    keys: &[String],
    values: &[String],
) -> Result<Option<NodeRef>, NodeError> {
    let empty = [String::new()];
    let keys = if keys.is_empty() { &empty[..] } else { keys };
    let values = if values.is_empty() {
        &empty[..]
    } else {
        values
    };
    if keys[0].is_empty() {
        return Ok(seq_items(list).into_iter().find(|e| text(e) == values[0]));
    }
    for element in seq_items(list) {
        if !matches!(kind(&element), Kind::Map | Kind::Null) {
            continue;
        }
        if keys.len() != values.len() {
            return Err(NodeError::KeyValueMismatch);
        }
        let all = keys.iter().zip(values).all(|(key, value)| {
            !is_null(&element) && map_field(&element, key).is_some_and(|v| text(&v) == *value)
        });
        if all {
            return Ok(Some(element));
        }
    }
    Ok(None)
}

/// `FieldMatcher{Name, StringValue}`: the field's value when its text equals
/// the wanted one (any value when that is ""); with the empty name, the node
/// itself, which must be a scalar.
fn field_matcher(node: &NodeRef, name: &str, wanted: &str) -> Result<Option<NodeRef>, NodeError> {
    let node_kind = kind(node);
    if node_kind == Kind::Null {
        return Ok(None);
    }
    if name.is_empty() {
        if node_kind != Kind::Scalar {
            return Err(NodeError::WrongKind {
                expected: Kind::Scalar,
                actual: node_kind,
            });
        }
        return Ok((get_value(node) == wanted).then(|| node.clone()));
    }
    if node_kind != Kind::Map {
        return Err(NodeError::WrongKind {
            expected: Kind::Map,
            actual: node_kind,
        });
    }
    Ok(map_field(node, name).filter(|v| wanted.is_empty() || text(v) == wanted))
}

/// `ElementSetter`: in a list, replace the elements matching the key values
/// with `element` (or delete them when None), appending `element` when none
/// matched. Like kyaml it also drops null and `{}` elements on the way, and
/// with fewer values than keys it matches on the leading keys only.
fn element_setter(
    list: &NodeRef,
    element: Option<NodeRef>,
    keys: &[String],
    values: &[String],
) -> Result<Option<NodeRef>, NodeError> {
    let empty = [String::new()];
    let keys = if keys.is_empty() { &empty[..] } else { keys };
    match kind(list) {
        Kind::Seq => {}
        Kind::Null => return Ok(None),
        other => {
            return Err(NodeError::WrongKind {
                expected: Kind::Seq,
                actual: other,
            });
        }
    }
    let mapping_setter = !keys[0].is_empty() && values.first().is_some_and(|v| !v.is_empty());
    let mut kept = Vec::new();
    let mut matched_any = false;
    for item in seq_items(list) {
        if is_empty_map(&item) {
            continue;
        }
        if kind(&item) != Kind::Map && mapping_setter {
            kept.push(item);
            continue;
        }
        let mut found = true;
        let mut last: Option<NodeRef> = None;
        for (j, key) in keys.iter().enumerate() {
            if let Some(value) = values.get(j) {
                last = field_matcher(&item, key, value)?;
            }
            if last.is_none() {
                found = false;
                break;
            }
        }
        if !found {
            if !values.is_empty() {
                kept.push(item);
            }
            continue;
        }
        matched_any = true;
        if let Some(e) = &element {
            kept.push(e.clone());
        }
    }
    set_seq_items(list, kept);
    let Some(element) = element else {
        return Ok(None);
    };
    if is_null(&element) {
        return Ok(None);
    }
    if !matched_any {
        push_seq_item(list, element.clone());
    }
    Ok(Some(element))
}

/// `appendListNode(items, dest, keys)`: put each resource element into the
/// merged list, replacing the element with the same key values (in place
/// with one key; removed and re-appended with several).
fn append_list(items: &NodeRef, dest: &NodeRef, keys: &[String]) -> Result<(), NodeError> {
    let scalar_list = keys.first().is_none_or(|k| k.is_empty());
    for element in seq_items(dest) {
        if scalar_list {
            let value = text(&element);
            element_setter(items, Some(element), &[String::new()], &[value])?;
            continue;
        }
        let mut values = Vec::new();
        for key in keys {
            // yaml.Get(key) on the element
            let value = match kind(&element) {
                Kind::Null => None,
                Kind::Map => map_field(&element, key),
                other => {
                    return Err(NodeError::WrongKind {
                        expected: Kind::Map,
                        actual: other,
                    });
                }
            };
            match value {
                // kyaml appends an element missing a key right away.
                None => push_seq_item(items, element.clone()),
                Some(v) => values.push(text(&v)),
            }
        }
        if keys.len() > 1 {
            element_setter(items, None, keys, &values)?;
        }
        element_setter(items, Some(element), keys, &values)?;
    }
    Ok(())
}

/// `SetField(key, NewScalarRNode(text))` on a merged element. kyaml quotes a
/// new untyped scalar that YAML 1.1 would not read as a string, so the value
/// is always a string.
fn set_key_text(node: &NodeRef, key: &str, value: &str) -> Result<(), NodeError> {
    let node_kind = kind(node);
    match node_kind {
        Kind::Map => {
            if let Node::Map(fields) = &mut *node.borrow_mut() {
                fields.push((
                    key.to_string(),
                    new_node(Node::Scalar(Value::String(value.into()), false)),
                ));
            }
            Ok(())
        }
        // A scalar element of a scalar list is replaced by the same text.
        Kind::Scalar if key.is_empty() => Ok(()),
        Kind::Null => Ok(()),
        other => Err(NodeError::WrongKind {
            expected: if key.is_empty() {
                Kind::Scalar
            } else {
                Kind::Map
            },
            actual: other,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses an indented YAML snippet from a test.
    fn yaml(text: &str) -> Value {
        let indent = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        let body: String = text
            .lines()
            .map(|l| l.get(indent..).unwrap_or("").to_string() + "\n")
            .collect();
        serde_saphyr::from_str(&body).expect("test YAML parses")
    }

    enum Expect {
        Merged(&'static str),
        Deleted,
        Error,
    }

    fn check(resource: &str, patch: &str, expect: Expect) {
        let got = apply(&yaml(resource), &yaml(patch), Schema::builtin());
        match (expect, got) {
            (Expect::Merged(want), Ok(Some(got))) => assert_eq!(
                got,
                yaml(want),
                "\n got: {}\nwant: {}",
                serde_json::to_string(&got).unwrap_or_default(),
                serde_json::to_string(&yaml(want)).unwrap_or_default()
            ),
            (Expect::Deleted, Ok(None)) | (Expect::Error, Err(_)) => {}
            (_, got) => panic!("unexpected outcome: {got:?}"),
        }
    }

    const DEPLOYMENT: &str = r#"
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: old-name
          namespace: ns1
        spec:
          replicas: 1
    "#;

    fn on_resource(patch: &str, options: PatchOptions) -> Option<Value> {
        apply_to_resource(
            &yaml(DEPLOYMENT),
            Source::default(),
            &yaml(patch),
            Source::default(),
            Schema::builtin(),
            options,
        )
        .expect("patch applies")
        .map(|(merged, _)| merged)
    }

    /// kustomize api/resource/resource.go ApplySmPatch; api/krusty/gvknpatch_test.go
    /// TestKeepOriginalGVKN: kind, name and namespace survive the patch.
    #[test]
    fn resource_keeps_kind_name_and_namespace() {
        let patch = r#"
            apiVersion: v1
            kind: StatefulSet
            metadata:
              name: new-name
              namespace: other
            spec:
              replicas: 2
        "#;
        let got = on_resource(patch, PatchOptions::default());
        let want = r#"
            apiVersion: v1
            kind: Deployment
            metadata:
              name: old-name
              namespace: ns1
            spec:
              replicas: 2
        "#;
        assert_eq!(got, Some(yaml(want)));
    }

    /// kustomize api/resmap/reswrangler.go ApplySmPatch: the patch first takes
    /// the resource's apiVersion (patchesStrategicMerge, targeted patches).
    #[test]
    fn resmap_patch_adopts_api_version() {
        let patch = r#"
            apiVersion: apps/v1beta2
            kind: Deployment
            metadata:
              name: old-name
        "#;
        let adopt = PatchOptions {
            adopt_api_version: true,
            ..PatchOptions::default()
        };
        let got = on_resource(patch, adopt).expect("kept");
        assert_eq!(got["apiVersion"], "apps/v1");
        let got = on_resource(patch, PatchOptions::default()).expect("kept");
        assert_eq!(got["apiVersion"], "apps/v1beta2");
    }

    /// api/krusty/gvknpatch_test.go TestNameReferenceAfterGvknChange:
    /// options allowNameChange / allowKindChange keep the patch's values.
    #[test]
    fn resource_allows_name_and_kind_change() {
        let patch = r#"
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: new-name
        "#;
        let options = PatchOptions {
            allow_name_change: true,
            allow_kind_change: true,
            adopt_api_version: true,
        };
        let got = on_resource(patch, options).expect("kept");
        assert_eq!(got["kind"], "StatefulSet");
        assert_eq!(got["metadata"]["name"], "new-name");
        assert_eq!(got["metadata"]["namespace"], "ns1");
    }

    /// resource.go ApplySmPatch: SetNamespace("") drops a namespace the patch adds.
    #[test]
    fn resource_without_namespace_stays_without() {
        let resource = yaml(
            r#"
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: cm
        "#,
        );
        let patch = yaml(
            r#"
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: cm
              namespace: added
        "#,
        );
        let got = apply_to_resource(
            &resource,
            Source::default(),
            &patch,
            Source::default(),
            Schema::builtin(),
            PatchOptions::default(),
        );
        assert_eq!(got, Ok(Some((resource, Vec::new()))));
    }

    /// api/krusty/multiplepatch_test.go TestSmpDeleteOnResource.
    #[test]
    fn resource_deleted_by_document_directive() {
        let patch = r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: old-name
            $patch: delete
        "#;
        assert_eq!(on_resource(patch, PatchOptions::default()), None);
    }

    /// yaml.v3 encode.go stringv / emitterc.go yaml_emitter_analyze_scalar:
    /// which strings a YAML file must have quoted (checked against kyaml's
    /// yaml.Marshal).
    #[test]
    fn quoting_rules_follow_yaml_v3() {
        for quoted in [
            "",
            "8080",
            "-1",
            "+1",
            "0x1F",
            "0o17",
            "017",
            "1_000",
            "1e3",
            ".5",
            "1.",
            "true",
            "False",
            "null",
            "~",
            "yes",
            "off",
            "1:30",
            "2024-01-02",
            "2024-1-2T10:00:00Z",
            "a: b",
            "- x",
            "-",
            "#c",
            "a #c",
            " lead",
            "trail ",
            "multi\nline",
            "*ref",
            "&a",
            "!tag",
            "{x}",
            "[x]",
            "'q'",
            "\"q\"",
            "%x",
            "@x",
            "`x",
            "---",
            "...x",
            "? x",
            "[",
            "a: ",
            "a:",
            "tab\there",
            ".inf",
            "-.Inf",
        ] {
            assert!(string_needs_quotes(quoted), "{quoted:?} needs quotes");
        }
        for plain in [
            "x",
            "http",
            "TCP",
            "img:1",
            "a:b",
            "-x",
            "--flag",
            "/a/b",
            "1Gi",
            "a#b",
            "0.5x",
            "v1.2.3",
            "x-y",
            "1.2.3",
            "2024-01",
            "http://e.com/a?b=c",
            "é",
            "on-call",
            "1e",
            ":x",
            "?x",
            "<<",
            "a,b",
            "x]",
            "a{b",
        ] {
            assert!(!string_needs_quotes(plain), "{plain:?} is plain");
        }
    }

    /// kyaml yaml/fns.go FieldSetter keeps the overwritten scalar's style.
    #[test]
    fn non_string_over_quoted_string_is_stringified() {
        let resource = serde_json::json!({"data": {"a": "8080", "b": "text", "c": ""}});
        let patch = serde_json::json!({"data": {"a": 9090, "b": 7, "c": false}});
        let got = apply(&resource, &patch, Schema::builtin()).expect("merges");
        let want = serde_json::json!({"data": {"a": "9090", "b": 7, "c": "false"}});
        assert_eq!(got, Some(want));
    }

    /// Resource and patch read as kustomize reads them, so that nulls written
    /// without text are known; the merged value and the empty nulls left.
    fn apply_loaded(resource: &str, patch: &str) -> (Value, Vec<EmptyNull>) {
        let body = |text: &str| {
            let indent = text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.len() - l.trim_start().len())
                .min()
                .unwrap_or(0);
            text.lines()
                .map(|l| l.get(indent..).unwrap_or("").to_string() + "\n")
                .collect::<String>()
        };
        let r = crate::render::yaml::parse_resources(&body(resource), "r.yaml").unwrap();
        let p = crate::render::yaml::parse_stream(&body(patch), "p.yaml").unwrap();
        fn src(doc: &crate::render::yaml::Document) -> Source<'_> {
            Source {
                empty_nulls: &doc.empty_nulls,
                json_text: false,
            }
        }
        apply_marked(
            &r[0].value,
            src(&r[0]),
            &p[0].value,
            src(&p[0]),
            Schema::builtin(),
        )
        .unwrap()
        .unwrap()
    }

    const UNRELATED_PATCH: &str = r#"
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: d
        spec:
          replicas: 2
    "#;

    /// kubeflow/manifests common/istio: kustomize v5.5.0 prints `nodeAffinity: {}`,
    /// drops `args` and keeps `nodeSelector: null` and the tolerations' nulls.
    #[test]
    fn nulls_without_text_go_where_the_merge_walks() {
        let (merged, left) = apply_loaded(
            r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              template:
                spec:
                  affinity:
                    nodeAffinity:
                      preferredDuringSchedulingIgnoredDuringExecution:
                  nodeSelector: null
                  a1: ~
                  a2: !!null
                  tolerations:
                  - key:
                    value: null
                  containers:
                  - name: c
                    image: x
                    args:
            "#,
            UNRELATED_PATCH,
        );
        assert_eq!(
            merged,
            yaml(
                r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: d
                spec:
                  replicas: 2
                  template:
                    spec:
                      affinity:
                        nodeAffinity: {}
                      nodeSelector: null
                      a1: null
                      tolerations:
                      - key: null
                        value: null
                      containers:
                      - name: c
                        image: x
                "#
            )
        );
        // The toleration's null is still one without text, for a later merge.
        assert_eq!(
            left,
            [EmptyNull {
                path: ["spec", "template", "spec", "tolerations"]
                    .map(|k| PathSeg::Key(k.into()))
                    .into_iter()
                    .chain([PathSeg::Index(0), PathSeg::Key("key".into())])
                    .collect(),
                flow: false,
                tagged: false,
            }]
        );
        // Without the marks (a resource that went through JSON), every null stays.
        let r = yaml("a: {b: , c: [{d: }]}");
        let unmarked = apply(&r, &yaml("e: 1"), Schema::builtin())
            .unwrap()
            .unwrap();
        assert_eq!(unmarked, yaml("a: {b: null, c: [{d: null}]}\ne: 1"));
    }

    /// An empty value in a flow collection: `""` where no merge walks (kyaml's
    /// writer), dropped where one does, in the resource and in the patch alike.
    #[test]
    fn flow_nulls_without_text_print_as_empty_strings() {
        let (merged, left) = apply_loaded(
            r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              template:
                metadata: {labels: {a: , b: ~}}
                spec:
                  containers:
                  - {name: c, image: x, args: }
            "#,
            r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              template:
                spec:
                  tolerations: [{key: , operator: Exists}, {key: null}]
                  nodeSelector: {a: }
                  containers:
                  - name: c
                    env: [{name: E, value: }]
            "#,
        );
        assert_eq!(
            merged,
            yaml(
                r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: d
                spec:
                  template:
                    metadata:
                      labels:
                        b: null
                    spec:
                      containers:
                      - name: c
                        image: x
                        env:
                        - name: E
                      nodeSelector: {}
                      tolerations:
                      - key: ""
                        operator: Exists
                      - key: null
                "#
            )
        );
        assert_eq!(left.len(), 1);
        assert!(left[0].flow);
    }

    // BEGIN GENERATED kyaml cases (tools/smp-fuzz/make_unit_tests.py)
    /// kyaml merge2/map_test.go 'merge Map -- update field in dest', 'merge Map -- add field to dest', 'keep map -- map missing from src'
    #[test]
    fn map_fields_merge_recursively() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  labels:
                    app: web
                    tier: front
                spec:
                  replicas: 1
                  template:
                    metadata:
                      labels:
                        app: web
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  labels:
                    tier: back
                    team: a
                  annotations:
                    note: added
                spec:
                  replicas: 3
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                      labels:
                        app: web
                        tier: back
                        team: a
                      annotations:
                        note: added
                    spec:
                      replicas: 3
                      template:
                        metadata:
                          labels:
                            app: web
                "#,
            ),
        );
    }

    /// kyaml merge2/scalar_test.go 'remove scalar -- null in src'; map_test.go 'remove Map -- null in src'
    #[test]
    fn null_deletes_field() {
        check(
            r#"
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: cm
                  labels:
                    app: web
                    drop: me
                data:
                  a: "1"
                  b: "2"
            "#,
            r#"
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: cm
                  labels:
                    drop: null
                data:
                  b: null
                  c: null
            "#,
            Expect::Merged(
                r#"
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: cm
                      labels:
                        app: web
                    data:
                      a: "1"
                "#,
            ),
        );
    }

    /// kyaml merge2/map_test.go 'remove Map -- null in src'; kustomize api/krusty/multiplepatch_test.go TestRemoveEmptyDirWithNullFieldInSmp
    #[test]
    fn null_map_in_patch_deletes_map() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  strategy:
                    type: RollingUpdate
                    rollingUpdate:
                      maxSurge: 1
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  strategy:
                    type: Recreate
                    rollingUpdate: null
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      strategy:
                        type: Recreate
                "#,
            ),
        );
    }

    /// kyaml merge2/scalar_test.go 'keep scalar -- missing in src, null in dest'; kustomize issue 4628, api/krusty/nullvalues_test.go
    #[test]
    fn resource_null_kept_when_patch_silent() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: app
                        image: app:1
                        args: null
                      nodeSelector: null
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: app
                        image: app:2
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - name: app
                            image: app:2
                            args: null
                          nodeSelector: null
                "#,
            ),
        );
    }

    /// kyaml merge2/scalar_test.go 'remove scalar -- null in src, null in dest'
    #[test]
    fn null_in_both_removes() {
        check(
            r#"
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: cm
                data:
                  a: null
                  b: "1"
            "#,
            r#"
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: cm
                data:
                  a: null
            "#,
            Expect::Merged(
                r#"
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: cm
                    data:
                      b: "1"
                "#,
            ),
        );
    }

    /// kyaml merge2/merge2.go Merger.VisitMap (an added map is merged with itself, so its nulls clear)
    #[test]
    fn nulls_inside_added_subtree_are_dropped() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  replicas: 1
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  selector:
                    matchLabels:
                      app: web
                      gone: null
                  strategy:
                    type: null
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      replicas: 1
                      selector:
                        matchLabels:
                          app: web
                      strategy: {}
                "#,
            ),
        );
    }

    /// kyaml merge2/map_test.go 'keep map -- empty list in src'
    #[test]
    fn empty_map_in_patch() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  labels:
                    app: web
                spec:
                  replicas: 1
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  labels: {}
                  annotations: {}
                spec: {}
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                      labels:
                        app: web
                      annotations: {}
                    spec:
                      replicas: 1
                "#,
            ),
        );
    }

    /// kyaml merge2/map_test.go 'strategic merge patch delete 1'..'4'; merge2/smpdirective.go
    #[test]
    fn map_patch_delete_directive() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  strategy:
                    type: RollingUpdate
                    rollingUpdate:
                      maxSurge: 1
                  selector:
                    matchLabels:
                      app: web
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  strategy:
                    $patch: delete
                  template:
                    metadata:
                      $patch: delete
                      labels:
                        app: web
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      selector:
                        matchLabels:
                          app: web
                      template: {}
                "#,
            ),
        );
    }

    /// kyaml merge2/map_test.go 'strategic merge patch replace 1'
    #[test]
    fn map_patch_replace_directive() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  selector:
                    matchLabels:
                      app: web
                      tier: front
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  selector:
                    $patch: replace
                    matchLabels:
                      app: other
                      gone: null
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      selector:
                        matchLabels:
                          app: other
                "#,
            ),
        );
    }

    /// kyaml merge2/smpdirective.go (merge is recognised and removed)
    #[test]
    fn map_patch_merge_directive() {
        check(
            r#"
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: cm
                data:
                  a: "1"
            "#,
            r#"
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: cm
                data:
                  $patch: merge
                  b: "2"
            "#,
            Expect::Merged(
                r#"
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: cm
                    data:
                      a: "1"
                      b: "2"
                "#,
            ),
        );
    }

    /// kyaml merge2/smpdirective_test.go (unknown patch strategy)
    #[test]
    fn unknown_map_directive_is_an_error() {
        check(
            r#"
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: cm
                data:
                  a: "1"
            "#,
            r#"
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: cm
                data:
                  $patch: squash
            "#,
            Expect::Error,
        );
    }

    /// kustomize api/krusty/multiplepatch_test.go TestSmpDeleteOnResource
    #[test]
    fn document_patch_delete_removes_resource() {
        check(
            r#"
                apiVersion: monitoring.coreos.com/v1
                kind: PrometheusRule
                metadata:
                  name: rule1
                spec:
                  groups: []
            "#,
            r#"
                apiVersion: monitoring.coreos.com/v1
                kind: PrometheusRule
                metadata:
                  name: rule1
                $patch: delete
            "#,
            Expect::Deleted,
        );
    }

    /// kyaml merge2/merge2.go Merger.VisitMap (smpReplace returns the patch)
    #[test]
    fn document_patch_replace() {
        check(
            r#"
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: cm
                  labels:
                    a: b
                data:
                  a: "1"
            "#,
            r#"
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: cm
                $patch: replace
                data:
                  b: "2"
                  c: null
            "#,
            Expect::Merged(
                r#"
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: cm
                    data:
                      b: "2"
                "#,
            ),
        );
    }

    /// kyaml merge2/merge2.go Merger.VisitMap (delete when dest is missing)
    #[test]
    fn delete_directive_for_missing_map() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  strategy:
                    $patch: delete
                    type: Recreate
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec: {}
                "#,
            ),
        );
    }

    /// kyaml yaml/fns.go ErrorIfAnyInvalidAndNonNull via walk.Walker.Walk
    #[test]
    fn kind_mismatch_is_an_error() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec: {}
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template: not-a-map
            "#,
            Expect::Error,
        );
    }

    /// kyaml merge2/list_test.go 'merge k8s deployment containers - prepend'
    #[test]
    fn containers_merge_by_name_patch_first() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        image: a:1
                      - name: b
                        image: b:1
                      - name: c
                        image: c:1
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: c
                        image: c:2
                      - name: new
                        image: new:1
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - name: c
                            image: c:2
                          - name: new
                            image: new:1
                          - name: a
                            image: a:1
                          - name: b
                            image: b:1
                "#,
            ),
        );
    }

    /// kyaml merge2/list_test.go 'strategic merge patch delete 1'
    #[test]
    fn container_delete_directive() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        image: a:1
                      - name: b
                        image: b:1
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        $patch: delete
                      - name: absent
                        $patch: delete
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - name: b
                            image: b:1
                "#,
            ),
        );
    }

    /// kyaml merge2/list_test.go 'replace k8s deployment containers -- $patch directive'
    #[test]
    fn list_replace_directive_element() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        image: a:1
                      - name: b
                        image: b:1
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: c
                        image: c:1
                      - $patch: replace
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - name: c
                            image: c:1
                "#,
            ),
        );
    }

    /// kyaml merge2/list_test.go 'remove k8s deployment containers -- $patch directive'
    #[test]
    fn list_delete_directive_element() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        image: a:1
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - $patch: delete
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec: {}
                "#,
            ),
        );
    }

    /// kyaml merge2/list_test.go 'merge k8s deployment containers -- $patch directive'
    #[test]
    fn list_merge_directive_element() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        image: a:1
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: b
                        image: b:1
                      - $patch: merge
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - name: b
                            image: b:1
                          - name: a
                            image: a:1
                "#,
            ),
        );
    }

    /// kyaml walk/associative_sequence.go appendListNode (the resource's element overwrites the replaced one)
    #[test]
    fn element_replace_directive_keeps_resource_element() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        image: a:1
                        imagePullPolicy: Always
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        image: a:2
                        $patch: replace
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - name: a
                            image: a:1
                            imagePullPolicy: Always
                "#,
            ),
        );
    }

    /// kyaml merge2/list_test.go 'replace List -- different value in dest', 'replace List -- missing from dest'
    #[test]
    fn non_merge_list_is_replaced() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        args: ["--x", "--y"]
                        command: ["run"]
                      tolerations:
                      - key: k1
                        operator: Exists
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        args: ["--z"]
                        env:
                        - name: E
                          value: v
                      tolerations:
                      - key: k2
                        operator: Exists
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - name: a
                            args: ["--z"]
                            command: ["run"]
                            env:
                            - name: E
                              value: v
                          tolerations:
                          - key: k2
                            operator: Exists
                "#,
            ),
        );
    }

    /// kyaml merge2/list_test.go 'remove List -- null in src'
    #[test]
    fn null_removes_list() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        args: ["--x"]
                        env:
                        - name: E
                          value: v
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        args: null
                        env: null
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - name: a
                "#,
            ),
        );
    }

    /// kyaml merge2/list_test.go 'remove list -- empty in src'; element_test.go 'keep element -- empty list in src'; kustomize api/krusty/keepemptyarray_test.go
    #[test]
    fn empty_list_in_patch() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        args: ["--x"]
                        env:
                        - name: E
                          value: v
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        args: []
                        env: []
                        ports: []
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - name: a
                            args: []
                            env:
                            - name: E
                              value: v
                            ports: []
                "#,
            ),
        );
    }

    /// kyaml merge2/element_test.go 'merge_primitive_finalizers'
    #[test]
    fn scalar_merge_list_is_a_union() {
        check(
            r#"
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: cm
                  finalizers:
                  - a
                  - b
            "#,
            r#"
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: cm
                  finalizers:
                  - c
                  - a
            "#,
            Expect::Merged(
                r#"
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: cm
                      finalizers:
                      - c
                      - a
                      - b
                "#,
            ),
        );
    }

    /// kyaml merge2/map_test.go 'port patch has no protocol'; kustomize api/krusty/multiplepatch_test.go TestPatchPortHasNoProtocol
    #[test]
    fn port_without_protocol_matches_port_with_protocol() {
        check(
            r#"
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                spec:
                  ports:
                  - port: 30900
                    targetPort: 30900
                    protocol: TCP
                  type: NodePort
            "#,
            r#"
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                  labels:
                    service: web
                spec:
                  ports:
                  - port: 30900
                    targetPort: 30901
                  selector:
                    service: web
            "#,
            Expect::Merged(
                r#"
                    apiVersion: v1
                    kind: Service
                    metadata:
                      name: web
                      labels:
                        service: web
                    spec:
                      ports:
                      - port: 30900
                        targetPort: 30900
                        protocol: TCP
                      type: NodePort
                      selector:
                        service: web
                "#,
            ),
        );
    }

    /// kyaml walk/associative_sequence.go appendListNode (resource element missing a key is re-appended and wins)
    #[test]
    fn patch_protocol_on_port_without_one_is_lost() {
        check(
            r#"
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                spec:
                  ports:
                  - port: 80
                    targetPort: 8080
            "#,
            r#"
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                spec:
                  ports:
                  - port: 80
                    protocol: TCP
                    targetPort: 9090
            "#,
            Expect::Merged(
                r#"
                    apiVersion: v1
                    kind: Service
                    metadata:
                      name: web
                    spec:
                      ports:
                      - port: 80
                        targetPort: 8080
                "#,
            ),
        );
    }

    /// kyaml walk/associative_sequence.go appendListNode (with several keys, matched elements are removed and re-appended)
    #[test]
    fn multi_key_list_order_new_first() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        ports:
                        - containerPort: 80
                          protocol: TCP
                        - containerPort: 443
                          protocol: TCP
                        - containerPort: 53
                          protocol: UDP
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        ports:
                        - containerPort: 443
                          protocol: TCP
                          name: https
                        - containerPort: 8080
                          protocol: TCP
                        - containerPort: 53
                          protocol: TCP
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - name: a
                            ports:
                            - containerPort: 8080
                              protocol: TCP
                            - containerPort: 53
                              protocol: TCP
                            - containerPort: 80
                              protocol: TCP
                            - containerPort: 443
                              protocol: TCP
                              name: https
                            - containerPort: 53
                              protocol: UDP
                "#,
            ),
        );
    }

    /// kustomize api/krusty/multiplepatch_test.go TestSmpWithDifferentKeysOnDifferentPorts
    #[test]
    fn service_ports_different_keys() {
        check(
            r#"
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: myapp
                spec:
                  template:
                    spec:
                      containers:
                      - name: consul
                        image: consul
                        ports:
                        - containerPort: 8500
                          name: http
                        - containerPort: 8301
                          protocol: TCP
                        - containerPort: 8301
                          protocol: UDP
            "#,
            r#"
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: myapp
                spec:
                  template:
                    spec:
                      containers:
                      - name: consul
                        image: consul:2
                        ports:
                        - containerPort: 8301
                          protocol: UDP
                          hostPort: 8301
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: StatefulSet
                    metadata:
                      name: myapp
                    spec:
                      template:
                        spec:
                          containers:
                          - name: consul
                            image: consul:2
                            ports:
                            - containerPort: 8500
                              name: http
                            - containerPort: 8301
                              protocol: TCP
                            - containerPort: 8301
                              protocol: UDP
                              hostPort: 8301
                "#,
            ),
        );
    }

    /// kyaml yaml/fns.go FieldMatcher (values compare as YAML text)
    #[test]
    fn merge_key_compared_as_text() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        ports:
                        - containerPort: 8080
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        ports:
                        - containerPort: "8080"
                          name: http
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - name: a
                            ports:
                            - containerPort: "8080"
                              name: http
                "#,
            ),
        );
    }

    /// kustomize api/krusty/multiplepatch_test.go TestRemoveEmptyDirAddPersistentDisk, TestRemoveEmptyDirWithNullFieldInSmp
    #[test]
    fn volumes_remove_empty_dir_add_pvc() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      volumes:
                      - name: data
                        emptyDir: {}
                      - name: cfg
                        configMap:
                          name: cfg
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      volumes:
                      - name: data
                        emptyDir: null
                        persistentVolumeClaim:
                          claimName: data
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          volumes:
                          - name: data
                            persistentVolumeClaim:
                              claimName: data
                          - name: cfg
                            configMap:
                              name: cfg
                "#,
            ),
        );
    }

    /// kyaml merge2/list_test.go 'merge k8s deployment volumes - prepend' (mergeKey env.name, volumeMounts.mountPath)
    #[test]
    fn env_and_volume_mounts_merge() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        env:
                        - name: A
                          value: "1"
                        - name: B
                          value: "2"
                        volumeMounts:
                        - mountPath: /data
                          name: data
                        - mountPath: /cfg
                          name: cfg
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        env:
                        - name: B
                          value: null
                          valueFrom:
                            fieldRef:
                              fieldPath: metadata.name
                        - name: C
                          value: "3"
                        volumeMounts:
                        - mountPath: /cfg
                          name: other
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - name: a
                            env:
                            - name: B
                              valueFrom:
                                fieldRef:
                                  fieldPath: metadata.name
                            - name: C
                              value: "3"
                            - name: A
                              value: "1"
                            volumeMounts:
                            - mountPath: /cfg
                              name: other
                            - mountPath: /data
                              name: data
                "#,
            ),
        );
    }

    /// kyaml yaml/walk/walk.go (no schema and InferAssociativeLists=false in merge2.Merge); kustomize api/krusty/crd_test.go
    #[test]
    fn unknown_type_lists_are_replaced() {
        check(
            r#"
                apiVersion: example.com/v1
                kind: CronTab
                metadata:
                  name: tab
                  finalizers:
                  - a
                spec:
                  containers:
                  - name: a
                    image: a:1
                  - name: b
                    image: b:1
            "#,
            r#"
                apiVersion: example.com/v1
                kind: CronTab
                metadata:
                  name: tab
                  finalizers:
                  - b
                spec:
                  containers:
                  - name: b
                    image: b:2
            "#,
            Expect::Merged(
                r#"
                    apiVersion: example.com/v1
                    kind: CronTab
                    metadata:
                      name: tab
                      finalizers:
                      - b
                    spec:
                      containers:
                      - name: b
                        image: b:2
                "#,
            ),
        );
    }

    /// kyaml yaml/walk/walk.go Walker.GetSchema (any node with apiVersion and kind)
    #[test]
    fn embedded_object_gets_its_schema() {
        check(
            r#"
                apiVersion: example.com/v1
                kind: Wrapper
                metadata:
                  name: w
                spec:
                  pod:
                    apiVersion: v1
                    kind: Pod
                    metadata:
                      name: p
                    spec:
                      containers:
                      - name: a
                        image: a:1
            "#,
            r#"
                apiVersion: example.com/v1
                kind: Wrapper
                metadata:
                  name: w
                spec:
                  pod:
                    apiVersion: v1
                    kind: Pod
                    spec:
                      containers:
                      - name: b
                        image: b:1
            "#,
            Expect::Merged(
                r#"
                    apiVersion: example.com/v1
                    kind: Wrapper
                    metadata:
                      name: w
                    spec:
                      pod:
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: p
                        spec:
                          containers:
                          - name: b
                            image: b:1
                          - name: a
                            image: a:1
                "#,
            ),
        );
    }

    /// kyaml openapi/kubernetesapi/openapiinfo.go (v1.21.2 has no apps/v1beta1 Deployment)
    #[test]
    fn old_api_version_has_no_schema() {
        check(
            r#"
                apiVersion: apps/v1beta1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        image: a:1
            "#,
            r#"
                apiVersion: apps/v1beta1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: b
                        image: b:1
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1beta1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - name: b
                            image: b:1
                "#,
            ),
        );
    }

    /// kyaml yaml/walk/walk.go Walker.GetSchema (sources tried in order: resource, then patch)
    #[test]
    fn schema_from_patch_when_resource_type_unknown() {
        check(
            r#"
                apiVersion: apps/v1beta1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        image: a:1
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: b
                        image: b:1
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - name: b
                            image: b:1
                          - name: a
                            image: a:1
                "#,
            ),
        );
    }

    /// kyaml merge2/smpdirective.go (only $patch is implemented)
    #[test]
    fn unsupported_directives_are_plain_fields() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        args: ["--x", "--y"]
                      volumes:
                      - name: v
                        emptyDir: {}
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      $setElementOrder/containers:
                      - name: a
                      containers:
                      - name: a
                        $deleteFromPrimitiveList/args:
                        - --x
                      volumes:
                      - name: v
                        $retainKeys:
                        - name
                        configMap:
                          name: cm
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - name: a
                            args: ["--x", "--y"]
                            $deleteFromPrimitiveList/args:
                            - --x
                          volumes:
                          - name: v
                            emptyDir: {}
                            $retainKeys:
                            - name
                            configMap:
                              name: cm
                          $setElementOrder/containers:
                          - name: a
                "#,
            ),
        );
    }

    /// kyaml yaml/fns.go FieldSetter (the overwritten scalar's style is kept)
    #[test]
    fn number_over_quoted_string_becomes_string() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  annotations:
                    quoted: "8080"
                    plain: text
                    flag: "true"
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        env:
                        - name: PORT
                          value: "8080"
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  annotations:
                    quoted: 9090
                    plain: 7
                    flag: false
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        env:
                        - name: PORT
                          value: 9090
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                      annotations:
                        quoted: "9090"
                        plain: 7
                        flag: "false"
                    spec:
                      template:
                        spec:
                          containers:
                          - name: a
                            env:
                            - name: PORT
                              value: "9090"
                "#,
            ),
        );
    }

    /// kyaml yaml/fns.go ElementSetter with fewer values than keys (drops the other elements)
    #[test]
    fn element_without_key_in_resource() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        image: a:1
                      - image: nameless
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: b
                        image: b:1
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - image: nameless
                "#,
            ),
        );
    }

    /// kyaml yaml/fns.go ElementSetter (every match is replaced)
    #[test]
    fn duplicate_elements_in_resource() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        image: a:1
                      - name: a
                        image: a:2
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        imagePullPolicy: Always
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - name: a
                            image: a:2
                "#,
            ),
        );
    }

    /// kustomize api/krusty/poddisruptionbudget_test.go TestPodDisruptionBudgetMerging (kyaml ignores patchStrategy replace next to a $ref, apimachinery does not)
    #[test]
    fn pdb_selector_merges() {
        check(
            r#"
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata:
                  name: pdb
                spec:
                  maxUnavailable: 1
                  selector:
                    matchLabels:
                      app: a
            "#,
            r#"
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata:
                  name: pdb
                spec:
                  maxUnavailable: null
                  minAvailable: 1
                  selector:
                    matchLabels:
                      tier: b
            "#,
            Expect::Merged(
                r#"
                    apiVersion: policy/v1
                    kind: PodDisruptionBudget
                    metadata:
                      name: pdb
                    spec:
                      selector:
                        matchLabels:
                          app: a
                          tier: b
                      minAvailable: 1
                "#,
            ),
        );
    }

    /// kyaml walk/associative_sequence.go (an added list is merged with itself)
    #[test]
    fn added_merge_list_drops_deleted_elements() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        env:
                        - name: KEEP
                          value: "1"
                        - name: DROP
                          $patch: delete
                        - name: NULLS
                          value: null
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - name: a
                            env:
                            - name: KEEP
                              value: "1"
                            - name: NULLS
                "#,
            ),
        );
    }

    /// kyaml walk/associative_sequence.go setAssociativeSequenceElements
    #[test]
    fn deleting_every_element_leaves_empty_list() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      initContainers:
                      - name: a
                        image: a:1
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      initContainers:
                      - name: a
                        $patch: delete
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          initContainers: []
                "#,
            ),
        );
    }

    /// kyaml yaml/fns.go ElementSetter (null and empty elements are dropped)
    #[test]
    fn null_element_in_patch_list() {
        check(
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        image: a:1
            "#,
            r#"
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                      - null
                      - {}
                      - name: b
                        image: b:1
            "#,
            Expect::Merged(
                r#"
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      template:
                        spec:
                          containers:
                          - name: b
                            image: b:1
                "#,
            ),
        );
    }

    /// kustomize api/krusty/inlinepatch_test.go TestPathWithCronJobV1
    #[test]
    fn cronjob_nested_containers() {
        check(
            r#"
                apiVersion: batch/v1
                kind: CronJob
                metadata:
                  name: test
                spec:
                  schedule: "0 * * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          containers:
                          - name: test
                            image: test
                            env:
                            - name: ENV1
                              value: val1
            "#,
            r#"
                apiVersion: batch/v1
                kind: CronJob
                metadata:
                  name: test
                spec:
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          containers:
                          - name: test
                            env:
                            - name: ENV_NEW
                              value: val_new
            "#,
            Expect::Merged(
                r#"
                    apiVersion: batch/v1
                    kind: CronJob
                    metadata:
                      name: test
                    spec:
                      schedule: "0 * * * *"
                      jobTemplate:
                        spec:
                          template:
                            spec:
                              containers:
                              - name: test
                                image: test
                                env:
                                - name: ENV_NEW
                                  value: val_new
                                - name: ENV1
                                  value: val1
                "#,
            ),
        );
    }
    // END GENERATED kyaml cases
}
