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
        send(Request::get(format!("{base}/images?q=name=x"))),
        (404, "no api mapping to /zstack/v1/images".to_string())
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
