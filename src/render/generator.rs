//! ConfigMap and Secret generators, and the content hash kustomize appends to their names.

use base64::Engine as _;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::kustomization::{Generator, GeneratorOptions};

/// Why a generator could not produce its object.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum GeneratorError {
    #[error("{generator} {name:?}: invalid literal {literal:?}: expected KEY=VALUE")]
    Literal {
        generator: &'static str,
        name: String,
        literal: String,
    },
    #[error("{generator} {name:?}: {file}:{line}: invalid line {text:?}: expected KEY=VALUE")]
    EnvLine {
        generator: &'static str,
        name: String,
        file: String,
        line: usize,
        text: String,
    },
    #[error("{generator} {name:?}: key {key:?} is set twice; each key may appear once")]
    DuplicateKey {
        generator: &'static str,
        name: String,
        key: String,
    },
    #[error(
        "{generator} {name:?}: invalid key {key:?}: keys may hold only letters, digits, '-', '_' and '.'"
    )]
    InvalidKey {
        generator: &'static str,
        name: String,
        key: String,
    },
    #[error("{generator}: a generator needs a `name`")]
    MissingName { generator: &'static str },
}

/// Inputs a generator reads from files, already loaded by the caller (the core does no I/O).
pub struct GeneratorInputs {
    /// `files:` entries as (key, contents).
    pub files: Vec<(String, Vec<u8>)>,
    /// `envs:` files as (display path, text).
    pub envs: Vec<(String, String)>,
}

/// Splits a `files:` entry into its key and path (`key=path` or just `path`).
pub fn file_key_and_path(entry: &str) -> (String, String) {
    match entry.split_once('=') {
        Some((k, p)) => (k.to_string(), p.to_string()),
        None => {
            let base = entry.rsplit('/').next().unwrap_or(entry);
            (base.to_string(), entry.to_string())
        }
    }
}

/// kustomize's key validators accept anything; only an empty key is refused here.
fn valid_key(key: &str) -> bool {
    !key.is_empty()
}

/// kustomize strips one pair of matching surrounding quotes from a literal's value.
fn unquote(v: &str) -> &str {
    let b = v.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        &v[1..v.len() - 1]
    } else {
        v
    }
}

/// Parses an env file: `KEY=VALUE` lines; blank lines and `#` comments skipped.
fn parse_env(
    generator: &'static str,
    name: &str,
    file: &str,
    text: &str,
) -> Result<Vec<(String, String)>, GeneratorError> {
    let mut out = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let line = raw.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // kustomize keeps trailing spaces and quotes, and a line without `=` is a key with an empty value.
        match line.split_once('=') {
            Some(("", _)) => {
                return Err(GeneratorError::EnvLine {
                    generator,
                    name: name.to_string(),
                    file: file.to_string(),
                    line: i + 1,
                    text: raw.to_string(),
                });
            }
            Some((k, v)) => out.push((k.to_string(), v.to_string())),
            None => out.push((line.to_string(), String::new())),
        }
    }
    Ok(out)
}

/// Builds the generated ConfigMap or Secret object.
pub fn generate(
    spec: &Generator,
    secret: bool,
    inputs: &GeneratorInputs,
    global: Option<&GeneratorOptions>,
) -> Result<(Value, bool), GeneratorError> {
    let generator = if secret {
        "secretGenerator"
    } else {
        "configMapGenerator"
    };
    if spec.name.is_empty() {
        return Err(GeneratorError::MissingName { generator });
    }
    let mut data: Vec<(String, Vec<u8>)> = Vec::new();
    let push = |k: String, v: Vec<u8>, data: &mut Vec<(String, Vec<u8>)>| {
        if !valid_key(&k) {
            return Err(GeneratorError::InvalidKey {
                generator,
                name: spec.name.clone(),
                key: k,
            });
        }
        if data.iter().any(|(e, _)| *e == k) {
            return Err(GeneratorError::DuplicateKey {
                generator,
                name: spec.name.clone(),
                key: k,
            });
        }
        data.push((k, v));
        Ok(())
    };
    for (file, text) in &inputs.envs {
        for (k, v) in parse_env(generator, &spec.name, file, text)? {
            push(k, v.into_bytes(), &mut data)?;
        }
    }
    for lit in &spec.literals {
        let (k, v) = lit
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| GeneratorError::Literal {
                generator,
                name: spec.name.clone(),
                literal: lit.clone(),
            })?;
        push(k.to_string(), unquote(v).as_bytes().to_vec(), &mut data)?;
    }
    for (k, contents) in &inputs.files {
        push(k.clone(), contents.clone(), &mut data)?;
    }

    let mut metadata = Map::new();
    metadata.insert("name".into(), Value::String(spec.name.clone()));
    if let Some(ns) = &spec.namespace {
        metadata.insert("namespace".into(), Value::String(ns.clone()));
    }
    let opts = merge_options(global, spec.options.as_ref());
    if !opts.labels.is_empty() {
        metadata.insert("labels".into(), string_map(&opts.labels));
    }
    if !opts.annotations.is_empty() {
        metadata.insert("annotations".into(), string_map(&opts.annotations));
    }

    let mut obj = Map::new();
    obj.insert("apiVersion".into(), Value::String("v1".into()));
    obj.insert(
        "kind".into(),
        Value::String(if secret { "Secret" } else { "ConfigMap" }.into()),
    );
    obj.insert("metadata".into(), Value::Object(metadata));
    let b64 = base64::engine::general_purpose::STANDARD;
    if secret {
        obj.insert(
            "type".into(),
            Value::String(spec.secret_type.clone().unwrap_or_else(|| "Opaque".into())),
        );
        let mut d = Map::new();
        for (k, v) in data {
            d.insert(k, Value::String(wrap_base64(&b64.encode(v))));
        }
        obj.insert("data".into(), Value::Object(d));
    } else {
        let (mut d, mut bin) = (Map::new(), Map::new());
        for (k, v) in data {
            match String::from_utf8(v) {
                Ok(s) => {
                    d.insert(k, Value::String(s));
                }
                Err(e) => {
                    bin.insert(k, Value::String(wrap_base64(&b64.encode(e.into_bytes()))));
                }
            }
        }
        if !d.is_empty() {
            obj.insert("data".into(), Value::Object(d));
        }
        if !bin.is_empty() {
            obj.insert("binaryData".into(), Value::Object(bin));
        }
    }
    if opts.immutable == Some(true) {
        obj.insert("immutable".into(), Value::Bool(true));
    }
    let needs_hash = !opts.disable_name_suffix_hash.unwrap_or(false);
    Ok((Value::Object(obj), needs_hash))
}

/// kustomize breaks base64 text of 70 characters or more into 70-character lines,
/// each ending with a newline.
fn wrap_base64(s: &str) -> String {
    if s.len() < 70 {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + s.len() / 70 + 1);
    for chunk in s.as_bytes().chunks(70) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out
}

fn string_map(m: &indexmap::IndexMap<String, String>) -> Value {
    Value::Object(
        m.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// Kustomization-wide options overlaid by the generator's own.
pub fn merge_options(
    global: Option<&GeneratorOptions>,
    local: Option<&GeneratorOptions>,
) -> GeneratorOptions {
    let mut out = global.cloned().unwrap_or_default();
    if let Some(l) = local {
        for (k, v) in &l.labels {
            out.labels.insert(k.clone(), v.clone());
        }
        for (k, v) in &l.annotations {
            out.annotations.insert(k.clone(), v.clone());
        }
        // kustomize ORs the two flags.
        if l.disable_name_suffix_hash == Some(true) {
            out.disable_name_suffix_hash = Some(true);
        }
        if l.immutable == Some(true) {
            out.immutable = Some(true);
        }
    }
    out
}

/// The 10-character suffix kustomize appends to a generated object's name.
pub fn name_hash(obj: &Value) -> String {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    // kustomize looks the name up as a single field called "metadata/name", which
    // never exists, so the name never counts: equal data gives equal suffixes.
    let name = Value::String(String::new());
    let field = |k: &str| obj.get(k).cloned().unwrap_or(Value::String(String::new()));
    let mut m = Map::new();
    let encoded = match kind {
        "ConfigMap" => {
            m.insert("kind".into(), Value::String("ConfigMap".into()));
            m.insert("name".into(), name);
            m.insert("data".into(), field("data"));
            if let Some(b @ Value::Object(_)) = obj.get("binaryData") {
                m.insert("binaryData".into(), b.clone());
            }
            go_json(&Value::Object(m))
        }
        "Secret" => {
            m.insert("kind".into(), Value::String("Secret".into()));
            m.insert("type".into(), field("type"));
            m.insert("name".into(), name);
            m.insert("data".into(), field("data"));
            if let Some(s @ Value::Object(_)) = obj.get("stringData") {
                m.insert("stringData".into(), s.clone());
            }
            go_json(&Value::Object(m))
        }
        _ => go_json(obj),
    };
    let digest = Sha256::digest(encoded.as_bytes());
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    hex.chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

/// JSON as Go's `encoding/json` writes it: map keys sorted, HTML characters escaped.
pub fn go_json(v: &Value) -> String {
    let mut out = String::new();
    write_go_json(v, &mut out);
    out
}

fn write_go_json(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&go_number(n)),
        Value::String(s) => write_go_string(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json(x, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_string(k, out);
                out.push(':');
                write_go_json(&m[k.as_str()], out);
            }
            out.push('}');
        }
    }
}

/// Go formats a float64 with the shortest representation, `e` notation outside [1e-6, 1e21).
pub fn go_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        // Go: strconv 'e' format with at least two exponent digits.
        let s = format!("{f:e}");
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let (sign, digits) = match exp.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exp),
        };
        let digits = if digits.len() < 2 {
            format!("0{digits}")
        } else {
            digits.to_string()
        };
        format!("{mant}e{sign}{digits}")
    } else {
        // Rust prints the shortest digits that read back, padded with zeros, as Go does
        // (`1.8446744073709552e19` is 18446744073709552000, `1.0` is 1).
        format!("{f}")
    }
}

fn write_go_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cm(literals: &[&str]) -> Generator {
        Generator {
            name: "test".into(),
            literals: literals.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn literal_quote_only_value_keeps_the_quote() {
        let inputs = GeneratorInputs {
            files: vec![],
            envs: vec![],
        };
        let (obj, needs_hash) = generate(&cm(&["TEST='"]), false, &inputs, None).unwrap();
        assert!(needs_hash);
        assert_eq!(obj["data"]["TEST"], json!("'"));
        // Matches kustomize's expected name in configmaps__TestDataIsSingleQuote.
        assert_eq!(name_hash(&obj), "m8t7bmb6g2");
    }

    #[test]
    fn go_json_escapes_like_encoding_json() {
        assert_eq!(
            go_json(&json!({"b": "<&>", "a": 1.5, "c": 2.0})),
            r#"{"a":1.5,"b":"\u003c\u0026\u003e","c":2}"#
        );
    }

    #[test]
    fn env_file_comments_and_bad_lines() {
        let inputs = GeneratorInputs {
            files: vec![],
            envs: vec![(
                "a.env".into(),
                "# c\n\nA=1\n  B=x=y  \nNOVALUE\n=bad\n".into(),
            )],
        };
        let err = generate(&cm(&[]), false, &inputs, None).unwrap_err();
        assert!(
            matches!(err, GeneratorError::EnvLine { line: 6, .. }),
            "{err}"
        );
        let inputs = GeneratorInputs {
            files: vec![],
            envs: vec![("a.env".into(), "A=1\n  B=x=y  \nNOVALUE\n".into())],
        };
        let (obj, _) = generate(&cm(&[]), false, &inputs, None).unwrap();
        assert_eq!(obj["data"], json!({"A": "1", "B": "x=y  ", "NOVALUE": ""}));
    }

    #[test]
    fn secrets_are_base64_and_opaque() {
        let inputs = GeneratorInputs {
            files: vec![],
            envs: vec![],
        };
        let (obj, _) = generate(&cm(&["k=v"]), true, &inputs, None).unwrap();
        assert_eq!(obj["data"]["k"], json!("dg=="));
        assert_eq!(obj["type"], json!("Opaque"));
    }
}
