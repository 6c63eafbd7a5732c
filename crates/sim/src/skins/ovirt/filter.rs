//! The engine's search language (`name=web* and status=up sortby name page 2`), `max`,
//! `follow`, and the lookups a search or body does by name.

use omnivirt_http::Request;

use super::render::Follow;
use crate::model::{SimCluster, SimHost};
use crate::query::{Filter, NameMatch, Paging, SortBy};
use crate::skin;
use crate::world::World;

#[derive(Debug, Default)]
pub(super) struct Search {
    pub(super) conds: Vec<(String, String)>,
    pub(super) sort: Option<(String, bool)>,
    pub(super) page: Option<usize>,
    /// The conditions are joined by `or` (all on one attribute: `id=a or id=b`).
    pub(super) any: bool,
}

pub(super) fn tokenize(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub(super) fn parse_search(s: &str) -> Result<Search, String> {
    let toks = tokenize(s);
    let mut out = Search::default();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let lower = t.to_ascii_lowercase();
        if lower == "and" {
            i += 1;
            continue;
        }
        if lower == "or" {
            out.any = true;
            i += 1;
            continue;
        }
        if lower == "sortby" {
            let field = toks
                .get(i + 1)
                .ok_or("sortby needs a field")?
                .to_ascii_lowercase();
            let mut desc = false;
            i += 2;
            if let Some(dir) = toks.get(i).map(|d| d.to_ascii_lowercase()) {
                if dir == "desc" || dir == "asc" {
                    desc = dir == "desc";
                    i += 1;
                }
            }
            out.sort = Some((field, desc));
            continue;
        }
        if lower == "page" {
            let n: usize = toks
                .get(i + 1)
                .and_then(|n| n.parse().ok())
                .ok_or("page needs a number")?;
            out.page = Some(n.max(1));
            i += 2;
            continue;
        }
        match t.split_once('=') {
            Some((k, v)) => {
                let k = k.trim_end_matches('!').to_ascii_lowercase();
                out.conds.push((k, v.to_owned()));
            }
            None => return Err(format!("cannot understand `{t}` in the search")),
        }
        i += 1;
    }
    if out.any {
        let first = out.conds.first().map(|(k, _)| k.clone());
        if out.conds.iter().any(|(k, _)| Some(k) != first.as_ref()) {
            return Err(
                "the simulator's search joins conditions with `or` only on one attribute \
                 (`id=a or id=b`)"
                    .into(),
            );
        }
    }
    Ok(out)
}

pub(super) fn name_match(pattern: &str) -> NameMatch {
    if pattern.contains('*') {
        NameMatch::Glob(pattern.to_owned())
    } else {
        NameMatch::Equals(pattern.to_owned())
    }
}

pub(super) fn paging_of(req: &Request, search: &Search) -> Result<Paging, String> {
    let max: Option<usize> = match skin::query_param(req, "max") {
        Some(m) => Some(
            m.parse::<i64>()
                .map_err(|_| format!("Value `{m}` of max is not a number"))?
                .max(0) as usize,
        ),
        None => None,
    };
    let mut p = match (max, search.page) {
        (Some(m), Some(page)) => Paging::new((page - 1) * m, m),
        (Some(m), None) => Paging::new(0, m),
        (None, Some(page)) => {
            // The engine pages by its SearchResultsLimit (100) when max is absent.
            Paging::new((page - 1) * 100, 100)
        }
        (None, None) => Paging::all(),
    };
    if let Some((field, desc)) = &search.sort {
        let by = match field.as_str() {
            "name" => SortBy::Name,
            "id" => SortBy::Id,
            _ => SortBy::Created,
        };
        p = p.sort(by, *desc);
    }
    Ok(p)
}

pub(super) fn case_insensitive(req: &Request) -> bool {
    !skin::query_param(req, "case_sensitive").is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

pub(super) fn find_cluster(
    world: &World,
    id: Option<&str>,
    name: Option<&str>,
) -> Option<SimCluster> {
    if let Some(id) = id
        && let Ok(c) = world.get_cluster(id)
    {
        return Some(c);
    }
    let name = name?;
    world
        .list_clusters(&Filter::new(), &Paging::all())
        .items
        .into_iter()
        .find(|c| c.name == name)
}

pub(super) fn find_host(world: &World, id: Option<&str>, name: Option<&str>) -> Option<SimHost> {
    if let Some(id) = id
        && let Ok(h) = world.get_host(id)
    {
        return Some(h);
    }
    let name = name?;
    world
        .list_hosts(&Filter::new(), &Paging::all())
        .items
        .into_iter()
        .find(|h| h.name == name)
}

pub(super) fn follow_of(req: &Request) -> Follow {
    let mut f = Follow::default();
    if let Some(v) = skin::query_param(req, "follow") {
        for part in v.split(',').map(str::trim) {
            if part == "disk_attachments" {
                f.attachments = true;
            } else if part == "disk_attachments.disk" {
                f.attachments = true;
                f.attachment_disks = true;
            } else if part == "reported_devices" {
                f.reported_devices = true;
            } else if part == "tags" {
                f.tags = true;
            }
        }
    }
    f
}
