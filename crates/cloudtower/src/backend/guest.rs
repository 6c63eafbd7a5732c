//! NICs and the console of the neutral layer over the native face.
//!
//! | op | endpoint |
//! |---|---|
//! | list_nics | `get-vm-nics` with `where: {vm: {id}}`, `orderBy: order_ASC` |
//! | add_nic | `add-vm-nic` (`{where: {id}, data: {vm_nics: [{connect_vlan_id, model?, mac_address}]}}`) |
//! | remove_nic | `get-vm-nics` (the NIC's index), then `remove-vm-nic` (`{where: {id}, data: {nic_index: [i]}}`) |
//! | console | `get-vm-vnc-info` (`{vm: {id}}`): the `redirect` URL, its `token` parameter split off as the ticket |
//!
//! A CloudTower `VmNic` id is regenerated on every sync, so the neutral NIC id is the NIC's MAC
//! address (unique within its VM, stable). CloudTower NICs have no name.

use omnivirt_core::{
    Console, ConsoleProtocol, Error, ErrorKind, Expect, Nic, NicId, NicSpec, Op, ResourceRef,
    Result, Secret, Submitted, VmId,
};

use super::{CloudTowerBackend, submitted_on_vm};
use crate::VENDOR;
use crate::generated::types::{GetVmVncInfoParams, VmVncInfo, VmWhereUniqueInput};
use crate::native::filter::{VmNicWhere, VmWhere};
use crate::native::query::{Direction, Query};
use crate::native::vm::NicParams;
use crate::wire::{self, VmNicModel};

/// `Unsupported` for part of an op, naming what the API lacks, before any request.
fn unsupported(op: Op, why: &str) -> Error {
    Error::new(ErrorKind::Unsupported, format!("{op} on {VENDOR}: {why}"))
        .with_vendor(VENDOR)
        .with_op(op)
}

/// A MAC as the neutral layer writes it: lower case, colons.
fn mac_norm(m: &str) -> String {
    m.trim().to_ascii_lowercase().replace('-', ":")
}

/// A CloudTower VM NIC as a neutral [`Nic`] of VM `vm`; its id is its MAC.
pub fn nic(vm: &VmId, n: &wire::VmNic) -> Nic {
    let mac = n
        .mac_address
        .as_deref()
        .map(mac_norm)
        .filter(|m| !m.is_empty());
    // Without a MAC (never seen on a synced NIC) the CloudTower id is all there is.
    let id = mac
        .clone()
        .unwrap_or_else(|| crate::convert::text(&n.id).to_owned());
    let mut out = Nic::new(id, vm.clone(), "");
    out.mac = mac;
    out.network_id = n
        .vlan
        .as_ref()
        .map(|v| crate::convert::text(&v.id))
        .filter(|v| !v.is_empty())
        .map(Into::into);
    out.ips = n
        .ip_address
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    out.model = n.model.as_ref().map(|m| m.as_str().to_ascii_lowercase());
    let x = &mut out.extra;
    x.insert("vm_nic_id".into(), crate::convert::text(&n.id).into());
    if let Some(o) = n.order {
        x.insert("nic_index".into(), o.into());
    }
    if let Some(e) = n.enabled {
        x.insert("enabled".into(), e.into());
    }
    if let Some(l) = n.local_id.as_deref().filter(|l| !l.is_empty()) {
        x.insert("local_id".into(), l.into());
    }
    out
}

/// The neutral model name -> CloudTower's `VmNicModel`.
fn nic_model(m: &str) -> Result<VmNicModel> {
    match m.trim().to_ascii_lowercase().as_str() {
        "virtio" => Ok(VmNicModel::from_wire("VIRTIO")),
        "e1000" => Ok(VmNicModel::from_wire("E1000")),
        "sriov" | "sr-iov" => Ok(VmNicModel::from_wire("SRIOV")),
        other => Err(Error::invalid_input(format!(
            "NIC model `{other}` is not one of CloudTower's virtio, e1000, sriov"
        ))
        .with_vendor(VENDOR)
        .with_op(Op::NicAdd)),
    }
}

/// A MAC in the KVM range (`52:54:00`) for a NIC added to VM `vm`, picked so the neutral id
/// (the MAC) is known when the add is submitted; it avoids the VM's own MACs.
fn pick_mac(vm: &VmId, taken: &[String]) -> String {
    let mut salt: u64 = 0;
    loop {
        // FNV-1a over the VM id, the NIC count and the salt: deterministic, so a recorded
        // cassette replays.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in vm
            .as_str()
            .bytes()
            .chain((taken.len() as u64).to_le_bytes())
            .chain(salt.to_le_bytes())
        {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        let mac = format!(
            "52:54:00:{:02x}:{:02x}:{:02x}",
            (h >> 16) & 0xff,
            (h >> 8) & 0xff,
            h & 0xff
        );
        if !taken.contains(&mac) {
            return mac;
        }
        salt += 1;
    }
}

/// Splits the `token` parameter off a console URL: (URL without it, token).
pub fn split_token(url: &str) -> (String, Option<String>) {
    let (head, frag) = match url.split_once('#') {
        Some((h, f)) => (h, Some(f)),
        None => (url, None),
    };
    let Some((base, query)) = head.split_once('?') else {
        return (url.to_owned(), None);
    };
    let mut token = None;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| match p.split_once('=') {
            Some((k, v)) if k.eq_ignore_ascii_case("token") => {
                token = Some(v.to_owned());
                false
            }
            _ => !p.is_empty(),
        })
        .collect();
    let mut out = base.to_owned();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    if let Some(f) = frag {
        out.push('#');
        out.push_str(f);
    }
    (out, token)
}

/// `get-vm-vnc-info` as a neutral [`Console`]: the tower-relayed `redirect` websocket URL (or
/// `direct` to the cluster when there is none) without its token, and the token as the ticket.
pub fn console(info: &VmVncInfo) -> Result<Console> {
    let url = [&info.redirect, &info.direct, &info.terminal]
        .into_iter()
        .flatten()
        .find(|u| !u.is_empty())
        .ok_or_else(|| {
            Error::protocol("get-vm-vnc-info answered no console URL")
                .with_vendor(VENDOR)
                .with_op(Op::VmConsole)
        })?;
    let (url, token) = split_token(url);
    let mut out = Console::new(ConsoleProtocol::Vnc);
    out.url = Some(url);
    out.ticket = token.filter(|t| !t.is_empty()).map(Secret::new);
    let x = &mut out.extra;
    x.insert("ticket_param".into(), "token".into());
    if let Some(d) = info.direct.as_deref().filter(|d| !d.is_empty()) {
        x.insert("direct_url".into(), split_token(d).0.into());
    }
    if let Some(c) = info.cluster_ip.as_deref().filter(|c| !c.is_empty()) {
        x.insert("cluster_ip".into(), c.into());
    }
    Ok(out)
}

/// The `vm_nics` of a new VM from the spec's networks (`VmCreateNics`); a NIC name is
/// Unsupported (CloudTower NICs have none), before any request. An empty list keeps the
/// vendor's default (`None`).
pub(super) fn create_nics(spec: &omnivirt_core::VmSpec) -> Result<Option<Vec<NicParams>>> {
    if spec.networks.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::with_capacity(spec.networks.len());
    for n in &spec.networks {
        if n.name.is_some() {
            return Err(unsupported(
                Op::VmCreateNics,
                "CloudTower NICs have no name (VmNicParams has none; a NIC is known by its MAC)",
            ));
        }
        let mut p = NicParams::vlan(n.network.as_str());
        if let Some(m) = &n.model {
            p = p.model(nic_model(m).map_err(|e| e.with_op(Op::VmCreateNics))?);
        }
        if let Some(m) = &n.mac {
            p = p.mac(mac_norm(m));
        }
        out.push(p);
    }
    Ok(Some(out))
}

impl CloudTowerBackend {
    async fn vm_nics_of(&self, vm: &VmId, op: Op) -> Result<Vec<wire::VmNic>> {
        let w = VmNicWhere::new().vm(VmWhere::new().id().eq(vm.as_str()));
        self.client
            .vm_nics()
            .list(Query::new(w).order_by("order", Direction::Asc))
            .await
            .map_err(|e| e.with_op(op))
    }

    pub(super) async fn nics_of(&self, vm: &VmId) -> Result<Vec<Nic>> {
        let list = self.vm_nics_of(vm, Op::NicList).await?;
        Ok(list.iter().map(|n| nic(vm, n)).collect())
    }

    pub(super) async fn nic_add(&self, vm: &VmId, spec: &NicSpec) -> Result<Submitted> {
        spec.validate()?;
        if spec.name.is_some() {
            return Err(unsupported(
                Op::NicAdd,
                "CloudTower NICs have no name (VmNicParams has none; a NIC is known by its MAC)",
            ));
        }
        let mut p = NicParams::vlan(spec.network.as_str());
        if let Some(m) = &spec.model {
            p = p.model(nic_model(m)?);
        }
        let mac = match &spec.mac {
            Some(m) => mac_norm(m),
            None => {
                let taken: Vec<String> = self
                    .vm_nics_of(vm, Op::NicAdd)
                    .await?
                    .iter()
                    .filter_map(|n| n.mac_address.as_deref().map(mac_norm))
                    .collect();
                pick_mac(vm, &taken)
            }
        };
        p = p.mac(mac.clone());
        let items = self
            .client
            .vm()
            .add_nic(&Self::by_id(vm), &[p])
            .await
            .map_err(|e| e.with_op(Op::NicAdd))?;
        Ok(
            submitted_on_vm(Op::NicAdd, items, vm, ResourceRef::Vm(vm.clone()))?
                .expect(Expect::NicPresent(NicId::new(mac))),
        )
    }

    pub(super) async fn nic_remove(&self, vm: &VmId, id: &NicId) -> Result<Submitted> {
        let want = mac_norm(id.as_str());
        let list = self.vm_nics_of(vm, Op::NicRemove).await?;
        let (pos, n) = list
            .iter()
            .enumerate()
            .find(|(_, n)| {
                n.mac_address.as_deref().map(mac_norm).as_deref() == Some(want.as_str())
                    || n.id.as_deref() == Some(id.as_str())
            })
            .ok_or_else(|| {
                Error::not_found(format!("VM {vm} has no NIC {id}"))
                    .with_vendor(VENDOR)
                    .with_op(Op::NicRemove)
            })?;
        let index = match n.order {
            Some(o) => o,
            None => i32::try_from(pos).map_err(|_| {
                Error::protocol("NIC index out of range")
                    .with_vendor(VENDOR)
                    .with_op(Op::NicRemove)
            })?,
        };
        let items = self
            .client
            .vm()
            .remove_nic(&Self::by_id(vm), &[index])
            .await
            .map_err(|e| e.with_op(Op::NicRemove))?;
        submitted_on_vm(Op::NicRemove, items, vm, ResourceRef::Vm(vm.clone()))
    }

    pub(super) async fn vnc(&self, vm: &VmId) -> Result<Console> {
        let body = GetVmVncInfoParams {
            vm: Some(VmWhereUniqueInput {
                id: Some(vm.as_str().to_owned()),
                ..VmWhereUniqueInput::default()
            }),
        };
        let info = self
            .client
            .ops()
            .get_vm_vnc_info(&body)
            .await
            .map_err(|e| e.with_op(Op::VmConsole))?;
        console(&info)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_leaves_the_url() {
        let (u, t) = split_token("wss://tower/websockify/?token=abc%2B&host=10.0.0.4&uuid=u1");
        assert_eq!(u, "wss://tower/websockify/?host=10.0.0.4&uuid=u1");
        assert_eq!(t.as_deref(), Some("abc%2B"));
        let (u, t) = split_token("wss://c/websockify/?uuid=u1&token=raw");
        assert_eq!(u, "wss://c/websockify/?uuid=u1");
        assert_eq!(t.as_deref(), Some("raw"));
        let (u, t) = split_token("https://tower/vm");
        assert_eq!(u, "https://tower/vm");
        assert_eq!(t, None);
    }

    #[test]
    fn a_console_never_shows_its_token() {
        let info = VmVncInfo {
            redirect: Some("wss://tower/websockify/?token=s3cr3t&host=h&uuid=u".into()),
            direct: Some("wss://c/websockify/?uuid=u&token=r4w&host=h".into()),
            cluster_ip: Some("10.0.0.2".into()),
            ..VmVncInfo::default()
        };
        let c = console(&info).unwrap();
        assert_eq!(c.ticket.as_ref().unwrap().expose(), "s3cr3t");
        let shown = format!("{c:?} {}", serde_json::to_string(&c).unwrap());
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("r4w"),
            "{shown}"
        );
        assert_eq!(
            c.url.as_deref(),
            Some("wss://tower/websockify/?host=h&uuid=u")
        );
    }

    #[test]
    fn a_picked_mac_avoids_the_vms_own() {
        let vm = VmId::new("ckvm1");
        let first = pick_mac(&vm, &[]);
        assert!(first.starts_with("52:54:00:") && first.len() == 17);
        assert_eq!(first, pick_mac(&vm, &[]), "deterministic");
        let taken = vec![first.clone()];
        assert_ne!(pick_mac(&vm, &taken), first);
    }

    #[test]
    fn a_nic_is_known_by_its_mac() {
        let n = wire::VmNic {
            id: Some("ckvmnic9".into()),
            mac_address: Some("52:54:00:AA:BB:CC".into()),
            ip_address: Some("10.0.0.5".into()),
            order: Some(1),
            ..Default::default()
        };
        let out = nic(&VmId::new("v"), &n);
        assert_eq!(out.id.as_str(), "52:54:00:aa:bb:cc");
        assert_eq!(out.ips, vec!["10.0.0.5".to_owned()]);
        assert_eq!(out.extra["nic_index"], 1);
    }
}
