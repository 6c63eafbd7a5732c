//! Unit tests of the ZStack skin's pure parts: digests, conditions, ids and dates.

use serde_json::json;

use super::auth::sha512_hex;
use super::filter::{COp, matches, parse_cond};
use super::ids::{ext, gson_date, int};
use crate::world::World;

#[test]
fn sha512_matches_the_known_digests() {
    assert_eq!(
        sha512_hex(b"password"),
        "b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86"
    );
    assert_eq!(
        sha512_hex(b""),
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
    );
    // Two blocks of padding.
    assert_eq!(&sha512_hex(&[b'a'; 200])[..16], "4b11459c33f52a22");
}

#[test]
fn conditions_parse_like_the_server() {
    let c = parse_cond("name~=web-%").unwrap();
    assert_eq!(
        (c.field.as_str(), c.op, c.value.as_str()),
        ("name", COp::Like, "web-%")
    );
    let c = parse_cond("name=a!=b").unwrap();
    assert_eq!((c.field.as_str(), c.op), ("name=a", COp::Ne));
    assert_eq!(parse_cond("hostUuid not null").unwrap().op, COp::NotNull);
    assert!(parse_cond("nothing").is_none());
    let vm = json!({"name": "Web-01", "cpuNum": 4, "hostUuid": null,
        "allVolumes": [{"uuid": "a"}, {"uuid": "b"}]});
    let m = |t: &str| matches(&vm, &parse_cond(t).unwrap());
    assert!(m("name=web-01"));
    assert!(m("name~=w_b%"));
    assert!(!m("name!~=%eb%"));
    assert!(m("cpuNum>=4") && !m("cpuNum>4") && m("cpuNum<10"));
    assert!(m("hostUuid is null") && !m("hostUuid not null"));
    assert!(m("allVolumes.uuid=b") && !m("allVolumes.uuid=c"));
    assert!(m("name?=x,WEB-01") && m("name!?=x,y"));
}

#[test]
fn ids_and_dates() {
    assert_eq!(
        ext("0a1b2c3d-0000-4000-8000-00000000abcd"),
        "0a1b2c3d00004000800000000000abcd"
    );
    assert_eq!(ext("c1234"), "c1234");
    // Not hex, or dashes elsewhere than a UUID's: kept as they are.
    let odd = "0a1b2c3d-0000-4000-8000-00000000abcz";
    assert_eq!(ext(odd), odd);
    let odd = "0a1b2c3d00004000800000000000abcd-0-0";
    assert_eq!(ext(odd), odd);
    assert_eq!(gson_date(crate::EPOCH), "Jan 1, 2026 12:00:00 AM");
    assert_eq!(
        gson_date(crate::EPOCH + 13 * 3600 + 61),
        "Jan 1, 2026 1:01:01 PM"
    );
    let world = World::default();
    let id = world.new_uuid();
    assert_eq!(int(&world, &ext(&id)), id);
}

#[test]
fn unimplemented_operations_answer_as_the_rest_layer_does() {
    use crate::skin::Skin;
    use omnivirt_http::Request;

    let world = World::default();
    let skin = super::ZStackSkin::new();
    let base = "http://sim.invalid/zstack/v1";
    let login = Request::put(format!("{base}/accounts/login"))
        .json(&json!({"logInByAccount": {"accountName": "admin",
            "password": sha512_hex(b"admin")}}))
        .unwrap();
    let resp = skin.handle(&world, login);
    assert_eq!(resp.status.as_u16(), 200);
    let omnivirt_http::Body::Full(bytes) = &resp.body else {
        panic!("login answered a stream")
    };
    let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    let auth = format!("OAuth {}", v["inventory"]["uuid"].as_str().unwrap());
    let send = |req: Request| {
        let mut req = req;
        req.headers
            .insert(http::header::AUTHORIZATION, auth.parse().unwrap());
        let resp = skin.handle(&world, req);
        let omnivirt_http::Body::Full(bytes) = &resp.body else {
            panic!("a stream")
        };
        (
            resp.status.as_u16(),
            String::from_utf8(bytes.to_vec()).unwrap(),
        )
    };
    // A path no API maps to: 404, plain text.
    assert_eq!(
        send(Request::get(format!("{base}/instance-offerings?q=name=x"))),
        (
            404,
            "no api mapping to /zstack/v1/instance-offerings".to_string()
        )
    );
    // QueryPrimaryStorage has no `/{uuid}` path.
    assert_eq!(
        send(Request::get(format!("{base}/primary-storage/abc"))),
        (
            404,
            "no api mapping to /zstack/v1/primary-storage/abc".to_string()
        )
    );
    // A known URL whose body names an action the simulator does not serve: 400, plain text.
    let put = Request::put(format!("{base}/vm-instances/abc/actions"))
        .json(&json!({"changeVmPassword": {"password": "x"}}))
        .unwrap();
    assert_eq!(
        send(put),
        (
            400,
            "the body doesn't contain action mapping to the URL[/zstack/v1/vm-instances/abc/actions]"
                .to_string()
        )
    );
}

/// Logs in to `world` through `skin` and returns the `Authorization` header value.
fn login(skin: &super::ZStackSkin, world: &World, base: &str) -> String {
    use crate::skin::Skin;
    let req = omnivirt_http::Request::put(format!("{base}/accounts/login"))
        .json(&json!({"logInByAccount": {"accountName": "admin",
            "password": sha512_hex(b"admin")}}))
        .unwrap();
    let resp = skin.handle(world, req);
    let omnivirt_http::Body::Full(bytes) = &resp.body else {
        panic!("login answered a stream")
    };
    let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    format!("OAuth {}", v["inventory"]["uuid"].as_str().unwrap())
}

/// The body of a `GET url` that must answer `200`.
fn get_ok(skin: &super::ZStackSkin, world: &World, auth: &str, url: &str) -> Vec<u8> {
    use crate::skin::Skin;
    let mut req = omnivirt_http::Request::get(url.to_owned());
    req.headers
        .insert(http::header::AUTHORIZATION, auth.parse().unwrap());
    let resp = skin.handle(world, req);
    assert_eq!(resp.status.as_u16(), 200, "{url}");
    let omnivirt_http::Body::Full(bytes) = &resp.body else {
        panic!("a stream")
    };
    bytes.to_vec()
}

#[test]
fn images_networks_and_primary_storage_come_from_the_world() {
    let world = World::default();
    let skin = super::ZStackSkin::new();
    let base = "http://sim.invalid/zstack/v1";
    let auth = login(&skin, &world, base);
    let get = |path: &str| -> serde_json::Value {
        serde_json::from_slice(&get_ok(&skin, &world, &auth, &format!("{base}/{path}"))).unwrap()
    };

    let images = get("images?limit=1&start=1&replyWithCount=true");
    let n_templates = world
        .list_templates(&crate::query::Filter::new(), &crate::query::Paging::all())
        .total;
    assert_eq!(images["total"], n_templates);
    assert_eq!(images["inventories"].as_array().unwrap().len(), 1);
    let image = &images["inventories"][0];
    assert_eq!(image["mediaType"], "RootVolumeTemplate");
    let name = image["name"].as_str().unwrap().to_uppercase();
    let by_name = get(&format!("images?q=name={name}"));
    assert_eq!(
        by_name["inventories"][0]["uuid"], image["uuid"],
        "names compare case-insensitively"
    );
    let uuid = image["uuid"].as_str().unwrap();
    assert_eq!(
        get(&format!("images/{uuid}"))["inventories"][0]["name"],
        image["name"]
    );
    // An unknown uuid is an empty answer, not an error: the query found nothing.
    assert_eq!(
        get("images/00000000000000000000000000000000")["inventories"],
        json!([])
    );

    let l3 = &get("l3-networks?limit=1")["inventories"][0];
    let cidr = l3["ipRanges"][0]["networkCidr"].as_str().unwrap();
    assert!(cidr.ends_with("/16"), "{cidr}");
    let l2_uuid = l3["l2NetworkUuid"].as_str().unwrap();
    let l2s = get(&format!("l2-networks?q=uuid?={l2_uuid},nothing"));
    let l2 = &l2s["inventories"][0];
    assert_eq!(l2s["inventories"].as_array().unwrap().len(), 1);
    assert_eq!(l2["type"], "L2VlanNetwork");
    assert_eq!(l2["vlan"], l2["virtualNetworkId"]);
    assert_eq!(
        l2s["schema"]["inventories[0]"],
        "org.zstack.header.network.l2.L2VlanNetworkInventory"
    );

    let ps = &get("primary-storage?limit=1")["inventories"][0];
    assert!(ps["availableCapacity"].as_u64() <= ps["totalCapacity"].as_u64());
    let cluster = ps["attachedClusterUuids"][0].as_str().unwrap();
    let in_cluster = get(&format!("primary-storage?q=attachedClusterUuids={cluster}"));
    assert_eq!(in_cluster["inventories"][0]["uuid"], ps["uuid"]);
    // A condition the World cannot page on still answers, through the rendered inventories.
    let big = get("primary-storage?q=totalCapacity>0&count=true");
    assert!(big["total"].as_u64().unwrap() >= 1);
    // Volumes of that cluster name it as their primary storage.
    let vols = get(&format!(
        "volumes?q=primaryStorageUuid={}&limit=1",
        ps["uuid"].as_str().unwrap()
    ));
    assert_eq!(vols["inventories"].as_array().unwrap().len(), 1, "{vols}");
}

#[test]
fn a_vm_page_written_as_text_matches_the_same_page_built_as_values() {
    let world = World::default();
    let skin = super::ZStackSkin::new();
    let base = "http://sim.invalid/zstack/v1";
    let auth = login(&skin, &world, base);
    let get = |path: &str| get_ok(&skin, &world, &auth, &format!("{base}/{path}"));
    // Without `fields` the page is written straight from the documents; with every field
    // named it goes through a `Value` per VM. The bytes must be the same.
    let every = "uuid,name,description,zoneUuid,clusterUuid,imageUuid,hostUuid,lastHostUuid,\
        instanceOfferingUuid,rootVolumeUuid,platform,architecture,defaultL3NetworkUuid,type,\
        hypervisorType,memorySize,reservedMemorySize,cpuNum,cpuSpeed,allocatorStrategy,\
        createDate,lastOpDate,state,vmNics,allVolumes,vmCdRoms,guestOsType";
    for q in ["limit=3&replyWithCount=true", "limit=2&start=1"] {
        let text = get(&format!("vm-instances?{q}"));
        let values = get(&format!("vm-instances?{q}&fields={every}"));
        assert_eq!(
            String::from_utf8_lossy(&text),
            String::from_utf8_lossy(&values),
            "{q}"
        );
        let v: serde_json::Value = serde_json::from_slice(&text).unwrap();
        assert!(!v["inventories"].as_array().unwrap().is_empty(), "{q}");
        assert_eq!(
            v["schema"]["inventories[0]"],
            "org.zstack.header.vm.VmInstanceInventory"
        );
    }
}
