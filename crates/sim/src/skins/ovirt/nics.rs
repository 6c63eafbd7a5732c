//! VM NICs, the vNIC profiles they plug into, and the devices a running guest reports.
//!
//! Each World network has one vNIC profile, its default, named after the network, with an id
//! derived from the network's (the engine makes such a profile with every VM network).
//! Adding and removing a NIC are synchronous on the engine's wire, so the skin drives the
//! World's task to its end before answering. A running VM reports one `network` device per
//! NIC, carrying the NIC's MAC and the World's address for it.

use http::StatusCode;
use omnivirt_core::VmState;
use omnivirt_http::{Request, Response};

use super::mutate::{drive_task, tag_correlation};
use super::reply::{bad_request, list_doc, not_found_empty, sim_fault};
use super::xml::{X, parse_xml};
use super::{API, api};
use crate::model::{SimNetwork, SimNic, SimVm};
use crate::query::{Filter, Paging};
use crate::skin;
use crate::world::World;

/// The id of the default vNIC profile of network `net`.
pub(super) fn profile_id(net: &str) -> String {
    crate::uuid_from(&format!("omnivirt-sim/ovirt/network/{net}/vnic-profile"))
}

fn networks(world: &World) -> Vec<SimNetwork> {
    world.list_networks(&Filter::new(), &Paging::all()).items
}

/// The network whose default profile is `profile`.
fn network_of_profile(world: &World, profile: &str) -> Option<SimNetwork> {
    networks(world)
        .into_iter()
        .find(|n| profile_id(&n.id) == profile)
}

fn write_profile(x: &mut X, n: &SimNetwork) {
    let id = profile_id(&n.id);
    let base = format!("{API}/vnicprofiles/{id}");
    x.open_obj("vnic_profile", &base, &id);
    x.leaf("name", &n.name);
    x.leaf("description", "");
    x.leaf("comment", "");
    x.links(&base, &["permissions"]);
    x.s.push_str("<pass_through><mode>disabled</mode></pass_through>");
    x.leaf("port_mirroring", "false");
    x.reference("network", &format!("{API}/networks/{}", n.id), &n.id);
    x.close("vnic_profile");
}

/// `GET /vnicprofiles`.
pub(super) fn list_profiles(world: &World, v3: bool) -> Response {
    let mut x = X::new(v3);
    for n in networks(world) {
        write_profile(&mut x, &n);
    }
    list_doc("vnic_profiles", x.s)
}

/// `GET /vnicprofiles/{id}`.
pub(super) fn get_profile(world: &World, id: &str, v3: bool) -> Response {
    match network_of_profile(world, id) {
        Some(n) => {
            let mut x = X::new(v3);
            write_profile(&mut x, &n);
            skin::xml_response(StatusCode::OK, x.doc())
        }
        None => not_found_empty(),
    }
}

/// `GET /networks/{id}/vnicprofiles`.
pub(super) fn list_network_profiles(world: &World, id: &str, v3: bool) -> Response {
    match world.get_network(id) {
        Ok(n) => {
            let mut x = X::new(v3);
            write_profile(&mut x, &n);
            list_doc("vnic_profiles", x.s)
        }
        Err(_) => not_found_empty(),
    }
}

fn write_nic(x: &mut X, vm: &SimVm, n: &SimNic) {
    let vid = vm.id.as_str();
    let base = format!("{API}/vms/{vid}/nics/{}", n.id.as_str());
    x.open_obj("nic", &base, n.id.as_str());
    x.actions(&base, &["activate", "deactivate"]);
    x.leaf("name", &n.name);
    x.links(
        &base,
        &["networkfilterparameters", "reporteddevices", "statistics"],
    );
    x.leaf("interface", &n.model);
    x.leaf("linked", "true");
    x.open("mac");
    x.leaf("address", &n.mac);
    x.close("mac");
    x.leaf("plugged", "true");
    x.leaf("synced", "true");
    let pid = profile_id(n.network_id.as_str());
    x.reference("vnic_profile", &format!("{API}/vnicprofiles/{pid}"), &pid);
    x.reference("vm", &format!("{API}/vms/{vid}"), vid);
    x.close("nic");
}

/// The device a running guest reports for NIC `n` (index `i`), if it runs.
pub(super) fn write_reported(x: &mut X, vm: &SimVm, i: usize, n: &SimNic) {
    if vm.state != VmState::Running {
        return;
    }
    let vid = vm.id.as_str();
    let id = crate::ids::uuid_of(&["omnivirt-sim/ovirt/vm/", vid, "/reported/", &n.mac]);
    let id = id.as_str();
    x.open_obj_at(
        "reported_device",
        &[API, "/vms/", vid, "/reporteddevices/", id],
        id,
    );
    x.s.push_str("<name>eth");
    x.int(i);
    x.s.push_str(concat!(
        "</name><description>guest reported data</description>",
        "<ips><ip><address>"
    ));
    x.esc(&n.ip);
    x.s.push_str(if n.ip.contains(':') {
        "</address><version>v6</version></ip></ips><mac><address>"
    } else {
        "</address><version>v4</version></ip></ips><mac><address>"
    });
    x.esc(&n.mac);
    x.s.push_str("</address></mac><type>network</type>");
    x.reference_to(concat!("<vm href=\"", api!(), "/vms/"), vid);
    x.s.push_str("</reported_device>");
}

/// `GET /vms/{id}/nics`.
pub(super) fn list_nics(world: &World, id: &str, v3: bool) -> Response {
    let Ok(vm) = world.get_vm(id) else {
        return not_found_empty();
    };
    let mut x = X::new(v3);
    for n in &vm.nics {
        write_nic(&mut x, &vm, n);
    }
    list_doc("nics", x.s)
}

/// `GET /vms/{id}/nics/{nic}`.
pub(super) fn get_nic(world: &World, id: &str, nic: &str, v3: bool) -> Response {
    let Ok(vm) = world.get_vm(id) else {
        return not_found_empty();
    };
    match vm.nics.iter().find(|n| n.id.as_str() == nic) {
        Some(n) => {
            let mut x = X::new(v3);
            write_nic(&mut x, &vm, n);
            skin::xml_response(StatusCode::OK, x.doc())
        }
        None => not_found_empty(),
    }
}

/// `GET /vms/{id}/reporteddevices`, or one NIC's (`nic`).
pub(super) fn list_reported(world: &World, id: &str, nic: Option<&str>, v3: bool) -> Response {
    let Ok(vm) = world.get_vm(id) else {
        return not_found_empty();
    };
    if nic.is_some_and(|w| !vm.nics.iter().any(|n| n.id.as_str() == w)) {
        return not_found_empty();
    }
    let mut x = X::new(v3);
    for (i, n) in vm.nics.iter().enumerate() {
        if nic.is_none_or(|w| n.id.as_str() == w) {
            write_reported(&mut x, &vm, i, n);
        }
    }
    list_doc("reported_devices", x.s)
}

/// `POST /vms/{id}/nics` with `<nic><name/><interface/><mac><address/></mac><vnic_profile id/>`.
/// The simulator needs the profile (an engine NIC may have none: it is then unplugged from
/// every network, which the World does not model).
pub(super) fn add_nic(world: &World, req: &Request, id: &str, v3: bool) -> Response {
    let body = match parse_xml(&req.body) {
        Ok(b) if b.name == "nic" => b,
        Ok(b) => return bad_request(&format!("Expected a <nic>, got <{}>", b.name)),
        Err(e) => return bad_request(&e),
    };
    let Some(name) = body.text_at(&["name"]) else {
        return bad_request("Nic [name] required for add");
    };
    let Some(profile) = body.path(&["vnic_profile"]).and_then(|p| p.attr("id")) else {
        return bad_request("the simulator needs Nic [vnic_profile.id] for add");
    };
    let Some(net) = network_of_profile(world, profile) else {
        return bad_request(&format!("vNIC profile {profile} does not exist"));
    };
    let model = body.text_at(&["interface"]);
    let mac = body.text_at(&["mac", "address"]);
    match world.add_nic(id, &net.id, Some(&name), model.as_deref(), mac.as_deref()) {
        Ok((sub, nid)) => {
            tag_correlation(world, req, sub.task.as_str());
            drive_task(world, sub.task.as_str());
            let Ok(vm) = world.peek_vm(id) else {
                return not_found_empty();
            };
            match vm.nics.iter().find(|n| n.id == nid) {
                Some(n) => {
                    let mut x = X::new(v3);
                    write_nic(&mut x, &vm, n);
                    skin::xml_response(StatusCode::CREATED, x.doc())
                }
                None => sim_fault(
                    &crate::error::SimError::not_found(format!("NIC {name} did not appear")),
                    "add NIC",
                ),
            }
        }
        Err(e) => sim_fault(&e, "add NIC"),
    }
}

/// `DELETE /vms/{id}/nics/{nic}`.
pub(super) fn remove_nic(world: &World, req: &Request, id: &str, nic: &str) -> Response {
    match world.remove_nic(id, nic) {
        Ok(sub) => {
            tag_correlation(world, req, sub.task.as_str());
            drive_task(world, sub.task.as_str());
            skin::empty_response(StatusCode::OK)
        }
        Err(e) => sim_fault(&e, "remove NIC"),
    }
}
