//! Filters, paging and listings skins use to answer list and count requests.

use omnivirt_core::{
    ClusterId, DiskState, HostId, HostState, ListQuery, NameFilter, OrderField, TaskState, VmId,
    VmState,
};

/// How to match a name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameMatch {
    /// Exactly this.
    Equals(String),
    /// Contains this.
    Contains(String),
    /// Starts with this.
    Prefix(String),
    /// Ends with this.
    Suffix(String),
    /// A pattern where `*` matches any run of characters (oVirt search style).
    Glob(String),
}

impl NameMatch {
    /// True if `name` matches; `ignore_case` compares lower-cased text.
    pub fn matches(&self, name: &str, ignore_case: bool) -> bool {
        let (name, pat) = if ignore_case {
            (name.to_lowercase(), self.pattern().to_lowercase())
        } else {
            (name.to_owned(), self.pattern().to_owned())
        };
        match self {
            NameMatch::Equals(_) => name == pat,
            NameMatch::Contains(_) => name.contains(&pat),
            NameMatch::Prefix(_) => name.starts_with(&pat),
            NameMatch::Suffix(_) => name.ends_with(&pat),
            NameMatch::Glob(_) => glob(&pat, &name),
        }
    }

    fn pattern(&self) -> &str {
        match self {
            NameMatch::Equals(s)
            | NameMatch::Contains(s)
            | NameMatch::Prefix(s)
            | NameMatch::Suffix(s)
            | NameMatch::Glob(s) => s,
        }
    }
}

fn glob(pat: &str, text: &str) -> bool {
    let parts: Vec<&str> = pat.split('*').collect();
    if parts.len() == 1 {
        return pat == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else if let Some(pos) = rest.find(part) {
            rest = &rest[pos + part.len()..];
        } else {
            return false;
        }
    }
    true
}

/// Which objects a listing returns. Empty fields match everything; every set field must match.
/// Fields that do not apply to a kind of object are ignored (e.g. `vm_states` on hosts).
///
/// ```
/// use omnivirt_core::VmState;
/// use omnivirt_sim::{Filter, NameMatch};
///
/// let f = Filter::new().name(NameMatch::Prefix("vm-0".into())).vm_state(VmState::Running);
/// assert_eq!(f.vm_states, vec![VmState::Running]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Filter {
    /// Only these ids (any order; the listing keeps the World's order).
    pub ids: Option<Vec<String>>,
    /// Name match.
    pub name: Option<NameMatch>,
    /// Compare names case-insensitively.
    pub ignore_case: bool,
    /// VM states (any of).
    pub vm_states: Vec<VmState>,
    /// Host states (any of).
    pub host_states: Vec<HostState>,
    /// Disk states (any of).
    pub disk_states: Vec<DiskState>,
    /// Task states (any of).
    pub task_states: Vec<TaskState>,
    /// VMs, hosts and disks of this cluster.
    pub cluster: Option<ClusterId>,
    /// VMs on this host.
    pub host: Option<HostId>,
    /// Disks attached to this VM.
    pub vm: Option<VmId>,
    /// Disks that are (true) or are not (false) attached.
    pub attached: Option<bool>,
    /// Tasks whose target has this id.
    pub target: Option<String>,
}

impl Filter {
    /// Everything.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only these ids.
    pub fn ids<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.ids = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// Name match.
    pub fn name(mut self, m: NameMatch) -> Self {
        self.name = Some(m);
        self
    }

    /// Case-insensitive names.
    pub fn ignore_case(mut self, yes: bool) -> Self {
        self.ignore_case = yes;
        self
    }

    /// Adds a VM state.
    pub fn vm_state(mut self, s: VmState) -> Self {
        self.vm_states.push(s);
        self
    }

    /// Adds a host state.
    pub fn host_state(mut self, s: HostState) -> Self {
        self.host_states.push(s);
        self
    }

    /// Adds a disk state.
    pub fn disk_state(mut self, s: DiskState) -> Self {
        self.disk_states.push(s);
        self
    }

    /// Adds a task state.
    pub fn task_state(mut self, s: TaskState) -> Self {
        self.task_states.push(s);
        self
    }

    /// Cluster.
    pub fn cluster(mut self, id: impl Into<ClusterId>) -> Self {
        self.cluster = Some(id.into());
        self
    }

    /// Host.
    pub fn host(mut self, id: impl Into<HostId>) -> Self {
        self.host = Some(id.into());
        self
    }

    /// Attached VM (disks).
    pub fn vm(mut self, id: impl Into<VmId>) -> Self {
        self.vm = Some(id.into());
        self
    }

    /// Attached or not (disks).
    pub fn attached(mut self, yes: bool) -> Self {
        self.attached = Some(yes);
        self
    }

    /// Task target id.
    pub fn target(mut self, id: impl Into<String>) -> Self {
        self.target = Some(id.into());
        self
    }

    /// The filter equivalent to a neutral [`ListQuery`] (paging and order are not part of it;
    /// see [`Paging::from_query`]).
    pub fn from_query(q: &ListQuery) -> Self {
        let mut f = Filter::new();
        f.name = q.name.as_ref().and_then(|n| match n {
            NameFilter::Contains(s) => Some(NameMatch::Contains(s.clone())),
            NameFilter::Equals(s) => Some(NameMatch::Equals(s.clone())),
            _ => None,
        });
        f.vm_states.extend(q.vm_state);
        f.host_states.extend(q.host_state);
        f.disk_states.extend(q.disk_state);
        f.cluster = q.cluster.clone();
        f.host = q.host.clone();
        f.vm = q.vm.clone();
        f
    }

    pub(crate) fn name_ok(&self, name: &str) -> bool {
        self.name
            .as_ref()
            .is_none_or(|m| m.matches(name, self.ignore_case))
    }

    pub(crate) fn cluster_ok(&self, cluster: &ClusterId) -> bool {
        self.cluster.as_ref().is_none_or(|c| c == cluster)
    }

    /// No criterion at all: every object matches. `ignore_case` alone changes nothing (it
    /// only qualifies a name match), so a listing that merely sets it still takes its total
    /// from the table's length and its page from the offset, without looking at any row.
    pub(crate) fn is_unfiltered(&self) -> bool {
        let Filter {
            ids,
            name,
            ignore_case: _,
            vm_states,
            host_states,
            disk_states,
            task_states,
            cluster,
            host,
            vm,
            attached,
            target,
        } = self;
        ids.is_none()
            && name.is_none()
            && vm_states.is_empty()
            && host_states.is_empty()
            && disk_states.is_empty()
            && task_states.is_empty()
            && cluster.is_none()
            && host.is_none()
            && vm.is_none()
            && attached.is_none()
            && target.is_none()
    }
}

/// Sort key of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SortBy {
    /// Creation order (the World's natural, stable order).
    #[default]
    Created,
    /// Name, then creation order.
    Name,
    /// Id text.
    Id,
}

/// Which slice of the matching objects to return.
///
/// `after` (an id; exclusive) is applied first, then `offset`, then `limit`. An `after` id that
/// is not among the matching objects gives an empty page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Paging {
    /// Skip this many.
    pub offset: usize,
    /// At most this many (`None`: all).
    pub limit: Option<usize>,
    /// Start after the object with this id.
    pub after: Option<String>,
    /// Sort key.
    pub sort: SortBy,
    /// Reverse the order.
    pub descending: bool,
}

impl Paging {
    /// Everything, in creation order.
    pub fn all() -> Self {
        Self::default()
    }

    /// `limit` items from `offset`.
    pub fn new(offset: usize, limit: usize) -> Self {
        Paging {
            offset,
            limit: Some(limit),
            ..Self::default()
        }
    }

    /// Start after id.
    pub fn after(mut self, id: impl Into<String>) -> Self {
        self.after = Some(id.into());
        self
    }

    /// Sort key and direction.
    pub fn sort(mut self, by: SortBy, descending: bool) -> Self {
        self.sort = by;
        self.descending = descending;
        self
    }

    /// Order of a neutral [`ListQuery`], no offset or limit.
    pub fn from_query(q: &ListQuery) -> Self {
        let mut p = Paging::all();
        if let Some(o) = q.order {
            p.sort = match o.field {
                OrderField::Name => SortBy::Name,
                _ => SortBy::Id,
            };
            p.descending = o.descending;
        }
        p
    }
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Listing<T> {
    /// The items.
    pub items: Vec<T>,
    /// How many objects match the filter in total (ignoring paging).
    pub total: usize,
    /// The offset of the next page, when there is one (and a limit was given). With
    /// [`Paging::after`] it counts from the object after the cursor.
    pub next_offset: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_matches() {
        assert!(NameMatch::Glob("web*".into()).matches("web-01", false));
        assert!(NameMatch::Glob("*eb*1".into()).matches("web-01", false));
        assert!(!NameMatch::Glob("db*".into()).matches("web-01", false));
        assert!(NameMatch::Glob("*".into()).matches("", false));
        assert!(NameMatch::Equals("WEB".into()).matches("web", true));
        assert!(!NameMatch::Equals("WEB".into()).matches("web", false));
        assert!(NameMatch::Prefix("we".into()).matches("web", false));
        assert!(NameMatch::Suffix("eb".into()).matches("web", false));
        assert!(NameMatch::Contains("e".into()).matches("web", false));
    }

    #[test]
    fn ignore_case_alone_filters_nothing() {
        assert!(Filter::new().is_unfiltered());
        assert!(Filter::new().ignore_case(true).is_unfiltered());
        let named = Filter::new()
            .ignore_case(true)
            .name(NameMatch::Equals("a".into()));
        assert!(!named.is_unfiltered());
        assert!(!Filter::new().ids(["a"]).is_unfiltered());
        assert!(!Filter::new().vm_state(VmState::Running).is_unfiltered());
        assert!(!Filter::new().attached(false).is_unfiltered());
        assert!(!Filter::new().target("t").is_unfiltered());
    }
}
