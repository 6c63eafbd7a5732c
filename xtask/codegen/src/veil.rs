//! VeiL: `crates/veil/model/operations.tsv` (our own table; VeiL publishes no model) into the
//! operation table behind `omnivirt api`.

use std::fmt::Write as _;
use std::path::Path;

use crate::GeneratedFile;
use crate::rust::{doc, snake, str_lit};

const MODEL: &str = "crates/veil/model/operations.tsv";
const OUT: &str = "crates/veil/src/generated";

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
    /// Result type name.
    pub result: String,
    /// `(name, in, type, required)`.
    pub params: Vec<(String, String, String, bool)>,
    /// One line.
    pub summary: String,
}

/// Parses the table; every error names its line.
pub fn parse(text: &str) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for (n, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l)) {
        if line.starts_with('#') || line.trim().is_empty() || line.starts_with("name\t") {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [name, method, path, is_async, result, params, summary] = cols[..] else {
            return Err(format!("line {n}: {} columns, want 7", cols.len()));
        };
        if !matches!(method, "GET" | "POST" | "PUT" | "PATCH" | "DELETE") {
            return Err(format!("line {n}: bad method `{method}`"));
        }
        if !path.starts_with('/') {
            return Err(format!("line {n}: path `{path}` must start with /"));
        }
        let is_async = match is_async {
            "yes" => true,
            "no" => false,
            other => return Err(format!("line {n}: async is `{other}`, want yes|no")),
        };
        if !names.insert(name.to_string()) {
            return Err(format!("line {n}: operation `{name}` twice"));
        }
        let mut ps = Vec::new();
        for p in params.split_whitespace().filter(|p| *p != "-") {
            let (p, required) = match p.strip_suffix('!') {
                Some(p) => (p, true),
                None => (p, false),
            };
            let [pname, pin, pty] = p.splitn(3, ':').collect::<Vec<_>>()[..] else {
                return Err(format!("line {n}: parameter `{p}` is not NAME:IN:TYPE"));
            };
            if !matches!(pin, "path" | "query" | "body") {
                return Err(format!("line {n}: parameter `{pname}` has IN `{pin}`"));
            }
            ps.push((
                pname.into(),
                pin.into(),
                pty.into(),
                required || pin == "path",
            ));
        }
        for var in path_vars(path) {
            if !ps.iter().any(|(p, i, _, _)| *p == var && i == "path") {
                return Err(format!(
                    "line {n}: path variable `{{{var}}}` has no path parameter"
                ));
            }
        }
        rows.push(Row {
            name: name.into(),
            method: method.into(),
            path: path.into(),
            is_async,
            result: result.into(),
            params: ps,
            summary: summary.into(),
        });
    }
    Ok(rows)
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
        let mut op = format!(
            "ApiOperation::new({}, {}, {})",
            str_lit(&row.name),
            str_lit(&row.method),
            str_lit(&row.path)
        );
        if !row.params.is_empty() {
            let _ = write!(op, ".params({})", params_const(&row.name));
        }
        if !row.result.is_empty() && row.result != "-" {
            let _ = write!(op, ".result({})", str_lit(&row.result));
        }
        if row.is_async {
            op.push_str(".asynchronous()");
        }
        let _ = write!(op, ".summary({})", str_lit(&row.summary));
        let _ = writeln!(out, "    {op},");
    }
    out.push_str("];\n");
    for row in rows.iter().filter(|r| !r.params.is_empty()) {
        out.push('\n');
        out.push_str(&doc(&format!("Parameters of `{}`.", row.name)));
        let _ = writeln!(out, "const {}: &[ApiParam] = &[", params_const(&row.name));
        for (name, pin, ty, required) in &row.params {
            let location = match pin.as_str() {
                "path" => "Path",
                "query" => "Query",
                _ => "Body",
            };
            let mut p = format!(
                "ApiParam::new({}, ParamIn::{location}, {})",
                str_lit(name),
                str_lit(ty)
            );
            if *required {
                p.push_str(".required()");
            }
            let _ = writeln!(out, "    {p},");
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

    #[test]
    fn parses_and_checks_rows() {
        let rows = parse(
            "name\tmethod\tpath\tasync\tresult\tparams\tsummary\n\
             domain.start\tPOST\t/domains/{id}/start/\tyes\tDomain\tid:path:Uuid force:body:Boolean\tStart.\n",
        )
        .unwrap();
        assert_eq!(
            rows[0].params[0],
            ("id".into(), "path".into(), "Uuid".into(), true)
        );
        assert!(rows[0].is_async);
        let bad = parse("x\tGET\t/a/{id}/\tno\t-\t-\ts\n").unwrap_err();
        assert!(bad.contains("line 1") && bad.contains("{id}"), "{bad}");
        assert!(parse("x\tFETCH\t/a/\tno\t-\t-\ts\n").is_err());
        assert!(parse("x\tGET\t/a/\tmaybe\t-\t-\ts\n").is_err());
        assert!(parse("x\tGET\t/a/\tno\t-\tp:cookie:S\ts\n").is_err());
    }
}
