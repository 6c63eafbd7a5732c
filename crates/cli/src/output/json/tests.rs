//! The writer against `serde_json::to_string_pretty`: every value is written as an element and
//! compared with the text `serde_json` gives the same value inside a pretty-printed array.

use std::collections::BTreeMap;

use omnivirt::{Cluster, Disk, Host, Task, Vm};
use omnivirt_core::{
    ClusterState, DiskState, Event, EventSeverity, HostState, Network, Nic, ResourceRef, Snapshot,
    SnapshotState, StoragePool, StorageState, TaskError, TaskState, Template, TemplateKind,
    VmState,
};
use serde::Serialize;
use serde_json::{Value, json};

use super::push_element;

/// `v` as `serde_json` prints it as the one element of a pretty-printed array.
fn expected<T: Serialize + ?Sized>(v: &T) -> String {
    let whole = serde_json::to_string_pretty(&[v]).unwrap();
    whole
        .strip_prefix("[\n  ")
        .and_then(|s| s.strip_suffix("\n]"))
        .unwrap()
        .to_owned()
}

fn written<T: Serialize + ?Sized>(v: &T) -> String {
    let mut buf = b"prefix".to_vec();
    push_element(&mut buf, v).unwrap();
    String::from_utf8(buf[6..].to_vec()).unwrap()
}

#[track_caller]
fn same<T: Serialize + ?Sized>(v: &T) {
    assert_eq!(written(v), expected(v));
}

/// Every character that matters to escaping, and a few that do not.
fn awkward_text() -> String {
    let mut s: String = (0u8..0x20).map(char::from).collect();
    s.push_str("\"\\/\u{7f}é日本😀\u{2028} plain text long enough for whole words \"q\"");
    s
}

fn extra() -> BTreeMap<String, Value> {
    let mut e = BTreeMap::new();
    e.insert("guest_os".into(), json!("Rocky Linux 9"));
    e.insert("ha".into(), json!(true));
    e.insert("cpu_usage".into(), json!(12.5));
    e.insert(
        "numbers".into(),
        json!([0, -1, u64::MAX, i64::MIN, 0.1, 1e300, -0.0]),
    );
    e.insert("empty_list".into(), json!([]));
    e.insert("empty_map".into(), json!({}));
    e.insert("nested".into(), json!({"a": {"b": [[], [1, [2, {}]]]}}));
    e.insert(awkward_text(), json!(awkward_text()));
    e
}

#[test]
fn every_model_type_the_cli_lists() {
    let mut vm = Vm::new("vm-1", "web-01", VmState::Running);
    same(&vm);
    vm.raw_state = Some("RUNNING".into());
    vm.vcpus = Some(u32::MAX);
    vm.memory_bytes = Some(u64::MAX);
    vm.cluster_id = Some("cl-1".into());
    vm.host_id = Some("h-1".into());
    vm.description = Some(awkward_text());
    vm.ips = vec!["10.0.0.1".into(), "fe80::1".into()];
    vm.tags = vec!["env=prod".into(), "Größe".into(), String::new()];
    vm.created_at = Some("2026-01-02T03:04:05Z".into());
    vm.extra = extra();
    same(&vm);
    same(&omnivirt::Tagged::new("lab \"1\"", vm.clone()));
    same(&omnivirt::Tagged::new(
        "",
        Vm::new("", "", VmState::Unknown),
    ));
    same(&vec![vm.clone(), vm]);

    let mut host = Host::new("h-1", "node\t1", HostState::Up);
    same(&host);
    host.cpu_threads = Some(64);
    host.memory_bytes = Some(1 << 40);
    host.address = Some("192.0.2.7".into());
    host.extra = extra();
    same(&host);

    let mut cluster = Cluster::new("c-1", "prod");
    same(&cluster);
    cluster.state = ClusterState::Ok;
    cluster.description = Some("line 1\nline 2".into());
    cluster.extra = extra();
    same(&cluster);

    let mut disk = Disk::new("d-1", "root", DiskState::Ready);
    same(&disk);
    disk.size_bytes = Some(0);
    disk.vm_id = Some("vm-1".into());
    same(&disk);

    let mut task = Task::new("t-1", TaskState::Failed);
    same(&task);
    task.name = Some("clone".into());
    task.progress = Some(u8::MAX);
    task.error = Some(TaskError::new(Some("E42".into()), "disk \"full\""));
    task.target = Some(ResourceRef::StoragePool("sp-1".into()));
    task.extra = extra();
    same(&task);

    let mut event = Event::new(
        "e-1",
        "2026-01-02T03:04:05Z",
        EventSeverity::Error,
        "x\u{1}y",
    );
    same(&event);
    event.refs = vec![
        ResourceRef::Vm("vm-1".into()),
        ResourceRef::Host("h-1".into()),
    ];
    event.code = Some("VM_DOWN".into());
    same(&event);

    let mut net = Network::new("n-1", "ovirtmgmt");
    net.vlan = Some(u16::MAX);
    net.cidr = Some("10.0.0.0/8".into());
    same(&net);

    let mut nic = Nic::new("nic-1", "vm-1", "eth0");
    same(&nic);
    nic.mac = Some("00:1a:4a:16:01:51".into());
    nic.ips = vec!["10.0.0.2".into()];
    same(&nic);

    let mut snap = Snapshot::new("s-1", "vm-1", "before upgrade", SnapshotState::Ready);
    snap.includes_memory = Some(false);
    same(&snap);

    let mut pool = StoragePool::new("p-1", "data", StorageState::Ok);
    pool.capacity_bytes = Some(1 << 50);
    pool.free_bytes = Some(7);
    same(&pool);

    let mut tpl = Template::new("tpl-1", "Blank", TemplateKind::Template);
    tpl.os = Some("other".into());
    same(&tpl);
}

#[test]
fn values_deep_empty_and_awkward() {
    let mut deep = json!([1]);
    for i in 0..70 {
        deep = if i % 2 == 0 {
            json!({ "in": deep, "n": i })
        } else {
            json!([deep, [], {}])
        };
    }
    for v in [
        deep,
        json!(null),
        json!(true),
        json!(false),
        json!(""),
        json!([]),
        json!({}),
        json!([[]]),
        json!([{}]),
        json!({"": {}}),
        json!(awkward_text()),
        json!({ awkward_text(): [awkward_text()] }),
        json!([
            0.1,
            1e300,
            -0.0,
            0.0,
            1.5e-300,
            f64::MAX,
            f64::MIN_POSITIVE,
            2.0 / 3.0
        ]),
        json!([u64::MAX, i64::MIN, i64::MAX, 0, -1]),
    ] {
        same(&v);
    }
    // A non-finite float is null, as serde_json writes it.
    #[derive(Serialize)]
    struct Floats {
        nan: f64,
        inf: f64,
        neg_inf: f32,
        small: f32,
    }
    same(&Floats {
        nan: f64::NAN,
        inf: f64::INFINITY,
        neg_inf: f32::NEG_INFINITY,
        small: 0.1,
    });
}

/// Bytes: serde_json writes them as an array of numbers.
struct Bytes(&'static [u8]);

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

#[derive(Serialize)]
struct Unit;

#[derive(Serialize)]
struct Newtype(i32);

#[derive(Serialize)]
struct Pair(u8, &'static str);

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Plain,
}

#[derive(Serialize)]
enum Shape {
    Unit,
    Newtype(Vec<u8>),
    Tuple(i8, String),
    EmptyTuple(),
    Struct { a: Option<u16>, b: Vec<Shape> },
    EmptyStruct {},
}

#[test]
fn every_serde_data_model_kind() {
    same(&Bytes(b""));
    same(&Bytes(b"\x00\xff a"));
    same(&Unit);
    same(&());
    same(&Newtype(-7));
    same(&Pair(255, "x"));
    same(&(1u8, 'é', '"', '\n', ("nested", ())));
    same(&[i128::MIN, i128::MAX]);
    same(&[u128::MAX, 0]);
    same(&[i8::MIN, 0, i8::MAX]);
    same(&[i16::MIN, i16::MAX]);
    same(&[i32::MIN, i32::MAX]);
    same(&[u16::MAX, u16::MIN]);
    same(&Some(Some(3)));
    same(&None::<u8>);
    same(&Shape::Unit);
    same(&Shape::Newtype(vec![]));
    same(&Shape::Newtype(vec![1, 2]));
    same(&Shape::Tuple(-1, "t".into()));
    same(&Shape::EmptyTuple());
    same(&Shape::EmptyStruct {});
    same(&Shape::Struct {
        a: None,
        b: vec![
            Shape::Unit,
            Shape::Struct {
                a: Some(1),
                b: vec![Shape::EmptyStruct {}, Shape::Tuple(0, String::new())],
            },
        ],
    });
    same(&vec![Shape::Newtype(vec![3]), Shape::EmptyTuple()]);
    // Keys serde_json takes: integers, bools, chars, finite floats and unit variants, quoted.
    same(&BTreeMap::from([(1i64, "a"), (-2, "b")]));
    same(&BTreeMap::from([(u128::MAX, 1)]));
    same(&BTreeMap::from([(i128::MIN, 1)]));
    same(&BTreeMap::from([(true, 1), (false, 0)]));
    same(&BTreeMap::from([('k', 1), ('"', 2)]));
    same(&BTreeMap::from([(Key::Plain, 1)]));
    same(&BTreeMap::from([(Some("x"), 1)]));
    same(&BTreeMap::from([(
        "k".to_owned(),
        BTreeMap::<u8, u8>::new(),
    )]));
    same(&[(0.5f64, 1)].into_iter().collect::<Vec<_>>());
    same(&FloatKey(0.1));
    same(&FloatKey32(1e-7));
}

/// A map with one float key.
struct FloatKey(f64);

impl Serialize for FloatKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry(&self.0, &self.0)?;
        m.end()
    }
}

/// A map with one f32 key.
struct FloatKey32(f32);

impl Serialize for FloatKey32 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_key(&self.0)?;
        m.serialize_value(&[self.0])?;
        m.end()
    }
}

#[test]
fn keys_serde_json_refuses_are_refused_with_its_words() {
    fn both_fail<T: Serialize>(v: &T) {
        let theirs = serde_json::to_string_pretty(v).unwrap_err().to_string();
        let ours = push_element(&mut Vec::new(), v).unwrap_err().to_string();
        assert_eq!(ours, theirs);
    }
    both_fail(&BTreeMap::from([(None::<&str>, 1)]));
    both_fail(&BTreeMap::from([((), 1)]));
    both_fail(&BTreeMap::from([((1, 2), 1)]));
    both_fail(&BTreeMap::from([(vec![1], 1)]));
    both_fail(&FloatKey(f64::NAN));
    both_fail(&FloatKey32(f32::INFINITY));
}

/// `Display` text through `collect_str`, as chrono and friends write timestamps.
struct Shown(&'static str);

impl Serialize for Shown {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

#[test]
fn collected_display_text_is_escaped() {
    same(&Shown("2026-01-02T03:04:05Z"));
    same(&Shown("a \"quoted\"\n\u{1} text"));
    same(&BTreeMap::from([(ShownKey, 1)]));
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct ShownKey;

impl Serialize for ShownKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str("key\twith tab")
    }
}

/// A random JSON value: nested at most `depth` levels, with strings from a small alphabet of
/// awkward characters.
fn random_value(rng: &mut fastrand::Rng, depth: u32) -> Value {
    let pick = if depth == 0 {
        rng.u8(0..6)
    } else {
        rng.u8(0..8)
    };
    match pick {
        0 => Value::Null,
        1 => Value::Bool(rng.bool()),
        2 => json!(rng.u64(..)),
        3 => json!(rng.i64(..)),
        4 => {
            let f = match rng.u8(0..4) {
                0 => rng.f64(),
                1 => rng.f64() * 10f64.powi(rng.i32(-300..300)),
                2 => f64::from_bits(rng.u64(..)),
                _ => f64::from(rng.i32(..)) / 4.0,
            };
            json!(f)
        }
        5 => Value::String(random_string(rng)),
        6 => Value::Array(
            (0..rng.usize(0..5))
                .map(|_| random_value(rng, depth - 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.usize(0..5))
                .map(|_| (random_string(rng), random_value(rng, depth - 1)))
                .collect(),
        ),
    }
}

fn random_string(rng: &mut fastrand::Rng) -> String {
    const ALPHABET: &[char] = &[
        'a', 'b', 'z', ' ', '0', '"', '\\', '/', '\n', '\r', '\t', '\u{0}', '\u{8}', '\u{c}',
        '\u{1f}', '\u{7f}', 'é', '日', '😀', '\u{2028}',
    ];
    (0..rng.usize(0..24))
        .map(|_| ALPHABET[rng.usize(..ALPHABET.len())])
        .collect()
}

#[test]
fn thousands_of_random_values() {
    let mut rng = fastrand::Rng::with_seed(13);
    for _ in 0..4000 {
        let v = random_value(&mut rng, 6);
        same(&v);
    }
}
