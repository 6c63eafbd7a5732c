//! Client-side filtering of any collection by dotted attribute paths and glob patterns, for
//! what the engine's search cannot express (the python-rhev `filter={...}` idea).

use crate::wire::Resource;

/// Conditions on dotted paths (`name`, `cluster.id`, `cpu.topology.sockets`) with `*` and `?`
/// wildcards; all must hold. A path that is absent never matches; `*` matches any present value.
///
/// ```
/// use omnivirt_ovirt::Filter;
/// use omnivirt_ovirt::types::{Host, Linked};
///
/// let host = Host { name: Some("web-01".into()), cluster: Some(Linked::by_id("c1")), ..Host::default() };
/// assert!(Filter::new().eq("name", "web*").eq("cluster.id", "c?").matches(&host));
/// assert!(!Filter::new().eq("name", "db*").matches(&host));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Filter {
    conds: Vec<(String, String)>,
}

impl Filter {
    /// A filter that matches everything.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a condition: the value at `path` matches the glob `pattern`.
    pub fn eq(mut self, path: impl Into<String>, pattern: impl Into<String>) -> Self {
        self.conds.push((path.into(), pattern.into()));
        self
    }

    /// A filter from `(path, pattern)` pairs.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Filter {
            conds: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// True if `obj` meets every condition. The paths are those of the object's JSON form, keyed
    /// by the model's names (as `omnivirt api call` prints it): `cluster.id`, `vlan.id`.
    pub fn matches<T: Resource>(&self, obj: &T) -> bool {
        if self.conds.is_empty() {
            return true;
        }
        match obj.to_json() {
            Ok(v) => self.matches_json(&v),
            Err(_) => false,
        }
    }

    /// True if the JSON value `v` meets every condition.
    pub fn matches_json(&self, v: &serde_json::Value) -> bool {
        self.conds.iter().all(|(path, pat)| {
            let mut cur = v;
            for part in path.split('.') {
                match cur.get(part) {
                    Some(next) => cur = next,
                    None => return false,
                }
            }
            let text = match cur {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::Null => return false,
                _ => return pat == "*",
            };
            glob(pat, &text)
        })
    }

    /// Keeps the items that match.
    pub fn apply<T: Resource>(&self, items: Vec<T>) -> Vec<T> {
        items.into_iter().filter(|i| self.matches(i)).collect()
    }
}

/// Glob match with `*` (any run) and `?` (one character).
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_table() {
        let cases = [
            ("web*", "web-01", true),
            ("web*", "db-01", false),
            ("*", "", true),
            ("w?b", "web", true),
            ("w?b", "wb", false),
            ("*01", "web-01", true),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
            ("exact", "exact", true),
        ];
        for (p, t, want) in cases {
            assert_eq!(glob(p, t), want, "{p} vs {t}");
        }
    }

    #[test]
    fn dotted_paths_numbers_and_absent_values() {
        use crate::types::{Cpu, CpuTopology, Vm, VmStatus};
        let vm = Vm {
            name: Some("a".into()),
            status: Some(VmStatus::Up),
            cpu: Some(Box::new(Cpu {
                topology: Some(Box::new(CpuTopology {
                    sockets: Some(2),
                    ..CpuTopology::default()
                })),
                ..Cpu::default()
            })),
            ..Vm::default()
        };
        assert!(Filter::new().eq("cpu.topology.sockets", "2").matches(&vm));
        assert!(Filter::new().eq("status", "up").matches(&vm));
        assert!(!Filter::new().eq("host.id", "*").matches(&vm));
        assert!(Filter::new().eq("name", "*").matches(&vm));
        assert_eq!(Filter::from_pairs([("name", "b")]).apply(vec![vm]).len(), 0);
    }

    #[test]
    fn generated_types_filter_by_the_model_names() {
        use crate::generated::types::{Event, Linked, LogSeverity};
        let e = Event {
            code: Some(30),
            severity: Some(LogSeverity::Warning),
            vm: Some(Linked::by_id("vm-7")),
            ..Event::default()
        };
        assert!(
            Filter::new()
                .eq("vm.id", "vm-?")
                .eq("code", "30")
                .matches(&e)
        );
        assert!(Filter::new().eq("severity", "warn*").matches(&e));
        assert!(!Filter::new().eq("severity", "error").matches(&e));
        assert!(!Filter::new().eq("host.id", "*").matches(&e));
    }
}
