//! `get-vms` answered from the World's order: when every key of `where` is one the skin can
//! check on the World's VM itself (ids, name, status, recycle bin, cluster and host ids) and
//! the order is creation, id or name, the page is taken from the World and only it is
//! rendered. Anything else goes through [`Ctx::select`], which renders every candidate.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::ctx::Ctx;
use super::doc_cache::DocCache;
use super::reply::Fail;
use super::select::{int_arg, simple_ids, where_of};
use super::status::vm_words;
use crate::model::SimVm;
use crate::query::{Filter, NameMatch, Paging, SortBy};

/// A test on one VM, equal to what the where evaluator decides on the rendered VM.
type VmTest = Box<dyn Fn(&SimVm) -> bool>;

fn string_list(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_owned))
        .collect()
}

/// `{"id": "<id>"}` and nothing else: a to-one relation narrowed by id.
fn relation_id(v: &Value) -> Option<String> {
    let m = v.as_object()?;
    (m.len() == 1).then_some(())?;
    m.get("id")?.as_str().map(str::to_owned)
}

fn status_of(v: &SimVm) -> &'static str {
    vm_words(v.state, v.task_id.is_some()).0
}

fn recycled(v: &SimVm) -> bool {
    v.extra
        .get("in_recycle_bin")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// The test of one where key, or `None` when it needs the rendered VM.
fn test_of(key: &str, want: &Value) -> Option<VmTest> {
    let s = want.as_str().map(str::to_owned);
    Some(match key {
        "id" => {
            let s = s?;
            Box::new(move |v| v.id.as_str() == s)
        }
        "id_in" => {
            let l = string_list(want)?;
            Box::new(move |v| l.iter().any(|x| x == v.id.as_str()))
        }
        "name" => {
            let s = s?;
            Box::new(move |v| v.name == s)
        }
        "name_contains" => {
            let s = s?;
            Box::new(move |v| v.name.contains(&s))
        }
        "name_starts_with" => {
            let s = s?;
            Box::new(move |v| v.name.starts_with(&s))
        }
        "name_ends_with" => {
            let s = s?;
            Box::new(move |v| v.name.ends_with(&s))
        }
        "status" => {
            let s = s?;
            Box::new(move |v| status_of(v) == s)
        }
        "status_in" => {
            let l = string_list(want)?;
            Box::new(move |v| l.iter().any(|x| x == status_of(v)))
        }
        "in_recycle_bin" => {
            let b = want.as_bool()?;
            Box::new(move |v| recycled(v) == b)
        }
        "cluster" => {
            let id = relation_id(want)?;
            Box::new(move |v| v.cluster_id.as_str() == id)
        }
        "host" => {
            let id = relation_id(want)?;
            Box::new(move |v| v.host_id.as_ref().is_some_and(|h| h.as_str() == id))
        }
        _ => return None,
    })
}

/// What a `get-vms` body asks for, when the World can answer it in order.
pub(super) struct VmPage {
    narrow: Filter,
    tests: Vec<VmTest>,
    paging: Paging,
    /// `first`, `skip` or `after` given: a count must count the page, not the matches.
    paged: bool,
}

impl VmPage {
    /// `None` when some part of the body needs the rendered VMs.
    pub(super) fn of(w: &Map<String, Value>, body: &Value) -> Result<Option<VmPage>, Fail> {
        if ["last", "before"]
            .iter()
            .any(|k| !body.get(*k).is_none_or(Value::is_null))
        {
            return Ok(None);
        }
        let (sort, descending) = match body.get("orderBy") {
            None | Some(Value::Null) => (SortBy::Created, false),
            Some(o) => match o.as_str() {
                Some("id_ASC") => (SortBy::Id, false),
                Some("id_DESC") => (SortBy::Id, true),
                Some("name_ASC") => (SortBy::Name, false),
                Some("name_DESC") => (SortBy::Name, true),
                _ => return Ok(None),
            },
        };
        let mut tests = Vec::with_capacity(w.len());
        for (k, v) in w {
            match test_of(k, v) {
                Some(t) => tests.push(t),
                None => return Ok(None),
            }
        }
        // The same narrowing as `Ctx::candidates`, so the same VMs are observed.
        let mut narrow = Filter::new();
        if let Some(ids) = simple_ids(w) {
            narrow = narrow.ids(ids);
        }
        if let Some(n) = w.get("name").and_then(Value::as_str) {
            narrow = narrow.name(NameMatch::Equals(n.to_owned()));
        }
        let skip = int_arg(body, "skip")?;
        let first = int_arg(body, "first")?;
        let after = body.get("after").and_then(Value::as_str);
        let mut paging = Paging::all().sort(sort, descending);
        paging.offset = skip.unwrap_or(0);
        paging.limit = first;
        paging.after = after.map(str::to_owned);
        Ok(Some(VmPage {
            narrow,
            tests,
            paging,
            paged: skip.is_some() || first.is_some() || after.is_some(),
        }))
    }
}

impl Ctx<'_> {
    fn vm_listing(&self, q: &VmPage, paging: &Paging) -> crate::query::Listing<Arc<SimVm>> {
        self.world.observe_busy_vms(&q.narrow);
        let keep = |v: &SimVm| q.tests.iter().all(|t| t(v));
        let keep: Option<&dyn Fn(&SimVm) -> bool> = if q.tests.is_empty() {
            None
        } else {
            Some(&keep)
        };
        self.world.peek_vms(&q.narrow, paging, keep)
    }

    /// The page, rendered.
    pub(super) fn vm_page(&self, q: &VmPage) -> Vec<Value> {
        self.vm_listing(q, &q.paging)
            .items
            .iter()
            .map(|v| self.render_vm(v))
            .collect()
    }

    /// The `get-vms` answer as JSON text, written VM by VM without building `Value`s (each
    /// VM's document copied from `docs` when it is kept there and current), or `None` when
    /// the body needs the general path (see [`VmPage::of`]).
    pub(super) fn vm_page_json(
        &self,
        body: &Value,
        docs: &DocCache,
    ) -> Result<Option<Vec<u8>>, Fail> {
        let Some(q) = VmPage::of(&where_of(body)?, body)? else {
            return Ok(None);
        };
        let vms = self.vm_listing(&q, &q.paging).items;
        // About 2.4 kB a VM: one allocation for the whole page.
        let mut out = Vec::with_capacity(vms.len() * 2600 + 2);
        out.push(b'[');
        for (i, v) in vms.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            docs.write(self, v, &mut out);
        }
        out.push(b']');
        Ok(Some(out))
    }

    /// How many VMs `get-vms` would return for this body.
    pub(super) fn vm_count(&self, q: &VmPage) -> usize {
        if q.paged {
            return self.vm_listing(q, &q.paging).items.len();
        }
        self.vm_listing(q, &Paging::new(0, 0)).total
    }
}
