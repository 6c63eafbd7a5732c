//! A VM's tags: `GET|POST /vms/{id}/tags`, `DELETE /vms/{id}/tags/{tag}`, and `follow=tags`.
//!
//! The engine's tags are objects of their own (`/tags/{id}`) that VMs are assigned to; the
//! World keeps a VM's tags as names, so a tag's id here is derived from its name: one name,
//! one id, on every VM.

use http::StatusCode;
use omnivirt_http::{Request, Response};

use super::reply::{bad_request, list_doc, not_found_empty, sim_fault};
use super::xml::{X, parse_xml};
use super::{API, api};
use crate::skin;
use crate::text::UuidText;
use crate::world::World;

/// The engine-style id of the tag named `name` (a UUID made from an FNV-1a hash of the name).
pub(super) fn tag_id(name: &str) -> String {
    tag_uuid(name).as_str().to_owned()
}

/// [`tag_id`] on the stack.
fn tag_uuid(name: &str) -> UuidText {
    let hash = |seed: u64| {
        name.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    };
    UuidText::of(hash(0xcbf2_9ce4_8422_2325), hash(0x8422_2325_cbf2_9ce4))
}

/// `<tag href id><name/><vm/></tag>` for the tag `name` of VM `vm`.
pub(super) fn write_tag(x: &mut X, vm: &str, name: &str) {
    let id = tag_uuid(name);
    let id = id.as_str();
    x.open_obj_at("tag", &[API, "/vms/", vm, "/tags/", id], id);
    x.leaf("name", name);
    x.s.push_str("<description></description>");
    x.reference_to(concat!("<vm href=\"", api!(), "/vms/"), vm);
    x.s.push_str("</tag>");
}

/// `GET /vms/{id}/tags`.
pub(super) fn list_tags(world: &World, id: &str, v3: bool) -> Response {
    let Ok(vm) = world.peek_vm(id) else {
        return not_found_empty();
    };
    let mut x = X::new(v3);
    for t in &vm.tags {
        write_tag(&mut x, id, t);
    }
    list_doc("tags", x.s)
}

/// `POST /vms/{id}/tags` with `<tag><name>..</name></tag>` (or `<tag id=..>` of a tag the
/// World knows on some VM): assigns the tag, creating it by name as the engine does.
pub(super) fn add_tag(world: &World, req: &Request, id: &str, v3: bool) -> Response {
    let body = match parse_xml(&req.body) {
        Ok(b) if b.name == "tag" => b,
        Ok(b) => return bad_request(&format!("Expected a <tag>, got <{}>", b.name)),
        Err(e) => return bad_request(&e),
    };
    let Some(name) = body.text_at(&["name"]) else {
        return bad_request("Tag [name] required for add");
    };
    let added = world.update_vm(id, |v| {
        if !v.tags.contains(&name) {
            v.tags.push(name.clone());
        }
    });
    match added {
        Ok(()) => {
            let mut x = X::new(v3);
            write_tag(&mut x, id, &name);
            skin::xml_response(StatusCode::CREATED, x.doc())
        }
        Err(e) => sim_fault(&e, "assign tag"),
    }
}

/// `DELETE /vms/{id}/tags/{tag}`: unassigns the tag (the tag itself stays in the engine).
pub(super) fn remove_tag(world: &World, id: &str, tag: &str) -> Response {
    let removed = world.update_vm(id, |v| {
        let before = v.tags.len();
        v.tags.retain(|t| tag_id(t) != tag);
        before != v.tags.len()
    });
    match removed {
        Ok(true) => skin::xml_response(StatusCode::OK, String::new()),
        Ok(false) | Err(_) => not_found_empty(),
    }
}
