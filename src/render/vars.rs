//! The legacy `vars:` feature: `$(NAME)` references replaced by fields of other objects.
//!
//! kustomize (api/internal/accumulator, api/filters/refvar, api/types/var.go)
//! works in two steps:
//!
//! 1. **Merge** ([`merge_vars`], at the end of each kustomization, after its
//!    transformers): each declared var's `objref` is matched against the
//!    current and previous ids of the resources accumulated so far (group,
//!    version, kind and name; the namespace too when the objref names one).
//!    More than one match is an error; the one match is remembered. Vars of
//!    bases are merged up ([`merge_base_vars`]); a name declared twice is an error.
//! 2. **Resolve** ([`resolve`], once at the top, after name references): each
//!    var's value is read from its resource at `fieldref.fieldPath` (kyaml's
//!    dotted path syntax, `ports[0]` meaning `ports.0`), then every string in a
//!    `varReference` field has its `$(NAME)` references expanded the way
//!    Kubernetes expands them (`$$` escapes a `$`, unknown names stay).
//!
//! kustomize remembers the matched resource by tagging it. Here the merge step
//! instead rewrites the stored var so its objref names the resource's id *at
//! that moment* (which stays among its previous ids after later renames), so
//! the resolve step finds the same resource even when, higher up, several
//! resources once had the objref's name (the "diamond" of two overlays of one
//! base). A var that matched nothing keeps a name no resource can have.
//! Without the merge step (vars only collected), [`resolve`] matches the
//! original objrefs against the final resources' ids, which is the same
//! except in that diamond.

use serde_json::{Number, Value};

use super::kustomization::Var;
use super::replacement::{lookup, smarter_path_split};
use super::resource::{Gvk, ResId, Resource};
use super::transform::{TransformError, TransformerConfig};

/// The objref name of a var that matched no resource where it was declared.
const UNMATCHED: &str = "\u{0}matched no resource where declared";

/// Group and version of a var's objref, as kustomize's `Target.GVK()` reads
/// `apiVersion` (`group/version` or just `version`).
fn objref_gvk(v: &Var) -> Gvk {
    let parts: Vec<&str> = v.obj_api_version.split('/').collect();
    let (group, version) = match parts.as_slice() {
        [g, ver] => (g.to_string(), ver.to_string()),
        [ver] => (String::new(), ver.to_string()),
        _ => (String::new(), String::new()),
    };
    Gvk {
        group,
        version,
        kind: v.obj_kind.clone(),
    }
}

/// kyaml's `Gvk.String()`: `Kind.Version.Group` with placeholders for blanks.
fn gvk_string(g: &Gvk) -> String {
    let or = |s: &str, d: &str| {
        if s.is_empty() {
            d.to_string()
        } else {
            s.to_string()
        }
    };
    format!(
        "{}.{}.{}",
        or(&g.kind, "[noKind]"),
        or(&g.version, "[noVer]"),
        or(&g.group, "[noGrp]")
    )
}

/// A var as Go's `%v` prints kustomize's `types.Var` after defaulting:
/// `{NAME Kind.Version.Group {fieldPath}}` (the objref prints only its GVK).
fn display(v: &Var) -> String {
    format!(
        "{{{} {} {{{}}}}}",
        v.name,
        gvk_string(&objref_gvk(v)),
        v.field_path
    )
}

/// The vars of a kustomization as kustomize prints them before defaulting,
/// assuming the objrefs were written with `apiVersion` (which leaves the
/// group and version blank in that print).
fn display_raw(vars: &[Var]) -> String {
    let items: Vec<String> = vars
        .iter()
        .map(|v| {
            let g = Gvk {
                kind: v.obj_kind.clone(),
                ..Gvk::default()
            };
            format!("{{{} {} {{{}}}}}", v.name, gvk_string(&g), v.field_path)
        })
        .collect();
    format!("[{}]", items.join(" "))
}

/// kyaml's `ResId.String()` for messages: `Kind.Version.Group/name.namespace`.
fn resid_string(id: &ResId) -> String {
    format!(
        "{}/{}.{}",
        gvk_string(&id.gvk),
        if id.name.is_empty() {
            "[noName]"
        } else {
            &id.name
        },
        if id.namespace.is_empty() {
            "[noNs]"
        } else {
            &id.namespace
        }
    )
}

/// Whether a var's objref names this resource by any id it has had: GVK and
/// name always, the effective namespace when the objref gives one.
fn matches(v: &Var, r: &Resource) -> bool {
    if !r.obj.is_object() {
        return false;
    }
    let gvk = objref_gvk(v);
    let ns = v.obj_namespace.as_deref().unwrap_or("");
    r.all_ids().any(|id| {
        id.gvk == gvk && id.name == v.obj_name && (ns.is_empty() || ns == id.effective_namespace())
    })
}

/// The var rewritten to name the resource it matched, by its current id.
fn pin(v: &Var, r: &Resource) -> Var {
    let id = r.cur_id();
    let namespace = if id.gvk.is_cluster_scoped() {
        None
    } else {
        Some(id.effective_namespace().to_string())
    };
    Var {
        obj_kind: id.gvk.kind.clone(),
        obj_name: id.name.clone(),
        obj_namespace: namespace,
        ..v.clone()
    }
}

/// kustomize's `MergeVars`: the vars a kustomization declares, matched against
/// the resources accumulated so far (call after its transformers ran), then
/// added to `known`.
pub fn merge_vars(
    resources: &[Resource],
    known: &mut Vec<Var>,
    incoming: &[Var],
) -> Result<(), TransformError> {
    let wrap =
        |m: String| TransformError::Other(format!("merging vars {}: {m}", display_raw(incoming)));
    let mut pinned = Vec::with_capacity(incoming.len());
    for v in incoming {
        let found: Vec<&Resource> = resources.iter().filter(|r| matches(v, r)).collect();
        match found.as_slice() {
            [] => pinned.push(Var {
                obj_name: UNMATCHED.to_string(),
                ..v.clone()
            }),
            [r] => pinned.push(pin(v, r)),
            many => {
                return Err(wrap(format!(
                    "found {} resId matches for var {} (unable to disambiguate)",
                    many.len(),
                    display(v)
                )));
            }
        }
    }
    for v in pinned {
        if known.iter().any(|k| k.name == v.name) {
            return Err(wrap(format!("var '{}' already encountered", v.name)));
        }
        known.push(v);
    }
    Ok(())
}

/// kustomize's `VarSet.MergeSet` when a base's accumulation is merged in:
/// a name declared in two bases is an error. `root` is the base's directory.
pub fn merge_base_vars(
    known: &mut Vec<Var>,
    from_base: Vec<Var>,
    root: &str,
) -> Result<(), TransformError> {
    for v in from_base {
        if known.iter().any(|k| k.name == v.name) {
            return Err(TransformError::Other(format!(
                "recursed merging from path '{root}': var '{}' already encountered",
                v.name
            )));
        }
        known.push(v);
    }
    Ok(())
}

/// A var's value as kustomize's `GetFieldValue` returns it.
#[derive(Debug, Clone, PartialEq)]
enum VarValue {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A map or a list: kustomize leaves `$(NAME)` as it is.
    Other,
}

/// kyaml's `convertSliceIndex`: `ports[0]` becomes `ports`, `0`.
fn convert_slice_index(parts: Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    for p in parts {
        if let Some(body) = p.strip_suffix(']')
            && let Some(open) = body.rfind('[')
        {
            let (head, idx) = (&body[..open], &body[open + 1..]);
            if !idx.is_empty() && idx.bytes().all(|b| b.is_ascii_digit()) {
                if !head.is_empty() {
                    out.push(head.to_string());
                }
                out.push(idx.to_string());
                continue;
            }
        }
        out.push(p);
    }
    out
}

/// Reads the value at a var's field path (kyaml `RNode.GetFieldValue`).
fn field_value(obj: &Value, path: &str) -> Option<VarValue> {
    let parts = convert_slice_index(smarter_path_split(path, "."));
    let node = lookup(obj, &parts).ok()??;
    Some(match node {
        Value::String(s) => VarValue::Str(s.clone()),
        Value::Bool(b) => VarValue::Bool(*b),
        // strconv.Atoi: an int beyond 64 bits is an error.
        Value::Number(n) if !n.is_f64() => VarValue::Int(n.as_i64()?),
        Value::Number(n) => VarValue::Float(n.as_f64()?),
        // A null's tag is not one GetFieldValue converts: its text comes back.
        Value::Null => VarValue::Str("null".into()),
        Value::Object(_) | Value::Array(_) => VarValue::Other,
    })
}

/// Go's `%v` of a float64: strconv's shortest `%g` (exponent form below 1e-4
/// and from 1e6 up, exponent with a sign and at least two digits).
fn go_float_v(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let sci = format!("{:e}", f.abs());
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    let nd = digits.len() as i32;
    let dp = exp + 1;
    let mut out = String::new();
    if f < 0.0 {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        out.push(digits[0] as char);
        if nd > 1 {
            out.push('.');
            out.extend(digits[1..].iter().map(|&b| b as char));
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
        return out;
    }
    let digit = |i: i32| -> char {
        if i >= 0 && i < nd {
            digits[i as usize] as char
        } else {
            '0'
        }
    };
    if dp > 0 {
        for i in 0..dp {
            out.push(digit(i));
        }
    } else {
        out.push('0');
    }
    let decimals = (nd - dp).max(0);
    if decimals > 0 {
        out.push('.');
        for i in 0..decimals {
            out.push(digit(dp + i));
        }
    }
    out
}

/// kustomize's `DoReplacements` with its primitive replacer: expands `$(NAME)`
/// in `input`. When the whole input is one reference, the value keeps its type.
fn expand(input: &str, lookup: &dyn Fn(&str) -> Option<VarValue>) -> Value {
    let b = input.as_bytes();
    let mut out = String::new();
    let mut checkpoint = 0;
    let mut cursor = 0;
    while cursor < b.len() {
        if b[cursor] == b'$' && cursor + 1 < b.len() {
            out.push_str(&input[checkpoint..cursor]);
            let rest = &input[cursor + 1..];
            match rest.as_bytes()[0] {
                b'$' => {
                    // `$$` is an escaped `$`.
                    out.push('$');
                    cursor += 1;
                }
                b'(' => match rest[1..].find(')') {
                    Some(j) => {
                        let name = &rest[1..1 + j];
                        let value = lookup(name).filter(|v| *v != VarValue::Other);
                        if input.len() == name.len() + 3 {
                            // The whole field is `$(NAME)`.
                            return match value {
                                Some(VarValue::Str(s)) => Value::String(s),
                                Some(VarValue::Int(i)) => Value::from(i),
                                Some(VarValue::Float(f)) => {
                                    Number::from_f64(f).map_or(Value::Null, Value::Number)
                                }
                                Some(VarValue::Bool(x)) => Value::Bool(x),
                                _ => Value::String(input.to_string()),
                            };
                        }
                        match value {
                            Some(VarValue::Str(s)) => out.push_str(&s),
                            Some(VarValue::Int(i)) => out.push_str(&i.to_string()),
                            Some(VarValue::Float(f)) => out.push_str(&go_float_v(f)),
                            Some(VarValue::Bool(x)) => out.push_str(&x.to_string()),
                            _ => {
                                out.push_str("$(");
                                out.push_str(name);
                                out.push(')');
                            }
                        }
                        cursor += j + 2;
                    }
                    None => {
                        // An unclosed reference stays as written.
                        out.push_str("$(");
                        cursor += 1;
                    }
                },
                _ => {
                    // A lone `$` and the character after it stay.
                    let c = rest.chars().next().unwrap_or('$');
                    out.push('$');
                    out.push(c);
                    cursor += c.len_utf8();
                }
            }
            checkpoint = cursor + 1;
        }
        cursor += 1;
    }
    out.push_str(&input[checkpoint.min(input.len())..]);
    Value::String(out)
}

/// The refvar filter's setter: strings, string values of maps, string items of lists.
fn substitute(node: &mut Value, lookup: &dyn Fn(&str) -> Option<VarValue>) -> Result<(), String> {
    match node {
        Value::String(s) => {
            let new = expand(s, lookup);
            *node = new;
        }
        Value::Object(m) => {
            for v in m.values_mut() {
                if let Value::String(s) = v {
                    let new = expand(s, lookup);
                    *v = new;
                }
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                let Value::String(s) = item else {
                    return Err("invalid value type expect a string".into());
                };
                let new = expand(s, lookup);
                *item = new;
            }
        }
        _ => {}
    }
    Ok(())
}

/// kustomize's field-spec walk (api/filters/fieldspec, without creation) with
/// the refvar setter at its end: lists on the way are visited element by
/// element, a missing or null field ends the walk quietly, a scalar in the
/// middle of the path is an error.
fn visit(
    node: &mut Value,
    path: &[String],
    vars: &dyn Fn(&str) -> Option<VarValue>,
) -> Result<(), String> {
    let Some(first) = path.first() else {
        return substitute(node, vars);
    };
    match node {
        Value::Null => Ok(()),
        Value::Array(items) => {
            for item in items.iter_mut() {
                visit(item, path, vars)
                    .map_err(|e| format!("visit traversal on path: [{}]: {e}", path.join(" ")))?;
            }
            Ok(())
        }
        Value::Object(map) => {
            let name = first.strip_suffix("[]").unwrap_or(first);
            if name.is_empty() {
                return Err("cannot set or create an empty field name".into());
            }
            let plain = !name.starts_with('[')
                && name != "-"
                && name != "*"
                && !name
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'+' || b == b'-');
            if !plain {
                // kyaml reads this part as a list index or selector, which a map refuses.
                let probe = Value::Object(map.clone());
                lookup(&probe, &[name.to_string()])
                    .map_err(|e| format!("fieldName: {name}: {e}"))?;
            }
            match map.get_mut(name) {
                Some(field) => visit(field, &path[1..], vars),
                None => Ok(()),
            }
        }
        _ => Err("expected sequence or mapping node".into()),
    }
}

/// kustomize's `ResolveVars`: reads every var's value, then expands `$(NAME)`
/// in the `varReference` fields of every resource.
pub fn resolve(
    resources: &mut [Resource],
    vars: &[Var],
    config: &TransformerConfig,
) -> Result<(), TransformError> {
    for (i, v) in vars.iter().enumerate() {
        if vars[..i].iter().any(|k| k.name == v.name) {
            return Err(TransformError::Other(format!(
                "var '{}' already encountered",
                v.name
            )));
        }
    }
    if vars.is_empty() {
        return Ok(());
    }
    let mut sorted: Vec<&Var> = vars.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut values: Vec<(String, VarValue)> = Vec::new();
    for v in sorted {
        let found: Vec<&Resource> = resources.iter().filter(|r| matches(v, r)).collect();
        let r = match found.as_slice() {
            [r] => *r,
            [] => {
                return Err(TransformError::Other(format!(
                    "var '{}' cannot be mapped to a field in the set of known resources",
                    display(v)
                )));
            }
            many => {
                return Err(TransformError::Other(format!(
                    "found {} resId matches for var {} (unable to disambiguate)",
                    many.len(),
                    display(v)
                )));
            }
        };
        let value = field_value(&r.obj, &v.field_path).ok_or_else(|| {
            TransformError::Other(format!(
                "field specified in var '{}' not found in corresponding resource",
                display(v)
            ))
        })?;
        values.push((v.name.clone(), value));
    }
    let lookup = |name: &str| {
        values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    for r in resources.iter_mut() {
        if !r.obj.is_object() {
            continue;
        }
        let gvk = r.gvk();
        for spec in config.var_reference.iter().filter(|s| s.gvk.selects(&gvk)) {
            let id = r.cur_id();
            visit(&mut r.obj, &spec.path, &lookup).map_err(|m| {
                TransformError::Other(format!(
                    "considering field '{}' of object {}: {m}",
                    spec.path.join("/"),
                    resid_string(&id)
                ))
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::transform::Spec;
    use serde_json::json;

    fn var(name: &str, kind: &str, obj: &str, api: &str, path: &str) -> Var {
        Var {
            name: name.into(),
            obj_kind: kind.into(),
            obj_name: obj.into(),
            obj_api_version: api.into(),
            obj_namespace: None,
            field_path: path.into(),
        }
    }

    fn res(v: Value) -> Resource {
        Resource::new(v, "test")
    }

    fn cm(name: &str, ns: Option<&str>) -> Resource {
        let mut v = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name},
                           "data": {"word": "abc", "f": 1.5, "big": 1000000.0, "i": 42, "b": true,
                                    "m": {"x": "y"}, "nul": null, "sci": 1.5e-7},
                           "ports": [{"p": 1}, {"p": 2}]});
        if let Some(ns) = ns {
            v["metadata"]["namespace"] = json!(ns);
        }
        res(v)
    }

    fn lookup_from(pairs: &[(&str, VarValue)]) -> impl Fn(&str) -> Option<VarValue> + use<> {
        let owned: Vec<(String, VarValue)> = pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.clone()))
            .collect();
        move |name: &str| {
            owned
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn expansion_follows_kubernetes_rules() {
        let l = lookup_from(&[
            ("A", VarValue::Str("x".into())),
            ("I", VarValue::Int(42)),
            ("F", VarValue::Float(1e6)),
            ("B", VarValue::Bool(false)),
            ("M", VarValue::Other),
        ]);
        let e = |s: &str| expand(s, &l);
        assert_eq!(e("$(A)"), json!("x"));
        assert_eq!(e("$(I)"), json!(42));
        assert_eq!(e("$(B)"), json!(false));
        assert_eq!(e("$(F)"), json!(1e6));
        assert_eq!(e("$(M)"), json!("$(M)"));
        assert_eq!(e("$(NOPE)"), json!("$(NOPE)"));
        assert_eq!(
            e("a $(A) $(I) $(F) $(B) $(M) $(NOPE)"),
            json!("a x 42 1e+06 false $(M) $(NOPE)")
        );
        assert_eq!(e("$$(A)"), json!("$(A)"));
        assert_eq!(e("$$$(A)"), json!("$x"));
        assert_eq!(e("$(A $x $"), json!("$(A $x $"));
        assert_eq!(e("$(A)$(A)"), json!("xx"));
        assert_eq!(e("$é$(A)"), json!("$éx"));
        assert_eq!(e("cost: $5"), json!("cost: $5"));
    }

    #[test]
    fn floats_print_like_go() {
        assert_eq!(go_float_v(1.5), "1.5");
        assert_eq!(go_float_v(1e6), "1e+06");
        assert_eq!(go_float_v(123456.0), "123456");
        assert_eq!(go_float_v(1234567.0), "1.234567e+06");
        assert_eq!(go_float_v(1.5e-7), "1.5e-07");
        assert_eq!(go_float_v(0.0001), "0.0001");
        assert_eq!(go_float_v(0.00001), "1e-05");
        assert_eq!(go_float_v(-2.25), "-2.25");
        assert_eq!(go_float_v(1e21), "1e+21");
    }

    #[test]
    fn field_values_follow_get_field_value() {
        let r = cm("src", None);
        let f = |p: &str| field_value(&r.obj, p);
        assert_eq!(f("metadata.name"), Some(VarValue::Str("src".into())));
        assert_eq!(f("data.i"), Some(VarValue::Int(42)));
        assert_eq!(f("data.f"), Some(VarValue::Float(1.5)));
        assert_eq!(f("data.b"), Some(VarValue::Bool(true)));
        assert_eq!(f("data.m"), Some(VarValue::Other));
        assert_eq!(f("data.nul"), Some(VarValue::Str("null".into())));
        assert_eq!(f("ports[1].p"), Some(VarValue::Int(2)));
        assert_eq!(f("ports.0.p"), Some(VarValue::Int(1)));
        assert_eq!(f("ports.[p=2].p"), Some(VarValue::Int(2)));
        assert_eq!(f("data.none"), None);
        assert_eq!(f("data.word.x"), None);
        assert_eq!(
            convert_slice_index(vec!["a[0]".into(), "[3]".into(), "b[x]".into()]),
            ["a", "0", "3", "b[x]"]
        );
    }

    fn config(paths: &[&str]) -> TransformerConfig {
        TransformerConfig {
            var_reference: paths
                .iter()
                .map(|p| Spec::new("", "", "", p, false))
                .collect(),
            ..TransformerConfig::default()
        }
    }

    #[test]
    fn resolves_in_strings_maps_and_lists() {
        let pod = res(
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"s": "$(WORD)-$(I)", "m": {"a": "$(F)", "n": 3, "b": "$(B)"},
                     "l": ["$(I)", "$(WORD)", "$(SCI)"], "n": "$(NUL)", "x": "$(WORD)"}}),
        );
        let mut rs = vec![cm("src", None), pod];
        let vars: Vec<Var> = [
            ("WORD", "data.word"),
            ("I", "data.i"),
            ("F", "data.f"),
            ("B", "data.b"),
            ("SCI", "data.sci"),
            ("NUL", "data.nul"),
        ]
        .iter()
        .map(|(n, p)| var(n, "ConfigMap", "src", "v1", p))
        .collect();
        let cfg = config(&["spec/s", "spec/m", "spec/l", "spec/n"]);
        resolve(&mut rs, &vars, &cfg).unwrap();
        assert_eq!(
            rs[1].obj["spec"],
            json!({"s": "abc-42", "m": {"a": 1.5, "n": 3, "b": true},
                   "l": [42, "abc", 1.5e-7], "n": "null", "x": "$(WORD)"})
        );
    }

    #[test]
    fn lists_must_hold_strings() {
        let pod = res(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "dep"},
                             "data": {"slice": [false]}}),
        );
        let mut rs = vec![cm("src", None), pod];
        let vars = [var("WORD", "ConfigMap", "src", "v1", "data.word")];
        let err = resolve(&mut rs, &vars, &config(&["data/slice"])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "considering field 'data/slice' of object Deployment.v1.apps/dep.[noNs]: invalid value type expect a string"
        );
    }

    #[test]
    fn scalars_in_the_middle_of_a_path_are_errors() {
        let dep = res(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "dep"},
            "spec": {"containers": [{"name": "a", "env": [{"value": "$(WORD)"}]},
                                    {"name": "b", "env": "oops"}]}}),
        );
        let mut rs = vec![cm("src", None), dep];
        let vars = [var("WORD", "ConfigMap", "src", "v1", "data.word")];
        let err = resolve(&mut rs, &vars, &config(&["spec/containers/env/value"])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "considering field 'spec/containers/env/value' of object Deployment.v1.apps/dep.[noNs]: \
             visit traversal on path: [env value]: expected sequence or mapping node"
        );
        assert_eq!(
            rs[1].obj["spec"]["containers"][0]["env"][0]["value"],
            json!("abc")
        );
    }

    #[test]
    fn errors_are_worded_as_kustomize_words_them() {
        let mut rs = vec![cm("src", Some("a")), cm("src", Some("b"))];
        let cfg = config(&[]);
        let e =
            |rs: &mut Vec<Resource>, vars: &[Var]| resolve(rs, vars, &cfg).unwrap_err().to_string();
        let v = var("WORD", "ConfigMap", "src", "v1", "data.word");
        assert_eq!(
            e(&mut rs, std::slice::from_ref(&v)),
            "found 2 resId matches for var {WORD ConfigMap.v1.[noGrp] {data.word}} (unable to disambiguate)"
        );
        let mut in_a = v.clone();
        in_a.obj_namespace = Some("a".into());
        in_a.field_path = "data.nope".into();
        assert_eq!(
            e(&mut rs, &[in_a]),
            "field specified in var '{WORD ConfigMap.v1.[noGrp] {data.nope}}' not found in corresponding resource"
        );
        // Without apiVersion the objref's version is blank and matches nothing.
        let no_version = var("WORD", "ConfigMap", "src", "", "metadata.name");
        assert_eq!(
            e(&mut rs, &[no_version]),
            "var '{WORD ConfigMap.[noVer].[noGrp] {metadata.name}}' cannot be mapped to a field in the set of known resources"
        );
        assert_eq!(
            e(&mut rs, &[v.clone(), v.clone()]),
            "var 'WORD' already encountered"
        );

        let mut known = Vec::new();
        let err = merge_vars(&rs, &mut known, std::slice::from_ref(&v)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "merging vars [{WORD ConfigMap.[noVer].[noGrp] {data.word}}]: found 2 resId matches for var {WORD ConfigMap.v1.[noGrp] {data.word}} (unable to disambiguate)"
        );
        let mut one = v.clone();
        one.obj_namespace = Some("b".into());
        merge_vars(&rs, &mut known, std::slice::from_ref(&one)).unwrap();
        let err = merge_vars(&rs, &mut known, &[one]).unwrap_err();
        assert!(err.to_string().ends_with("var 'WORD' already encountered"));
        let err = merge_base_vars(&mut known, vec![v], "/x/base").unwrap_err();
        assert_eq!(
            err.to_string(),
            "recursed merging from path '/x/base': var 'WORD' already encountered"
        );
    }

    #[test]
    fn namespaces_match_effectively() {
        let mut rs = [cm("src", None)];
        let mut v = var("WORD", "ConfigMap", "src", "v1", "data.word");
        v.obj_namespace = Some("default".into());
        assert!(matches(&v, &rs[0]));
        v.obj_namespace = Some("other".into());
        assert!(!matches(&v, &rs[0]));
        rs[0].store_previous_id();
        rs[0].set_name("p-src");
        v.obj_namespace = None;
        assert!(matches(&v, &rs[0]), "previous names match");
    }

    /// Two overlays of one base each declare a var for "their" copy; above
    /// them both copies once had the same name. Pinning at merge time keeps
    /// each var on its own copy.
    #[test]
    fn merge_pins_vars_to_the_resource_matched_where_declared() {
        let rename = |r: &mut Resource, name: &str| {
            r.store_previous_id();
            r.set_name(name);
        };
        let mut zero = cm("secret", None);
        rename(&mut zero, "zero-secret");
        let mut zero_vars = Vec::new();
        merge_vars(
            std::slice::from_ref(&zero),
            &mut zero_vars,
            &[var("ZERO", "ConfigMap", "secret", "v1", "metadata.name")],
        )
        .unwrap();
        let mut one = cm("secret", None);
        rename(&mut one, "one-secret");
        let mut one_vars = Vec::new();
        merge_vars(
            std::slice::from_ref(&one),
            &mut one_vars,
            &[var("ONE", "ConfigMap", "secret", "v1", "metadata.name")],
        )
        .unwrap();

        let mut known = Vec::new();
        merge_base_vars(&mut known, zero_vars, "zero").unwrap();
        merge_base_vars(&mut known, one_vars, "one").unwrap();
        let pod = res(
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                             "spec": {"a": "$(ZERO)", "b": "$(ONE)"}}),
        );
        let mut rs = vec![zero, one, pod];
        for r in rs.iter_mut().take(2) {
            let n = format!("top-{}", r.name());
            rename(r, &n);
        }
        resolve(&mut rs, &known, &config(&["spec"])).unwrap();
        assert_eq!(
            rs[2].obj["spec"],
            json!({"a": "top-zero-secret", "b": "top-one-secret"})
        );
        // Unpinned, the same objrefs are ambiguous at the top.
        let plain = [var("ZERO", "ConfigMap", "secret", "v1", "metadata.name")];
        assert!(resolve(&mut rs, &plain, &config(&["spec"])).is_err());
    }

    #[test]
    fn a_var_unmatched_where_declared_stays_unmatched() {
        let mut known = Vec::new();
        merge_vars(
            &[],
            &mut known,
            &[var("W", "ConfigMap", "src", "v1", "data.word")],
        )
        .unwrap();
        let mut rs = vec![cm("src", None)];
        let err = resolve(&mut rs, &known, &config(&[])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "var '{W ConfigMap.v1.[noGrp] {data.word}}' cannot be mapped to a field in the set of known resources"
        );
    }
}
