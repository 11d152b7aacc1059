//! Name references: fields that name other objects follow their renames (kustomize's back-reference fix-up).
//!
//! Runs once, at the top level, after every rename (prefixes, suffixes,
//! namespaces, generator hashes, patches): a referring field whose value is a
//! previous name of a candidate object gets that object's current name.

use serde_json::Value;

use super::resource::{Gvk, ResId, Resource};
use super::transform::{NameRefSpec, Spec, TransformError, TransformerConfig, walk};

/// What name resolution needs to know about a possible referral target.
struct Cand {
    cur: ResId,
    org: ResId,
    prev: Vec<ResId>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    name: String,
    namespace: String,
}

impl Cand {
    fn of(r: &Resource) -> Self {
        Cand {
            cur: r.cur_id(),
            org: r.org_id(),
            prev: r.prev_ids().collect(),
            prefixes: r.prefixes.clone(),
            suffixes: r.suffixes.clone(),
            name: r.name().to_string(),
            namespace: r.namespace().to_string(),
        }
    }
}

/// kustomize's `SameEndingSubSlice`: the shorter list is the tail of the longer one
/// (two empty lists match; an empty list matches only an empty one).
fn same_ending(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return long.is_empty();
    }
    long[long.len() - short.len()..] == *short
}

fn prefix_suffix_equals(a: &Cand, b: &Cand, allow_empty: bool) -> bool {
    if allow_empty {
        let p_empty = a.prefixes.is_empty() || b.prefixes.is_empty();
        let s_empty = a.suffixes.is_empty() || b.suffixes.is_empty();
        (p_empty || same_ending(&a.prefixes, &b.prefixes))
            && (s_empty || same_ending(&a.suffixes, &b.suffixes))
    } else {
        same_ending(&a.prefixes, &b.prefixes) && same_ending(&a.suffixes, &b.suffixes)
    }
}

/// The namespace key kustomize groups by: blank is `default`, cluster-scoped has none.
fn group_ns(id: &ResId) -> Option<&str> {
    if id.gvk.is_cluster_scoped() {
        None
    } else {
        Some(id.effective_namespace())
    }
}

/// Objects a referrer may point at: cluster-scoped ones, ones in its namespace,
/// and for a RoleBinding the namespaces of its ServiceAccount subjects.
struct Index {
    cluster: Vec<usize>,
    by_ns: std::collections::HashMap<String, Vec<usize>>,
    by_prev_name: std::collections::HashMap<String, Vec<usize>>,
}

impl Index {
    fn new(cands: &[Cand]) -> Self {
        let mut ix = Index {
            cluster: Vec::new(),
            by_ns: Default::default(),
            by_prev_name: Default::default(),
        };
        for (i, c) in cands.iter().enumerate() {
            if c.cur.gvk.is_cluster_scoped() {
                ix.cluster.push(i);
            } else {
                ix.by_ns
                    .entry(c.cur.effective_namespace().to_string())
                    .or_default()
                    .push(i);
            }
            for p in &c.prev {
                let v = ix.by_prev_name.entry(p.name.clone()).or_default();
                if v.last() != Some(&i) {
                    v.push(i);
                }
            }
        }
        ix
    }
}

fn could_be_referenced(
    cands: &[Cand],
    ix: &Index,
    referrer: &Resource,
) -> Result<Vec<usize>, TransformError> {
    let rid = referrer.cur_id();
    if rid.gvk.is_cluster_scoped() {
        return Ok((0..cands.len()).collect());
    }
    let mut binding_ns: Vec<String> = Vec::new();
    if referrer.kind() == "RoleBinding"
        && let Some(Value::Array(subjects)) = referrer.obj.get("subjects")
    {
        for s in subjects {
            if let (Some(ns), Some(kind)) = (s.get("namespace"), s.get("kind"))
                && kind.as_str() == Some("ServiceAccount")
            {
                match ns.as_str() {
                    Some(n) => binding_ns.push(n.to_string()),
                    None => {
                        return Err(TransformError::Resource {
                            resource: rid.to_string(),
                            message:
                                "a ServiceAccount subject has a namespace that is not a string"
                                    .into(),
                        });
                    }
                }
            }
        }
    }
    let mut out: Vec<usize> = ix.cluster.clone();
    if let Some(v) = ix.by_ns.get(rid.effective_namespace()) {
        out.extend(v);
    }
    if !binding_ns.is_empty() {
        out.extend(
            cands
                .iter()
                .enumerate()
                .filter(|(_, c)| binding_ns.contains(&c.namespace))
                .map(|(i, _)| i),
        );
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

struct Ctx<'a> {
    cands: &'a [Cand],
    ix: &'a Index,
    referrer: &'a Cand,
    referrer_cluster_scoped: bool,
    target: &'a Gvk,
    /// For `roleRef/name` fields: the group and kind the roleRef names.
    role_ref: Option<Gvk>,
}

impl Ctx<'_> {
    fn select(
        &self,
        old: &str,
        pool: &[usize],
        same_ns_too: bool,
    ) -> Result<Option<usize>, String> {
        let c = self.cands;
        let named: &[usize] = self.ix.by_prev_name.get(old).map_or(&[], |v| v.as_slice());
        let mut v: Vec<usize> = named
            .iter()
            .copied()
            .filter(|i| pool.binary_search(i).is_ok())
            .filter(|&i| c[i].prev.iter().any(|id| self.target.selects(&id.gvk)))
            .filter(|&i| match &self.role_ref {
                Some(rr) => c[i].prev.iter().any(|id| rr.selects(&id.gvk)),
                None => true,
            })
            .filter(|&i| {
                self.referrer_cluster_scoped
                    || c[i].cur.gvk.is_cluster_scoped()
                    || c[i].cur.gvk.kind == "ServiceAccount"
                    || c[i].cur.ns_equals(&self.referrer.cur)
            })
            .collect();
        if v.len() == 1 {
            return Ok(Some(v[0]));
        }
        v.retain(|&i| prefix_suffix_equals(&c[i], self.referrer, true));
        if v.len() > 1 {
            v.retain(|&i| prefix_suffix_equals(&c[i], self.referrer, false));
        }
        match v.len() {
            0 => Ok(None),
            1 => Ok(Some(v[0])),
            _ => {
                let first = &c[v[0]];
                let identical = v.iter().all(|&i| {
                    c[i].name == first.name && (!same_ns_too || c[i].namespace == first.namespace)
                });
                if identical {
                    Ok(Some(v[0]))
                } else {
                    let ids: Vec<String> = v.iter().map(|&i| c[i].cur.to_string()).collect();
                    Err(format!(
                        "found multiple possible referrals for {old:?}: {}; give the objects distinct names or namespaces",
                        ids.join(", ")
                    ))
                }
            }
        }
    }

    fn set_scalar(&self, v: &mut Value, pool: &[usize]) -> Result<(), String> {
        let Some(old) = v.as_str() else { return Ok(()) };
        if let Some(i) = self.select(old, pool, false)? {
            *v = Value::String(self.cands[i].name.clone());
        }
        Ok(())
    }

    fn set_mapping(&self, v: &mut Value, pool: &[usize]) -> Result<(), String> {
        let Value::Object(m) = v else { return Ok(()) };
        let Some(name) = m.get("name") else {
            return Err("path config error; no 'name' field in node".into());
        };
        let old = match name {
            Value::String(s) => s.clone(),
            Value::Null => return Ok(()),
            other => other.to_string(),
        };
        let pool: Vec<usize> = match m.get("namespace").and_then(Value::as_str) {
            None => pool.to_vec(),
            Some(ns) => {
                let by_org: Vec<usize> = pool
                    .iter()
                    .copied()
                    .filter(|&i| group_ns(&self.cands[i].org) == Some(ns))
                    .collect();
                if by_org.is_empty() {
                    pool.iter()
                        .copied()
                        .filter(|&i| group_ns(&self.cands[i].cur) == Some(ns))
                        .collect()
                } else {
                    by_org
                }
            }
        };
        let Some(i) = self.select(&old, &pool, true)? else {
            return Ok(());
        };
        let c = &self.cands[i];
        if c.name == old && c.namespace.is_empty() {
            return Ok(());
        }
        m.insert("name".into(), Value::String(c.name.clone()));
        if !c.namespace.is_empty() {
            m.insert("namespace".into(), Value::String(c.namespace.clone()));
        }
        Ok(())
    }

    fn set(&self, v: &mut Value, pool: &[usize]) -> Result<(), String> {
        match v {
            Value::Null => Ok(()),
            Value::String(_) => self.set_scalar(v, pool),
            Value::Object(_) => self.set_mapping(v, pool),
            Value::Array(items) => {
                for item in items {
                    match item {
                        Value::Object(_) => self.set_mapping(item, pool)?,
                        _ => self.set_scalar(item, pool)?,
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

fn role_ref_gvk(r: &Resource) -> Option<Gvk> {
    let rr = r.obj.get("roleRef")?;
    Some(Gvk {
        group: rr.get("apiGroup")?.as_str()?.to_string(),
        version: String::new(),
        kind: rr.get("kind")?.as_str()?.to_string(),
    })
}

/// Fixes every name reference in `resources`.
pub fn fix(resources: &mut [Resource], config: &TransformerConfig) -> Result<(), TransformError> {
    // Which (target, field spec) pairs apply to which resource, chosen by original id.
    let orgs: Vec<ResId> = resources.iter().map(Resource::org_id).collect();
    let mut filters: Vec<Vec<(&NameRefSpec, &Spec)>> = vec![Vec::new(); resources.len()];
    for nr in &config.name_reference {
        for spec in &nr.referrers {
            for (i, org) in orgs.iter().enumerate() {
                if spec.gvk.selects(&org.gvk) {
                    filters[i].push((nr, spec));
                }
            }
        }
    }
    let cands: Vec<Cand> = resources.iter().map(Cand::of).collect();
    let ix = Index::new(&cands);
    for (i, list) in filters.iter().enumerate() {
        if list.is_empty() {
            continue;
        }
        let pool = could_be_referenced(&cands, &ix, &resources[i])?;
        let referrer = &cands[i];
        for (nr, spec) in list {
            let path = spec.path.join("/");
            let role_ref = if path.ends_with("roleRef/name") {
                role_ref_gvk(&resources[i])
            } else {
                None
            };
            let ctx = Ctx {
                cands: &cands,
                ix: &ix,
                referrer,
                referrer_cluster_scoped: referrer.cur.gvk.is_cluster_scoped(),
                target: &nr.gvk,
                role_ref,
            };
            walk(&mut resources[i].obj, &spec.path, None, &mut |v| {
                ctx.set(v, &pool)
            })
            .map_err(|m| TransformError::Resource {
                resource: referrer.cur.to_string(),
                message: format!("updating name reference in '{path}': {m}"),
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_ending_sub_slice() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(same_ending(&s(&[]), &s(&[])));
        assert!(!same_ending(&s(&[]), &s(&["a"])));
        assert!(same_ending(&s(&["b"]), &s(&["a", "b"])));
        assert!(!same_ending(&s(&["a"]), &s(&["a", "b"])));
    }
}
