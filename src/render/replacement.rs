//! `replacements:`: copying a field of one object into fields of others.
//!
//! This follows kustomize's replacement filter (api/filters/replacement) and
//! the kyaml path machinery it relies on:
//!
//! - field paths are split on `.` by kyaml's `SmarterPathSplitter`: `\.`
//!   escapes a dot, `[a.b]` keeps dots inside brackets (and loses the brackets
//!   when there is no `=`), `[name=x]` selects list elements;
//! - the source is read with kyaml's `PathGetter` (`[k=v]` compares exactly,
//!   numbers index lists, `-` is the last element, `*` is refused);
//! - targets are found with kyaml's `PathMatcher`, where `[k=v]` is an
//!   *unanchored regular expression* on the element's field, `*` visits every
//!   element and numbers index lists; missing parts are created only with
//!   `options.create`;
//! - a scalar target keeps its own YAML tag and only takes the source's text,
//!   so `replicas: 1` stays an int, a string target stays a string, and a field
//!   that was just created takes the text untagged (so `"5"` becomes `5`).
//!   kustomize fails later, when it re-reads the object, if the text does not
//!   fit the kept tag; this renderer fails at once with the same words.
//!
//! The same path helpers serve the legacy `vars:` feature ([`super::vars`]).

use serde_json::{Map, Number, Value};

use super::kustomization::FILE_NAMES;
use super::resource::{Gvk, Resource, is_cluster_scoped};
use super::transform::{TransformError, label_selector_matches};
use super::yaml::{EmptyNull, PathSeg, resolve_plain, value_at_mut};

/// kustomize's `types.DefaultReplacementFieldPath`.
pub const DEFAULT_FIELD_PATH: &str = "metadata.name";

// ---------------------------------------------------------------------------
// Path splitting and lookup (kyaml utils/pathsplitter.go, yaml/fns.go PathGetter)
// ---------------------------------------------------------------------------

/// kyaml's `PathSplitter`: splits on `delimiter`, where a part ending in `\`
/// joins the next one (an escaped delimiter); a leading delimiter is ignored.
pub fn path_split(path: &str, delimiter: &str) -> Vec<String> {
    let mut parts: Vec<&str> = path.split(delimiter).collect();
    if parts.len() > 1 && parts[0].is_empty() {
        parts.remove(0);
    }
    let mut out: Vec<String> = vec![parts[0].to_string()];
    for p in &parts[1..] {
        let last = out.len() - 1;
        if let Some(stripped) = out[last].strip_suffix('\\') {
            out[last] = format!("{stripped}{delimiter}{p}");
        } else {
            out.push(p.to_string());
        }
    }
    out
}

/// kyaml's `SmarterPathSplitter`: like [`path_split`], but a bracketed part
/// that the delimiter cut apart is joined again. With an `=` inside it stays a
/// list selector (`[name=a.b]`); without one the brackets go (`[a.b]` is the
/// map key `a.b`).
pub fn smarter_path_split(path: &str, delimiter: &str) -> Vec<String> {
    let split = path_split(path, delimiter);
    let mut out = Vec::new();
    let mut i = 0;
    while i < split.len() {
        let elem = &split[i];
        if elem.starts_with('[') && !elem.ends_with(']') {
            let mut bracketed = vec![elem.clone()];
            while i < split.len() - 1 {
                i += 1;
                bracketed.push(split[i].clone());
                if split[i].ends_with(']') {
                    break;
                }
            }
            let joined = bracketed.join(delimiter);
            if joined.contains('=') {
                out.push(joined);
            } else {
                out.push(joined.trim_matches(|c| c == '[' || c == ']').to_string());
            }
        } else {
            out.push(elem.clone());
        }
        i += 1;
    }
    out
}

/// Whether a path part selects list elements: `[...]`.
fn is_list_index(p: &str) -> bool {
    p.starts_with('[') && p.ends_with(']')
}

/// Go's `strconv.Atoi` (optional sign, decimal digits, 64-bit).
fn atoi(p: &str) -> Option<i64> {
    let digits = p.strip_prefix(['+', '-']).unwrap_or(p);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    p.parse().ok()
}

/// kyaml's `SplitIndexNameValue`: `[name=value]` → (`name`, `value`).
fn split_index_name_value(p: &str) -> Result<(String, String), String> {
    let inner = p.strip_suffix(']').unwrap_or(p);
    let inner = inner.strip_prefix('[').unwrap_or(inner);
    match inner.split_once('=') {
        Some((k, v)) => Ok((k.to_string(), v.to_string())),
        None => {
            Err("list path element must contain fieldName=fieldValue for element to match".into())
        }
    }
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "MappingNode",
        Value::Array(_) => "SequenceNode",
        _ => "ScalarNode",
    }
}

fn wrong_kind(expected: &str, v: &Value) -> String {
    format!(
        "wrong node kind: expected {expected} but got {}",
        kind_name(v)
    )
}

/// The text of a scalar as a YAML node holds it (`Value` of a `yaml.Node`).
pub fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number_text(n),
        Value::Null => "null".into(),
        Value::Object(_) | Value::Array(_) => String::new(),
    }
}

/// A number as YAML text. Integers are exact; floats lost their original
/// spelling when loaded, so they get a plain decimal form that still reads
/// back as a float (`1.0`, `1.5`, `1e+21`).
fn number_text(n: &Number) -> String {
    if n.is_f64() {
        let f = n.as_f64().unwrap_or(0.0);
        let s = format!("{f}");
        if f.is_finite() && !s.contains(['.', 'e', 'E']) {
            if s.len() > 21 {
                return format!("{f:e}").replace('e', "e+");
            }
            return format!("{s}.0");
        }
        s
    } else {
        n.to_string()
    }
}

/// kyaml's `PathGetter` without creation (`yaml.Lookup`): follows `parts`
/// (already split) from `node`. `Ok(None)` when a part is missing.
pub fn lookup<'a>(node: &'a Value, parts: &[String]) -> Result<Option<&'a Value>, String> {
    let mut cur = node;
    // cleanPath: trim spaces, drop empty parts.
    let parts: Vec<&str> = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    for part in parts {
        let next = if let Some(idx) = atoi(part) {
            if idx < 0 {
                return Err(format!("array index {idx} cannot be negative"));
            }
            match cur {
                Value::Array(items) => items.get(idx as usize),
                Value::Null => None,
                other => return Err(wrong_kind("SequenceNode", other)),
            }
        } else if part == "-" {
            match cur {
                Value::Array(items) => items.last(),
                Value::Null => None,
                other => return Err(wrong_kind("SequenceNode", other)),
            }
        } else if part == "*" {
            return Err("wildcard is not supported in PathGetter".into());
        } else if is_list_index(part) {
            let (key, value) = split_index_name_value(part)?;
            match cur {
                Value::Array(items) => items.iter().find(|e| {
                    if key.is_empty() {
                        !e.is_object() && !e.is_array() && scalar_text(e) == value
                    } else {
                        e.as_object()
                            .and_then(|m| m.get(&key))
                            .is_some_and(|f| scalar_text(f) == value)
                    }
                }),
                Value::Null => None,
                other => return Err(wrong_kind("SequenceNode", other)),
            }
        } else {
            match cur {
                Value::Object(m) => m.get(part),
                Value::Null => None,
                other => return Err(wrong_kind("MappingNode", other)),
            }
        };
        match next {
            Some(n) => cur = n,
            None => return Ok(None),
        }
    }
    Ok(Some(cur))
}

// ---------------------------------------------------------------------------
// Values in flight: a scalar keeps its YAML tag apart from its text.
// ---------------------------------------------------------------------------

/// A scalar's YAML tag; `Untagged` is a node kyaml created (it reads back by its text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    Str,
    Int,
    Float,
    Bool,
    Null,
    Untagged,
}

impl Tag {
    fn of(v: &Value) -> Tag {
        match v {
            Value::String(_) => Tag::Str,
            Value::Number(n) if n.is_f64() => Tag::Float,
            Value::Number(_) => Tag::Int,
            Value::Bool(_) => Tag::Bool,
            _ => Tag::Null,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Tag::Str | Tag::Untagged => "!!str",
            Tag::Int => "!!int",
            Tag::Float => "!!float",
            Tag::Bool => "!!bool",
            Tag::Null => "!!null",
        }
    }
}

/// What yaml.v3 decodes a scalar with `tag` and `text` to, or its error.
pub fn materialize(tag: Tag, text: &str) -> Result<Value, String> {
    let resolved = resolve_plain(text);
    let ok = match tag {
        Tag::Untagged => return Ok(resolved),
        Tag::Str => return Ok(Value::String(text.to_string())),
        Tag::Int => matches!(&resolved, Value::Number(n) if !n.is_f64()),
        Tag::Float => {
            if let Value::Number(n) = &resolved {
                let f = n.as_f64().unwrap_or(0.0);
                return Ok(Number::from_f64(f).map_or(resolved.clone(), Value::Number));
            }
            false
        }
        Tag::Bool => resolved.is_boolean(),
        Tag::Null => resolved.is_null(),
    };
    if ok {
        Ok(resolved)
    } else {
        Err(format!(
            "map[string]interface {{}}(nil): yaml: cannot decode {} `{text}` as a {}",
            Tag::of(&resolved).name(),
            tag.name()
        ))
    }
}

/// A replacement value: a scalar as (tag, text), or a whole map or list.
#[derive(Debug, Clone, PartialEq)]
enum Replacing {
    Scalar(Tag, String),
    Node(Value),
}

impl Replacing {
    fn from_value(v: &Value) -> Self {
        match v {
            Value::Object(_) | Value::Array(_) => Replacing::Node(v.clone()),
            other => Replacing::Scalar(Tag::of(other), scalar_text(other)),
        }
    }
    fn text(&self) -> &str {
        match self {
            Replacing::Scalar(_, t) => t,
            Replacing::Node(_) => "",
        }
    }
    /// The kind of node `options.create` makes for this value.
    fn create_kind(&self) -> Create {
        match self {
            Replacing::Scalar(..) => Create::Scalar,
            Replacing::Node(Value::Array(_)) => Create::Seq,
            Replacing::Node(_) => Create::Map,
        }
    }
}

// ---------------------------------------------------------------------------
// Target matching (kyaml yaml/match.go PathMatcher)
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Create {
    Scalar,
    Map,
    Seq,
}

/// kyaml's `getPathPartKind`: what to create for a missing part, given the next one.
fn part_kind(next: Option<&String>, leaf: Create) -> Create {
    match next {
        None => leaf,
        Some(n) if n.is_empty() => leaf,
        Some(n) if is_list_index(n) || atoi(n).is_some_and(|i| i >= 0) => Create::Seq,
        Some(_) => Create::Map,
    }
}

fn new_node(kind: Create) -> Value {
    match kind {
        Create::Map => Value::Object(Map::new()),
        Create::Seq => Value::Array(Vec::new()),
        Create::Scalar => Value::Null,
    }
}

/// The text kyaml's regex list selectors match against: the element's field
/// serialized as YAML, trimmed. Strings that would read as another type are quoted.
fn match_text(v: &Value) -> String {
    match v {
        Value::String(s) => {
            if resolve_plain(s).is_string() {
                s.trim().to_string()
            } else {
                format!("\"{s}\"")
            }
        }
        Value::Object(_) | Value::Array(_) => serde_json::to_string(v).unwrap_or_default(),
        other => scalar_text(other),
    }
}

fn compile(re: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(re).map_err(|e| format!("error parsing regexp: {e}"))
}

/// Visits every node `path` matches under `node`, creating missing parts when
/// `create` is set; `f` gets each node, whether it was created untagged, and
/// where it is (`at` holds the steps to `node`). Returns how many nodes matched.
fn path_match<F>(
    node: &mut Value,
    path: &[String],
    create: Option<Create>,
    created: bool,
    at: &mut Vec<PathSeg>,
    f: &mut F,
) -> Result<usize, String>
where
    F: FnMut(&mut Value, bool, &[PathSeg]) -> Result<(), String>,
{
    let Some(part) = path.first() else {
        f(node, created, at)?;
        return Ok(1);
    };
    let rest = &path[1..];
    if let Some(idx) = atoi(part).filter(|i| *i >= 0) {
        let idx = idx as usize;
        if node.is_null() && create.is_some() {
            *node = Value::Array(Vec::new());
        }
        let items = match node {
            Value::Array(items) => items,
            Value::Null => return Err(format!("index {idx} specified but only 0 elements found")),
            other => return Err(wrong_kind("SequenceNode", other)),
        };
        let mut fresh = false;
        if let Some(leaf) = create
            && items.len() == idx
        {
            items.push(new_node(part_kind(rest.first(), leaf)));
            fresh = true;
        }
        if items.len() < idx + 1 {
            return Err(format!(
                "index {idx} specified but only {} elements found",
                items.len()
            ));
        }
        at.push(PathSeg::Index(idx));
        let count = path_match(&mut items[idx], rest, create, fresh, at, f);
        at.pop();
        return count;
    }
    if is_list_index(part) {
        let (field, pattern) = split_index_name_value(part)?;
        let re = compile(&pattern)?;
        if node.is_null() && create.is_some() {
            *node = Value::Array(Vec::new());
        }
        let items = match node {
            Value::Array(items) => items,
            Value::Null => return Ok(0),
            other => return Err(wrong_kind("SequenceNode", other)),
        };
        let visit = |items: &mut Vec<Value>,
                     from: usize,
                     at: &mut Vec<PathSeg>,
                     f: &mut F|
         -> Result<usize, String> {
            let mut count = 0;
            for (i, elem) in items.iter_mut().enumerate() {
                let fresh = i >= from;
                at.push(PathSeg::Index(i));
                if field.is_empty() {
                    if re.is_match(match_text(elem).trim()) {
                        f(elem, fresh, at)?;
                        count += 1;
                    }
                } else {
                    let hit = elem
                        .as_object()
                        .and_then(|m| m.get(&field))
                        .is_some_and(|v| re.is_match(match_text(v).trim()));
                    if hit {
                        count += path_match(elem, rest, create, false, at, f)?;
                    }
                }
                at.pop();
            }
            Ok(count)
        };
        let count = visit(items, usize::MAX, at, f)?;
        if count > 0 || create.is_none() {
            return Ok(count);
        }
        let from = items.len();
        if field.is_empty() {
            items.push(resolve_plain(&pattern));
        } else {
            let mut m = Map::new();
            m.insert(field.clone(), resolve_plain(&pattern));
            items.push(Value::Object(m));
        }
        // kustomize searches again and finds the element it just added.
        return visit(items, from, at, f);
    }
    if part == "*" {
        let items = match node {
            Value::Array(items) => items,
            Value::Null => return Ok(0),
            other => return Err(wrong_kind("SequenceNode", other)),
        };
        let mut count = 0;
        for (i, elem) in items.iter_mut().enumerate() {
            at.push(PathSeg::Index(i));
            count += path_match(elem, rest, create, false, at, f)?;
            at.pop();
        }
        return Ok(count);
    }
    if node.is_null() && create.is_some() {
        *node = Value::Object(Map::new());
    }
    let map = match node {
        Value::Object(m) => m,
        Value::Null => return Ok(0),
        other => return Err(wrong_kind("MappingNode", other)),
    };
    at.push(PathSeg::Key(part.clone()));
    let count = if let Some(field) = map.get_mut(part.as_str()) {
        path_match(field, rest, create, false, at, f)
    } else {
        match create {
            None => Ok(0),
            Some(leaf) => {
                let field = map
                    .entry(part.clone())
                    .or_insert_with(|| new_node(part_kind(rest.first(), leaf)));
                path_match(field, rest, create, true, at, f)
            }
        }
    };
    at.pop();
    count
}

// ---------------------------------------------------------------------------
// The replacement configuration (api/types/replacement.go, selector.go)
// ---------------------------------------------------------------------------

/// A resource id selector; blank parts match anything.
#[derive(Debug, Clone, Default, PartialEq)]
struct IdSel {
    group: String,
    version: String,
    kind: String,
    name: String,
    namespace: String,
}

impl IdSel {
    fn is_empty(&self) -> bool {
        *self == IdSel::default()
    }
}

/// kyaml's `ResId.String()`: `Kind.Version.Group/name.namespace`.
fn resid_string(kind: &str, version: &str, group: &str, name: &str, ns: &str) -> String {
    let or = |s: &str, d: &str| {
        if s.is_empty() {
            d.to_string()
        } else {
            s.to_string()
        }
    };
    format!(
        "{}.{}.{}/{}.{}",
        or(kind, "[noKind]"),
        or(version, "[noVer]"),
        or(group, "[noGrp]"),
        or(name, "[noName]"),
        or(ns, "[noNs]")
    )
}

impl std::fmt::Display for IdSel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&resid_string(
            &self.kind,
            &self.version,
            &self.group,
            &self.name,
            &self.namespace,
        ))
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Selector {
    id: IdSel,
    annotation_selector: String,
    label_selector: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Options {
    delimiter: String,
    index: i64,
    create: bool,
}

impl std::fmt::Display for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.delimiter.is_empty() && !self.create {
            return Ok(());
        }
        write!(
            f,
            "{}({}), create={}",
            self.delimiter, self.index, self.create
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Source {
    id: IdSel,
    field_path: String,
    options: Option<Options>,
}

impl std::fmt::Display for Source {
    /// kustomize's `SourceSelector.String()`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.id)?;
        if !self.field_path.is_empty() {
            write!(f, ":{}", self.field_path)?;
        }
        if let Some(o) = &self.options {
            let s = o.to_string();
            if !s.is_empty() {
                write!(f, ":{s}")?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Target {
    select: Option<Selector>,
    reject: Vec<Selector>,
    field_paths: Vec<String>,
    options: Option<Options>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Replacement {
    source: Option<Source>,
    targets: Option<Vec<Target>>,
}

/// Reads a replacement entry as Go's encoding/json would: keys match
/// case-insensitively; `strict` (inline entries, read with the kustomization)
/// refuses unknown keys.
struct Reader {
    strict: bool,
}

impl Reader {
    fn fields<'a>(
        &self,
        v: &'a Value,
        what: &str,
        known: &[&'static str],
    ) -> Result<Vec<(&'static str, &'a Value)>, String> {
        let m = match v {
            Value::Object(m) => m,
            other => {
                return Err(format!(
                    "json: cannot unmarshal {} into Go value of type {what}",
                    json_kind(other)
                ));
            }
        };
        let mut out = Vec::new();
        for (k, val) in m {
            let found = known
                .iter()
                .find(|n| **n == k.as_str())
                .or_else(|| known.iter().find(|n| n.eq_ignore_ascii_case(k)));
            match found {
                Some(n) => out.push((*n, val)),
                None if self.strict => return Err(format!("json: unknown field {k:?}")),
                None => {}
            }
        }
        Ok(out)
    }

    fn string(&self, v: &Value, field: &str) -> Result<String, String> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Null => Ok(String::new()),
            other => Err(type_error(other, field, "string")),
        }
    }

    fn id_field(&self, id: &mut IdSel, key: &str, v: &Value, ctx: &str) -> Result<bool, String> {
        let slot = match key {
            "group" => &mut id.group,
            "version" => &mut id.version,
            "kind" => &mut id.kind,
            "name" => &mut id.name,
            "namespace" => &mut id.namespace,
            _ => return Ok(false),
        };
        *slot = self.string(v, &format!("{ctx}.{key}"))?;
        Ok(true)
    }

    fn options(&self, v: &Value, ctx: &str) -> Result<Option<Options>, String> {
        if v.is_null() {
            return Ok(None);
        }
        let mut o = Options::default();
        for (k, val) in self.fields(
            v,
            "types.FieldOptions",
            &["delimiter", "index", "encoding", "create"],
        )? {
            let field = format!("{ctx}.options.{k}");
            match k {
                "delimiter" => o.delimiter = self.string(val, &field)?,
                "encoding" => {
                    self.string(val, &field)?;
                }
                "index" => {
                    o.index = match val {
                        Value::Null => 0,
                        Value::Number(n) => {
                            n.as_i64().ok_or_else(|| type_error(val, &field, "int"))?
                        }
                        other => return Err(type_error(other, &field, "int")),
                    }
                }
                _ => {
                    o.create = match val {
                        Value::Null => false,
                        Value::Bool(b) => *b,
                        other => return Err(type_error(other, &field, "bool")),
                    }
                }
            }
        }
        Ok(Some(o))
    }

    fn selector(&self, v: &Value, ctx: &str) -> Result<Option<Selector>, String> {
        if v.is_null() {
            return Ok(None);
        }
        let mut s = Selector::default();
        for (k, val) in self.fields(
            v,
            "types.Selector",
            &[
                "group",
                "version",
                "kind",
                "name",
                "namespace",
                "annotationSelector",
                "labelSelector",
            ],
        )? {
            if self.id_field(&mut s.id, k, val, ctx)? {
                continue;
            }
            let text = self.string(val, &format!("{ctx}.{k}"))?;
            if k == "annotationSelector" {
                s.annotation_selector = text;
            } else {
                s.label_selector = text;
            }
        }
        Ok(Some(s))
    }

    fn source(&self, v: &Value) -> Result<Option<Source>, String> {
        if v.is_null() {
            return Ok(None);
        }
        let mut s = Source::default();
        for (k, val) in self.fields(
            v,
            "types.SourceSelector",
            &[
                "group",
                "version",
                "kind",
                "name",
                "namespace",
                "fieldPath",
                "options",
            ],
        )? {
            if self.id_field(&mut s.id, k, val, "replacements.source")? {
                continue;
            }
            match k {
                "fieldPath" => s.field_path = self.string(val, "replacements.source.fieldPath")?,
                _ => s.options = self.options(val, "replacements.source")?,
            }
        }
        Ok(Some(s))
    }

    fn target(&self, v: &Value) -> Result<Target, String> {
        let mut t = Target::default();
        if v.is_null() {
            return Ok(t);
        }
        let ctx = "replacements.targets";
        for (k, val) in self.fields(
            v,
            "types.TargetSelector",
            &["select", "reject", "fieldPaths", "options"],
        )? {
            match k {
                "select" => t.select = self.selector(val, &format!("{ctx}.select"))?,
                "reject" => {
                    for r in list(val, &format!("{ctx}.reject"), "[]*types.Selector")? {
                        if let Some(s) = self.selector(r, &format!("{ctx}.reject"))? {
                            t.reject.push(s);
                        }
                    }
                }
                "fieldPaths" => {
                    for p in list(val, &format!("{ctx}.fieldPaths"), "[]string")? {
                        t.field_paths
                            .push(self.string(p, &format!("{ctx}.fieldPaths"))?);
                    }
                }
                _ => t.options = self.options(val, ctx)?,
            }
        }
        Ok(t)
    }

    fn replacement(&self, v: &Value) -> Result<Replacement, String> {
        let mut r = Replacement::default();
        for (k, val) in self.fields(v, "types.Replacement", &["source", "targets"])? {
            if k == "source" {
                r.source = self.source(val)?;
            } else if !val.is_null() {
                let mut targets = Vec::new();
                for t in list(val, "replacements.targets", "[]*types.TargetSelector")? {
                    targets.push(self.target(t)?);
                }
                r.targets = Some(targets);
            }
        }
        Ok(r)
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "null",
    }
}

fn type_error(v: &Value, field: &str, go_type: &str) -> String {
    format!(
        "json: cannot unmarshal {} into Go struct field {field} of type {go_type}",
        json_kind(v)
    )
}

fn list<'a>(v: &'a Value, field: &str, go_type: &str) -> Result<&'a [Value], String> {
    match v {
        Value::Array(a) => Ok(a),
        Value::Null => Ok(&[]),
        other => Err(type_error(other, field, go_type)),
    }
}

/// Whether an entry came from the kustomization itself (the builder names
/// inline entries after the kustomization file).
fn is_inline(origin: &str) -> bool {
    let base = origin.rsplit(['/', '\\']).next().unwrap_or(origin);
    FILE_NAMES.contains(&base)
}

fn parse(v: &Value, origin: &str) -> Result<Replacement, TransformError> {
    let inline = is_inline(origin);
    if !inline && !v.is_object() {
        return Err(TransformError::Config {
            file: origin.to_string(),
            message: format!(
                "unsupported replacement type encountered within replacement path: {}",
                match v {
                    Value::String(_) => "string",
                    Value::Number(n) if n.is_f64() => "float64",
                    Value::Number(_) => "int",
                    Value::Bool(_) => "bool",
                    _ => "invalid",
                }
            ),
        });
    }
    let mut r = Reader { strict: inline }.replacement(v).map_err(|m| {
        if inline {
            // The builder names the kustomization file around this already.
            other(format!("invalid Kustomization: {m}"))
        } else {
            TransformError::Config {
                file: origin.to_string(),
                message: m,
            }
        }
    })?;
    // kustomize hands inline entries to its transformer through a YAML round
    // trip that drops an empty `targets: []` (omitempty), so it counts as none.
    if inline && r.targets.as_ref().is_some_and(Vec::is_empty) {
        r.targets = None;
    }
    Ok(r)
}

// ---------------------------------------------------------------------------
// Selecting resources (kyaml resid IsSelectedBy over current and previous ids)
// ---------------------------------------------------------------------------

/// One id of a resource as the replacement filter sees it (`utils.MakeResIds`).
struct Id {
    gvk: Gvk,
    name: String,
    namespace: String,
}

/// kyaml's `EffectiveNamespace` for ids whose cluster scope is unknown (as
/// `MakeResIds` builds them): blank means `default`.
fn effective(ns: &str) -> &str {
    if ns.is_empty() { "default" } else { ns }
}

/// The current id, then the previous ones. kustomize stores a previous
/// namespace as it was effective then: `default` for blank, a marker for
/// cluster-scoped kinds.
fn ids_of(r: &Resource) -> Vec<Id> {
    let cur = r.cur_id();
    let mut out = vec![Id {
        gvk: cur.gvk,
        name: cur.name,
        namespace: cur.namespace,
    }];
    for p in r.prev_ids() {
        let ns = if is_cluster_scoped(&p.gvk.group, &p.gvk.version, &p.gvk.kind) {
            "_non_namespaceable_".to_string()
        } else {
            effective(&p.namespace).to_string()
        };
        out.push(Id {
            gvk: p.gvk,
            name: p.name,
            namespace: ns,
        });
    }
    out
}

impl Id {
    fn selected_by(&self, s: &IdSel) -> bool {
        (s.name.is_empty() || s.name == self.name)
            && (s.namespace.is_empty() || effective(&s.namespace) == effective(&self.namespace))
            && (s.group.is_empty() || s.group == self.gvk.group)
            && (s.version.is_empty() || s.version == self.gvk.version)
            && (s.kind.is_empty() || s.kind == self.gvk.kind)
    }
}

fn anno_and_labels_match(r: &Resource, s: &Selector) -> Result<bool, String> {
    Ok(
        label_selector_matches(&s.annotation_selector, r.annotations())?
            && label_selector_matches(&s.label_selector, r.labels())?,
    )
}

// ---------------------------------------------------------------------------
// Applying
// ---------------------------------------------------------------------------

fn other(m: impl Into<String>) -> TransformError {
    TransformError::Other(m.into())
}

/// Runs the `replacements:` of one kustomization, in order, on all resources.
pub fn apply(
    resources: &mut [Resource],
    entries: &[(Value, String)],
) -> Result<(), TransformError> {
    let mut parsed = Vec::new();
    for (v, origin) in entries {
        parsed.push(parse(v, origin)?);
    }
    for mut r in parsed {
        let (Some(source), Some(targets)) = (r.source.as_mut(), r.targets.as_ref()) else {
            return Err(other(
                "replacements must specify a source and at least one target",
            ));
        };
        let (value, empty_nulls) = get_replacement(resources, source)?;
        for t in targets {
            apply_target(resources, &value, &empty_nulls, t)?;
        }
    }
    Ok(())
}

/// The value to copy, with the empty nulls inside it (paths relative to it):
/// kyaml copies the source node, texts and all.
fn get_replacement(
    resources: &[Resource],
    source: &mut Source,
) -> Result<(Replacing, Vec<EmptyNull>), TransformError> {
    let mut found: Option<&Resource> = None;
    for r in resources.iter().filter(|r| r.obj.is_object()) {
        if ids_of(r).iter().any(|id| id.selected_by(&source.id)) {
            if found.is_some() {
                return Err(other(format!("multiple matches for selector {source}")));
            }
            found = Some(r);
        }
    }
    let Some(r) = found else {
        return Err(other(format!("nothing selected by {source}")));
    };
    if source.field_path.is_empty() {
        source.field_path = DEFAULT_FIELD_PATH.to_string();
    }
    let parts = smarter_path_split(&source.field_path, ".");
    let node = lookup(&r.obj, &parts)
        .map_err(|e| other(format!("error looking up replacement source: {e}")))?;
    let empty_nulls = node.map(|n| empty_nulls_under(r, n)).unwrap_or_default();
    let node = match node {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) if m.is_empty() => None,
        Some(Value::Array(a)) if a.is_empty() => None,
        // An empty null in a flow collection, which the resource holds as "".
        Some(_) if empty_nulls.iter().any(|e| e.path.is_empty()) => None,
        Some(n) => Some(n),
    };
    let Some(node) = node else {
        return Err(other(format!(
            "fieldPath `{}` is missing for replacement source {}",
            source.field_path, source.id
        )));
    };
    let value = Replacing::from_value(node);
    let Some(o) = source.options.as_ref().filter(|o| !o.delimiter.is_empty()) else {
        return Ok((value, empty_nulls));
    };
    let Replacing::Scalar(tag, text) = &value else {
        return Err(other("delimiter option can only be used with scalar nodes"));
    };
    let pieces: Vec<&str> = text.split(o.delimiter.as_str()).collect();
    if o.index < 0 || o.index as usize >= pieces.len() {
        return Err(other(format!(
            "options.index {} is out of bounds for value {text}",
            o.index
        )));
    }
    Ok((
        Replacing::Scalar(*tag, pieces[o.index as usize].to_string()),
        Vec::new(),
    ))
}

/// The resource's empty nulls at or below `node` (a value inside `r.obj`),
/// with paths relative to it.
fn empty_nulls_under(r: &Resource, node: &Value) -> Vec<EmptyNull> {
    let mut out = Vec::new();
    for e in &r.empty_nulls {
        let mut cur = &r.obj;
        for depth in 0..=e.path.len() {
            if std::ptr::eq(cur, node) {
                out.push(EmptyNull {
                    path: e.path[depth..].to_vec(),
                    ..*e
                });
                break;
            }
            let next = match (cur, e.path.get(depth)) {
                (Value::Object(m), Some(PathSeg::Key(k))) => m.get(k),
                (Value::Array(a), Some(PathSeg::Index(i))) => a.get(*i),
                _ => None,
            };
            let Some(next) = next else {
                break;
            };
            cur = next;
        }
    }
    out
}

fn apply_target(
    resources: &mut [Resource],
    value: &Replacing,
    empty_nulls: &[EmptyNull],
    t: &Target,
) -> Result<(), TransformError> {
    let Some(select) = &t.select else {
        return Err(other("target must specify resources to select"));
    };
    let default_paths = [DEFAULT_FIELD_PATH.to_string()];
    let paths: &[String] = if t.field_paths.is_empty() {
        &default_paths
    } else {
        &t.field_paths
    };
    for r in resources.iter_mut().filter(|r| r.obj.is_object()) {
        // Label and annotation selectors: the select's must match, no reject's may.
        if !anno_and_labels_match(r, select).map_err(other)? {
            continue;
        }
        let mut rejected = false;
        for rej in &t.reject {
            if rej.annotation_selector.is_empty() && rej.label_selector.is_empty() {
                continue;
            }
            if anno_and_labels_match(r, rej).map_err(other)? {
                rejected = true;
                break;
            }
        }
        if rejected {
            continue;
        }
        let ids = ids_of(r);
        let rejected_by_id = t
            .reject
            .iter()
            .filter(|rej| !rej.id.is_empty())
            .any(|rej| ids.iter().any(|id| id.selected_by(&rej.id)));
        if rejected_by_id || !ids.iter().any(|id| id.selected_by(&select.id)) {
            continue;
        }
        for fp in paths {
            copy_to_target(r, value, empty_nulls, fp, t.options.as_ref())?;
        }
    }
    Ok(())
}

fn copy_to_target(
    r: &mut Resource,
    value: &Replacing,
    empty_nulls: &[EmptyNull],
    fp: &str,
    options: Option<&Options>,
) -> Result<(), TransformError> {
    let create = options.filter(|o| o.create).map(|_| value.create_kind());
    let what = if create.is_some() {
        format!("unable to find or create field {fp:?} in replacement target")
    } else {
        format!("unable to find field {fp:?} in replacement target")
    };
    let parts = smarter_path_split(fp, ".");
    let mut set_error = None;
    // Where values were set, whether the copy is the source node itself, and
    // whether the target is a null left with an empty text.
    let mut set_at: Vec<(Vec<PathSeg>, bool, bool)> = Vec::new();
    let whole_node =
        matches!(value, Replacing::Node(_)) && options.is_none_or(|o| o.delimiter.is_empty());
    let count = path_match(
        &mut r.obj,
        &parts,
        create,
        false,
        &mut Vec::new(),
        &mut |node, created, at| {
            let collection = node.is_object() || node.is_array();
            let empty_null = set_field_value(options, node, created, value)
                .inspect_err(|e| set_error = Some(e.clone()))?;
            set_at.push((at.to_vec(), whole_node && collection, empty_null));
            Ok(())
        },
    );
    if let Some(e) = set_error {
        return Err(other(e));
    }
    for (at, copied, empty_null) in set_at {
        r.empty_nulls.retain(|e| !e.path.starts_with(&at));
        let added: Vec<EmptyNull> = if empty_null {
            vec![EmptyNull {
                path: at,
                flow: false,
                tagged: false,
            }]
        } else if copied {
            empty_nulls
                .iter()
                .map(|e| EmptyNull {
                    path: at.iter().chain(&e.path).cloned().collect(),
                    ..*e
                })
                .collect()
        } else {
            Vec::new()
        };
        for mut e in added {
            if r.json_text && !e.flow && !e.tagged {
                // Printed inside flow collections.
                if let Some(v) = value_at_mut(&mut r.obj, &e.path) {
                    *v = Value::String(String::new());
                }
                e.flow = true;
            }
            r.empty_nulls.push(e);
        }
    }
    match count {
        Err(e) => Err(other(format!("{what}: {e}"))),
        Ok(0) => Err(other(what)),
        Ok(_) => Ok(()),
    }
}

fn set_field_value(
    options: Option<&Options>,
    target: &mut Value,
    created: bool,
    value: &Replacing,
) -> Result<bool, String> {
    let target_is_scalar = !target.is_object() && !target.is_array();
    let mut value = value.clone();
    if let Some(o) = options.filter(|o| !o.delimiter.is_empty()) {
        if !target_is_scalar {
            return Err("delimiter option can only be used with scalar nodes".into());
        }
        let current = if created {
            String::new()
        } else {
            scalar_text(target)
        };
        let mut parts: Vec<String> = current
            .split(o.delimiter.as_str())
            .map(str::to_string)
            .collect();
        let v = value.text().to_string();
        if o.index < 0 {
            parts.insert(0, v);
        } else if o.index as usize >= parts.len() {
            parts.push(v);
        } else {
            parts[o.index as usize] = v;
        }
        let joined = parts.join(&o.delimiter);
        value = match value {
            Replacing::Scalar(tag, _) => Replacing::Scalar(tag, joined),
            // Only the text reaches a scalar target.
            Replacing::Node(_) => Replacing::Scalar(Tag::Str, joined),
        };
    }
    if target_is_scalar {
        // A scalar keeps its tag and takes the text only.
        let tag = if created {
            Tag::Untagged
        } else {
            Tag::of(target)
        };
        *target = materialize(tag, value.text())?;
        // A null keeps its tag and now has the source's text: a map's or a
        // list's is empty, and so is that null's, which a later merge drops.
        return Ok(tag == Tag::Null && value.text().is_empty());
    }
    *target = match value {
        Replacing::Scalar(tag, text) => materialize(tag, &text)?,
        Replacing::Node(v) => v,
    };
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn res(v: Value) -> Resource {
        Resource::new(v, "test")
    }

    fn inline(v: Value) -> (Value, String) {
        (v, "in/kustomization.yaml".to_string())
    }

    fn run(resources: &mut [Resource], entries: Vec<Value>) -> Result<(), TransformError> {
        let e: Vec<_> = entries.into_iter().map(inline).collect();
        apply(resources, &e)
    }

    #[test]
    fn splits_paths_like_kyaml() {
        assert_eq!(smarter_path_split("a.b.c", "."), ["a", "b", "c"]);
        assert_eq!(
            smarter_path_split("spec.containers.[name=a.b].image", "."),
            ["spec", "containers", "[name=a.b]", "image"]
        );
        assert_eq!(
            smarter_path_split("metadata.annotations.[a.b/c]", "."),
            ["metadata", "annotations", "a.b/c"]
        );
        assert_eq!(smarter_path_split("a\\.b.c", "."), ["a.b", "c"]);
        assert_eq!(smarter_path_split(".a.b", "."), ["a", "b"]);
        // A single bracketed part keeps its brackets.
        assert_eq!(smarter_path_split("a.[b]", "."), ["a", "[b]"]);
    }

    #[test]
    fn lookup_follows_path_getter() {
        let v = json!({"spec": {"ports": [{"name": "http", "port": 80}, {"name": "x", "port": 81}],
                       "args": ["-a", "-b"], "nul": null}});
        let p = |s: &str| smarter_path_split(s, ".");
        assert_eq!(
            lookup(&v, &p("spec.ports.1.port")).unwrap(),
            Some(&json!(81))
        );
        assert_eq!(
            lookup(&v, &p("spec.ports.[name=x].port")).unwrap(),
            Some(&json!(81))
        );
        assert_eq!(
            lookup(&v, &p("spec.ports.[port=80].name")).unwrap(),
            Some(&json!("http"))
        );
        assert_eq!(
            lookup(&v, &p("spec.args.[=-b]")).unwrap(),
            Some(&json!("-b"))
        );
        assert_eq!(lookup(&v, &p("spec.args.-")).unwrap(), Some(&json!("-b")));
        assert_eq!(lookup(&v, &p("spec.ports.5")).unwrap(), None);
        assert_eq!(lookup(&v, &p("spec.nul")).unwrap(), Some(&Value::Null));
        assert_eq!(lookup(&v, &p("spec.nul.x")).unwrap(), None);
        assert_eq!(lookup(&v, &p("spec.missing.x")).unwrap(), None);
        assert!(
            lookup(&v, &p("spec.ports.*"))
                .unwrap_err()
                .contains("wildcard")
        );
        assert!(
            lookup(&v, &p("spec.ports.[name]"))
                .unwrap_err()
                .contains("fieldName=fieldValue")
        );
        assert!(
            lookup(&v, &p("spec.args.x"))
                .unwrap_err()
                .contains("expected MappingNode")
        );
        // Exact comparison in lookups (unlike targets).
        assert_eq!(lookup(&v, &p("spec.ports.[name=htt].port")).unwrap(), None);
    }

    fn deployment() -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "dep"},
               "spec": {"replicas": 1, "template": {"spec": {"containers": [
                   {"name": "app", "image": "a"}, {"name": "app2", "image": "b"},
                   {"name": "other", "image": "c"}]}}}})
    }

    fn config_map() -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "src"},
               "data": {"num": "5", "dotted": "a-1-b", "word": "abc"}})
    }

    #[test]
    fn scalar_targets_keep_their_type() {
        let mut rs = vec![res(config_map()), res(deployment())];
        run(
            &mut rs,
            vec![json!({"source": {"kind": "ConfigMap", "name": "src", "fieldPath": "data.num"},
                "targets": [{"select": {"kind": "Deployment"},
                             "fieldPaths": ["spec.replicas", "spec.template.spec.containers.[name=other].image"]}]})],
        )
        .unwrap();
        assert_eq!(rs[1].obj["spec"]["replicas"], json!(5));
        assert_eq!(
            rs[1].obj["spec"]["template"]["spec"]["containers"][2]["image"],
            json!("5")
        );
    }

    #[test]
    fn list_selectors_in_targets_are_unanchored_regexes() {
        let mut rs = vec![res(config_map()), res(deployment())];
        run(
            &mut rs,
            vec![
                json!({"source": {"kind": "ConfigMap", "fieldPath": "data.word"},
                "targets": [{"select": {"kind": "Deployment"},
                             "fieldPaths": ["spec.template.spec.containers.[name=app].image"]}]}),
            ],
        )
        .unwrap();
        let c = &rs[1].obj["spec"]["template"]["spec"]["containers"];
        assert_eq!(c[0]["image"], json!("abc"));
        assert_eq!(c[1]["image"], json!("abc"));
        assert_eq!(c[2]["image"], json!("c"));
    }

    #[test]
    fn wildcard_and_create() {
        let mut rs = vec![res(config_map()), res(deployment())];
        run(
            &mut rs,
            vec![
                json!({"source": {"kind": "ConfigMap", "fieldPath": "data.num"},
                "targets": [{"select": {"kind": "Deployment"},
                             "fieldPaths": ["spec.template.spec.containers.*.image", "spec.new.x",
                                            "spec.list.0", "spec.env.[name=A].value"],
                             "options": {"create": true}}]}),
            ],
        )
        .unwrap();
        let s = &rs[1].obj["spec"];
        assert_eq!(s["template"]["spec"]["containers"][1]["image"], json!("5"));
        // Created fields take the text untagged: "5" reads back as an int.
        assert_eq!(s["new"], json!({"x": 5}));
        assert_eq!(s["list"], json!([5]));
        assert_eq!(s["env"], json!([{"name": "A", "value": 5}]));
    }

    #[test]
    fn delimiters_on_source_and_target() {
        let mut rs = vec![
            res(config_map()),
            res(
                json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                       "spec": {"host": "x.y.z", "a": "p", "b": "q"}}),
            ),
        ];
        run(
            &mut rs,
            vec![
                json!({"source": {"kind": "ConfigMap", "fieldPath": "data.dotted",
                                  "options": {"delimiter": "-", "index": 1}},
                       "targets": [{"select": {"kind": "Service"}, "fieldPaths": ["spec.host"],
                                    "options": {"delimiter": ".", "index": 1}},
                                   {"select": {"kind": "Service"}, "fieldPaths": ["spec.a"],
                                    "options": {"delimiter": ".", "index": -1}},
                                   {"select": {"kind": "Service"}, "fieldPaths": ["spec.b"],
                                    "options": {"delimiter": ".", "index": 9}},
                                   {"select": {"kind": "Service"}, "fieldPaths": ["spec.c"],
                                    "options": {"create": true}}]}),
            ],
        )
        .unwrap();
        let s = &rs[1].obj["spec"];
        assert_eq!(s["host"], json!("x.1.z"));
        assert_eq!(s["a"], json!("1.p"));
        assert_eq!(s["b"], json!("q.1"));
        assert_eq!(s["c"], json!(1));

        let err = run(
            &mut rs,
            vec![
                json!({"source": {"kind": "ConfigMap", "fieldPath": "data.dotted",
                                   "options": {"delimiter": "-", "index": 3}},
                        "targets": [{"select": {"kind": "X"}}]}),
            ],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "options.index 3 is out of bounds for value a-1-b"
        );
    }

    #[test]
    fn maps_replace_whole_nodes() {
        let mut rs = vec![
            res(
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                       "spec": {"containers": [{"name": "app", "image": "nginx"}]}}),
            ),
            res(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}})),
        ];
        run(
            &mut rs,
            vec![json!({"source": {"kind": "Pod", "fieldPath": "spec"},
                "targets": [{"select": {"kind": "Deployment"}, "fieldPaths": ["spec.template.spec"],
                             "options": {"create": true}}]})],
        )
        .unwrap();
        assert_eq!(
            rs[1].obj["spec"]["template"]["spec"],
            json!({"containers": [{"name": "app", "image": "nginx"}]})
        );
    }

    #[test]
    fn select_and_reject() {
        let mut a = deployment();
        a["metadata"]["labels"] = json!({"tier": "fe"});
        let mut b = deployment();
        b["metadata"]["name"] = json!("dep2");
        let mut c = deployment();
        c["metadata"]["name"] = json!("dep3");
        let mut rs = vec![res(config_map()), res(a), res(b), res(c)];
        run(
            &mut rs,
            vec![
                json!({"source": {"kind": "ConfigMap", "fieldPath": "data.num"},
                "targets": [{"select": {"kind": "Deployment"},
                             "reject": [{"labelSelector": "tier=fe"}, {"name": "dep3"}],
                             "fieldPaths": ["spec.replicas"]}]}),
            ],
        )
        .unwrap();
        assert_eq!(rs[1].obj["spec"]["replicas"], json!(1));
        assert_eq!(rs[2].obj["spec"]["replicas"], json!(5));
        assert_eq!(rs[3].obj["spec"]["replicas"], json!(1));
    }

    #[test]
    fn previous_names_select() {
        let mut d = res(deployment());
        d.store_previous_id();
        d.set_name("p-dep");
        let mut rs = vec![res(config_map()), d];
        run(
            &mut rs,
            vec![json!({"source": {"kind": "Deployment", "name": "dep"},
                "targets": [{"select": {"kind": "ConfigMap", "name": "src"}, "fieldPaths": ["data.word"]}]})],
        )
        .unwrap();
        assert_eq!(rs[0].obj["data"]["word"], json!("p-dep"));
    }

    #[test]
    fn errors_are_worded_as_kustomize_words_them() {
        let mut rs = vec![res(config_map()), res(deployment())];
        let e = |rs: &mut Vec<Resource>, v: Value| run(rs, vec![v]).unwrap_err().to_string();
        assert_eq!(
            e(&mut rs, json!({"source": {"kind": "ConfigMap"}})),
            "replacements must specify a source and at least one target"
        );
        assert_eq!(
            e(
                &mut rs,
                json!({"source": {"kind": "Secret", "fieldPath": "data.x"}, "targets": [{"select": {"kind": "X"}}]})
            ),
            "nothing selected by Secret.[noVer].[noGrp]/[noName].[noNs]:data.x"
        );
        assert_eq!(
            e(
                &mut rs,
                json!({"source": {"version": "v1"}, "targets": [],
                              "options": null})
            ),
            "invalid Kustomization: json: unknown field \"options\""
        );
        let mut two = vec![res(config_map()), res(deployment()), res(deployment())];
        assert_eq!(
            e(
                &mut two,
                json!({"source": {"kind": "Deployment",
                                          "options": {"delimiter": "-", "create": true}},
                               "targets": [{"select": {"kind": "X"}}]})
            ),
            "multiple matches for selector Deployment.[noVer].[noGrp]/[noName].[noNs]:-(0), create=true"
        );
        assert_eq!(
            e(
                &mut rs,
                json!({"source": {"kind": "ConfigMap", "fieldPath": "data.none"}, "targets": [{"select": {"kind": "X"}}]})
            ),
            "fieldPath `data.none` is missing for replacement source ConfigMap.[noVer].[noGrp]/[noName].[noNs]"
        );
        assert_eq!(
            e(
                &mut rs,
                json!({"source": {"kind": "ConfigMap"}, "targets": [{"fieldPaths": ["a"]}]})
            ),
            "target must specify resources to select"
        );
        assert_eq!(
            e(
                &mut rs,
                json!({"source": {"kind": "ConfigMap"},
                              "targets": [{"select": {"kind": "Deployment"}, "fieldPaths": ["spec.nope"]}]})
            ),
            "unable to find field \"spec.nope\" in replacement target"
        );
        assert_eq!(
            e(
                &mut rs,
                json!({"source": {"kind": "ConfigMap", "fieldPath": "data.word"},
                              "targets": [{"select": {"kind": "Deployment"}, "fieldPaths": ["spec.replicas"]}]})
            ),
            "map[string]interface {}(nil): yaml: cannot decode !!str `abc` as a !!int"
        );
        assert_eq!(
            e(
                &mut rs,
                json!({"source": {"kind": "ConfigMap"},
                              "targets": [{"select": {"kind": "Deployment"}, "fieldPaths": ["spec.template"],
                                           "options": {"delimiter": "-"}}]})
            ),
            "delimiter option can only be used with scalar nodes"
        );
        assert!(
            e(
                &mut rs,
                json!({"source": {"kind": "ConfigMap"},
                              "targets": [{"select": {"kind": "Deployment"},
                                           "fieldPaths": ["spec.template.spec.containers.7"]}]})
            )
            .ends_with("index 7 specified but only 3 elements found")
        );
    }

    #[test]
    fn empty_targets_count_as_none_inline_only() {
        let mut rs = vec![res(config_map())];
        let v = json!({"source": {"kind": "ConfigMap"}, "targets": []});
        assert_eq!(
            run(&mut rs, vec![v.clone()]).unwrap_err().to_string(),
            "replacements must specify a source and at least one target"
        );
        apply(&mut rs, &[(v, "in/r.yaml".to_string())]).unwrap();
    }

    #[test]
    fn files_are_read_leniently() {
        let mut rs = vec![res(config_map()), res(deployment())];
        let entries = vec![(
            json!({"source": {"kind": "ConfigMap", "fieldPath": "data.num", "extra": 1},
                   "Targets": [{"select": {"kind": "Deployment"}, "fieldPaths": ["spec.replicas"]}]}),
            "in/replacements.yaml".to_string(),
        )];
        apply(&mut rs, &entries).unwrap();
        assert_eq!(rs[1].obj["spec"]["replicas"], json!(5));
        let bad = vec![(json!("text"), "in/r.yaml".to_string())];
        assert!(
            apply(&mut rs, &bad).unwrap_err().to_string().contains(
                "unsupported replacement type encountered within replacement path: string"
            )
        );
    }

    #[test]
    fn materialize_follows_yaml_v3() {
        assert_eq!(materialize(Tag::Int, "5").unwrap(), json!(5));
        assert_eq!(materialize(Tag::Float, "5").unwrap(), json!(5.0));
        assert_eq!(materialize(Tag::Str, "5").unwrap(), json!("5"));
        assert_eq!(materialize(Tag::Untagged, "true").unwrap(), json!(true));
        assert_eq!(materialize(Tag::Untagged, "a: b").unwrap(), json!("a: b"));
        assert!(
            materialize(Tag::Null, "5")
                .unwrap_err()
                .ends_with("cannot decode !!int `5` as a !!null")
        );
        assert!(materialize(Tag::Bool, "1").is_err());
        assert!(materialize(Tag::Int, "1.5").is_err());
    }
}
