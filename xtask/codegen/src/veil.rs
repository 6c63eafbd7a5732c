//! VeiL: `crates/veil/model/operations.tsv` (our own table; VeiL publishes no model) into the
//! operation table behind `omnivirt api`.
//!
//! The table has nine tab-separated columns: `name method path async result body fixed params
//! summary`. `params` is a space-separated list of `NAME:IN:TYPE` (IN = path, query or body; a
//! trailing `!` marks it required; path parameters always are); the word `@page` stands for the
//! four paginator parameters every VeiL list takes. `fixed` is `-` or a JSON object of body
//! fields the operation always sends (`{"action":"start"}` for `domain.multi_start`).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use crate::GeneratedFile;
use crate::rust::{OpExpr, doc, snake, str_lit};

const MODEL: &str = "crates/veil/model/operations.tsv";
const OUT: &str = "crates/veil/src/generated";

/// The paginator parameters `@page` expands to (`VeilRestPaginator`).
const PAGE: [(&str, &str); 4] = [
    ("name", "String"),
    ("ordering", "String"),
    ("limit", "Integer"),
    ("offset", "Integer"),
];

/// One parameter of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Name as the controller spells it.
    pub name: String,
    /// `path`, `query` or `body`.
    pub location: String,
    /// Type name (`Uuid`, `String`, `Integer`, `Boolean`, `Number`, `Object`, `Uuid[]` ...).
    pub ty: String,
    /// Refused when missing.
    pub required: bool,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// `entity.method`.
    pub name: String,
    /// HTTP method.
    pub method: String,
    /// Path relative to `/api`.
    pub path: String,
    /// Whether the controller answers with a task.
    pub is_async: bool,
    /// Result type name (empty for none).
    pub result: String,
    /// Body type name (empty for none).
    pub body: String,
    /// Body fields always sent, as compact JSON text (empty for none).
    pub fixed: String,
    /// Parameters in table order, `@page` expanded.
    pub params: Vec<Param>,
    /// One line.
    pub summary: String,
}

fn dash(s: &str) -> String {
    if s == "-" { String::new() } else { s.into() }
}

/// Whether `name` follows the scheme `entity.method`, both snake case.
pub fn valid_name(name: &str) -> bool {
    let Some((entity, method)) = name.split_once('.') else {
        return false;
    };
    let part = |s: &str| {
        !s.is_empty()
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && snake(s) == s
    };
    part(entity) && part(method)
}

/// Parses the table; every error names its line.
pub fn parse(text: &str) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    let mut names = BTreeSet::new();
    for (n, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l)) {
        if line.starts_with('#') || line.trim().is_empty() || line.starts_with("name\t") {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [
            name,
            method,
            path,
            is_async,
            result,
            body,
            fixed,
            params,
            summary,
        ] = cols[..]
        else {
            return Err(format!("line {n}: {} columns, want 9", cols.len()));
        };
        if !valid_name(name) {
            return Err(format!(
                "line {n}: name `{name}` is not entity.method in snake case"
            ));
        }
        if !matches!(method, "GET" | "POST" | "PUT" | "PATCH" | "DELETE") {
            return Err(format!("line {n}: bad method `{method}`"));
        }
        if !path.starts_with('/') || !path.ends_with('/') {
            return Err(format!(
                "line {n}: path `{path}` must start and end with / (VeiL paths end in /)"
            ));
        }
        let is_async = match is_async {
            "yes" => true,
            "no" => false,
            other => return Err(format!("line {n}: async is `{other}`, want yes|no")),
        };
        if summary.trim().is_empty() {
            return Err(format!("line {n}: `{name}` has no summary"));
        }
        if !names.insert(name.to_string()) {
            return Err(format!("line {n}: operation `{name}` twice"));
        }
        let ps = parse_params(params).map_err(|e| format!("line {n}: {e}"))?;
        for var in path_vars(path) {
            if !ps.iter().any(|p| p.name == var && p.location == "path") {
                return Err(format!(
                    "line {n}: path variable `{{{var}}}` has no path parameter"
                ));
            }
        }
        for p in ps.iter().filter(|p| p.location == "path") {
            if !path.contains(&format!("{{{}}}", p.name)) {
                return Err(format!(
                    "line {n}: path parameter `{}` is not in the path",
                    p.name
                ));
            }
        }
        let fixed = parse_fixed(fixed, &ps).map_err(|e| format!("line {n}: {e}"))?;
        rows.push(Row {
            name: name.into(),
            method: method.into(),
            path: path.into(),
            is_async,
            result: dash(result),
            body: dash(body),
            fixed,
            params: ps,
            summary: summary.into(),
        });
    }
    Ok(rows)
}

fn parse_params(text: &str) -> Result<Vec<Param>, String> {
    let mut ps: Vec<Param> = Vec::new();
    for word in text.split_whitespace().filter(|p| *p != "-") {
        if word == "@page" {
            ps.extend(PAGE.iter().map(|(name, ty)| Param {
                name: (*name).into(),
                location: "query".into(),
                ty: (*ty).into(),
                required: false,
            }));
            continue;
        }
        let (p, required) = match word.strip_suffix('!') {
            Some(p) => (p, true),
            None => (word, false),
        };
        let [name, location, ty] = p.splitn(3, ':').collect::<Vec<_>>()[..] else {
            return Err(format!("parameter `{p}` is not NAME:IN:TYPE"));
        };
        if !matches!(location, "path" | "query" | "body") {
            return Err(format!("parameter `{name}` has IN `{location}`"));
        }
        if name.is_empty() || ty.is_empty() {
            return Err(format!("parameter `{p}` has an empty name or type"));
        }
        ps.push(Param {
            name: name.into(),
            location: location.into(),
            ty: ty.into(),
            required: required || location == "path",
        });
    }
    let mut seen = BTreeSet::new();
    for p in &ps {
        if !seen.insert(p.name.as_str()) {
            return Err(format!("parameter `{}` twice", p.name));
        }
    }
    Ok(ps)
}

/// Checks the `fixed` column: `-` or a JSON object whose keys are not parameters.
fn parse_fixed(text: &str, params: &[Param]) -> Result<String, String> {
    if text == "-" {
        return Ok(String::new());
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("fixed body `{text}` is not JSON: {e}"))?;
    let Some(map) = value.as_object() else {
        return Err(format!("fixed body `{text}` is not a JSON object"));
    };
    if let Some(k) = map.keys().find(|k| params.iter().any(|p| &p.name == *k)) {
        return Err(format!("fixed body field `{k}` is also a parameter"));
    }
    Ok(value.to_string())
}

fn path_vars(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(v, _)| v))
        .collect()
}

/// Reads the model and writes `generated/{mod,api}.rs`.
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, String> {
    let text = std::fs::read_to_string(root.join(MODEL))
        .map_err(|e| format!("cannot read {MODEL}: {e}"))?;
    let rows = parse(&text).map_err(|e| format!("{MODEL} {e}"))?;
    Ok(vec![
        GeneratedFile::new(
            format!("{OUT}/mod.rs"),
            "//! Code generated from `crates/veil/model/` by `cargo xtask codegen veil`.\n\npub mod api;\n",
        ),
        GeneratedFile::new(format!("{OUT}/api.rs"), &api_table(&rows)),
    ])
}

fn api_table(rows: &[Row]) -> String {
    let mut out = String::new();
    out.push_str("//! Every VeiL operation as data: the table behind `omnivirt api` for VeiL.\n\n");
    out.push_str("use omnivirt_core::api::{ApiOperation, ApiParam, ParamIn};\n\n");
    let _ = writeln!(
        out,
        "/// Every VeiL operation in `crates/veil/model/operations.tsv` ({} rows), in table order.",
        rows.len()
    );
    out.push_str("pub static OPERATIONS: &[ApiOperation] = &[\n");
    for row in rows {
        let op = OpExpr {
            name: &row.name,
            method: &row.method,
            path: &row.path,
            params: (!row.params.is_empty()).then(|| params_const(&row.name)),
            result: &row.result,
            body: &row.body,
            is_async: row.is_async,
            summary: &row.summary,
        }
        .render();
        let _ = writeln!(out, "    {op},");
    }
    out.push_str("];\n\n");
    out.push_str(
        "/// Body fields some operations always send, as JSON text: `(operation, fields)`. The\n\
         /// caller's own fields never override them.\n",
    );
    out.push_str("pub static FIXED_BODIES: &[(&str, &str)] = &[\n");
    for row in rows.iter().filter(|r| !r.fixed.is_empty()) {
        let _ = writeln!(
            out,
            "    ({}, {}),",
            str_lit(&row.name),
            str_lit(&row.fixed)
        );
    }
    out.push_str("];\n");
    for row in rows.iter().filter(|r| !r.params.is_empty()) {
        out.push('\n');
        out.push_str(&doc(&format!("Parameters of `{}`.", row.name)));
        let _ = writeln!(out, "const {}: &[ApiParam] = &[", params_const(&row.name));
        for p in &row.params {
            let location = match p.location.as_str() {
                "path" => "Path",
                "query" => "Query",
                _ => "Body",
            };
            let mut s = format!(
                "ApiParam::new({}, ParamIn::{location}, {})",
                str_lit(&p.name),
                str_lit(&p.ty)
            );
            if p.required {
                s.push_str(".required()");
            }
            let _ = writeln!(out, "    {s},");
        }
        out.push_str("];\n");
    }
    out
}

fn params_const(name: &str) -> String {
    format!("{}_PARAMS", snake(name).to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "name\tmethod\tpath\tasync\tresult\tbody\tfixed\tparams\tsummary\n";

    fn one(line: &str) -> Result<Vec<Row>, String> {
        parse(&format!("{HEAD}{line}\n"))
    }

    #[test]
    fn parses_and_checks_rows() {
        let rows = one("domain.start\tPOST\t/domains/{id}/start/\tyes\tAccepted\tPowerAction\t-\tid:path:Uuid force:body:Boolean\tStart.").unwrap();
        let r = &rows[0];
        assert_eq!(
            r.params[0],
            Param {
                name: "id".into(),
                location: "path".into(),
                ty: "Uuid".into(),
                required: true
            }
        );
        assert!(!r.params[1].required);
        assert!(r.is_async);
        assert_eq!(r.body, "PowerAction");
        assert_eq!(r.fixed, "");
        let bad = one("x.y\tGET\t/a/{id}/\tno\t-\t-\t-\t-\ts").unwrap_err();
        assert!(bad.contains("line 2") && bad.contains("{id}"), "{bad}");
        assert!(one("x.y\tFETCH\t/a/\tno\t-\t-\t-\t-\ts").is_err());
        assert!(one("x.y\tGET\t/a/\tmaybe\t-\t-\t-\t-\ts").is_err());
        assert!(one("x.y\tGET\t/a/\tno\t-\t-\t-\tp:cookie:S\ts").is_err());
        assert!(
            one("x.y\tGET\t/a\tno\t-\t-\t-\t-\ts").is_err(),
            "no trailing /"
        );
        assert!(
            one("x.y\tGET\t/a/\tno\t-\t-\t-\t-\t ").is_err(),
            "no summary"
        );
        assert!(one("x.y\tGET\t/a/\tno\t-\t-\t-\tp:query:S p:body:S\ts").is_err());
        assert!(one("x.y\tGET\t/a/\tno\t-\t-\t-\tid:path:Uuid\ts").is_err());
        let twice = parse(&format!(
            "{HEAD}x.y\tGET\t/a/\tno\t-\t-\t-\t-\ts\nx.y\tGET\t/b/\tno\t-\t-\t-\t-\ts\n"
        ))
        .unwrap_err();
        assert!(twice.contains("twice"), "{twice}");
    }

    #[test]
    fn names_follow_the_scheme() {
        assert!(valid_name("domain.multi_create"));
        assert!(valid_name("vmachine_inf.list"));
        assert!(!valid_name("domain"));
        assert!(!valid_name("Domain.start"));
        assert!(!valid_name("domain.multiCreate"));
        assert!(!valid_name("domain.multi-create"));
        assert!(!valid_name("domain.start.now"));
        assert!(one("domain.Start\tGET\t/a/\tno\t-\t-\t-\t-\ts").is_err());
    }

    #[test]
    fn page_expands_to_the_paginator() {
        let rows =
            one("tag.list\tGET\t/tags/\tno\t-\t-\t-\tentity_uuid:query:Uuid! @page\ts").unwrap();
        let names: Vec<&str> = rows[0].params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["entity_uuid", "name", "ordering", "limit", "offset"]
        );
        assert!(rows[0].params[0].required);
        assert_eq!(rows[0].params[3].ty, "Integer");
    }

    #[test]
    fn fixed_bodies_are_json_objects_apart_from_params() {
        let rows = one("domain.multi_start\tPOST\t/domains/multi-manager/\tyes\t-\tM\t{\"action\": \"start\"}\tentity_ids:body:Uuid[]!\ts").unwrap();
        assert_eq!(rows[0].fixed, r#"{"action":"start"}"#);
        assert!(one("a.b\tPOST\t/a/\tno\t-\t-\t[1]\t-\ts").is_err());
        assert!(one("a.b\tPOST\t/a/\tno\t-\t-\t{bad\t-\ts").is_err());
        let clash = one("a.b\tPOST\t/a/\tno\t-\t-\t{\"x\":1}\tx:body:Integer\ts").unwrap_err();
        assert!(clash.contains("also a parameter"), "{clash}");
    }

    #[test]
    fn small_model_to_expected_code() {
        let rows = parse(&format!(
            "{HEAD}domain.info\tGET\t/domains/{{id}}/\tno\tDomain\t-\t-\tid:path:Uuid\tOne domain.\n\
             domain.multi_start\tPOST\t/domains/multi-manager/\tyes\tAccepted\tMultiManager\t{{\"action\":\"start\"}}\tentity_ids:body:Uuid[]!\tMany.\n\
             controller.check\tGET\t/controllers/check/\tno\t-\t-\t-\t-\tUp?\n"
        ))
        .unwrap();
        let code = api_table(&rows);
        assert!(code.contains("(3 rows)"), "{code}");
        assert!(code.contains(
            "ApiOperation::new(\"domain.info\", \"GET\", \"/domains/{id}/\").params(DOMAIN_INFO_PARAMS).result(\"Domain\").summary(\"One domain.\")"
        ), "{code}");
        assert!(
            code.contains(".body(\"MultiManager\").asynchronous()"),
            "{code}"
        );
        assert!(code.contains(
            "ApiOperation::new(\"controller.check\", \"GET\", \"/controllers/check/\").summary(\"Up?\")"
        ), "{code}");
        assert!(
            code.contains(r#"("domain.multi_start", "{\"action\":\"start\"}"),"#),
            "{code}"
        );
        assert!(code.contains(
            "const DOMAIN_MULTI_START_PARAMS: &[ApiParam] = &[\n    ApiParam::new(\"entity_ids\", ParamIn::Body, \"Uuid[]\").required(),\n];"
        ), "{code}");
        assert!(!code.contains("CONTROLLER_CHECK_PARAMS"), "{code}");
        // And it is valid Rust.
        crate::rustfmt(&code).unwrap();
    }

    #[test]
    fn the_checked_in_model_parses() {
        let text = std::fs::read_to_string(crate::workspace_root().join(MODEL)).unwrap();
        let rows = parse(&text).unwrap();
        assert!(rows.len() > 100, "{}", rows.len());
        assert!(rows.iter().all(|r| valid_name(&r.name)));
    }
}
