//! VM NICs: `/vms/{vm}/nics`, the vNIC profiles they plug into, and the addresses the guest
//! reports on them (`/vms/{vm}/reporteddevices`).
//!
//! An engine NIC names a vNIC profile, not a network. A profile belongs to one network for
//! its whole life, so the backend remembers each profile's network once it has read it
//! (`GET /vnicprofiles` on a miss). A new NIC goes on the network's default profile: the one
//! named after the network, else its first (`GET /networks/{id}/vnicprofiles`).

use std::collections::HashMap;
use std::sync::Mutex;

use omnivirt_core::{
    Error, Expect, NetworkId, Nic, NicId, NicSpec, Op, ResourceRef, Result, Submitted, VmId,
};

use super::{OvirtBackend, expect_id, with_job, wrap};
use crate::convert;
use crate::error::VENDOR;
use crate::native::types as t;

/// vNIC profile id -> network id, as read from the engine.
#[derive(Debug, Default)]
pub(super) struct ProfileBook(Mutex<HashMap<String, String>>);

impl ProfileBook {
    fn get(&self, profile: &str) -> Option<String> {
        self.0.lock().ok()?.get(profile).cloned()
    }

    fn learn(&self, profiles: &[t::VnicProfile]) {
        if let Ok(mut m) = self.0.lock() {
            for p in profiles {
                if let (Some(id), Some(net)) = (&p.id, p.network.as_ref().and_then(|n| n.id())) {
                    m.insert(id.clone(), net.to_owned());
                }
            }
        }
    }
}

/// The addresses the guest reports, by lower-case MAC.
pub(super) fn addresses_by_mac(devices: &[t::ReportedDevice]) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for d in devices {
        let Some(mac) = d.mac.as_ref().and_then(|m| m.address.as_deref()) else {
            continue;
        };
        let ips: Vec<String> = convert::guest_addresses(d).map(str::to_owned).collect();
        if !ips.is_empty() {
            out.entry(mac.to_ascii_lowercase()).or_default().extend(ips);
        }
    }
    out
}

fn unsupported_model(model: &str) -> Error {
    Error::invalid_input(format!(
        "NIC model {model:?} is not an oVirt NIC interface (virtio, e1000, e1000e, rtl8139, \
         rtl8139_virtio, spapr_vlan, pci_passthrough)"
    ))
    .with_vendor(VENDOR)
    .with_op(Op::NicAdd)
}

/// The engine's NIC interface for a neutral model name.
pub(super) fn interface_of(model: &str) -> Result<t::NicInterface> {
    match t::NicInterface::from_wire(&model.to_ascii_lowercase()) {
        t::NicInterface::Other(_) => Err(unsupported_model(model)),
        known => Ok(known),
    }
}

impl OvirtBackend {
    /// The network of vNIC profile `id` (read once, then remembered).
    async fn network_of_profile(&self, id: &str, op: Op) -> Result<Option<String>> {
        if let Some(n) = self.profiles.get(id) {
            return Ok(Some(n));
        }
        let all = self
            .conn
            .system()
            .vnic_profiles()
            .list()
            .send()
            .await
            .map_err(wrap(op))?;
        self.profiles.learn(&all);
        Ok(self.profiles.get(id))
    }

    /// The profile a new NIC on `network` plugs into.
    pub(super) async fn profile_for(&self, network: &NetworkId, op: Op) -> Result<String> {
        let net = self.conn.system().networks().network(network.as_str());
        let profiles = net.vnic_profiles().list().send().await.map_err(wrap(op))?;
        self.profiles.learn(&profiles);
        let net_name = match profiles.len() {
            0 | 1 => None,
            _ => net.get().send().await.map_err(wrap(op))?.name,
        };
        let chosen = profiles
            .iter()
            .find(|p| net_name.is_some() && p.name == net_name)
            .or_else(|| profiles.first())
            .and_then(|p| p.id.clone());
        chosen.ok_or_else(|| {
            Error::invalid_input(format!(
                "network {network} has no vNIC profile, so no NIC can be plugged into it"
            ))
            .with_vendor(VENDOR)
            .with_op(op)
        })
    }

    /// `GET /vms/{vm}/nics`, each NIC's network from its profile, and its addresses from
    /// `GET /vms/{vm}/reporteddevices` (empty unless the VM runs with a guest agent).
    pub(super) async fn nics_of(&self, vm: &VmId) -> Result<Vec<Nic>> {
        let svc = self.conn.system().vms().vm(vm.as_str());
        let raw = svc.nics().list().send().await.map_err(wrap(Op::NicList))?;
        if raw.is_empty() {
            return Ok(Vec::new());
        }
        let devices = svc
            .reported_devices()
            .list()
            .send()
            .await
            .map_err(wrap(Op::NicList))?;
        let ips = addresses_by_mac(&devices);
        let mut out = Vec::with_capacity(raw.len());
        for n in &raw {
            let id = n.id.clone().ok_or_else(|| {
                Error::protocol("the engine sent a NIC without an id").with_vendor(VENDOR)
            })?;
            let mut nic = Nic::new(id, vm.clone(), n.name.clone().unwrap_or_default());
            nic.mac = n
                .mac
                .as_ref()
                .and_then(|m| m.address.as_deref())
                .map(str::to_ascii_lowercase);
            nic.model = n.interface.as_ref().map(|i| i.as_str().to_owned());
            if let Some(p) = n.vnic_profile.as_ref().and_then(|p| p.id()) {
                nic.network_id = self
                    .network_of_profile(p, Op::NicList)
                    .await?
                    .map(NetworkId::new);
                nic.extra
                    .insert("vnic_profile_id".into(), serde_json::Value::from(p));
            }
            if let Some(found) = nic.mac.as_ref().and_then(|m| ips.get(m)) {
                nic.ips = found.clone();
            }
            if let Some(p) = n.plugged {
                nic.extra
                    .insert("plugged".into(), serde_json::Value::from(p));
            }
            out.push(nic);
        }
        Ok(out)
    }

    /// A free `nicN` name on the VM (the engine requires a name).
    async fn free_nic_name(&self, vm: &VmId) -> Result<String> {
        let taken = self
            .conn
            .system()
            .vms()
            .vm(vm.as_str())
            .nics()
            .list()
            .send()
            .await
            .map_err(wrap(Op::NicAdd))?;
        let names: Vec<&str> = taken.iter().filter_map(|n| n.name.as_deref()).collect();
        let n = (1..)
            .find(|i| !names.contains(&format!("nic{i}").as_str()))
            .unwrap_or(1);
        Ok(format!("nic{n}"))
    }

    /// The native NIC for `spec`, named `name` (model checked before any request).
    pub(super) async fn native_nic(
        &self,
        spec: &NicSpec,
        name: Option<String>,
        op: Op,
    ) -> Result<t::Nic> {
        let interface = spec.model.as_deref().map(interface_of).transpose()?;
        let profile = self.profile_for(&spec.network, op).await?;
        Ok(t::Nic {
            name,
            interface,
            mac: spec.mac.as_ref().map(|m| {
                Box::new(t::Mac {
                    address: Some(m.clone()),
                    ..t::Mac::default()
                })
            }),
            vnic_profile: Some(t::Linked::by_id(&profile)),
            ..t::Nic::default()
        })
    }

    /// `POST /vms/{vm}/nics` with `<nic><name/><interface/><vnic_profile id/></nic>`.
    pub(super) async fn plug_nic(&self, vm: &VmId, spec: &NicSpec) -> Result<Submitted> {
        spec.validate()
            .map_err(|e| e.with_vendor(VENDOR).with_op(Op::NicAdd))?;
        if let Some(m) = &spec.model {
            interface_of(m)?;
        }
        let name = match &spec.name {
            Some(n) => n.clone(),
            None => self.free_nic_name(vm).await?,
        };
        let nic = self.native_nic(spec, Some(name), Op::NicAdd).await?;
        let corr = self.next_correlation("nic", vm.as_str());
        let mut req = self.conn.system().vms().vm(vm.as_str()).nics().add(nic);
        if let Some(c) = &corr {
            req = req.correlation_id(c.clone());
        }
        let created = req.send().await.map_err(wrap(Op::NicAdd))?;
        let id = expect_id(&created, "NIC")?;
        let job = self.job_of(None, corr.as_deref()).await;
        Ok(with_job(Submitted::done(Op::NicAdd), job)
            .target(ResourceRef::Vm(vm.clone()))
            .expect(Expect::NicPresent(NicId::new(id))))
    }

    /// `DELETE /vms/{vm}/nics/{nic}`.
    pub(super) async fn unplug_nic(&self, vm: &VmId, nic: &NicId) -> Result<Submitted> {
        let corr = self.next_correlation("nic-remove", vm.as_str());
        let mut req = self
            .conn
            .system()
            .vms()
            .vm(vm.as_str())
            .nics()
            .item(nic.as_str())
            .remove();
        if let Some(c) = &corr {
            req = req.correlation_id(c.clone());
        }
        req.send().await.map_err(wrap(Op::NicRemove))?;
        let job = self.job_of(None, corr.as_deref()).await;
        Ok(with_job(Submitted::done(Op::NicRemove), job).target(ResourceRef::Vm(vm.clone())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_map_to_interfaces_and_unknown_ones_are_refused() {
        assert_eq!(interface_of("virtio").unwrap(), t::NicInterface::Virtio);
        assert_eq!(interface_of("E1000").unwrap(), t::NicInterface::E1000);
        let e = interface_of("vmxnet3").unwrap_err();
        assert!(e.to_string().contains("vmxnet3"), "{e}");
    }

    #[test]
    fn addresses_match_by_mac_whatever_the_case() {
        let devices = t::ReportedDevice::list_from_xml(
            br#"<reported_devices>
              <reported_device><type>network</type><mac><address>52:54:00:AA:BB:CC</address></mac>
                <ips><ip><address>10.0.0.5</address><version>v4</version></ip></ips></reported_device>
              <reported_device><type>usb</type><mac><address>52:54:00:00:00:01</address></mac>
                <ips><ip><address>10.9.9.9</address></ip></ips></reported_device>
            </reported_devices>"#,
        )
        .unwrap();
        let m = addresses_by_mac(&devices);
        assert_eq!(m["52:54:00:aa:bb:cc"], vec!["10.0.0.5".to_owned()]);
        assert!(!m.contains_key("52:54:00:00:00:01"), "{m:?}");
    }
}
