//! Services to operations: every path of every service (breadth first from the root over the
//! locators, `{id}` named after its locator), and one operation per method and path, named
//! `<path template>:<method>`.

use std::collections::{BTreeMap, VecDeque};

use super::model::{Kind, Loc, Model};

/// Services the locators of the root never reach, mounted where the engine serves them.
///
/// `VmDisksService` and `TemplateDisksService` are the version 3 `disks` sub-collections the
/// model still describes (v4 replaced the first with `diskattachments`); their entity services
/// follow from their locators. The abstract bases and mixins get `/{href}`: the path of any
/// object that has the method, as its `href` says.
pub const MOUNTS: &[(&str, &str)] = &[
    ("VmDisksService", "/vms/{vm}/disks"),
    ("TemplateDisksService", "/templates/{template}/disks"),
    ("CopyableService", "/{href}"),
    ("MoveableService", "/{href}"),
    ("ExternalProviderService", "/{href}"),
    ("MeasurableService", "/{href}"),
];

/// The name of the body parameter of add and update (the JSON form of the body type).
pub const BODY_PARAM: &str = "body";

/// The path variable that stands for an object's whole `href` below the API root.
pub const HREF_VAR: &str = "href";

/// One generated operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    /// `<path template>:<method>`.
    pub name: String,
    /// HTTP verb.
    pub http: String,
    /// Path template relative to the API root.
    pub path: String,
    /// `(name, location, type, required)`; location is `path|query|action|body`.
    pub params: Vec<(String, &'static str, String, bool)>,
    /// Result type (`Vm`, `Vm[]`), empty when nothing.
    pub result: String,
    /// Body type (`Vm`, `Action`), empty when there is none.
    pub body: String,
    /// Whether the engine may run it asynchronously (it takes `async`).
    pub is_async: bool,
    /// The service and method it comes from.
    pub service: String,
    /// The model method name.
    pub method: String,
    /// `get`, `list`, `add`, `update`, `remove`, `action`.
    pub kind: String,
    /// For an action with a result: the `<action>` child holding it.
    pub action_member: Option<String>,
    /// Path variables in order.
    pub vars: Vec<String>,
}

impl Op {
    /// The first path segment (`vms`), the resource group files are split by.
    pub fn group(&self) -> String {
        let first = self
            .path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("");
        if first.is_empty() {
            "root".into()
        } else if first.starts_with('{') {
            "any".into()
        } else {
            first.to_string()
        }
    }
}

/// A path template and its variables in order.
pub type ServicePath = (String, Vec<String>);

/// Every path template of every service, shortest first: `service -> [(path, variables)]`.
///
/// A service is reachable along every chain of locators from the root (or from a mount), and
/// each chain is a path of its own: `AssignedTagsService` is `/vms/{vm}/tags`, `/hosts/{host}/tags`,
/// ... A locator back to a service already on the chain is not followed (the model has none).
pub fn service_paths(model: &Model) -> Result<BTreeMap<String, Vec<ServicePath>>, String> {
    let mut paths: BTreeMap<String, Vec<ServicePath>> = BTreeMap::new();
    // (service, path, variables, services on the chain)
    let mut todo: VecDeque<(String, String, Vec<String>, Vec<String>)> = VecDeque::new();
    todo.push_back((
        model.root.clone(),
        String::new(),
        Vec::new(),
        vec![model.root.clone()],
    ));
    let mut mounts = MOUNTS.iter();
    loop {
        while let Some((name, base, vars, chain)) = todo.pop_front() {
            let svc = model
                .service(&name)
                .ok_or_else(|| format!("no service {name}"))?;
            paths
                .entry(name.clone())
                .or_default()
                .push((base.clone(), vars.clone()));
            for loc in &svc.locators {
                if chain.contains(&loc.service) {
                    continue;
                }
                let mut vs = vars.clone();
                let seg = if loc.by_id {
                    let mut v = loc.name.clone();
                    let mut n = 2;
                    while vs.contains(&v) {
                        v = format!("{}{n}", loc.name);
                        n += 1;
                    }
                    vs.push(v.clone());
                    format!("{{{v}}}")
                } else {
                    loc.path.clone()
                };
                let mut next_chain = chain.clone();
                next_chain.push(loc.service.clone());
                todo.push_back((loc.service.clone(), format!("{base}/{seg}"), vs, next_chain));
            }
        }
        // Then the services only a mount reaches (their locators are walked as above).
        let Some((name, path)) = mounts.next() else {
            break;
        };
        if paths.contains_key(*name) || model.service(name).is_none() {
            continue;
        }
        let vars = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(str::to_owned)
            .collect();
        todo.push_back((
            (*name).to_string(),
            (*path).to_string(),
            vars,
            vec![(*name).to_string()],
        ));
    }
    Ok(paths)
}

/// Every method of every service as one operation per path of the service, in service, path
/// (shortest first) then method order; fails when a method has no path or two operations share
/// a name.
pub fn operations(model: &Model) -> Result<Vec<Op>, String> {
    let paths = service_paths(model)?;
    let mut ops = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for svc in &model.services {
        if svc.methods.is_empty() {
            continue;
        }
        let Some(svc_paths) = paths.get(&svc.name) else {
            return Err(format!(
                "{} has methods but no path (add it to MOUNTS)",
                svc.name
            ));
        };
        for (base, vars) in svc_paths {
            for m in &svc.methods {
                let path = match (base.is_empty(), m.path.is_empty()) {
                    (true, true) => "/".to_string(),
                    (_, true) => base.clone(),
                    (_, false) => format!("{base}/{}", m.path),
                };
                let template = if base.is_empty() { "/" } else { base };
                let name = format!("{template}:{}", m.name);
                if !names.insert(name.clone()) {
                    return Err(format!("operation `{name}` twice"));
                }
                let mut params: Vec<(String, &'static str, String, bool)> = vars
                    .iter()
                    .map(|v| (v.clone(), "path", "String".to_string(), true))
                    .collect();
                let mut body = String::new();
                let mut is_async = false;
                for p in &m.params {
                    let loc = match p.loc {
                        Loc::Query => "query",
                        Loc::Action => "action",
                        Loc::Body => {
                            body = p.kind.display();
                            "body"
                        }
                    };
                    if p.wire == "async" {
                        is_async = true;
                    }
                    // The body is one parameter, `body`; an action or query parameter named like a
                    // path variable (`/vms/{vm}:start` takes `<vm>` too) gets its location as a prefix.
                    let pname = match p.loc {
                        Loc::Body => BODY_PARAM.to_string(),
                        _ if vars.contains(&p.wire) => format!("{loc}.{}", p.wire),
                        _ => p.wire.clone(),
                    };
                    if params.iter().any(|(n, ..)| *n == pname) {
                        return Err(format!("{name}: parameter `{pname}` twice"));
                    }
                    params.push((pname, loc, p.kind.display(), p.required));
                }
                if m.kind == "action" {
                    body = "Action".into();
                }
                let (result, action_member) = match (&m.output, m.kind.as_str()) {
                    (Some(k), "action") => (k.display(), m.output_member.clone()),
                    (Some(k), _) => (k.display(), None),
                    (None, "action") => ("Action".to_string(), None),
                    (None, _) => (String::new(), None),
                };
                if let (Some(member), Some(Kind::Struct(_) | Kind::List(_))) =
                    (&action_member, &m.output)
                    && !model
                        .strukt("Action")
                        .is_some_and(|a| a.attrs.iter().any(|x| x.xml_tag == *member))
                {
                    return Err(format!("{name}: <action> has no `{member}`"));
                }
                ops.push(Op {
                    name,
                    http: m.http.clone(),
                    path,
                    params,
                    result,
                    body,
                    is_async,
                    service: svc.name.clone(),
                    method: m.name.clone(),
                    kind: m.kind.clone(),
                    action_member,
                    vars: vars.clone(),
                });
            }
        }
    }
    Ok(ops)
}
