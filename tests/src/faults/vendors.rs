//! What the fault matrix knows of each vendor's wire: where its API is mounted, the content
//! type of its bodies, and which requests are logins, VM list pages and VM starts.

use std::sync::Arc;

use http::Method;
use omnivirt_sim::Skin;

use super::proxy::Kind;

/// One vendor's wire, as the hostile proxy sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    /// oVirt: XML under `/ovirt-engine/api`, SSO token at `/ovirt-engine/sso/oauth/token`.
    Ovirt,
    /// CloudTower: JSON POSTs under `/v2/api`.
    CloudTower,
    /// ZStack: JSON under `/zstack/v1`, actions as `PUT .../actions`.
    Zstack,
    /// VeiL: JSON under `/veil/api`, login at `/veil/auth/`.
    Veil,
}

/// Every vendor, in the order the matrix prints them.
pub const VENDORS: [Vendor; 4] = [
    Vendor::Ovirt,
    Vendor::CloudTower,
    Vendor::Zstack,
    Vendor::Veil,
];

impl Vendor {
    /// The vendor's name, as `Client::vendor` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Vendor::Ovirt => "ovirt",
            Vendor::CloudTower => "cloudtower",
            Vendor::Zstack => "zstack",
            Vendor::Veil => "veil",
        }
    }

    /// List pages the client starts before it knows it needs them, and that go out even when
    /// the page before turns out to be the last: oVirt pages by number, so a listing starts
    /// the page after next while the next one is decoded (`Page::following`); CloudTower pages
    /// after the last id, which a page announces before it is decoded (`announce_next_page`).
    pub fn early_pages(self) -> usize {
        match self {
            Vendor::Ovirt | Vendor::CloudTower => 1,
            Vendor::Zstack | Vendor::Veil => 0,
        }
    }

    /// The simulator skin serving this vendor's wire.
    pub fn skin(self) -> Arc<dyn Skin> {
        use omnivirt_sim::skins;
        match self {
            Vendor::Ovirt => Arc::new(skins::ovirt::OvirtSkin::new()),
            Vendor::CloudTower => Arc::new(skins::cloudtower::CloudTowerSkin::new()),
            Vendor::Zstack => Arc::new(skins::zstack::ZStackSkin::new()),
            Vendor::Veil => Arc::new(skins::veil::VeilSkin::new()),
        }
    }

    /// The URL a client of this vendor is given for a server at `base` (`http://host:port`).
    pub fn api_url(self, base: &str) -> String {
        match self {
            Vendor::Ovirt => format!("{base}/ovirt-engine/api"),
            Vendor::CloudTower => format!("{base}/v2/api"),
            Vendor::Zstack => format!("{base}/zstack/v1"),
            Vendor::Veil => format!("{base}/veil"),
        }
    }

    /// The content type of the vendor's API bodies.
    pub fn content_type(self) -> &'static str {
        match self {
            Vendor::Ovirt => "application/xml",
            _ => "application/json",
        }
    }

    /// The classifier the proxy uses for this vendor.
    pub fn classifier(self) -> super::proxy::Classifier {
        match self {
            Vendor::Ovirt => ovirt,
            Vendor::CloudTower => cloudtower,
            Vendor::Zstack => zstack,
            Vendor::Veil => veil,
        }
    }
}

/// Path segments after `prefix`, without empty ones (trailing slashes).
fn segments<'a>(path: &'a str, prefix: &str) -> Option<Vec<&'a str>> {
    let rest = path.strip_prefix(prefix)?;
    Some(rest.split('/').filter(|s| !s.is_empty()).collect())
}

fn ovirt(m: &Method, path: &str, _body: &[u8]) -> Kind {
    if *m == Method::POST && path.ends_with("/sso/oauth/token") {
        return Kind::Login;
    }
    match (m, segments(path, "/ovirt-engine/api").as_deref()) {
        (&Method::GET, Some(["vms"])) => Kind::List,
        (&Method::POST, Some(["vms", _, "start"])) => Kind::Start,
        _ => Kind::Other,
    }
}

fn cloudtower(m: &Method, path: &str, _body: &[u8]) -> Kind {
    match (m, segments(path, "/v2/api").as_deref()) {
        (&Method::POST, Some(["login"])) => Kind::Login,
        (&Method::POST, Some(["get-vms"])) => Kind::List,
        (&Method::POST, Some(["start-vm"])) => Kind::Start,
        _ => Kind::Other,
    }
}

fn zstack(m: &Method, path: &str, body: &[u8]) -> Kind {
    let starts = || String::from_utf8_lossy(body).contains("\"startVmInstance\"");
    match (m, segments(path, "/zstack/v1").as_deref()) {
        (&Method::PUT, Some(["accounts", "login"])) => Kind::Login,
        (&Method::GET, Some(["vm-instances"])) => Kind::List,
        (&Method::PUT, Some(["vm-instances", _, "actions"])) if starts() => Kind::Start,
        _ => Kind::Other,
    }
}

fn veil(m: &Method, path: &str, _body: &[u8]) -> Kind {
    match (m, segments(path, "/veil").as_deref()) {
        (&Method::POST, Some(["auth"])) => Kind::Login,
        (&Method::GET, Some(["api", "domains"])) => Kind::List,
        (&Method::POST, Some(["api", "domains", _, "start"])) => Kind::Start,
        _ => Kind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifiers_know_each_request() {
        let cases: &[(Vendor, Method, &str, &[u8], Kind)] = &[
            (
                Vendor::Ovirt,
                Method::POST,
                "/ovirt-engine/sso/oauth/token",
                b"",
                Kind::Login,
            ),
            (
                Vendor::Ovirt,
                Method::GET,
                "/ovirt-engine/api/vms",
                b"",
                Kind::List,
            ),
            (
                Vendor::Ovirt,
                Method::GET,
                "/ovirt-engine/api/vms/1",
                b"",
                Kind::Other,
            ),
            (
                Vendor::Ovirt,
                Method::POST,
                "/ovirt-engine/api/vms/1/start",
                b"",
                Kind::Start,
            ),
            (
                Vendor::CloudTower,
                Method::POST,
                "/v2/api/login",
                b"",
                Kind::Login,
            ),
            (
                Vendor::CloudTower,
                Method::POST,
                "/v2/api/get-vms",
                b"",
                Kind::List,
            ),
            (
                Vendor::CloudTower,
                Method::POST,
                "/v2/api/start-vm",
                b"",
                Kind::Start,
            ),
            (
                Vendor::Zstack,
                Method::PUT,
                "/zstack/v1/accounts/login",
                b"",
                Kind::Login,
            ),
            (
                Vendor::Zstack,
                Method::GET,
                "/zstack/v1/vm-instances",
                b"",
                Kind::List,
            ),
            (
                Vendor::Zstack,
                Method::PUT,
                "/zstack/v1/vm-instances/u/actions",
                br#"{"startVmInstance": {}}"#,
                Kind::Start,
            ),
            (
                Vendor::Zstack,
                Method::PUT,
                "/zstack/v1/vm-instances/u/actions",
                br#"{"stopVmInstance": {}}"#,
                Kind::Other,
            ),
            (Vendor::Veil, Method::POST, "/veil/auth/", b"", Kind::Login),
            (
                Vendor::Veil,
                Method::GET,
                "/veil/api/domains/",
                b"",
                Kind::List,
            ),
            (
                Vendor::Veil,
                Method::POST,
                "/veil/api/domains/d/start/",
                b"",
                Kind::Start,
            ),
        ];
        for (v, m, p, b, want) in cases {
            assert_eq!((v.classifier())(m, p, b), *want, "{v:?} {m} {p}");
        }
    }
}
