//! ZStack inventories -> the neutral model. The state maps are plain data.

use omnivirt_core::{
    Cluster, ClusterState, Disk, DiskState, Error, Host, HostState, Network, Result, StoragePool,
    StorageState, Template, TemplateKind, Vm, VmState,
};
use serde_json::Value;
use std::net::Ipv4Addr;

mod listed;

pub use listed::{ListedVm, VM_FIELDS};

use crate::VENDOR;
use crate::generated::types::{
    ClusterInventory, HostInventory, ImageInventory, IpRangeInventory, L2NetworkInventory,
    L3NetworkInventory, PrimaryStorageInventory, VmInstanceInventory, VolumeInventory,
};

/// `VmInstanceState` -> [`VmState`]. `VolumeRecovering`, `NoState` and `Unknown` have no
/// neutral counterpart and map to `Unknown` (the word stays in `raw_state`).
pub const VM_STATES: &[(&str, VmState)] = &[
    ("Created", VmState::Creating),
    ("Starting", VmState::Starting),
    ("Running", VmState::Running),
    ("Stopping", VmState::Stopping),
    ("Stopped", VmState::Stopped),
    ("Rebooting", VmState::Rebooting),
    ("Destroying", VmState::Deleting),
    ("Destroyed", VmState::Deleted),
    ("Expunging", VmState::Deleting),
    ("Migrating", VmState::Migrating),
    ("VolumeMigrating", VmState::Migrating),
    ("Pausing", VmState::Suspending),
    ("Paused", VmState::Suspended),
    ("Resuming", VmState::Resuming),
    ("Error", VmState::Error),
    ("Crashed", VmState::Error),
    ("VolumeRecovering", VmState::Unknown),
    ("NoState", VmState::Unknown),
    ("Unknown", VmState::Unknown),
];

/// Host connection `status` -> [`HostState`] (when the admin state is not maintenance).
pub const HOST_STATUSES: &[(&str, HostState)] = &[
    ("Connected", HostState::Up),
    ("Connecting", HostState::Connecting),
    ("Disconnected", HostState::Down),
];

/// Host admin `state` values that override the connection status.
pub const HOST_ADMIN_OVERRIDES: &[(&str, HostState)] = &[
    ("Maintenance", HostState::Maintenance),
    ("PreMaintenance", HostState::Maintenance),
];

/// Cluster `state` -> [`ClusterState`]. A disabled cluster keeps running its VMs but takes no
/// new ones, hence `Degraded`.
pub const CLUSTER_STATES: &[(&str, ClusterState)] = &[
    ("Enabled", ClusterState::Ok),
    ("Disabled", ClusterState::Degraded),
];

/// Volume `status` -> [`DiskState`]. `NotInstantiated` is a data volume created without
/// storage yet; it is usable (attaching it allocates it).
pub const VOLUME_STATUSES: &[(&str, DiskState)] = &[
    ("Creating", DiskState::Creating),
    ("Ready", DiskState::Ready),
    ("NotInstantiated", DiskState::Ready),
    ("Migrating", DiskState::Locked),
    ("Deleted", DiskState::Deleted),
];

fn lookup<T: Copy>(table: &[(&str, T)], word: &str, default: T) -> T {
    table
        .iter()
        .find(|(w, _)| *w == word)
        .map_or(default, |(_, s)| *s)
}

/// The neutral VM state of a ZStack state word.
pub fn vm_state(word: &str) -> VmState {
    lookup(VM_STATES, word, VmState::Unknown)
}

/// The neutral host state of an admin `state` and a connection `status`.
pub fn host_state(state: Option<&str>, status: Option<&str>) -> HostState {
    if let Some(s) = state
        && let Some((_, h)) = HOST_ADMIN_OVERRIDES.iter().find(|(w, _)| *w == s)
    {
        return *h;
    }
    status.map_or(HostState::Unknown, |s| {
        lookup(HOST_STATUSES, s, HostState::Unknown)
    })
}

/// The neutral disk state of a volume `status`.
pub fn volume_state(status: &str) -> DiskState {
    lookup(VOLUME_STATUSES, status, DiskState::Unknown)
}

/// The neutral cluster state of a cluster `state`.
pub fn cluster_state(state: &str) -> ClusterState {
    lookup(CLUSTER_STATES, state, ClusterState::Unknown)
}

fn put(extra: &mut omnivirt_core::Extra, key: &str, v: Option<&String>) {
    take(extra, key, v.cloned());
}

/// [`put`] of a value the caller no longer needs.
fn take(extra: &mut omnivirt_core::Extra, key: &str, v: Option<String>) {
    if let Some(v) = v {
        extra.insert(key.to_owned(), Value::String(v));
    }
}

/// ZStack's rule for secrets: only named fields reach `extra`, and any whose name has one of
/// these words (a console password set as `consolePassword`, a `vncPassword`, a session token)
/// is replaced with `"***"` should one ever be added.
pub const SECRET_WORDS: &[&str] = &["password", "passwd", "ticket", "token", "secret", "key"];

/// An optional text field as `&str` (empty when absent): the generated types read every
/// field as optional, and an id the server left out stays visible as empty.
pub(crate) fn text(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or_default()
}

/// A count or size the server sent as a JSON integer, when it fits the neutral type (a
/// negative or oversized value is left out rather than wrapped).
fn fit<T: TryFrom<i64>>(v: Option<i64>) -> Option<T> {
    v.and_then(|n| T::try_from(n).ok())
}

/// A VM. It takes the inventory by value and moves its strings into the neutral VM; the
/// backend decodes a [`ListedVm`] (only the fields read here) and converts its inventory.
pub fn vm(w: VmInstanceInventory) -> Vm {
    let state = vm_state(text(&w.state));
    let mut v = Vm::new(
        w.uuid.unwrap_or_default(),
        w.name.unwrap_or_default(),
        state,
    );
    v.raw_state = w.state;
    v.vcpus = fit(w.cpu_num);
    v.memory_bytes = fit(w.memory_size);
    v.cluster_id = w.cluster_uuid.map(Into::into);
    v.host_id = w.host_uuid.map(Into::into);
    v.description = w.description.filter(|d| !d.is_empty());
    // The inventory names the NIC addresses; tags live in separate tag tables: the backend
    // fills them with one `QueryUserTag` per page.
    v.ips = w
        .vm_nics
        .into_iter()
        .flatten()
        .filter_map(|n| n.ip)
        .collect();
    v.created_at = w.create_date.as_deref().and_then(gson_to_rfc3339);
    let e = &mut v.extra;
    take(e, "create_date", w.create_date);
    take(e, "zone_uuid", w.zone_uuid);
    take(e, "image_uuid", w.image_uuid);
    take(e, "root_volume_uuid", w.root_volume_uuid);
    take(e, "last_host_uuid", w.last_host_uuid);
    take(e, "hypervisor_type", w.hypervisor_type);
    take(e, "platform", w.platform);
    take(e, "type", w.r#type);
    omnivirt_http::redact_secrets(&mut v.extra, SECRET_WORDS);
    v
}

/// A host.
pub fn host(w: &HostInventory) -> Host {
    let mut h = Host::new(
        text(&w.uuid),
        text(&w.name),
        host_state(w.state.as_deref(), w.status.as_deref()),
    );
    h.raw_state = match (&w.state, &w.status) {
        (Some(a), Some(c)) => Some(format!("{a}/{c}")),
        (a, c) => a.clone().or_else(|| c.clone()),
    };
    h.cluster_id = w.cluster_uuid.as_deref().map(Into::into);
    h.address = w.management_ip.clone();
    h.cpu_threads = fit(w.cpu_num);
    h.memory_bytes = fit(w.total_memory_capacity);
    put(&mut h.extra, "zone_uuid", w.zone_uuid.as_ref());
    put(&mut h.extra, "hypervisor_type", w.hypervisor_type.as_ref());
    h
}

/// A cluster.
pub fn cluster(w: &ClusterInventory) -> Cluster {
    let mut c = Cluster::new(text(&w.uuid), text(&w.name));
    c.state = cluster_state(text(&w.state));
    c.raw_state = w.state.clone();
    c.description = w.description.clone().filter(|d| !d.is_empty());
    put(&mut c.extra, "zone_uuid", w.zone_uuid.as_ref());
    put(&mut c.extra, "hypervisor_type", w.hypervisor_type.as_ref());
    c
}

/// A volume as a disk.
pub fn disk(w: &VolumeInventory) -> Disk {
    let mut d = Disk::new(text(&w.uuid), text(&w.name), volume_state(text(&w.status)));
    d.raw_state = w.status.clone();
    d.size_bytes = fit(w.size);
    d.vm_id = w.vm_instance_uuid.as_deref().map(Into::into);
    put(&mut d.extra, "type", w.r#type.as_ref());
    put(&mut d.extra, "state", w.state.as_ref());
    put(&mut d.extra, "format", w.format.as_ref());
    put(
        &mut d.extra,
        "primary_storage_uuid",
        w.primary_storage_uuid.as_ref(),
    );
    if let Some(a) = fit::<u64>(w.actual_size) {
        d.extra.insert("actual_size".into(), Value::from(a));
    }
    d
}

/// Gson's default `java.sql.Timestamp` text (`Apr 30, 2014 6:11:47 PM`, the US-English
/// `MMM d, yyyy h:mm:ss a` pattern) as RFC 3339, read as UTC: the server writes its local time
/// without a zone, so the offset is an assumption (the text as sent stays in `extra`). `None` for
/// any other text (another JDK locale, a server configured with another pattern).
///
/// ```
/// use omnivirt_zstack::convert::gson_to_rfc3339;
/// assert_eq!(
///     gson_to_rfc3339("Apr 30, 2014 6:11:47 PM").as_deref(),
///     Some("2014-04-30T18:11:47Z")
/// );
/// assert_eq!(gson_to_rfc3339("2014-04-30 18:11:47"), None);
/// ```
pub fn gson_to_rfc3339(text: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    // JDK 20+ puts a narrow no-break space (U+202F) before AM/PM: every Unicode space separates.
    let mut words = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty());
    let [month, day, year, time, half] = [(); 5].map(|()| words.next());
    let (month, day, year, time, half) = (month?, day?, year?, time?, half?);
    if words.next().is_some() {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == month)? + 1;
    let num = |s: &str, max: u32| s.parse::<u32>().ok().filter(|n| *n <= max);
    let day = num(day, 31).filter(|d| *d >= 1)?;
    let year = num(year, 9999)?;
    let mut hms = time.split(':');
    let (h, mi, sec) = (
        num(hms.next()?, 12).filter(|h| *h >= 1)?,
        num(hms.next()?, 59)?,
        num(hms.next()?, 60)?,
    );
    if hms.next().is_some() {
        return None;
    }
    let hour = match half {
        "AM" => h % 12,
        "PM" => h % 12 + 12,
        _ => return None,
    };
    // `{year:04}-{month:02}-{day:02}T{hour:02}:{mi:02}:{sec:02}Z`, digit by digit.
    let mut out = String::with_capacity(20);
    let digit = |v: u32| char::from(b'0' + (v % 10) as u8);
    for v in [year / 1000, year / 100, year / 10, year] {
        out.push(digit(v));
    }
    for (sep, v) in [
        ('-', month as u32),
        ('-', day),
        ('T', hour),
        (':', mi),
        (':', sec),
    ] {
        out.push(sep);
        out.push(digit(v / 10));
        out.push(digit(v));
    }
    out.push('Z');
    Some(out)
}

/// `mediaType` -> [`TemplateKind`]: a root volume template is what VMs are created from, an
/// ISO installs one, a data volume template is a disk image.
pub const MEDIA_TYPES: &[(&str, TemplateKind)] = &[
    ("RootVolumeTemplate", TemplateKind::Template),
    ("ISO", TemplateKind::Iso),
    ("DataVolumeTemplate", TemplateKind::Image),
];

/// Primary storage admin `state` values that decide the neutral state whatever the connection.
pub const STORAGE_ADMIN_STATES: &[(&str, StorageState)] = &[
    ("Maintenance", StorageState::Maintenance),
    ("Deleting", StorageState::Unavailable),
    ("Disabled", StorageState::Unavailable),
];

/// Primary storage connection `status` -> [`StorageState`] (when the admin state is `Enabled`).
pub const STORAGE_STATUSES: &[(&str, StorageState)] = &[
    ("Connected", StorageState::Ok),
    ("Connecting", StorageState::Maintenance),
    ("Disconnected", StorageState::Unavailable),
];

/// The neutral state of a primary storage's admin `state` and connection `status`.
pub fn storage_state(state: Option<&str>, status: Option<&str>) -> StorageState {
    if let Some(s) = state
        && let Some((_, st)) = STORAGE_ADMIN_STATES.iter().find(|(w, _)| *w == s)
    {
        return *st;
    }
    match (state, status) {
        (_, Some(s)) => lookup(STORAGE_STATUSES, s, StorageState::Unknown),
        // Servers before the connection status (the 2014 inventories) only say `Enabled`.
        (Some("Enabled"), None) => StorageState::Ok,
        _ => StorageState::Unknown,
    }
}

fn required(what: &str, uuid: &Option<String>) -> Result<String> {
    uuid.clone().filter(|u| !u.is_empty()).ok_or_else(|| {
        Error::protocol(format!("a {what} inventory without a uuid")).with_vendor(VENDOR)
    })
}

fn bytes(n: Option<i64>) -> Option<u64> {
    // A negative figure (an over-committed `availableCapacity`) means nothing is left.
    n.map(|n| u64::try_from(n).unwrap_or(0))
}

fn put_json(extra: &mut omnivirt_core::Extra, key: &str, v: Option<Value>) {
    if let Some(v) = v {
        extra.insert(key.to_owned(), v);
    }
}

/// An image (`ImageInventory`) as a template. `Err` (protocol) when it has no uuid.
pub fn template(w: &ImageInventory) -> Result<Template> {
    let uuid = required("image", &w.uuid)?;
    let media = w.media_type.as_deref().unwrap_or_default();
    let kind = lookup(MEDIA_TYPES, media, TemplateKind::Image);
    let mut t = Template::new(uuid, w.name.clone().unwrap_or_default(), kind);
    t.os = w
        .guest_os_type
        .clone()
        .filter(|s| !s.is_empty())
        .or_else(|| w.platform.clone().filter(|s| !s.is_empty()));
    t.size_bytes = bytes(w.size);
    t.description = w.description.clone().filter(|d| !d.is_empty());
    let x = &mut t.extra;
    put(x, "media_type", w.media_type.as_ref());
    put(x, "format", w.format.as_ref());
    put(x, "platform", w.platform.as_ref());
    put(x, "architecture", w.architecture.as_ref());
    put(x, "state", w.state.as_ref());
    put(x, "status", w.status.as_ref());
    put(x, "create_date", w.create_date.as_ref());
    put_json(x, "actual_size", w.actual_size.map(Value::from));
    put_json(x, "system", w.system.map(Value::from));
    // `url` is left out on purpose: an image added from `http://user:pass@host/...` keeps it.
    Ok(t)
}

/// The VLAN of an L2 network: `virtualNetworkId` of an `L2VlanNetwork` (the `vlan` field of the
/// subclass when that is what came), nothing for the other types (no VLAN, VXLAN's VNI).
pub fn l2_vlan(l2: &L2NetworkInventory) -> Option<u16> {
    if l2.r#type.as_deref() != Some("L2VlanNetwork") {
        return None;
    }
    let from_extra = l2.extra.get("vlan").and_then(Value::as_i64);
    l2.virtual_network_id
        .filter(|n| *n > 0)
        .or(from_extra)
        .and_then(|n| u16::try_from(n).ok())
        .filter(|n| (1..=4094).contains(n))
}

/// The CIDR of an IP range: its `networkCidr`, else (servers older than that field) the
/// network of `startIp` under `netmask`, IPv4 only.
pub fn range_cidr(r: &IpRangeInventory) -> Option<String> {
    if let Some(c) = r.network_cidr.clone().filter(|c| !c.is_empty()) {
        return Some(c);
    }
    let start: Ipv4Addr = r.start_ip.as_deref()?.parse().ok()?;
    let mask = u32::from(r.netmask.as_deref()?.parse::<Ipv4Addr>().ok()?);
    // A netmask is a run of ones then zeros.
    if mask.leading_ones() + mask.trailing_zeros() != 32 {
        return None;
    }
    let net = Ipv4Addr::from(u32::from(start) & mask);
    Some(format!("{net}/{}", mask.leading_ones()))
}

/// An L3 network, with its L2 when the caller looked it up (VLAN and clusters come from there).
/// `cidr` is the first IP range's `networkCidr`. `Err` (protocol) when it has no uuid.
pub fn network(w: &L3NetworkInventory, l2: Option<&L2NetworkInventory>) -> Result<Network> {
    let uuid = required("L3 network", &w.uuid)?;
    let mut n = Network::new(uuid, w.name.clone().unwrap_or_default());
    n.description = w.description.clone().filter(|d| !d.is_empty());
    n.cidr = w.ip_ranges.iter().flatten().find_map(range_cidr);
    let x = &mut n.extra;
    put(x, "zone_uuid", w.zone_uuid.as_ref());
    put(x, "l2_network_uuid", w.l2_network_uuid.as_ref());
    put(x, "type", w.r#type.as_ref());
    put(x, "category", w.category.as_ref());
    put(x, "state", w.state.as_ref());
    put_json(x, "ip_version", w.ip_version.map(Value::from));
    if let Some(l2) = l2 {
        n.vlan = l2_vlan(l2);
        let clusters = l2.attached_cluster_uuids.clone().unwrap_or_default();
        n.cluster_id = clusters.first().map(|c| c.as_str().into());
        put(x, "l2_type", l2.r#type.as_ref());
        put(x, "physical_interface", l2.physical_interface.as_ref());
        if !clusters.is_empty() {
            x.insert("attached_cluster_uuids".into(), Value::from(clusters));
        }
    }
    Ok(n)
}

/// A primary storage as a storage pool: `totalCapacity`/`availableCapacity` (what volumes may
/// still be allocated, over-provisioning included) as capacity/free. `Err` (protocol) when it has
/// no uuid.
pub fn storage_pool(w: &PrimaryStorageInventory) -> Result<StoragePool> {
    let uuid = required("primary storage", &w.uuid)?;
    let state = storage_state(w.state.as_deref(), w.status.as_deref());
    let mut p = StoragePool::new(uuid, w.name.clone().unwrap_or_default(), state);
    p.raw_state = match (&w.state, &w.status) {
        (Some(a), Some(c)) => Some(format!("{a}/{c}")),
        (a, c) => a.clone().or_else(|| c.clone()),
    };
    p.capacity_bytes = bytes(w.total_capacity);
    p.free_bytes = bytes(w.available_capacity);
    if let (Some(cap), Some(free)) = (p.capacity_bytes, p.free_bytes) {
        p.free_bytes = Some(free.min(cap));
    }
    let clusters = w.attached_cluster_uuids.clone().unwrap_or_default();
    p.cluster_id = clusters.first().map(|c| c.as_str().into());
    let x = &mut p.extra;
    put(x, "type", w.r#type.as_ref());
    put(x, "zone_uuid", w.zone_uuid.as_ref());
    put(
        x,
        "description",
        w.description.as_ref().filter(|d| !d.is_empty()),
    );
    put_json(
        x,
        "total_physical_capacity",
        w.total_physical_capacity.map(Value::from),
    );
    put_json(
        x,
        "available_physical_capacity",
        w.available_physical_capacity.map(Value::from),
    );
    if !clusters.is_empty() {
        x.insert("attached_cluster_uuids".into(), Value::from(clusters));
    }
    // `url` and `mountPath` are left out: a Ceph or iSCSI URL can carry credentials.
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_password_never_reaches_the_neutral_vm() {
        let raw = include_str!("../../../fixtures/zstack/samples/inventories/vm_instance.json");
        let mut v: Value = serde_json::from_str(raw).unwrap();
        let inv = &mut v["inventory"];
        inv["consolePassword"] = Value::from("s3cr3t-console");
        inv["vncPassword"] = Value::from("s3cr3t-vnc");
        inv["systemTags"] = serde_json::json!(["consolePassword::s3cr3t-tag"]);
        let w: VmInstanceInventory = serde_json::from_value(inv.clone()).unwrap();
        let out = serde_json::to_string(&vm(w)).unwrap();
        assert!(!out.contains("s3cr3t"), "{out}");
    }

    #[test]
    fn every_vm_state_word_is_mapped_once() {
        let mut words: Vec<&str> = VM_STATES.iter().map(|(w, _)| *w).collect();
        assert_eq!(words.len(), 19, "VmInstanceState has 19 values");
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), 19);
        assert_eq!(vm_state("Paused"), VmState::Suspended);
        assert_eq!(vm_state("Destroyed"), VmState::Deleted);
        assert_eq!(
            vm_state("running"),
            VmState::Unknown,
            "words are case-sensitive"
        );
    }

    #[test]
    fn host_admin_state_wins() {
        assert_eq!(
            host_state(Some("Enabled"), Some("Connected")),
            HostState::Up
        );
        assert_eq!(
            host_state(Some("Maintenance"), Some("Connected")),
            HostState::Maintenance
        );
        assert_eq!(
            host_state(Some("Disabled"), Some("Disconnected")),
            HostState::Down
        );
        assert_eq!(host_state(None, None), HostState::Unknown);
    }

    #[test]
    fn volume_and_cluster_tables() {
        assert_eq!(volume_state("NotInstantiated"), DiskState::Ready);
        assert_eq!(volume_state("Migrating"), DiskState::Locked);
        assert_eq!(volume_state("Weird"), DiskState::Unknown);
        assert_eq!(cluster_state("Disabled"), ClusterState::Degraded);
    }

    #[test]
    fn gson_dates_become_rfc3339() {
        let g = |t: &str| gson_to_rfc3339(t);
        assert_eq!(
            g("Jan 1, 2026 12:00:00 AM").as_deref(),
            Some("2026-01-01T00:00:00Z")
        );
        assert_eq!(
            g("Jan 1, 2026 12:30:05 PM").as_deref(),
            Some("2026-01-01T12:30:05Z")
        );
        assert_eq!(
            g("Dec 31, 1999 11:59:59 PM").as_deref(),
            Some("1999-12-31T23:59:59Z")
        );
        assert_eq!(
            g("Feb 9, 7 1:02:03 AM").as_deref(),
            Some("0007-02-09T01:02:03Z")
        );
        // JDK 20+: a narrow no-break space before the AM/PM marker.
        assert_eq!(
            g("May 4, 2014 11:07:24\u{202f}PM").as_deref(),
            Some("2014-05-04T23:07:24Z")
        );
        for bad in [
            "",
            "2014-05-04 23:07:24",
            "Foo 4, 2014 11:07:24 PM",
            "May 4, 2014 13:07:24 PM",
            "May 4, 2014 11:07 PM",
            "May 0, 2014 11:07:24 PM",
            "May 4, 2014 11:07:24 XM",
            "May 4, 2014 11:07:24 PM extra",
            "May 4, 2014 11:07:24",
        ] {
            assert_eq!(g(bad), None, "{bad}");
        }
    }

    #[test]
    fn images_by_media_type() {
        let image = |media: &str| {
            let mut m = serde_json::Map::new();
            m.insert("uuid".into(), Value::from("i1"));
            m.insert("name".into(), Value::from("img"));
            m.insert("mediaType".into(), Value::from(media));
            m.insert("platform".into(), Value::from("Linux"));
            m.insert("size".into(), Value::from(42));
            template(&ImageInventory::from_map(m)).unwrap()
        };
        assert_eq!(image("RootVolumeTemplate").kind, TemplateKind::Template);
        assert_eq!(image("ISO").kind, TemplateKind::Iso);
        assert_eq!(image("DataVolumeTemplate").kind, TemplateKind::Image);
        assert_eq!(image("Kernel").kind, TemplateKind::Image);
        let t = image("ISO");
        assert_eq!(
            t.os.as_deref(),
            Some("Linux"),
            "platform when no guestOsType"
        );
        assert_eq!(t.size_bytes, Some(42));
        assert_eq!(t.extra["media_type"], "ISO");
        let err = template(&ImageInventory::default()).unwrap_err();
        assert_eq!(err.kind(), omnivirt_core::ErrorKind::Protocol);
    }

    #[test]
    fn storage_states_and_vlans() {
        use StorageState::*;
        let st = |a: Option<&str>, c: Option<&str>| storage_state(a, c);
        assert_eq!(st(Some("Enabled"), Some("Connected")), Ok);
        assert_eq!(st(Some("Maintenance"), Some("Connected")), Maintenance);
        assert_eq!(st(Some("Disabled"), Some("Connected")), Unavailable);
        assert_eq!(st(Some("Enabled"), Some("Disconnected")), Unavailable);
        assert_eq!(st(Some("Enabled"), Some("Connecting")), Maintenance);
        assert_eq!(st(Some("Enabled"), None), Ok);
        assert_eq!(st(None, None), Unknown);

        let l2 = |ty: &str, vni: i64| {
            let mut m = serde_json::Map::new();
            m.insert("type".into(), Value::from(ty));
            m.insert("virtualNetworkId".into(), Value::from(vni));
            l2_vlan(&L2NetworkInventory::from_map(m))
        };
        assert_eq!(l2("L2VlanNetwork", 101), Some(101));
        assert_eq!(l2("L2NoVlanNetwork", 0), None);
        assert_eq!(l2("VxlanNetwork", 5000), None, "a VNI is not a VLAN");
        assert_eq!(l2("L2VlanNetwork", 5000), None, "out of the VLAN range");
    }
}
