//! `GET /<res>[/{uuid}]`: conditions, `limit`/`start`/`count`/`sort`/`fields`.

use http::StatusCode;
use omnivirt_http::{Request, Response};
use serde_json::{Map, Value, json};

use super::DEFAULT_LIMIT;
use super::filter::{COp, Cond, compare, matches, parse_cond, scalar, value_matches};
use super::ids::{ext, int};
use super::inventory::{Kind, world_filter, world_page};
use super::render::{render_cluster, render_host, render_vm, render_volume_of, render_zone};
use super::reply::{Fail, text};
use super::status::{schema_class, vm_word};
use super::vm_doc::VmDoc;
use super::vm_json::vm_page_json;
use crate::model::SimVm;
use crate::query::{Filter, Paging};
use crate::skin;
use crate::world::World;

/// A condition checked on the World's VM, as [`matches`] decides it on the rendered inventory.
type VmTest = Box<dyn Fn(&SimVm) -> bool>;

/// The scalar a VM inventory has at `field` (`None`: null), for the fields a VM query can be
/// answered on without rendering; `Err` for the others.
fn vm_field(field: &str) -> Result<fn(&SimVm) -> Option<String>, ()> {
    Ok(match field {
        "uuid" => |v| Some(ext(v.id.as_str())),
        "name" => |v| Some(v.name.clone()),
        "description" => |v| Some(v.description.clone()),
        "clusterUuid" => |v| Some(ext(v.cluster_id.as_str())),
        "hostUuid" => |v| v.host_id.as_ref().map(|h| ext(h.as_str())),
        "state" => |v| Some(vm_word(v.state).to_owned()),
        "cpuNum" => |v| Some(v.vcpus.to_string()),
        "memorySize" => |v| Some(v.memory_bytes.to_string()),
        _ => return Err(()),
    })
}

/// Every condition as a test on the VM, or `None` when one needs the rendered inventory.
fn vm_tests(conds: &[Cond]) -> Option<Vec<VmTest>> {
    conds
        .iter()
        .map(|c| {
            let get = vm_field(&c.field).ok()?;
            let (op, want) = (c.op, c.value.clone());
            let t: VmTest = Box::new(move |v| {
                let have = get(v);
                match op {
                    COp::IsNull => have.is_none(),
                    COp::NotNull => have.is_some(),
                    // SQL: a comparison with NULL is never true.
                    op => have.is_some_and(|h| value_matches(&h, op, &want)),
                }
            });
            Some(t)
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Res {
    Vm,
    Host,
    Cluster,
    Zone,
    Volume,
    Image,
    L3Network,
    L2Network,
    PrimaryStorage,
    SnapshotGroup,
    EventLog,
    UserTag,
}

impl Res {
    pub(super) fn from_path(s: &str) -> Option<Res> {
        Some(match s {
            "vm-instances" => Res::Vm,
            "hosts" => Res::Host,
            "clusters" => Res::Cluster,
            "zones" => Res::Zone,
            "volumes" => Res::Volume,
            "images" => Res::Image,
            "l3-networks" => Res::L3Network,
            "l2-networks" => Res::L2Network,
            "primary-storage" => Res::PrimaryStorage,
            "user-tags" => Res::UserTag,
            _ => return None,
        })
    }

    /// Whether the query also answers on `/<res>/{uuid}` (`QueryPrimaryStorage` has no such
    /// path: a uuid goes in a condition).
    pub(super) fn has_uuid_path(self) -> bool {
        self != Res::PrimaryStorage
    }

    /// The inventory kinds the World pages in [`super::inventory`].
    fn kind(self) -> Option<Kind> {
        Some(match self {
            Res::Image => Kind::Image,
            Res::L3Network => Kind::L3,
            Res::L2Network => Kind::L2,
            Res::PrimaryStorage => Kind::PrimaryStorage,
            _ => return None,
        })
    }
}

pub(super) fn flag(v: &str) -> bool {
    v.eq_ignore_ascii_case("true")
}

/// Narrows the World listing with what the conditions say about ids and placement (so only
/// those objects are observed); the conditions are still evaluated on every rendered object.
pub(super) fn narrow(world: &World, conds: &[Cond], res: Res) -> Filter {
    let mut f = Filter::new();
    for c in conds {
        let ids = || -> Vec<String> { c.value.split(',').map(|v| int(world, v)).collect() };
        match (c.field.as_str(), c.op) {
            ("uuid", COp::Eq | COp::In) => f = f.ids(ids()),
            ("clusterUuid", COp::Eq) if res != Res::Volume => f = f.cluster(int(world, &c.value)),
            ("hostUuid", COp::Eq) if res == Res::Vm => f = f.host(int(world, &c.value)),
            ("vmInstanceUuid", COp::Eq) if res == Res::Volume => f = f.vm(int(world, &c.value)),
            _ => {}
        }
    }
    f
}

pub(super) fn query(
    world: &World,
    req: &Request,
    res: Res,
    uuid: Option<&str>,
) -> Result<Answer, Fail> {
    let mut conds = Vec::new();
    let mut limit = DEFAULT_LIMIT;
    let mut start = 0usize;
    let (mut count, mut with_count) = (false, false);
    let mut sort: Option<(String, bool)> = None;
    let mut fields: Option<Vec<String>> = None;
    for (k, v) in skin::query_pairs(req) {
        match k.as_str() {
            "q" => conds.push(
                parse_cond(&v).ok_or_else(|| text(400, format!("invalid query condition[{v}]")))?,
            ),
            "limit" => {
                limit = v
                    .parse()
                    .map_err(|_| text(400, format!("invalid value[{v}] of field[limit]")))?;
            }
            "start" => {
                start = v
                    .parse()
                    .map_err(|_| text(400, format!("invalid value[{v}] of field[start]")))?;
            }
            "count" => count = flag(&v),
            "replyWithCount" => with_count = flag(&v),
            "sort" => {
                let (desc, f) = match v.strip_prefix('-') {
                    Some(f) => (true, f),
                    None => (false, v.strip_prefix('+').unwrap_or(&v)),
                };
                sort = Some((f.to_owned(), desc));
            }
            // The server reads only the first `fields`.
            "fields" if fields.is_none() => {
                fields = Some(v.split(',').map(|s| s.trim().to_owned()).collect());
            }
            _ => {}
        }
    }
    if let Some(u) = uuid {
        conds.push(Cond {
            field: "uuid".into(),
            op: COp::Eq,
            value: u.to_owned(),
        });
    }
    if let Some(kind) = res.kind()
        && let Some((filter, order)) = world_filter(world, kind, &conds, sort.as_ref())
    {
        // The World finds the page; only what it returns is rendered.
        let (page, total) = world_page(
            world,
            kind,
            &filter,
            order,
            start,
            if count { 0 } else { limit },
        );
        if count {
            return Ok(Answer::Json(json!({"total": total})));
        }
        return Ok(Answer::Json(reply(
            page,
            total,
            fields.as_deref(),
            with_count,
            res,
        )));
    }
    let filter = narrow(world, &conds, res);
    if res == Res::Vm
        && sort.is_none()
        && let Some(tests) = vm_tests(&conds)
    {
        // The World finds the page; only the VMs returned are rendered. Busy VMs are observed
        // as the full listing below would observe them.
        world.observe_busy_vms(&filter);
        let keep = |v: &SimVm| tests.iter().all(|t| t(v));
        // No condition: the World pages by offset and counts by its length, without a test
        // per VM.
        let keep: Option<&dyn Fn(&SimVm) -> bool> =
            if tests.is_empty() { None } else { Some(&keep) };
        let paging = if count {
            Paging::new(0, 0)
        } else {
            Paging::new(start, limit)
        };
        let l = world.peek_vms(&filter, &paging, keep);
        if count {
            return Ok(Answer::Json(json!({"total": l.total})));
        }
        if fields.is_none() {
            // The page as text straight from the documents, no `Value` per VM.
            let docs: Vec<VmDoc<'_>> =
                world.with_lookup(|lk| l.items.iter().map(|v| VmDoc::new(lk, v)).collect());
            return Ok(Answer::Text(vm_page_json(&docs, l.total, with_count)));
        }
        let page = l.items.iter().map(|v| render_vm(world, v)).collect();
        return Ok(Answer::Json(reply(
            page,
            l.total,
            fields.as_deref(),
            with_count,
            res,
        )));
    }
    let all = Paging::all();
    let rendered: Vec<Value> = match res {
        Res::Vm => world
            .list_vms(&filter, &all)
            .items
            .iter()
            .map(|v| render_vm(world, v))
            .collect(),
        Res::Host => world
            .list_hosts(&filter, &all)
            .items
            .iter()
            .map(render_host)
            .collect(),
        Res::Cluster => world
            .list_clusters(&filter, &all)
            .items
            .iter()
            .map(render_cluster)
            .collect(),
        Res::Zone => vec![render_zone()],
        Res::Volume => world
            .list_disks(&filter, &all)
            .items
            .iter()
            .map(|d| render_volume_of(world, d))
            .collect(),
        // Conditions on other fields: every object, rendered, then filtered like the others.
        Res::SnapshotGroup => {
            let vm = conds
                .iter()
                .find(|c| c.field == "vmInstanceUuid" && c.op == COp::Eq)
                .map(|c| int(world, &c.value));
            super::day2::groups(world, vm.as_deref())
        }
        Res::EventLog => {
            let vm = conds
                .iter()
                .find(|c| c.field == "resourceUuid" && c.op == COp::Eq)
                .map(|c| int(world, &c.value));
            let since = conds
                .iter()
                .filter(|c| c.field == "time" && matches!(c.op, COp::Ge | COp::Gt))
                .filter_map(|c| c.value.parse::<u64>().ok())
                .max();
            super::day2::events(world, vm.as_deref(), since)
        }
        Res::UserTag => super::tags::user_tags(world, &conds),
        Res::Image | Res::L3Network | Res::L2Network | Res::PrimaryStorage => match res.kind() {
            Some(kind) => world_page(world, kind, &Filter::new(), None, 0, usize::MAX).0,
            None => Vec::new(),
        },
    };
    let mut hits: Vec<Value> = rendered
        .into_iter()
        .filter(|o| conds.iter().all(|c| matches(o, c)))
        .collect();
    if let Some((field, desc)) = &sort {
        hits.sort_by(|a, b| {
            let ka = a.get(field).and_then(scalar).unwrap_or_default();
            let kb = b.get(field).and_then(scalar).unwrap_or_default();
            let o = compare(&ka, &kb);
            if *desc { o.reverse() } else { o }
        });
    }
    let total = hits.len();
    if count {
        return Ok(Answer::Json(json!({"total": total})));
    }
    let page: Vec<Value> = hits.into_iter().skip(start).take(limit).collect();
    Ok(Answer::Json(reply(
        page,
        total,
        fields.as_deref(),
        with_count,
        res,
    )))
}

/// What a query answers: a JSON value, or a page of VMs already written as JSON text.
pub(super) enum Answer {
    /// To be serialised.
    Json(Value),
    /// The body as it goes on the wire.
    Text(Vec<u8>),
}

impl Answer {
    /// The `200` response carrying it.
    pub(super) fn response(self) -> Response {
        match self {
            Answer::Json(v) => skin::json_response(StatusCode::OK, &v),
            Answer::Text(t) => skin::json_text_response(StatusCode::OK, t),
        }
    }
}

/// The query reply around one page of inventories.
fn reply(
    mut page: Vec<Value>,
    total: usize,
    fields: Option<&[String]>,
    with_count: bool,
    res: Res,
) -> Value {
    if let Some(keep) = fields {
        for o in &mut page {
            if let Value::Object(m) = o {
                m.retain(|k, _| keep.iter().any(|f| f == k));
            }
        }
    }
    // Query replies carry `schema`: the Java class of each inventory, for polymorphic decoding.
    let schema: Map<String, Value> = page
        .iter()
        .enumerate()
        .map(|(i, o)| (format!("inventories[{i}]"), json!(schema_class(res, o))))
        .collect();
    // Moved in, not copied value by value as `json!` would.
    let mut out = json!({"inventories": null, "schema": null});
    out["inventories"] = Value::Array(page);
    out["schema"] = Value::Object(schema);
    if with_count {
        out["total"] = json!(total);
    }
    out
}
