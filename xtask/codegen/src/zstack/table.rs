//! The operation table behind `omnivirt api` for ZStack: `generated/api.rs` (the `OPERATIONS`
//! slice, in model order) and one `generated/api/<group>.rs` per group of path prefixes holding
//! the operations as `const`s with their parameter slices.

use std::fmt::Write as _;

use super::model::Action;
use super::{Group, OUT};
use crate::GeneratedFile;
use crate::rust::{OpExpr, doc, snake, str_lit, words};

/// Where a parameter travels on the wire, after the SDK-to-wire mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireParam {
    /// The wire name (`q` for a query's `conditions`).
    pub name: String,
    /// `Path`, `Query` or `Body`.
    pub location: &'static str,
    /// The model's type.
    pub ty: String,
    /// Required on the wire.
    pub required: bool,
}

/// The parameters of `a` as they travel: every `{var}` of the path required (even where the SDK
/// says optional or forgets the parameter), query actions' `conditions` as repeated `q` and
/// `sortBy`/`sortDirection` as one `sort=+f|-f`, other GET/DELETE parameters in the query
/// string and POST/PUT parameters inside the body key.
pub fn wire_params(a: &Action) -> Vec<WireParam> {
    let vars = a.path_vars();
    let mut out: Vec<WireParam> = vars
        .iter()
        .map(|v| WireParam {
            name: (*v).to_string(),
            location: "Path",
            ty: a
                .params
                .iter()
                .find(|p| p.name == *v)
                .map_or_else(|| "String".to_string(), |p| p.ty.clone()),
            required: true,
        })
        .collect();
    let rest_location = match a.method.as_str() {
        "GET" | "DELETE" => "Query",
        _ => "Body",
    };
    for p in a.params.iter().filter(|p| !vars.contains(&p.name.as_str())) {
        let (name, ty, required) = match (a.is_query, p.name.as_str()) {
            (true, "conditions") => ("q".to_string(), p.ty.clone(), false),
            (true, "sortBy") => ("sort".to_string(), "String".to_string(), false),
            (true, "sortDirection") => continue,
            _ => (p.name.clone(), p.ty.clone(), p.required),
        };
        out.push(WireParam {
            name,
            location: rest_location,
            ty,
            required,
        });
    }
    out
}

/// `QueryVmInstance` -> `QUERY_VM_INSTANCE`.
pub fn const_name(action: &str) -> String {
    snake(action).to_uppercase()
}

/// One line for `api list`: the name in words, and what is special about the call.
pub fn summary(a: &Action) -> String {
    let w = words(&a.name);
    let mut s = String::new();
    for (i, word) in w.iter().enumerate() {
        if i == 0 {
            let mut c = word.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(word);
        }
    }
    s.push('.');
    if a.is_query {
        s.push_str(" Query API (q=field<op>value, limit, start, sort=+f|-f, fields).");
    }
    if !a.alt_paths.is_empty() {
        let _ = write!(s, " Also served on {}.", a.alt_paths.join(", "));
    }
    if !a.needs_session {
        s.push_str(" No session needed.");
    }
    for p in a.params.iter().filter(|p| !p.valid.is_empty()) {
        let _ = write!(s, " {}: {}.", p.name, p.valid.join("|"));
    }
    s
}

fn op_expr(a: &Action) -> String {
    let path = format!("/v1{}", a.path);
    let summary = summary(a);
    OpExpr {
        name: &a.name,
        method: &a.method,
        path: &path,
        params: (!wire_params(a).is_empty()).then(|| format!("{}_PARAMS", const_name(&a.name))),
        result: &a.result_class,
        body: &a.body_key,
        is_async: a.needs_poll,
        summary: &summary,
    }
    .render()
}

/// One group file: every operation of the group as a `const` with its parameters.
pub fn group_file(group: &Group, actions: &[&Action]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! The ZStack operations under {}.\n",
        group
            .prefixes
            .iter()
            .map(|p| format!("`/v1/{p}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    out.push_str("use omnivirt_core::api::{ApiOperation, ApiParam, ParamIn};\n");
    for a in actions {
        out.push('\n');
        out.push_str(&doc(&format!(
            "`{}`: `{} /zstack/v1{}`{}.",
            a.name,
            a.method,
            a.path,
            if a.needs_poll { ", asynchronous" } else { "" }
        )));
        let _ = writeln!(
            out,
            "pub(crate) const {}: ApiOperation = {};",
            const_name(&a.name),
            op_expr(a)
        );
        let params = wire_params(a);
        if params.is_empty() {
            continue;
        }
        out.push('\n');
        out.push_str(&doc(&format!("Parameters of `{}`.", a.name)));
        let _ = writeln!(
            out,
            "const {}_PARAMS: &[ApiParam] = &[",
            const_name(&a.name)
        );
        for p in &params {
            let _ = write!(
                out,
                "    ApiParam::new({}, ParamIn::{}, {})",
                str_lit(&p.name),
                p.location,
                str_lit(&p.ty)
            );
            if p.required {
                out.push_str(".required()");
            }
            out.push_str(",\n");
        }
        out.push_str("];\n");
    }
    out
}

/// `generated/api.rs`: the group modules and `OPERATIONS` in model order.
pub fn api_file(groups: &[Group], actions: &[Action], group_of: &[usize]) -> String {
    let mut out = String::new();
    out.push_str(
        "//! Every ZStack API action as data: the table behind `omnivirt api` for ZStack.\n\
         //!\n\
         //! Paths are relative to the servlet context `/zstack` (`/v1/...`); parameters are \
         the wire's: path variables, query-string parameters (GET/DELETE, and a query's `q`, \
         `limit`, `start`, `count`, `replyWithCount`, `sort`, `fields`) and the fields inside \
         the body key (POST/PUT).\n\n",
    );
    out.push_str("use omnivirt_core::api::ApiOperation;\n\n");
    for g in groups {
        let _ = writeln!(out, "pub(crate) mod {};", g.module);
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "/// Every action of `crates/zstack/model/actions.tsv` ({} rows), in model order.",
        actions.len()
    );
    out.push_str("pub static OPERATIONS: &[ApiOperation] = &[\n");
    for (a, g) in actions.iter().zip(group_of) {
        let _ = writeln!(out, "    {}::{},", groups[*g].module, const_name(&a.name));
    }
    out.push_str("];\n\n");
    out.push_str(
        "/// The actions that need no session (login, logout, version...): sent without \
         `Authorization`.\n",
    );
    out.push_str("pub static SESSIONLESS: &[&str] = &[\n");
    for a in actions.iter().filter(|a| !a.needs_session) {
        let _ = writeln!(out, "    {},", str_lit(&a.name));
    }
    out.push_str("];\n");
    out
}

/// The table files: `api.rs` and one file per group.
pub fn files(groups: &[Group], actions: &[Action], group_of: &[usize]) -> Vec<GeneratedFile> {
    let mut files = vec![GeneratedFile::new(
        format!("{OUT}/api.rs"),
        &api_file(groups, actions, group_of),
    )];
    for (i, g) in groups.iter().enumerate() {
        let members: Vec<&Action> = actions
            .iter()
            .zip(group_of)
            .filter(|(_, gi)| **gi == i)
            .map(|(a, _)| a)
            .collect();
        files.push(GeneratedFile::new(
            format!("{OUT}/api/{}.rs", g.module),
            &group_file(g, &members),
        ));
    }
    files
}

#[cfg(test)]
mod tests {
    use super::super::model::parse_param;
    use super::*;

    fn action(name: &str, method: &str, path: &str, params: &[&str], query: bool) -> Action {
        Action {
            name: name.into(),
            method: method.into(),
            path: path.into(),
            alt_paths: vec![],
            needs_session: true,
            needs_poll: method != "GET",
            body_key: if matches!(method, "PUT" | "POST") {
                "params".into()
            } else {
                String::new()
            },
            is_query: query,
            params: params.iter().map(|p| parse_param(p, 1).unwrap()).collect(),
            result_class: format!("{name}Result"),
            result_fields: vec![],
        }
    }

    #[test]
    fn wire_locations() {
        let q = action(
            "QueryVmInstanceMdevDeviceSpecRef",
            "GET",
            "/vm-instances/{vmInstanceUuid}/mdev",
            &[
                "conditions:List<String>!",
                "limit:Integer",
                "sortBy:String",
                "sortDirection:String{asc|desc}",
            ],
            true,
        );
        let p = wire_params(&q);
        let names: Vec<(&str, &str, bool)> = p
            .iter()
            .map(|p| (p.name.as_str(), p.location, p.required))
            .collect();
        assert_eq!(
            names,
            vec![
                ("vmInstanceUuid", "Path", true),
                ("q", "Query", false),
                ("limit", "Query", false),
                ("sort", "Query", false),
            ]
        );
        let put = action(
            "ResizeRootVolume",
            "PUT",
            "/volumes/resize/{uuid}/actions",
            &["uuid:String", "size:long!"],
            false,
        );
        let p = wire_params(&put);
        assert_eq!((p[0].location, p[0].required), ("Path", true));
        assert_eq!((p[1].location, p[1].ty.as_str()), ("Body", "long"));
        let del = action(
            "DeleteX",
            "DELETE",
            "/x/{uuid}",
            &["uuid:String!", "deleteMode:String"],
            false,
        );
        assert_eq!(wire_params(&del)[1].location, "Query");
    }

    #[test]
    fn emits_consts_and_table() {
        let a = action(
            "StopVmInstance",
            "PUT",
            "/vm-instances/{uuid}/actions",
            &["uuid:String!", "type:String{grace|cold}"],
            false,
        );
        let g = Group {
            module: "vm_instances".into(),
            prefixes: vec!["vm-instances".into()],
        };
        let text = group_file(&g, &[&a]);
        assert!(text.contains(
            "pub(crate) const STOP_VM_INSTANCE: ApiOperation = ApiOperation::new(\"StopVmInstance\", \"PUT\", \"/v1/vm-instances/{uuid}/actions\").params(STOP_VM_INSTANCE_PARAMS).result(\"StopVmInstanceResult\").body(\"params\").asynchronous().summary(\"Stop vm instance. type: grace|cold.\");"
        ), "{text}");
        assert!(text.contains("ApiParam::new(\"uuid\", ParamIn::Path, \"String\").required(),"));
        assert!(text.contains("ApiParam::new(\"type\", ParamIn::Body, \"String\"),"));
        let table = api_file(&[g], &[a], &[0]);
        assert!(table.contains("pub(crate) mod vm_instances;"));
        assert!(table.contains("    vm_instances::STOP_VM_INSTANCE,\n"));
        assert!(table.contains("(1 rows)"));
    }

    #[test]
    fn summaries_say_what_is_special() {
        let mut a = action("LogInByAccount", "PUT", "/accounts/login", &[], false);
        a.needs_session = false;
        assert_eq!(summary(&a), "Log in by account. No session needed.");
    }
}
