//! Finishing a mutation: what was submitted, or the waited-for result, one id or many.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use omnivirt::{Client, Operation, Task, Vm, WaitOptions};
use omnivirt_core::{FromTarget, Progress};
use serde_json::{Map, Value, json};

use super::{CliError, CliResult};
use crate::args::{OutputFormat, WaitArgs};
use crate::output;

/// A progress reporter: a bar on a terminal, plain lines otherwise.
pub struct Reporter {
    bar: Option<indicatif::ProgressBar>,
    last: Mutex<String>,
    label: String,
}

impl Reporter {
    pub fn new(label: &str) -> Arc<Self> {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {prefix} {msg} [{elapsed}]")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            b.set_prefix(label.to_owned());
            b.enable_steady_tick(Duration::from_millis(120));
            b
        });
        Arc::new(Reporter {
            bar,
            last: Mutex::new(String::new()),
            label: label.to_owned(),
        })
    }

    pub fn update(&self, p: &Progress) {
        let mut msg = p.observed.clone().unwrap_or_else(|| "waiting".into());
        if let Some(pc) = p.percent {
            msg = format!("{msg} {pc}%");
        }
        if p.done {
            msg = "done".into();
        }
        match &self.bar {
            Some(b) => b.set_message(msg),
            None => {
                let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
                if *last != msg {
                    eprintln!(
                        "{}: {msg} (poll {}, {:.1}s)",
                        self.label,
                        p.polls,
                        p.elapsed.as_secs_f64()
                    );
                    *last = msg;
                }
            }
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

fn wait_options(wait: &WaitArgs, reporter: &Arc<Reporter>) -> WaitOptions {
    let r = reporter.clone();
    WaitOptions::new()
        .timeout(wait.timeout)
        .interval(Duration::from_millis(200), Duration::from_secs(5))
        .on_progress(move |p| r.update(p))
}

/// What a mutation without `--wait` prints: `{"op", "task_id", "target"}`.
fn submitted_fields<T: FromTarget>(op: &Operation<T>) -> Map<String, Value> {
    let s = op.submitted();
    let mut m = Map::new();
    m.insert("op".into(), json!(s.op.as_str()));
    m.insert("task_id".into(), json!(s.task.as_ref().map(|t| t.as_str())));
    m.insert(
        "target".into(),
        serde_json::to_value(&s.target).unwrap_or(Value::Null),
    );
    m
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        // A resource reference: `vm 1234...`.
        Value::Object(o) => match (o.get("kind"), o.get("id")) {
            (Some(k), Some(id)) => format!("{} {}", cell(k), cell(id)),
            _ => v.to_string(),
        },
        other => other.to_string(),
    }
}

/// Prints one record: a two-column table, or the object.
fn record(fmt: OutputFormat, m: &Map<String, Value>) -> CliResult {
    if fmt == OutputFormat::Table {
        let rows: Vec<(String, String)> = m
            .iter()
            .map(|(k, v)| (k.to_ascii_uppercase(), cell(v)))
            .collect();
        return Ok(output::pairs(&rows)?);
    }
    Ok(output::value(fmt, m)?)
}

/// Prints what one mutation submitted, or waits and prints its result.
pub async fn finish_one<T>(
    op: Operation<T>,
    wait: &WaitArgs,
    fmt: OutputFormat,
    label: &str,
) -> CliResult
where
    T: FromTarget + output::Row,
{
    if !wait.wait {
        return record(fmt, &submitted_fields(&op));
    }
    let reporter = Reporter::new(label);
    let result = op.with_options(wait_options(wait, &reporter)).wait().await;
    reporter.finish();
    Ok(output::one(fmt, &result?)?)
}

/// The result of a waited-for operation on one id.
pub trait Done: FromTarget {
    /// Prints the result when the command named one id.
    fn print_single(self, id: &str, fmt: OutputFormat) -> CliResult;
    /// The fields of the result in a per-id object.
    fn fields(&self) -> Map<String, Value>;
    /// The result in one table cell.
    fn detail(&self) -> String;
}

impl Done for Vm {
    fn print_single(self, _id: &str, fmt: OutputFormat) -> CliResult {
        Ok(output::one(fmt, &self)?)
    }
    fn fields(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert(
            "vm".into(),
            serde_json::to_value(self).unwrap_or(Value::Null),
        );
        m
    }
    fn detail(&self) -> String {
        self.state.to_string()
    }
}

impl Done for Task {
    fn print_single(self, _id: &str, fmt: OutputFormat) -> CliResult {
        Ok(output::one(fmt, &self)?)
    }
    fn fields(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert(
            "task".into(),
            serde_json::to_value(self).unwrap_or(Value::Null),
        );
        m
    }
    fn detail(&self) -> String {
        self.state.to_string()
    }
}

/// A deletion: `{"id": ..., "deleted": true}`.
impl Done for () {
    fn print_single(self, id: &str, fmt: OutputFormat) -> CliResult {
        let mut m = Map::new();
        m.insert("id".into(), json!(id));
        m.insert("deleted".into(), json!(true));
        record(fmt, &m)
    }
    fn fields(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("deleted".into(), json!(true));
        m
    }
    fn detail(&self) -> String {
        "deleted".into()
    }
}

/// One id's line in the output of a many-id command.
struct Outcome {
    id: String,
    result: Result<(Map<String, Value>, String), omnivirt::Error>,
}

/// Finishes a command on one or more ids, each submitted separately (`submits`, in the order
/// given). One id: its result or its error, like any single command. Several ids: what happened
/// to every id (a JSON object `{"id", "ok", ...}` or a table row each); the accepted ones are
/// waited for together; exit 1 if any failed.
pub async fn finish_ids<T: Done>(
    c: &Client,
    submits: Vec<(String, omnivirt::Result<Operation<T>>)>,
    wait: &WaitArgs,
    fmt: OutputFormat,
    label: &str,
) -> CliResult {
    if submits.len() == 1 && !wait.wait {
        if let Some((_, r)) = submits.into_iter().next() {
            return record(fmt, &submitted_fields(&r?));
        }
        return Ok(());
    }
    let single = submits.len() == 1;
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut ops = Vec::new();
    let mut waited_ids = Vec::new();
    for (id, r) in submits {
        match r {
            Ok(op) if wait.wait => {
                waited_ids.push((outcomes.len(), id.clone()));
                outcomes.push(Outcome {
                    id,
                    result: Ok((Map::new(), String::new())),
                });
                ops.push(op);
            }
            Ok(op) => {
                let f = submitted_fields(&op);
                let detail = match f.get("task_id") {
                    Some(Value::String(t)) => format!("submitted (task {t})"),
                    _ => "submitted".into(),
                };
                outcomes.push(Outcome {
                    id,
                    result: Ok((f, detail)),
                });
            }
            Err(e) => outcomes.push(Outcome { id, result: Err(e) }),
        }
    }
    if !ops.is_empty() {
        let reporter = Reporter::new(label);
        let opts = wait_options(wait, &reporter);
        let ops: Vec<_> = ops
            .into_iter()
            .map(|o| o.with_options(opts.clone()))
            .collect();
        let results = c.wait_all(ops).await;
        reporter.finish();
        for ((slot, id), r) in waited_ids.into_iter().zip(results) {
            if single {
                return match r {
                    Ok(v) => v.print_single(&id, fmt),
                    Err(e) => Err(e.into()),
                };
            }
            if let Some(o) = outcomes.get_mut(slot) {
                o.result = r.map(|v| (v.fields(), v.detail()));
            }
        }
    }
    if single {
        // The only id was refused at submission.
        if let Some(Outcome { result: Err(e), .. }) = outcomes.pop() {
            return Err(e.into());
        }
        return Ok(());
    }
    print_outcomes(fmt, &outcomes)?;
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.result.is_err()).collect();
    match failed.first() {
        None => Ok(()),
        Some(first) => {
            let e = match &first.result {
                Err(e) => e.to_string(),
                Ok(_) => String::new(),
            };
            Err(CliError::op(format!(
                "{} of {} ids failed; first: {}: {e}",
                failed.len(),
                outcomes.len(),
                first.id
            )))
        }
    }
}

fn print_outcomes(fmt: OutputFormat, outcomes: &[Outcome]) -> CliResult {
    if fmt == OutputFormat::Table {
        let rows: Vec<Vec<String>> = outcomes
            .iter()
            .map(|o| match &o.result {
                Ok((_, detail)) => vec![o.id.clone(), "ok".into(), detail.clone()],
                Err(e) => vec![o.id.clone(), "failed".into(), e.to_string()],
            })
            .collect();
        return Ok(output::rows(&["ID", "RESULT", "DETAIL"], &rows)?);
    }
    let objs: Vec<Value> = outcomes
        .iter()
        .map(|o| {
            let mut m = Map::new();
            m.insert("id".into(), json!(o.id));
            match &o.result {
                Ok((fields, _)) => {
                    m.insert("ok".into(), json!(true));
                    m.extend(fields.clone());
                }
                Err(e) => {
                    m.insert("ok".into(), json!(false));
                    m.insert("error".into(), json!(e.to_string()));
                }
            }
            Value::Object(m)
        })
        .collect();
    Ok(output::value(fmt, &objs)?)
}
