//! The fuzz targets: every decoder of bytes a server or a cassette file controls.
//!
//! A target returns for any input; what it returns does not matter (errors are the expected
//! answer to garbage). Where a decoder has a writer, the target also checks the round trip.

use http::{HeaderMap, HeaderValue, StatusCode};

/// One fuzz target.
pub struct Target {
    /// Name on the command line and folder under `fixtures/fuzz/`.
    pub name: &'static str,
    /// One line.
    pub about: &'static str,
    /// Seed files: `DIR/*SUFFIX` relative to the workspace root.
    pub seeds: &'static [&'static str],
    /// Seeds written here.
    pub inline_seeds: &'static [&'static str],
    /// Tokens the mutator inserts.
    pub dictionary: &'static [&'static str],
    /// Runs one input.
    pub run: fn(&[u8]),
}

const JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "null",
    "true",
    "-1",
    "1e999",
    "18446744073709551616",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "{\"results\":[",
    "{\"count\":",
    "\"next\":",
    "\"inventories\":[",
    "\"data\":",
    "\"errors\":[",
    "\"status\":",
    "\"id\":",
    "\"name\":",
];

/// JSON tokens, and the escapes, numbers and keys of a CloudTower answer.
const CLOUDTOWER_JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "null",
    "true",
    "-0",
    "-1",
    "0.5",
    "1e999",
    "1E-7",
    "9223372036854775808",
    "18446744073709551616",
    "\\",
    "\\u00e9",
    "\\ud800",
    "\\udc00",
    "\\ud83d\\ude00",
    "\u{1}",
    "\"id\":",
    "\"name\":",
    "\"status\":",
    "\"vcpu\":",
    "\"cpu_usage\":",
    "\"labels\":[",
    "\"cluster\":{",
    "\"task_id\":",
    "\"data\":",
];

const XML_TOKENS: &[&str] = &[
    "<",
    ">",
    "</",
    "/>",
    "=\"",
    "\"",
    "&amp;",
    "&#0;",
    "&#xFFFFFFFF;",
    "&unknown;",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "<?xml version=\"1.0\"?>",
    "<vm id=\"",
    "<vms>",
    "</vms>",
    "<status>",
    "</status>",
    "<fault>",
    "<reason>",
    "<detail>",
    "<link rel=\"",
    "<link href=\"/l\" rel=\"r\"/>",
    "<actions>",
    "</actions>",
    "<display>",
    "</display>",
    "<!DOCTYPE x [",
];

/// Every target.
pub const TARGETS: &[Target] = &[
    Target {
        name: "retry_after",
        about: "omnivirt_http::parse_retry_after on a Retry-After header",
        seeds: &[],
        inline_seeds: &[
            "120",
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 300000000000 08:49:37 GMT",
            "Wed, 21 Oct 2026 07:28:00 GMT",
            "18446744073709551615",
        ],
        dictionary: &["GMT", "Feb", "99999", ":", " ", "-", "9999999999999"],
        run: retry_after,
    },
    Target {
        name: "cassette",
        about: "omnivirt_replay::Cassette::from_json on a cassette file",
        seeds: &[
            "fixtures/cloudtower/*.cassette.json",
            "fixtures/zstack/*.cassette.json",
            "fixtures/veil/*.cassette.json",
            "fixtures/ovirt/cassettes/*.json",
        ],
        inline_seeds: &[],
        dictionary: JSON_TOKENS,
        run: cassette,
    },
    Target {
        name: "canonical_xml",
        about: "omnivirt_replay::canonical_xml (cassette body matching)",
        seeds: &["fixtures/ovirt/samples/*.xml"],
        inline_seeds: &["<a x=\"1\" y=\"2\"><b/>t</a>"],
        dictionary: XML_TOKENS,
        run: canonical_xml,
    },
    Target {
        name: "ovirt_vm",
        about: "oVirt Vm reader (one object and a collection, whole and in part), then its writer",
        seeds: &["fixtures/ovirt/samples/*.xml"],
        inline_seeds: &[
            "<vm id=\"1\"><name>a</name><status>up</status></vm>",
            "<vms><vm/></vms>",
        ],
        dictionary: XML_TOKENS,
        run: ovirt_vm,
    },
    Target {
        name: "ovirt_error",
        about: "oVirt fault reader and parse_error on an error body",
        seeds: &["fixtures/ovirt/samples/*.xml"],
        inline_seeds: &["<fault><reason>Operation Failed</reason><detail>[x]</detail></fault>"],
        dictionary: XML_TOKENS,
        run: ovirt_error,
    },
    Target {
        name: "cloudtower_error",
        about: "CloudTower parse_error on an error body",
        seeds: &["fixtures/cloudtower/samples/*.json"],
        inline_seeds: &["{\"message\":\"x\",\"code\":\"RESOURCE_LOCKED\"}"],
        dictionary: JSON_TOKENS,
        run: cloudtower_error,
    },
    Target {
        name: "zstack_error",
        about: "ZStack parse_error on an error body",
        seeds: &[
            "fixtures/zstack/samples/errors/*.json",
            "fixtures/zstack/samples/rest/*.json",
        ],
        inline_seeds: &[
            "{\"error\":{\"code\":\"SYS.1001\",\"description\":\"x\",\"details\":\"y\"}}",
        ],
        dictionary: JSON_TOKENS,
        run: zstack_error,
    },
    Target {
        name: "veil_error",
        about: "VeiL parse_error on an error body",
        seeds: &["fixtures/veil/samples/*.json"],
        inline_seeds: &["{\"errors\":[{\"detail\":\"Signature has expired.\",\"code\":\"401\"}]}"],
        dictionary: JSON_TOKENS,
        run: veil_error,
    },
    Target {
        name: "veil_domains",
        about: "VeiL domain list page and domain detail decoders",
        seeds: &["fixtures/veil/samples/*.json"],
        inline_seeds: &["{\"count\":1,\"next\":null,\"results\":[{\"id\":\"a\"}]}"],
        dictionary: JSON_TOKENS,
        run: veil_domains,
    },
    Target {
        name: "zstack_vms",
        about: "ZStack VmInstance inventories (a query reply's `inventories`)",
        seeds: &["fixtures/zstack/samples/inventories/*.json"],
        inline_seeds: &["{\"inventories\":[{\"uuid\":\"a\",\"state\":\"Running\"}]}"],
        dictionary: JSON_TOKENS,
        run: zstack_vms,
    },
    Target {
        name: "cloudtower_vms",
        about: "CloudTower get-vms answer (a list of Vm) and JSON values: the crate's reader \
                against serde_json (same value, or both fail); the list read in part converts \
                as read whole",
        seeds: &[
            "fixtures/cloudtower/samples/*.json",
            "fixtures/cloudtower/*.cassette.json",
        ],
        inline_seeds: &[
            "[{\"id\":\"a\",\"name\":\"b\",\"status\":\"RUNNING\"}]",
            "[{\"id\":\"c\\u00e9\\ud83d\\ude00\",\"vcpu\":8,\"memory\":-0,\"cpu_usage\":12.345,\
             \"labels\":[{\"id\":\"l\",\"key\":\"k\",\"value\":null}],\"x\":[[{}]]}]",
            "[{\"task_id\":\"t\",\"data\":{\"id\":\"v\",\"status\":\"STOPPED\"}}]",
        ],
        dictionary: CLOUDTOWER_JSON_TOKENS,
        run: cloudtower_vms,
    },
    Target {
        name: "zstack_condition",
        about: "ZStack query condition: parse, and render -> parse round trip",
        seeds: &[],
        inline_seeds: &[
            "name=web",
            "cpuNum>=2",
            "uuid?=a,b",
            "state!?=x,y",
            "name~=%w%",
            "x=null",
        ],
        dictionary: &[
            "=", "!=", ">", "<", ">=", "<=", "?=", "!?=", "~=", "!~=", "=null", "!=null", ",",
        ],
        run: zstack_condition,
    },
    Target {
        name: "cloudtower_where",
        about: "CloudTower where builder: any text in a filter serialises to JSON that reads back",
        seeds: &[],
        inline_seeds: &["web-01", "\"quoted\"", "\\", "\u{0}", "ünïcode"],
        dictionary: &["\"", "\\", "\u{7f}", "\u{2028}", "{", "}"],
        run: cloudtower_where,
    },
];

fn text(input: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(input)
}

fn status(input: &[u8]) -> u16 {
    400 + u16::from(input.first().copied().unwrap_or(0)) % 200
}

fn retry_after(input: &[u8]) {
    let Ok(value) = HeaderValue::from_bytes(input) else {
        return;
    };
    let mut headers = HeaderMap::new();
    headers.insert("retry-after", value);
    let resp = omnivirt_http::Response::new(StatusCode::SERVICE_UNAVAILABLE, headers, Vec::new());
    let _ = omnivirt_http::parse_retry_after(&resp);
}

fn cassette(input: &[u8]) {
    let _ = omnivirt_replay::Cassette::from_json(&text(input), "fuzz");
}

fn canonical_xml(input: &[u8]) {
    let _ = omnivirt_replay::canonical_xml(&text(input));
}

fn ovirt_vm(input: &[u8]) {
    use omnivirt_ovirt::types::Vm;
    if let Ok(vm) = Vm::from_xml(input) {
        // What we read, we can write, and the writing reads back.
        let xml = vm.to_xml();
        if let Err(e) = Vm::from_xml(xml.as_bytes()) {
            panic!("written Vm does not read back: {e}: {xml}");
        }
    }
    let _ = Vm::list_from_xml(input);
    let Ok(whole) = <Vm as omnivirt_ovirt::Resource>::list_from_xml(input) else {
        return;
    };
    // Links and actions kept as text are read on first look.
    for vm in &whole {
        let _ = (vm.links.len(), vm.actions.links().len());
    }
    // What the neutral listing reads in part converts as the VM read whole.
    let part = <Vm as omnivirt_ovirt::Resource>::list_from_xml_only(
        input,
        omnivirt_ovirt::convert::vm_fields,
    );
    let Ok(part) = part else {
        panic!("a list read whole does not read in part");
    };
    for (w, p) in whole.into_iter().zip(part) {
        if let (Ok(a), Ok(b)) = (
            omnivirt_ovirt::convert::vm(w),
            omnivirt_ovirt::convert::vm(p),
        ) {
            assert_eq!(a, b, "a VM read in part converts differently");
        }
    }
}

fn ovirt_error(input: &[u8]) {
    let _ = omnivirt_ovirt::fault_from_xml(input);
    let _ = omnivirt_ovirt::parse_error(status(input), Some("application/xml"), input, "/vms");
}

fn cloudtower_error(input: &[u8]) {
    let e = omnivirt_cloudtower::error::parse_error(status(input), input, "/get-vms");
    one_line(&e.to_string());
}

fn zstack_error(input: &[u8]) {
    let e = omnivirt_zstack::error::parse_error(status(input), input);
    one_line(&e.to_string());
}

fn veil_error(input: &[u8]) {
    let e = omnivirt_veil::error::parse_error(status(input), input, "/api/domains/");
    one_line(&e.to_string());
}

fn veil_domains(input: &[u8]) {
    use omnivirt_veil::model::{Domain, Paginated};
    let _ = serde_json::from_slice::<Paginated<Domain>>(input);
    let _ = serde_json::from_slice::<Domain>(input);
}

fn zstack_vms(input: &[u8]) {
    use omnivirt_zstack::model::VmInstanceInventory as VmInstance;
    use omnivirt_zstack::native::results::Inventories;
    // Straight from the text, as the client reads a query reply, and from a parsed value.
    // What the uniform backend reads in part converts as the VM read whole.
    if let Ok(page) = serde_json::from_slice::<Inventories<VmInstance>>(input) {
        use omnivirt_zstack::convert::{ListedVm, vm};
        let Ok(part) = serde_json::from_slice::<Inventories<ListedVm>>(input) else {
            panic!("an answer read whole does not read in part");
        };
        for (w, p) in page.inventories.into_iter().zip(part.inventories) {
            assert_eq!(vm(w), vm(p.0), "a VM read in part converts differently");
        }
    }
    let _ = serde_json::from_slice::<VmInstance>(input);
    let Ok(mut reply) = serde_json::from_slice::<serde_json::Value>(input) else {
        return;
    };
    if let Some(list) = reply.get_mut("inventories").map(serde_json::Value::take) {
        let _ = serde_json::from_value::<Vec<VmInstance>>(list);
    }
    let _ = serde_json::from_value::<VmInstance>(reply);
}

fn cloudtower_vms(input: &[u8]) {
    use omnivirt_cloudtower::model::{Vm, WithTask};
    same_as_serde_json!(Vec<Vm>, input);
    same_as_serde_json!(serde_json::Value, input);
    same_as_serde_json!(Vec<WithTask<Vm>>, input);
    // What the uniform listing reads in part converts as the VM read whole.
    use omnivirt_cloudtower::convert::{ListedVm, vm};
    use omnivirt_cloudtower::json::from_slice;
    let Ok(whole) = from_slice::<Vec<Vm>>(input) else {
        return;
    };
    let Ok(part) = from_slice::<Vec<ListedVm>>(input) else {
        // Skipping checks keys as strings, decoding reads them as bytes: a raw control
        // character in a key (which JSON forbids) fails only the read in part.
        if serde_json::from_slice::<serde_json::Value>(input).is_ok() {
            panic!("a list read whole does not read in part");
        }
        return;
    };
    for (w, p) in whole.into_iter().zip(part) {
        assert_eq!(vm(w), vm(p.0), "a VM read in part converts differently");
    }
}

/// `omnivirt_cloudtower::json::from_slice` gives what `serde_json::from_slice` gives (compared
/// through `Debug`, as the generated types have no `PartialEq`), or both fail; its errors are
/// one line. (A macro: the xtask does not depend on `serde` to name its traits.)
macro_rules! same_as_serde_json {
    ($t:ty, $input:expr) => {{
        let theirs = serde_json::from_slice::<$t>($input).map(|v| format!("{v:?}"));
        let ours = omnivirt_cloudtower::json::from_slice::<$t>($input).map(|v| format!("{v:?}"));
        match (theirs, ours) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "the readers disagree"),
            (Err(_), Err(e)) => one_line(&e.to_string()),
            (a, b) => panic!("the readers disagree: serde_json {a:?}, ours {b:?}"),
        }
    }};
}
use same_as_serde_json;

/// Errors are one line however the server wrote its body (issue 11: one line, once).
fn one_line(message: &str) {
    assert!(!message.contains('\n'), "a multi-line error: {message:?}");
}

fn zstack_condition(input: &[u8]) {
    use omnivirt_zstack::query::{Condition, parse_condition};
    let t = text(input);
    let _ = parse_condition(&t);
    // A value we render must parse back to the same condition.
    let (field, value) = t.split_once('=').unwrap_or(("name", &t));
    if field.is_empty() || !field.chars().all(|c| c.is_ascii_alphanumeric() || c == '.') {
        return;
    }
    let cond = Condition::eq(field, value);
    if let Ok(rendered) = cond.render() {
        let back = parse_condition(&rendered);
        assert_eq!(back.as_ref(), Some(&cond), "{rendered:?} did not read back");
    }
}

fn cloudtower_where(input: &[u8]) {
    use omnivirt_cloudtower::filter::VmWhere;
    let t = text(input).into_owned();
    let w = VmWhere::new().name().contains(t.clone());
    let json = match serde_json::to_string(&w) {
        Ok(j) => j,
        Err(e) => panic!("a where filter did not serialise: {e}"),
    };
    let back: serde_json::Value = match serde_json::from_str(&json) {
        Ok(v) => v,
        Err(e) => panic!("a where filter's JSON does not parse: {e}: {json}"),
    };
    assert_eq!(back["name_contains"].as_str(), Some(t.as_str()));
}
