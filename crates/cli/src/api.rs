//! `omnivirt api`: every operation of the vendor's own API, from the tables generated from its
//! model. `list` and `describe` need only a vendor and send nothing; `call` binds `NAME=VALUE`
//! arguments (usage errors, exit 2, before any request), runs the operation and prints the result.

use std::io::Read;

use omnivirt::Vendor;
use omnivirt_core::api::{self, ApiOperation, CallArgs};
use serde_json::{Value, json};

use crate::args::{ApiCmd, ConnArgs, OutputFormat};
use crate::output;
use crate::run::{CliError, CliResult, insecure_warning, resolve_context};

/// Runs one `api` subcommand.
pub async fn run(cmd: ApiCmd, conn: &ConnArgs, fmt: OutputFormat) -> CliResult {
    match cmd {
        ApiCmd::List { filter } => {
            let ops = operations(vendor(conn)?)?;
            let needle = filter.map(|f| f.to_ascii_lowercase());
            let shown: Vec<&ApiOperation> = ops
                .iter()
                .filter(|op| {
                    needle.as_ref().is_none_or(|n| {
                        op.name.to_ascii_lowercase().contains(n)
                            || op.path.to_ascii_lowercase().contains(n)
                    })
                })
                .collect();
            list(fmt, &shown)
        }
        ApiCmd::Describe { name } => {
            let ops = operations(vendor(conn)?)?;
            let op = api::find(ops, &name).map_err(usage)?;
            describe(fmt, op)
        }
        ApiCmd::Call {
            name,
            args,
            body,
            no_wait,
        } => call(conn, fmt, &name, &args, body.as_deref(), !no_wait).await,
    }
}

/// The vendor named by `--vendor`, else by the context; `api list`/`describe` need no URL.
fn vendor(conn: &ConnArgs) -> CliResult<Vendor> {
    if let Some(v) = &conn.vendor {
        return v
            .parse()
            .map_err(|e: omnivirt::Error| CliError::usage(e.message()));
    }
    Ok(resolve_context(conn)?.1.vendor)
}

fn operations(vendor: Vendor) -> CliResult<&'static [ApiOperation]> {
    omnivirt::api::operations(vendor).map_err(|e| match e.kind() {
        omnivirt::ErrorKind::Unsupported => CliError::usage(e.message()),
        _ => CliError::from(e),
    })
}

fn usage(e: omnivirt::Error) -> CliError {
    CliError::usage(e.message())
}

fn list(fmt: OutputFormat, ops: &[&ApiOperation]) -> CliResult {
    match fmt {
        OutputFormat::Table => {
            let rows: Vec<Vec<String>> = ops
                .iter()
                .map(|op| {
                    vec![
                        op.name.to_string(),
                        op.method.to_string(),
                        op.path.to_string(),
                        if op.is_async { "yes" } else { "" }.to_string(),
                    ]
                })
                .collect();
            Ok(output::rows(&["NAME", "METHOD", "PATH", "ASYNC"], &rows)?)
        }
        _ => {
            let items: Vec<Value> = ops
                .iter()
                .map(|op| {
                    json!({
                        "name": op.name,
                        "method": op.method,
                        "path": op.path,
                        "async": op.is_async,
                        "result": non_empty(op.result),
                        "summary": non_empty(op.summary),
                    })
                })
                .collect();
            Ok(output::value(fmt, &items)?)
        }
    }
}

fn non_empty(s: &str) -> Value {
    if s.is_empty() {
        Value::Null
    } else {
        Value::String(s.into())
    }
}

fn describe(fmt: OutputFormat, op: &ApiOperation) -> CliResult {
    match fmt {
        OutputFormat::Table => {
            let mut head = vec![
                ("NAME".to_string(), op.name.to_string()),
                ("METHOD".to_string(), op.method.to_string()),
                ("PATH".to_string(), op.path.to_string()),
                ("ASYNC".to_string(), op.is_async.to_string()),
                ("RESULT".to_string(), or_dash(op.result)),
                ("BODY".to_string(), or_dash(op.body)),
            ];
            if !op.summary.is_empty() {
                head.push(("SUMMARY".to_string(), op.summary.to_string()));
            }
            output::pairs(&head)?;
            if op.params.is_empty() {
                println!("(no parameters)");
                return Ok(());
            }
            let rows: Vec<Vec<String>> = op
                .params
                .iter()
                .map(|p| {
                    vec![
                        p.name.to_string(),
                        p.location.as_str().to_string(),
                        p.ty.to_string(),
                        if p.required { "yes" } else { "" }.to_string(),
                    ]
                })
                .collect();
            Ok(output::rows(
                &["PARAMETER", "IN", "TYPE", "REQUIRED"],
                &rows,
            )?)
        }
        _ => {
            let params: Vec<Value> = op
                .params
                .iter()
                .map(|p| {
                    json!({"name": p.name, "in": p.location.as_str(), "type": p.ty, "required": p.required})
                })
                .collect();
            let v = json!({
                "name": op.name,
                "method": op.method,
                "path": op.path,
                "async": op.is_async,
                "result": non_empty(op.result),
                "body": non_empty(op.body),
                "summary": non_empty(op.summary),
                "params": params,
            });
            Ok(output::value(fmt, &v)?)
        }
    }
}

fn or_dash(s: &str) -> String {
    if s.is_empty() { "-".into() } else { s.into() }
}

async fn call(
    conn: &ConnArgs,
    fmt: OutputFormat,
    name: &str,
    words: &[String],
    body: Option<&str>,
    follow: bool,
) -> CliResult {
    let (_, ctx) = resolve_context(conn)?;
    let op = api::find(operations(ctx.vendor)?, name).map_err(usage)?;
    let mut args = CallArgs::parse(words).map_err(usage)?;
    if let Some(text) = body {
        args = args.with_body(read_body(text)?);
    }
    // Every argument problem is a usage error here, before secrets are read or a request sent.
    args.bind(op).map_err(usage)?;
    if ctx.is_insecure() {
        eprintln!("{}", insecure_warning());
    }
    let result = tokio::select! {
        r = omnivirt::api::call(&ctx, op.name, &args, follow) => r?,
        _ = tokio::signal::ctrl_c() => {
            return Err(CliError { code: 130, message: "interrupted".into() });
        }
    };
    // A table has no fixed columns for an arbitrary vendor object: print it as JSON.
    let fmt = match fmt {
        OutputFormat::Table => OutputFormat::Json,
        other => other,
    };
    Ok(output::value(fmt, &result)?)
}

/// `--body`: inline JSON, `@FILE`, or `@-` for stdin.
fn read_body(text: &str) -> CliResult<Value> {
    let (source, raw) = match text.strip_prefix('@') {
        Some(at) => read_at("--body", at)?,
        None => ("--body".to_string(), text.to_string()),
    };
    serde_json::from_str(&raw)
        .map_err(|e| CliError::usage(format!("{source} is not valid JSON: {e}")))
}

/// What a flag's `@FILE` names: the file's text, or stdin's for `-`; with the source's name for
/// messages. Unreadable input is a usage error naming the flag.
pub(crate) fn read_at(flag: &str, at: &str) -> CliResult<(String, String)> {
    let mut s = String::new();
    if at == "-" {
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| CliError::usage(format!("cannot read {flag} from stdin: {e}")))?;
        return Ok(("stdin".to_string(), s));
    }
    let s = std::fs::read_to_string(at)
        .map_err(|e| CliError::usage(format!("cannot read {flag} file {at}: {e}")))?;
    Ok((at.to_string(), s))
}
