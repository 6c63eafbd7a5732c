//! Engine jobs (one per World task, with their steps) and the audit-log events of failed ones.

use http::StatusCode;

use super::API;
use omnivirt_core::{Op, ResourceRef, TaskState};
use omnivirt_http::{Request, Response};

use super::ADMIN_USER;
use super::filter::{paging_of, parse_search};
use super::render::extra_str;
use super::reply::{bad_request, list_doc, not_found_empty};
use super::status::{job_status, time};
use super::xml::X;
use crate::model::SimTask;
use crate::query::{Filter, Paging};
use crate::skin;
use crate::world::World;

pub(super) fn write_job(x: &mut X, t: &SimTask) {
    let base = format!("{API}/jobs/{}", t.id.as_str());
    x.open_obj("job", &base, t.id.as_str());
    x.actions(&base, &["clear", "end"]);
    x.leaf("description", &t.description);
    x.link(&format!("{base}/steps"), "steps");
    x.leaf("auto_cleared", "true");
    if let Some(end) = t.finished_at {
        x.leaf("end_time", &time(end));
    }
    x.leaf("external", "false");
    x.leaf(
        "last_updated",
        &time(t.finished_at.or(t.started_at).unwrap_or(t.created_at)),
    );
    x.leaf("start_time", &time(t.started_at.unwrap_or(t.created_at)));
    x.status(job_status(t.state));
    x.reference("owner", &format!("{API}/users/{ADMIN_USER}"), ADMIN_USER);
    x.close("job");
}

/// The two steps the engine records for a command: validation (done once the command was
/// accepted) and execution (following the World task).
pub(super) fn write_steps(x: &mut X, t: &SimTask) {
    let job = t.id.as_str();
    let job_href = format!("{API}/jobs/{job}");
    for (n, (desc, kind)) in [("Validating", "validating"), ("Executing", "executing")]
        .into_iter()
        .enumerate()
    {
        let number = n + 1;
        let id = crate::uuid_from(&format!("omnivirt-sim/ovirt/job/{job}/step/{number}"));
        x.open_obj("step", &format!("{job_href}/steps/{id}"), &id);
        x.actions(&format!("{job_href}/steps/{id}"), &["end"]);
        x.leaf("description", desc);
        x.link(&format!("{job_href}/steps/{id}/statistics"), "statistics");
        let (status, end) = if number == 1 {
            ("finished", Some(t.started_at.unwrap_or(t.created_at)))
        } else {
            (job_status(t.state), t.finished_at)
        };
        if let Some(end) = end {
            x.leaf("end_time", &time(end));
        }
        x.leaf("external", "false");
        x.num("number", number);
        x.leaf("start_time", &time(t.started_at.unwrap_or(t.created_at)));
        x.status(status);
        x.leaf("type", kind);
        x.reference("job", &job_href, job);
        x.close("step");
    }
}

/// The correlation id of the command behind a task: the caller's `correlation_id`, or one the
/// engine made up (8 hex digits, as engines do when the caller sent none).
pub(super) fn correlation_of(t: &SimTask) -> String {
    extra_str(&t.extra, "correlation_id")
        .map(str::to_owned)
        .unwrap_or_else(|| {
            crate::uuid_from(&format!("omnivirt-sim/ovirt/correlation/{}", t.id.as_str()))
                .chars()
                .take(8)
                .collect()
        })
}

/// The audit-log event id of a failed task: a stable integer derived from the task id.
pub(super) fn event_id(t: &SimTask) -> u64 {
    let u = crate::uuid_from(&format!("omnivirt-sim/ovirt/event/{}", t.id.as_str()));
    let hex: String = u.chars().filter(char::is_ascii_hexdigit).take(8).collect();
    u64::from_str_radix(&hex, 16).unwrap_or(0) % 1_000_000 + 1
}

/// The event code and text the engine logs when the command behind `t` fails: a VM that
/// cannot be launched is reported as `VM_DOWN_ERROR` (119) with the exit message; any other
/// failure as a failed host command (`VDS_BROKER_COMMAND_FAILURE`, 10802).
pub(super) fn failure_event(t: &SimTask) -> (u32, String) {
    let (code, message) = t
        .error
        .as_ref()
        .map(|e| (e.code.clone(), e.message.clone()))
        .unwrap_or((None, "unknown error".into()));
    let reason = match code {
        Some(c) => format!("{message} ({c})"),
        None => message,
    };
    match t.op {
        Op::VmStart | Op::VmResume => (
            119,
            format!(
                "VM {} is down with error. Exit message: {reason}.",
                t.target_name
            ),
        ),
        _ => (10802, format!("{} failed: {reason}.", t.description)),
    }
}

pub(super) fn write_event(x: &mut X, t: &SimTask) {
    let id = event_id(t).to_string();
    let (code, text) = failure_event(t);
    x.open_obj("event", &format!("{API}/events/{id}"), &id);
    x.leaf("description", &text);
    x.num("code", code);
    x.leaf("correlation_id", &correlation_of(t));
    x.num("custom_id", -1);
    x.num("flood_rate", 30);
    x.leaf("origin", "oVirt");
    x.leaf("severity", "error");
    x.leaf("time", &time(t.finished_at.unwrap_or(t.created_at)));
    x.reference("user", &format!("{API}/users/{ADMIN_USER}"), ADMIN_USER);
    let vm = match &t.target {
        ResourceRef::Vm(v) => Some(v.as_str()),
        _ => t.vm_id.as_ref().map(|v| v.as_str()),
    };
    if let Some(v) = vm {
        x.reference("vm", &format!("{API}/vms/{v}"), v);
    }
    x.close("event");
}

pub(super) fn get_job(world: &World, id: &str, v3: bool) -> Response {
    match world.get_task(id) {
        Ok(t) => {
            let mut x = X::new(v3);
            write_job(&mut x, &t);
            skin::xml_response(StatusCode::OK, x.doc())
        }
        Err(_) => not_found_empty(),
    }
}

/// The steps show the job as last observed; reading them does not move it on.
pub(super) fn list_steps(world: &World, id: &str, v3: bool) -> Response {
    match world.peek_task(id) {
        Ok(t) => {
            let mut x = X::new(v3);
            write_steps(&mut x, &t);
            list_doc("steps", x.s)
        }
        Err(_) => not_found_empty(),
    }
}

pub(super) fn list_jobs(world: &World, req: &Request, v3: bool) -> Response {
    let s = match parse_search(&skin::query_param(req, "search").unwrap_or_default()) {
        Ok(s) => s,
        Err(e) => return bad_request(&e),
    };
    let mut corr = None;
    for (k, v) in &s.conds {
        match k.as_str() {
            "correlation_id" => corr = Some(v.clone()),
            other => {
                return bad_request(&format!("the simulator cannot search jobs by `{other}`"));
            }
        }
    }
    let p = match paging_of(req, &s) {
        Ok(p) => p,
        Err(e) => return bad_request(&e),
    };
    let mut x = X::new(v3);
    match corr {
        None => {
            for t in world.list_tasks(&Filter::new(), &p).items {
                write_job(&mut x, &t);
            }
        }
        Some(want) => {
            // Filter first, then page: the World cannot search by correlation id.
            let all = world.list_tasks(&Filter::new(), &Paging::all()).items;
            let hits: Vec<SimTask> = all
                .into_iter()
                .filter(|t| extra_str(&t.extra, "correlation_id") == Some(want.as_str()))
                .collect();
            for t in hits
                .iter()
                .skip(p.offset)
                .take(p.limit.unwrap_or(usize::MAX))
            {
                write_job(&mut x, t);
            }
        }
    }
    list_doc("jobs", x.s)
}

/// One entry of the audit log as served: a failed World task (with its correlation id), or an
/// entry of the World's event log for a task that succeeded.
enum Logged {
    Failed(SimTask),
    Done(crate::model::SimEvent),
}

impl Logged {
    fn time(&self) -> u64 {
        match self {
            Logged::Failed(t) => t.finished_at.unwrap_or(t.created_at),
            Logged::Done(e) => e.time,
        }
    }

    fn id(&self) -> u64 {
        match self {
            Logged::Failed(t) => event_id(t),
            Logged::Done(e) => done_event_id(e),
        }
    }

    fn vm(&self) -> Option<String> {
        match self {
            Logged::Failed(t) => match &t.target {
                ResourceRef::Vm(v) => Some(v.as_str().to_owned()),
                _ => t.vm_id.as_ref().map(|v| v.as_str().to_owned()),
            },
            Logged::Done(e) => e.refs.iter().find_map(|r| match r {
                ResourceRef::Vm(v) => Some(v.as_str().to_owned()),
                _ => None,
            }),
        }
    }
}

/// The audit-log id of a World event: a stable integer above those of failure events.
fn done_event_id(e: &crate::model::SimEvent) -> u64 {
    let u = crate::uuid_from(&format!("omnivirt-sim/ovirt/log/{}", e.id.as_str()));
    let hex: String = u.chars().filter(char::is_ascii_hexdigit).take(8).collect();
    1_000_001 + u64::from_str_radix(&hex, 16).unwrap_or(0) % 1_000_000
}

/// A World event as the engine logs a command that went well (`normal` severity).
fn write_done_event(x: &mut X, e: &crate::model::SimEvent) {
    let id = done_event_id(e).to_string();
    x.open_obj("event", &format!("{API}/events/{id}"), &id);
    x.leaf("description", &e.message);
    x.num("code", 0);
    x.num("custom_id", -1);
    x.num("flood_rate", 30);
    x.leaf("origin", "oVirt");
    x.leaf("severity", "normal");
    x.leaf("time", &time(e.time));
    x.reference("user", &format!("{API}/users/{ADMIN_USER}"), ADMIN_USER);
    for r in &e.refs {
        match r {
            ResourceRef::Vm(v) => x.reference("vm", &format!("{API}/vms/{v}"), v.as_str()),
            ResourceRef::Host(h) => {
                x.reference("host", &format!("{API}/hosts/{h}"), h.as_str());
            }
            _ => {}
        }
    }
    x.close("event");
}

/// The audit log, newest first: one `error` event per failed World task (with the command's
/// correlation id), and one `normal` event per entry of the World's event log for a task that
/// went well. Searchable by `correlation_id` (failure events only carry one), `time>=` (RFC
/// 3339), `vm.id`, with `page N` and `max`.
pub(super) fn list_events(world: &World, req: &Request, v3: bool) -> Response {
    let s = match parse_search(&skin::query_param(req, "search").unwrap_or_default()) {
        Ok(s) => s,
        Err(e) => return bad_request(&e),
    };
    let mut corr = None;
    let mut since = None;
    let mut vm = None;
    for (k, v) in &s.conds {
        match k.as_str() {
            "correlation_id" => corr = Some(v.clone()),
            "time>" => match omnivirt_core::time::parse_rfc3339(v) {
                Some(t) => since = Some(u64::try_from(t).unwrap_or(0)),
                None => return bad_request(&format!("Cannot read the time `{v}`")),
            },
            "vm.id" => vm = Some(v.clone()),
            other => {
                return bad_request(&format!("the simulator cannot search events by `{other}`"));
            }
        }
    }
    let max = match skin::query_param(req, "max") {
        Some(m) => match m.parse::<i64>() {
            Ok(n) => usize::try_from(n.max(0)).unwrap_or(0),
            Err(_) => return bad_request(&format!("Value `{m}` of max is not a number")),
        },
        None => usize::MAX,
    };
    let offset = s.page.map_or(0, |p| {
        (p - 1).saturating_mul(if max == usize::MAX { 100 } else { max })
    });
    let mut all: Vec<Logged> = world
        .list_tasks(&Filter::new().task_state(TaskState::Failed), &Paging::all())
        .items
        .into_iter()
        .filter(|t| corr.as_deref().is_none_or(|c| correlation_of(t) == c))
        .map(Logged::Failed)
        .collect();
    if corr.is_none() {
        let done = world.list_events(since, vm.as_deref(), 0, usize::MAX).items;
        all.extend(
            done.into_iter()
                .filter(|e| e.severity == omnivirt_core::EventSeverity::Info)
                .map(Logged::Done),
        );
    }
    all.retain(|l| since.is_none_or(|t| l.time() >= t));
    all.retain(|l| vm.is_none() || l.vm() == vm);
    all.sort_by_key(|l| std::cmp::Reverse((l.time(), l.id())));
    let mut x = X::new(v3);
    for l in all.iter().skip(offset).take(max) {
        match l {
            Logged::Failed(t) => write_event(&mut x, t),
            Logged::Done(e) => write_done_event(&mut x, e),
        }
    }
    list_doc("events", x.s)
}
