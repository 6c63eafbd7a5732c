//! Rendering: tables for people, JSON and YAML for scripts.

use std::io::{IsTerminal, Write};

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use omnivirt::{Cluster, Disk, Host, Task, Vm};
use omnivirt_core::Capabilities;
use omnivirt_core::{Event, Network, Nic, ResourceRef, Snapshot, StoragePool, Template};
use serde::Serialize;

use crate::args::OutputFormat;
use crate::size::human_bytes;

mod json;

/// Resolves the default format: a table on a terminal, JSON otherwise.
pub fn resolve(fmt: Option<OutputFormat>) -> OutputFormat {
    fmt.unwrap_or_else(|| {
        if std::io::stdout().is_terminal() {
            OutputFormat::Table
        } else {
            OutputFormat::Json
        }
    })
}

/// A type that can be shown as a table row.
pub trait Row: Serialize {
    fn headers() -> Vec<&'static str>;
    fn cells(&self) -> Vec<String>;
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref()
        .map(|x| x.to_string())
        .unwrap_or_else(|| "-".into())
}

impl Row for Vm {
    fn headers() -> Vec<&'static str> {
        vec![
            "ID", "NAME", "STATE", "RAW", "VCPUS", "MEMORY", "CLUSTER", "HOST", "IPS",
        ]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.state.to_string(),
            opt(&self.raw_state),
            opt(&self.vcpus),
            self.memory_bytes
                .map(human_bytes)
                .unwrap_or_else(|| "-".into()),
            opt(&self.cluster_id),
            opt(&self.host_id),
            list_cell(&self.ips),
        ]
    }
}

/// Several values in one cell: comma-separated, `-` when none.
fn list_cell(items: &[String]) -> String {
    if items.is_empty() {
        "-".into()
    } else {
        items.join(", ")
    }
}

/// An object from one context of several: a CONTEXT column first.
impl<T: Row> Row for omnivirt::Tagged<T> {
    fn headers() -> Vec<&'static str> {
        let mut h = vec!["CONTEXT"];
        h.extend(T::headers());
        h
    }
    fn cells(&self) -> Vec<String> {
        let mut c = vec![self.context.clone()];
        c.extend(self.item.cells());
        c
    }
}

impl Row for Nic {
    fn headers() -> Vec<&'static str> {
        vec!["ID", "NAME", "MAC", "NETWORK", "MODEL", "IPS"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            opt(&self.mac),
            opt(&self.network_id),
            opt(&self.model),
            list_cell(&self.ips),
        ]
    }
}

impl Row for Snapshot {
    fn headers() -> Vec<&'static str> {
        vec![
            "ID",
            "NAME",
            "STATE",
            "RAW",
            "MEMORY",
            "CREATED",
            "DESCRIPTION",
        ]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.state.to_string(),
            opt(&self.raw_state),
            match self.includes_memory {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => "-".into(),
            },
            opt(&self.created_at),
            opt(&self.description),
        ]
    }
}

/// A resource reference in a cell: `vm 1234...`.
pub fn ref_cell(r: &ResourceRef) -> String {
    match serde_json::to_value(r) {
        Ok(serde_json::Value::Object(o)) => match (o.get("kind"), o.get("id")) {
            (Some(serde_json::Value::String(k)), Some(serde_json::Value::String(id))) => {
                format!("{k} {id}")
            }
            _ => format!("{r:?}"),
        },
        _ => format!("{r:?}"),
    }
}

impl Row for Event {
    fn headers() -> Vec<&'static str> {
        vec!["TIME", "SEVERITY", "MESSAGE", "REFS", "CODE"]
    }
    fn cells(&self) -> Vec<String> {
        let refs: Vec<String> = self.refs.iter().map(ref_cell).collect();
        vec![
            self.time.clone(),
            self.severity.to_string(),
            self.message.clone(),
            list_cell(&refs),
            opt(&self.code),
        ]
    }
}

impl Row for Host {
    fn headers() -> Vec<&'static str> {
        vec!["ID", "NAME", "STATE", "RAW", "CLUSTER", "ADDRESS"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.state.to_string(),
            opt(&self.raw_state),
            opt(&self.cluster_id),
            opt(&self.address),
        ]
    }
}

impl Row for Cluster {
    fn headers() -> Vec<&'static str> {
        vec!["ID", "NAME", "STATE", "RAW"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.state.to_string(),
            opt(&self.raw_state),
        ]
    }
}

impl Row for Disk {
    fn headers() -> Vec<&'static str> {
        vec!["ID", "NAME", "STATE", "RAW", "SIZE", "VM"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.state.to_string(),
            opt(&self.raw_state),
            self.size_bytes
                .map(human_bytes)
                .unwrap_or_else(|| "-".into()),
            opt(&self.vm_id),
        ]
    }
}

impl Row for Task {
    fn headers() -> Vec<&'static str> {
        vec!["ID", "NAME", "STATE", "RAW", "PROGRESS", "ERROR"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            opt(&self.name),
            self.state.to_string(),
            opt(&self.raw_state),
            self.progress
                .map(|p| format!("{p}%"))
                .unwrap_or_else(|| "-".into()),
            self.error
                .as_ref()
                .map(|e| e.message.clone())
                .unwrap_or_else(|| "-".into()),
        ]
    }
}

impl Row for Template {
    fn headers() -> Vec<&'static str> {
        vec!["ID", "NAME", "KIND", "OS", "SIZE", "CLUSTER"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.kind.to_string(),
            opt(&self.os),
            self.size_bytes
                .map(human_bytes)
                .unwrap_or_else(|| "-".into()),
            opt(&self.cluster_id),
        ]
    }
}

impl Row for Network {
    fn headers() -> Vec<&'static str> {
        vec!["ID", "NAME", "VLAN", "CIDR", "CLUSTER"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            opt(&self.vlan),
            opt(&self.cidr),
            opt(&self.cluster_id),
        ]
    }
}

impl Row for StoragePool {
    fn headers() -> Vec<&'static str> {
        vec!["ID", "NAME", "STATE", "RAW", "CAPACITY", "FREE", "CLUSTER"]
    }
    fn cells(&self) -> Vec<String> {
        let size = |v: Option<u64>| v.map(human_bytes).unwrap_or_else(|| "-".into());
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.state.to_string(),
            opt(&self.raw_state),
            size(self.capacity_bytes),
            size(self.free_bytes),
            opt(&self.cluster_id),
        ]
    }
}

fn write_out(text: &str) {
    write_bytes(text.as_bytes());
}

/// Writes to standard output and flushes. Bytes, so text built as bytes needs no UTF-8 check.
fn write_bytes(bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = out.write_all(bytes);
    let _ = out.flush();
}

fn structured<T: Serialize + ?Sized>(fmt: OutputFormat, value: &T) -> Result<String, String> {
    match fmt {
        OutputFormat::Yaml => serde_yaml::to_string(value).map_err(|e| e.to_string()),
        _ => serde_json::to_string_pretty(value)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string()),
    }
}

/// Prints a list.
pub fn list<T: Row>(fmt: OutputFormat, items: &[T]) -> Result<(), String> {
    write_out(&list_text(fmt, items)?);
    Ok(())
}

/// A list as text: a table, or a JSON/YAML array.
fn list_text<T: Row>(fmt: OutputFormat, items: &[T]) -> Result<String, String> {
    Ok(match fmt {
        OutputFormat::Table => {
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED);
            t.set_header(T::headers());
            for it in items {
                t.add_row(it.cells());
            }
            format!("{t}\n")
        }
        _ => structured(fmt, items)?,
    })
}

/// Prints a listing as its pages arrive: JSON and YAML items are written one by one, so memory
/// stays bounded by a page however long the listing; a table needs every row for its column
/// widths, so it is printed at the end. Items are gathered in a buffer that goes out whenever
/// the next item is not ready yet (the rest of the page is still on the network) or the buffer
/// passes 64 KiB, so output keeps pace with the pages without a write per item. An error
/// mid-way stops the output where it is (a JSON array is left unclosed, so a reader cannot
/// mistake it for the whole listing) and is returned.
pub async fn stream<T, S>(fmt: OutputFormat, items: S) -> Result<(), omnivirt::Error>
where
    T: Row,
    S: futures::Stream<Item = omnivirt::Result<T>> + Unpin,
{
    stream_to(fmt, items, write_bytes).await
}

/// [`stream`] with the output going to `out` (standard output in the binary, a buffer in tests).
async fn stream_to<T, S>(
    fmt: OutputFormat,
    mut items: S,
    mut out: impl FnMut(&[u8]),
) -> Result<(), omnivirt::Error>
where
    T: Row,
    S: futures::Stream<Item = omnivirt::Result<T>> + Unpin,
{
    use futures::{FutureExt, TryStreamExt};
    const FLUSH_AT: usize = 64 << 10;
    if fmt == OutputFormat::Table {
        let all: Vec<T> = items.try_collect().await?;
        out(list_text(fmt, &all).map_err(render_error)?.as_bytes());
        return Ok(());
    }
    // Bytes, not a String: `json::push_element` writes each element straight in, and
    // everything pushed is UTF-8 already, so it goes out unchecked.
    let mut buf: Vec<u8> = Vec::with_capacity(FLUSH_AT + (8 << 10));
    let mut emit = |buf: &mut Vec<u8>| {
        out(buf);
        buf.clear();
    };
    let mut first = true;
    loop {
        let next = match items.try_next().now_or_never() {
            Some(ready) => ready,
            None => {
                // Nothing more until the next page arrives: show what there is.
                emit(&mut buf);
                items.try_next().await
            }
        };
        let item = match next {
            Ok(Some(item)) => item,
            Ok(None) => break,
            Err(e) => {
                emit(&mut buf);
                return Err(e);
            }
        };
        match fmt {
            OutputFormat::Yaml => buf.extend_from_slice(
                serde_yaml::to_string(&[&item])
                    .map_err(|e| render_error(e.to_string()))?
                    .as_bytes(),
            ),
            _ => {
                buf.extend_from_slice(if first { b"[\n  " } else { b",\n  " });
                json::push_element(&mut buf, &item).map_err(|e| render_error(e.to_string()))?;
            }
        }
        first = false;
        if buf.len() >= FLUSH_AT {
            emit(&mut buf);
        }
    }
    match fmt {
        OutputFormat::Yaml if first => buf.extend_from_slice(b"[]\n"),
        OutputFormat::Yaml => {}
        _ if first => buf.extend_from_slice(b"[]\n"),
        _ => buf.extend_from_slice(b"\n]\n"),
    }
    emit(&mut buf);
    Ok(())
}

fn render_error(msg: String) -> omnivirt::Error {
    omnivirt::Error::new(
        omnivirt::ErrorKind::Protocol,
        format!("cannot render output: {msg}"),
    )
}

/// Prints one item of an endless stream as soon as it arrives: JSON one compact object per
/// line, YAML one document each, a table one row per item (`header` true for the first, which
/// prints the column names above it). Table columns have fixed widths, as the rows to come
/// cannot be measured.
pub fn streamed<T: Row>(fmt: OutputFormat, item: &T, header: bool) -> Result<(), String> {
    let text = match fmt {
        OutputFormat::Json => serde_json::to_string(item).map_err(|e| e.to_string())? + "\n",
        OutputFormat::Yaml => {
            format!(
                "---\n{}",
                serde_yaml::to_string(item).map_err(|e| e.to_string())?
            )
        }
        OutputFormat::Table => {
            let line = |cells: Vec<String>| {
                let n = cells.len();
                cells
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let w = STREAM_WIDTHS.get(i).copied().unwrap_or(0);
                        if i + 1 == n { c } else { format!("{c:<w$}") }
                    })
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_owned()
            };
            let mut text = String::new();
            if header {
                text.push_str(&line(T::headers().iter().map(|h| h.to_string()).collect()));
                text.push('\n');
            }
            text.push_str(&line(item.cells()));
            text.push('\n');
            text
        }
    };
    write_out(&text);
    Ok(())
}

/// Column widths of a streamed table: wide enough for an RFC 3339 time and a severity word;
/// a longer cell pushes the rest of its row right.
const STREAM_WIDTHS: [usize; 4] = [20, 8, 40, 20];

/// Prints one object.
pub fn one<T: Row>(fmt: OutputFormat, item: &T) -> Result<(), String> {
    let text = match fmt {
        OutputFormat::Table => {
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED);
            for (h, c) in T::headers().iter().zip(item.cells()) {
                t.add_row(vec![h.to_string(), c]);
            }
            format!("{t}\n")
        }
        _ => structured(fmt, item)?,
    };
    write_out(&text);
    Ok(())
}

/// Prints any serialisable value (tables fall back to JSON).
pub fn value<T: Serialize + ?Sized>(fmt: OutputFormat, v: &T) -> Result<(), String> {
    let fmt = if fmt == OutputFormat::Table {
        OutputFormat::Json
    } else {
        fmt
    };
    write_out(&structured(fmt, v)?);
    Ok(())
}

#[derive(Serialize)]
struct CapRow<'a> {
    op: &'a str,
    supported: bool,
    note: Option<&'a str>,
}

/// Prints capabilities.
pub fn capabilities(fmt: OutputFormat, vendor: &str, caps: &Capabilities) -> Result<(), String> {
    let rows: Vec<CapRow<'_>> = omnivirt_core::Op::ALL
        .iter()
        .map(|op| CapRow {
            op: op.as_str(),
            supported: caps.supports(*op),
            note: caps.note(*op),
        })
        .collect();
    match fmt {
        OutputFormat::Table => {
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED);
            t.set_header(vec!["OP", vendor, "NOTE"]);
            for r in &rows {
                t.add_row(vec![
                    r.op.to_string(),
                    if r.supported { "yes" } else { "no" }.to_string(),
                    r.note.unwrap_or("").to_string(),
                ]);
            }
            write_out(&format!("{t}\n"));
            Ok(())
        }
        _ => value(fmt, &rows),
    }
}

/// Prints name/value pairs as a two-column table.
pub fn pairs(rows: &[(String, String)]) -> Result<(), String> {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    for (k, v) in rows {
        t.add_row(vec![k.clone(), v.clone()]);
    }
    write_out(&format!("{t}\n"));
    Ok(())
}

/// Prints rows under headers as a table.
pub fn rows(headers: &[&str], rows: &[Vec<String>]) -> Result<(), String> {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(headers.to_vec());
    for r in rows {
        t.add_row(r.clone());
    }
    write_out(&format!("{t}\n"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures::StreamExt;
    use omnivirt::{Vm, VmState};

    use super::*;

    fn vm(n: u32) -> omnivirt::Result<Vm> {
        Ok(Vm::new(
            format!("id-{n}"),
            format!("vm-{n}"),
            VmState::Stopped,
        ))
    }

    /// What `stream_to` has written so far, shared with the task that runs it.
    fn sink() -> (Arc<Mutex<String>>, impl FnMut(&[u8])) {
        let seen = Arc::new(Mutex::new(String::new()));
        let w = seen.clone();
        (seen, move |s: &[u8]| {
            w.lock().unwrap().push_str(std::str::from_utf8(s).unwrap())
        })
    }

    #[tokio::test]
    async fn a_page_is_written_before_the_next_one_arrives() {
        // Two items, then a page that never comes.
        let items = futures::stream::iter([vm(1), vm(2)]).chain(futures::stream::pending());
        let (seen, out) = sink();
        let run = stream_to(OutputFormat::Json, Box::pin(items), out);
        let timed = tokio::time::timeout(std::time::Duration::from_millis(50), run).await;
        assert!(timed.is_err(), "the listing cannot have ended");
        let text = seen.lock().unwrap().clone();
        assert!(text.starts_with("[\n  {"), "{text}");
        assert!(
            text.contains("\"vm-1\"") && text.contains("\"vm-2\""),
            "{text}"
        );
        assert!(
            text.trim_end().ends_with('}'),
            "closed before the end: {text}"
        );
    }

    #[tokio::test]
    async fn a_whole_listing_is_one_json_array_and_an_empty_one_is_empty() {
        let (seen, out) = sink();
        let items = futures::stream::iter((0..300).map(vm));
        stream_to(OutputFormat::Json, items, out).await.unwrap();
        let text = seen.lock().unwrap().clone();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 300);
        assert_eq!(v[299]["name"], "vm-299");

        let (seen, out) = sink();
        let none = futures::stream::iter(Vec::<omnivirt::Result<Vm>>::new());
        stream_to(OutputFormat::Json, none, out).await.unwrap();
        assert_eq!(seen.lock().unwrap().as_str(), "[]\n");
    }

    #[tokio::test]
    async fn streamed_json_is_byte_for_byte_the_pretty_printed_list() {
        // Nested objects and arrays, a text with a line break and non-ASCII.
        let mut a = Vm::new("id-a", "vm \"a\"\nsecond line", VmState::Running);
        a.ips = vec!["10.0.0.1".into(), "fe80::1".into()];
        a.tags = vec!["web".into(), "Größe".into()];
        a.extra.insert(
            "nested".into(),
            serde_json::json!({"k": [1, {"x": null}], "e": {}, "d": {"a": {"b": [[], [1, [2]]]}}}),
        );
        // Deeper than the formatter's run of spaces (32 levels).
        let mut deep = serde_json::json!([1]);
        for _ in 0..40 {
            deep = serde_json::json!({ "in": deep });
        }
        a.extra.insert("deep".into(), deep);
        let all = vec![a.clone(), Vm::new("id-b", "b", VmState::Stopped), a];
        let (seen, out) = sink();
        let items = futures::stream::iter(all.clone().into_iter().map(Ok));
        stream_to(OutputFormat::Json, items, out).await.unwrap();
        let whole = serde_json::to_string_pretty(&all).unwrap() + "\n";
        assert_eq!(*seen.lock().unwrap(), whole);
    }

    #[tokio::test]
    async fn an_error_mid_way_keeps_what_came_and_leaves_the_array_open() {
        let (seen, out) = sink();
        let items = futures::stream::iter([
            vm(1),
            Err(omnivirt::Error::new(omnivirt::ErrorKind::Transport, "cut")),
        ]);
        let e = stream_to(OutputFormat::Json, items, out).await.unwrap_err();
        assert_eq!(e.kind(), omnivirt::ErrorKind::Transport);
        let text = seen.lock().unwrap().clone();
        assert!(text.contains("\"vm-1\""), "{text}");
        assert!(
            text.trim_end().ends_with('}'),
            "the array was closed: {text}"
        );
    }
}
