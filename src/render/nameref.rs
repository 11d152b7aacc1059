//! Name references: fields that name other objects follow their renames (kustomize's back-reference fix-up).
//!
//! Runs once, at the top level, after every rename (prefixes, suffixes,
//! namespaces, generator hashes, patches): a referring field whose value is a
//! previous name of a candidate object gets that object's current name.

use std::collections::HashMap;

use serde_json::Value;

use super::resource::{Gvk, ResId, Resource};
use super::transform::{NameRefSpec, Spec, TransformError, TransformerConfig, walk};

/// What name resolution needs to know about a resource, as a referrer or a
/// possible target. Ids, prefixes and suffixes are borrowed: nameref only
/// changes the objects, which are set aside while it runs.
struct Cand<'a> {
    cur: ResId,
    /// Stored previous ids; kustomize reports them with the current group and version.
    prev: &'a [ResId],
    prefixes: &'a [String],
    suffixes: &'a [String],
}

impl<'a> Cand<'a> {
    fn of(r: &'a Resource, cur: ResId) -> Self {
        Cand {
            cur,
            prev: &r.prev_ids,
            prefixes: &r.prefixes,
            suffixes: &r.suffixes,
        }
    }

    /// The id it was loaded with.
    fn org(&self) -> &ResId {
        self.prev.first().unwrap_or(&self.cur)
    }

    /// Whether `sel` selects one of the previous ids.
    fn prev_selected_by(&self, sel: &Gvk) -> bool {
        let (group, version) = (&self.cur.gvk.group, &self.cur.gvk.version);
        self.prev.iter().any(|p| {
            (sel.group.is_empty() || sel.group == *group)
                && (sel.version.is_empty() || sel.version == *version)
                && (sel.kind.is_empty() || sel.kind == p.gvk.kind)
        })
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
        (p_empty || same_ending(a.prefixes, b.prefixes))
            && (s_empty || same_ending(a.suffixes, b.suffixes))
    } else {
        same_ending(a.prefixes, b.prefixes) && same_ending(a.suffixes, b.suffixes)
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

/// Candidates by previous name (the only way a reference finds its target) and
/// by original namespace.
struct Index<'a> {
    by_prev_name: HashMap<&'a str, Vec<usize>>,
    by_org_ns: HashMap<Option<&'a str>, Vec<usize>>,
}

impl<'a> Index<'a> {
    fn new(cands: &'a [Cand<'a>]) -> Self {
        let mut ix = Index {
            by_prev_name: HashMap::new(),
            by_org_ns: HashMap::new(),
        };
        for (i, c) in cands.iter().enumerate() {
            for p in c.prev {
                let v = ix.by_prev_name.entry(p.name.as_str()).or_default();
                if v.last() != Some(&i) {
                    v.push(i);
                }
            }
            ix.by_org_ns.entry(group_ns(c.org())).or_default().push(i);
        }
        ix
    }
}

/// The objects a referrer may point at (kustomize's `couldBeReferenced`):
/// everything for a cluster-scoped referrer; otherwise cluster-scoped objects,
/// objects in its namespace, and for a RoleBinding the namespaces of its
/// ServiceAccount subjects.
struct Pool {
    all: bool,
    namespace: String,
    binding_ns: Vec<String>,
}

impl Pool {
    fn of(referrer: &Cand, obj: &Value) -> Result<Self, TransformError> {
        let rid = &referrer.cur;
        let mut binding_ns: Vec<String> = Vec::new();
        if rid.gvk.kind == "RoleBinding"
            && let Some(Value::Array(subjects)) = obj.get("subjects")
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
        Ok(Pool {
            all: rid.gvk.is_cluster_scoped(),
            namespace: rid.effective_namespace().to_string(),
            binding_ns,
        })
    }

    fn contains(&self, c: &Cand) -> bool {
        self.all
            || c.cur.gvk.is_cluster_scoped()
            || c.cur.effective_namespace() == self.namespace
            || self.binding_ns.contains(&c.cur.namespace)
    }
}

struct Ctx<'a> {
    cands: &'a [Cand<'a>],
    ix: &'a Index<'a>,
    pool: &'a Pool,
    referrer: &'a Cand<'a>,
    referrer_cluster_scoped: bool,
    target: &'a Gvk,
    /// For `roleRef/name` fields: the group and kind the roleRef names.
    role_ref: Option<Gvk>,
}

/// Which namespace a mapping reference narrows the pool to, and by which id.
#[derive(Clone, Copy)]
enum NsFilter<'s> {
    None,
    Org(&'s str),
    Cur(&'s str),
}

impl Ctx<'_> {
    fn in_pool(&self, i: usize, filter: NsFilter) -> bool {
        let c = &self.cands[i];
        self.pool.contains(c)
            && match filter {
                NsFilter::None => true,
                NsFilter::Org(ns) => group_ns(c.org()) == Some(ns),
                NsFilter::Cur(ns) => group_ns(&c.cur) == Some(ns),
            }
    }

    fn select(
        &self,
        old: &str,
        filter: NsFilter,
        same_ns_too: bool,
    ) -> Result<Option<usize>, String> {
        let c = self.cands;
        let named: &[usize] = self.ix.by_prev_name.get(old).map_or(&[], |v| v.as_slice());
        let mut v: Vec<usize> = named
            .iter()
            .copied()
            .filter(|&i| self.in_pool(i, filter))
            .filter(|&i| c[i].prev_selected_by(self.target))
            .filter(|&i| match &self.role_ref {
                Some(rr) => c[i].prev_selected_by(rr),
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
                let first = &c[v[0]].cur;
                let identical = v.iter().all(|&i| {
                    c[i].cur.name == first.name
                        && (!same_ns_too || c[i].cur.namespace == first.namespace)
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

    fn set_scalar(&self, v: &mut Value) -> Result<(), String> {
        let Some(old) = v.as_str() else { return Ok(()) };
        if let Some(i) = self.select(old, NsFilter::None, false)? {
            *v = Value::String(self.cands[i].cur.name.clone());
        }
        Ok(())
    }

    fn set_mapping(&self, v: &mut Value) -> Result<(), String> {
        let Value::Object(m) = v else { return Ok(()) };
        let Some(name) = m.get("name") else {
            return Err("path config error; no 'name' field in node".into());
        };
        let old = match name {
            Value::String(s) => s.clone(),
            Value::Null => return Ok(()),
            other => other.to_string(),
        };
        let ns = m
            .get("namespace")
            .and_then(Value::as_str)
            .map(str::to_string);
        // A namespace narrows the pool to objects originally in it, or else currently in it.
        let filter = match ns.as_deref() {
            None => NsFilter::None,
            Some(ns) => {
                let by_org = self
                    .ix
                    .by_org_ns
                    .get(&Some(ns))
                    .is_some_and(|v| v.iter().any(|&i| self.pool.contains(&self.cands[i])));
                if by_org {
                    NsFilter::Org(ns)
                } else {
                    NsFilter::Cur(ns)
                }
            }
        };
        let Some(i) = self.select(&old, filter, true)? else {
            return Ok(());
        };
        let c = &self.cands[i].cur;
        if c.name == old && c.namespace.is_empty() {
            return Ok(());
        }
        m.insert("name".into(), Value::String(c.name.clone()));
        if !c.namespace.is_empty() {
            m.insert("namespace".into(), Value::String(c.namespace.clone()));
        }
        Ok(())
    }

    fn set(&self, v: &mut Value) -> Result<(), String> {
        match v {
            Value::Null => Ok(()),
            Value::String(_) => self.set_scalar(v),
            Value::Object(_) => self.set_mapping(v),
            Value::Array(items) => {
                for item in items {
                    match item {
                        Value::Object(_) => self.set_mapping(item)?,
                        _ => self.set_scalar(item)?,
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

fn role_ref_gvk(obj: &Value) -> Option<Gvk> {
    let rr = obj.get("roleRef")?;
    Some(Gvk {
        group: rr.get("apiGroup")?.as_str()?.to_string(),
        version: String::new(),
        kind: rr.get("kind")?.as_str()?.to_string(),
    })
}

/// Fixes every name reference in `resources`.
pub fn fix(resources: &mut [Resource], config: &TransformerConfig) -> Result<(), TransformError> {
    // Ids are taken before any change (kustomize resolves against one snapshot); the
    // objects are set aside so the rest of each resource can be borrowed meanwhile.
    let ids: Vec<ResId> = resources.iter().map(Resource::cur_id).collect();
    let mut objs: Vec<Value> = resources
        .iter_mut()
        .map(|r| std::mem::take(&mut r.obj))
        .collect();
    let result = fix_objects(resources, ids, &mut objs, config);
    for (r, obj) in resources.iter_mut().zip(objs) {
        r.obj = obj;
    }
    result
}

fn fix_objects(
    resources: &[Resource],
    ids: Vec<ResId>,
    objs: &mut [Value],
    config: &TransformerConfig,
) -> Result<(), TransformError> {
    let cands: Vec<Cand> = resources
        .iter()
        .zip(ids)
        .map(|(r, id)| Cand::of(r, id))
        .collect();
    let ix = Index::new(&cands);
    for (i, obj) in objs.iter_mut().enumerate() {
        let referrer = &cands[i];
        // Which (target, field spec) pairs apply, chosen by original id, in config order.
        let org_gvk = &referrer.org().gvk;
        let specs: Vec<(&NameRefSpec, &Spec)> = config
            .name_reference
            .iter()
            .flat_map(|nr| nr.referrers.iter().map(move |spec| (nr, spec)))
            .filter(|(_, spec)| spec.gvk.selects(org_gvk))
            .collect();
        if specs.is_empty() {
            continue;
        }
        let pool = Pool::of(referrer, obj)?;
        for (nr, spec) in specs {
            let path = spec.path.join("/");
            let role_ref = if path.ends_with("roleRef/name") {
                role_ref_gvk(obj)
            } else {
                None
            };
            let ctx = Ctx {
                cands: &cands,
                ix: &ix,
                pool: &pool,
                referrer,
                referrer_cluster_scoped: referrer.cur.gvk.is_cluster_scoped(),
                target: &nr.gvk,
                role_ref,
            };
            walk(obj, &spec.path, None, &mut |v| ctx.set(v)).map_err(|m| {
                TransformError::Resource {
                    resource: referrer.cur.to_string(),
                    message: format!("updating name reference in '{path}': {m}"),
                }
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
