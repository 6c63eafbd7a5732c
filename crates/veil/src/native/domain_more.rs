//! The rest of `/api/domains/`: Active Directory, VDI preparation, USB, backups and restores,
//! guest tools, cloud-init, the synchronous single create, ISO insertion, and the actions whose
//! paths are a GUESS (known only as permission names; see `docs/veil.md`).

use http::Method;
use omnivirt_core::{Error, Result};
use omnivirt_http::Secret;
use serde_json::{Map, Value, json};

use super::Paginator;
use super::client::typed;
use super::domains::{Domains, check_id};
use crate::VENDOR;
use crate::wire::{Accepted, Domain, LibraryFile, Outcome, Paginated, UsbAttached};

/// Joining a guest to an Active Directory domain (`add-to-ad/`, or inside `vdi-prepare/` and
/// `multi-create-domain/`). The password is a [`Secret`]: it never prints.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AdJoin {
    /// The AD domain (`ad.example`).
    pub domainname: String,
    /// An account allowed to join machines.
    pub login: String,
    /// Its password.
    pub password: Secret,
    /// Restart the guest afterwards.
    pub restart: bool,
    /// A new computer name.
    pub newname: Option<String>,
    /// The organisational unit (`OU=...`).
    pub oupath: Option<String>,
}

impl AdJoin {
    /// Join `domainname` as `login`, restarting the guest.
    pub fn new(
        domainname: impl Into<String>,
        login: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        AdJoin {
            domainname: domainname.into(),
            login: login.into(),
            password: password.into(),
            restart: true,
            newname: None,
            oupath: None,
        }
    }
    /// Restart or not.
    pub fn restart(mut self, yes: bool) -> Self {
        self.restart = yes;
        self
    }
    /// A new computer name.
    pub fn newname(mut self, n: impl Into<String>) -> Self {
        self.newname = Some(n.into());
        self
    }
    /// The organisational unit.
    pub fn oupath(mut self, p: impl Into<String>) -> Self {
        self.oupath = Some(p.into());
        self
    }
    /// The JSON object the controller takes (`restart: 1` only when restarting, as the
    /// vendor's client sends it).
    pub fn body(&self) -> Value {
        let mut b = Map::new();
        b.insert("domainname".into(), json!(self.domainname));
        b.insert("login".into(), json!(self.login));
        b.insert("password".into(), json!(self.password.expose()));
        if self.restart {
            b.insert("restart".into(), json!(1));
        }
        if let Some(n) = &self.newname {
            b.insert("newname".into(), json!(n));
        }
        if let Some(p) = &self.oupath {
            b.insert("oupath".into(), json!(p));
        }
        Value::Object(b)
    }
}

/// `vdi-prepare/`: one-step preparation of a VM for VDI.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct VdiPrepare {
    /// Enable SPICE/VNC access (the vendor's default: true).
    pub remote_access: bool,
    /// Power it on.
    pub start_on: bool,
    /// Set the guest hostname to the VM's name.
    pub set_hostname: bool,
    /// Join an AD domain.
    pub add_to_ad: Option<AdJoin>,
}

impl VdiPrepare {
    /// Remote access on, nothing else.
    pub fn new() -> Self {
        VdiPrepare {
            remote_access: true,
            ..Self::default()
        }
    }
    /// Power on.
    pub fn start_on(mut self, yes: bool) -> Self {
        self.start_on = yes;
        self
    }
    /// Set the hostname.
    pub fn set_hostname(mut self, yes: bool) -> Self {
        self.set_hostname = yes;
        self
    }
    /// Join an AD domain.
    pub fn add_to_ad(mut self, ad: AdJoin) -> Self {
        self.add_to_ad = Some(ad);
        self
    }
    /// The JSON body (flags sent only when set, as the vendor's client does).
    pub fn body(&self) -> Value {
        let mut b = Map::new();
        b.insert("remote_access".into(), json!(self.remote_access));
        if self.start_on {
            b.insert("start_on".into(), json!(true));
        }
        if self.set_hostname {
            b.insert("set_hostname".into(), json!(true));
        }
        if let Some(ad) = &self.add_to_ad {
            b.insert("add_to_ad".into(), ad.body());
        }
        Value::Object(b)
    }
}

/// A USB device to attach (`attach-usb/`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum UsbAttach {
    /// A device redirected over TCP from a USB server.
    Tcp {
        /// The server.
        host: String,
        /// Its port.
        service: u16,
    },
    /// A device of the node (its description as the node lists it).
    Node(Value),
}

/// `domains/backup/`: what to back up where.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DomainBackup {
    /// The VM.
    pub domain: String,
    /// The data pool holding the backup (the VM's own by default).
    pub datapool: Option<String>,
    /// Allow later incremental backups on top of this one.
    pub can_be_incremental: bool,
    /// Make an incremental backup.
    pub increment: bool,
    /// Leave inserted ISO images out.
    pub exclude_iso: bool,
}

impl DomainBackup {
    /// A full backup of `domain`, ISO images excluded.
    pub fn new(domain: impl Into<String>) -> Self {
        DomainBackup {
            domain: domain.into(),
            datapool: None,
            can_be_incremental: false,
            increment: false,
            exclude_iso: true,
        }
    }
    /// Into this data pool (sent as `datapool`; the vendor's Python client drops it, a bug).
    pub fn datapool(mut self, id: impl Into<String>) -> Self {
        self.datapool = Some(id.into());
        self
    }
    /// Incremental.
    pub fn increment(mut self, yes: bool) -> Self {
        self.increment = yes;
        self
    }
    /// The JSON body.
    pub fn body(&self) -> Value {
        let mut b = json!({
            "domain": self.domain,
            "can_be_incremental": self.can_be_incremental,
            "increment": self.increment,
            "exclude_iso": self.exclude_iso,
        });
        if let Some(d) = &self.datapool {
            b["datapool"] = json!(d);
        }
        b
    }
}

/// The actions known only as names in a domain's `permissions` list: their paths follow the
/// naming convention (`{id}/<name-with-dashes>/`) but were never confirmed on a controller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GuessAction {
    /// `attach-pci/`.
    AttachPci,
    /// `detach-pci/`.
    DetachPci,
    /// `attach-mdev/` (vGPU).
    AttachMdev,
    /// `detach-mdev/`.
    DetachMdev,
    /// `set-owners/`.
    SetOwners,
    /// `update-graphics-password/`.
    UpdateGraphicsPassword,
    /// `update-boot/`.
    UpdateBoot,
    /// `safety/` (deletion protection).
    Safety,
}

impl GuessAction {
    /// The path segment.
    pub fn segment(self) -> &'static str {
        match self {
            GuessAction::AttachPci => "attach-pci",
            GuessAction::DetachPci => "detach-pci",
            GuessAction::AttachMdev => "attach-mdev",
            GuessAction::DetachMdev => "detach-mdev",
            GuessAction::SetOwners => "set-owners",
            GuessAction::UpdateGraphicsPassword => "update-graphics-password",
            GuessAction::UpdateBoot => "update-boot",
            GuessAction::Safety => "safety",
        }
    }
}

/// The read-only domain endpoints known only by name (GUESS paths, GET assumed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GuessView {
    /// `snapshots-tree/`.
    SnapshotsTree,
    /// `snapshots-info/`.
    SnapshotsInfo,
    /// `consoles/`.
    Consoles,
    /// `free-domain-name/`.
    FreeDomainName,
    /// `os-defaults/`.
    OsDefaults,
}

impl GuessView {
    /// The path segment.
    pub fn segment(self) -> &'static str {
        match self {
            GuessView::SnapshotsTree => "snapshots-tree",
            GuessView::SnapshotsInfo => "snapshots-info",
            GuessView::Consoles => "consoles",
            GuessView::FreeDomainName => "free-domain-name",
            GuessView::OsDefaults => "os-defaults",
        }
    }
}

fn required(what: &str, v: &str) -> Result<()> {
    if v.trim().is_empty() {
        return Err(Error::invalid_input(format!("{what} is empty")).with_vendor(VENDOR));
    }
    Ok(())
}

impl Domains {
    async fn post_value(&self, path: &str, body: Option<&Value>) -> Result<Value> {
        self.client.call(Method::POST, path, &[], body, None).await
    }

    async fn action(&self, id: &str, action: &str, body: Option<&Value>) -> Result<Accepted> {
        let id = check_id(id)?;
        self.client
            .post_action(&format!("domains/{id}/{action}/"), body, None)
            .await
    }

    /// `POST domains/`: one blank VM, created synchronously (the Go client's form); the body is
    /// the controller's `DomainCreateConfig` (`verbose_name` and `memory_count` required).
    pub async fn create_now(&self, config: &Map<String, Value>) -> Result<Domain> {
        for key in ["verbose_name", "memory_count"] {
            if config.get(key).is_none_or(Value::is_null) {
                return Err(
                    Error::invalid_input(format!("a single create needs `{key}`"))
                        .with_vendor(VENDOR),
                );
            }
        }
        let v = self
            .post_value("domains/", Some(&Value::Object(config.clone())))
            .await?;
        typed("domains/", v)
    }

    /// `PUT {id}/cloud-init/`: cloud-init on or off, with user and meta data.
    pub async fn cloud_init(
        &self,
        id: &str,
        enabled: bool,
        user_data: Option<&str>,
        meta_data: Option<&str>,
    ) -> Result<Value> {
        let id = check_id(id)?;
        let mut body = json!({"cloud_init": enabled});
        if user_data.is_some() || meta_data.is_some() {
            body["cloud_init_config"] =
                json!({"user_data": user_data.unwrap_or(""), "meta_data": meta_data.unwrap_or("")});
        }
        self.client
            .call(
                Method::PUT,
                &format!("domains/{id}/cloud-init/"),
                &[],
                Some(&body),
                None,
            )
            .await
    }

    /// Whether a Windows guest is in an AD domain (a PowerShell `guest-exec` through the agent).
    pub async fn is_in_ad(&self, id: &str) -> Result<bool> {
        let id = check_id(id)?;
        let body = json!({
            "qemu_cmd": "guest-exec",
            "fargs": {
                "path": "powershell.exe",
                "arg": ["(Get-WmiObject Win32_ComputerSystem).PartOfDomain"],
            },
            "timeout": 5,
        });
        let v = self
            .post_value(&format!("domains/{id}/guest-command/"), Some(&body))
            .await?;
        let out = v["guest-exec"]["out-data"].as_str().unwrap_or("");
        Ok(out.trim() == "True")
    }

    /// `{id}/add-to-ad/`.
    pub async fn add_to_ad(&self, id: &str, ad: &AdJoin) -> Result<Accepted> {
        required("the AD domain name", &ad.domainname)?;
        required("the AD login", &ad.login)?;
        self.action(id, "add-to-ad", Some(&ad.body())).await
    }

    /// `{id}/rm-from-ad/`.
    pub async fn rm_from_ad(
        &self,
        id: &str,
        login: &str,
        password: &Secret,
        restart: bool,
    ) -> Result<Accepted> {
        required("the AD login", login)?;
        let mut body = json!({"login": login, "password": password.expose()});
        if restart {
            body["restart"] = json!(1);
        }
        self.action(id, "rm-from-ad", Some(&body)).await
    }

    /// `{id}/vdi-prepare/`.
    pub async fn prepare(&self, id: &str, spec: &VdiPrepare) -> Result<Accepted> {
        self.action(id, "vdi-prepare", Some(&spec.body())).await
    }

    /// `{id}/attach-usb/` as a task.
    pub async fn attach_usb(&self, id: &str, usb: &UsbAttach) -> Result<Accepted> {
        self.action(id, "attach-usb", Some(&usb_body(usb))).await
    }

    /// `{id}/attach-usb/` with `async=0`: answered at once with the attached TCP devices.
    pub async fn attach_usb_now(&self, id: &str, usb: &UsbAttach) -> Result<UsbAttached> {
        let id = check_id(id)?;
        let path = format!("domains/{id}/attach-usb/");
        let q = [("async".to_owned(), "0".to_owned())];
        let v = self
            .client
            .call(Method::POST, &path, &q, Some(&usb_body(usb)), None)
            .await?;
        typed(&path, v)
    }

    /// `{id}/detach-usb/`: one device (`usb` = its id, or the controller's `controller_order`),
    /// or every device when both are `None`. `now` asks for a synchronous answer (`async=0`).
    pub async fn detach_usb(
        &self,
        id: &str,
        usb: Option<&str>,
        controller_order: Option<u32>,
        now: bool,
    ) -> Result<Outcome> {
        let id = check_id(id)?;
        let mut body = json!({"action_type": "tcp_usb_device", "remove_all": 1});
        if let Some(u) = usb {
            body["usb"] = json!(u);
        }
        if let Some(o) = controller_order {
            body["controller_order"] = json!(o);
        }
        let q: Vec<(String, String)> = if now {
            vec![("async".into(), "0".into())]
        } else {
            Vec::new()
        };
        let path = format!("domains/{id}/detach-usb/");
        let v = self
            .client
            .call(Method::POST, &path, &q, Some(&body), None)
            .await?;
        outcome(&path, v)
    }

    /// `domains/backup/`.
    pub async fn backup(&self, spec: &DomainBackup) -> Result<Accepted> {
        check_id(&spec.domain)?;
        self.client
            .post_action("domains/backup/", Some(&spec.body()), None)
            .await
    }

    /// `domains/show-backup/` `{file}`: what a backup file holds.
    pub async fn show_backup(&self, file: &str) -> Result<Value> {
        let file = check_id(file)?;
        self.post_value("domains/show-backup/", Some(&json!({"file": file})))
            .await
    }

    /// `domains/automated-restore/`: a VM back from a backup file onto `node`.
    pub async fn automated_restore(
        &self,
        file: &str,
        node: &str,
        datapool: Option<&str>,
    ) -> Result<Accepted> {
        let mut body = json!({"file": check_id(file)?, "node": check_id(node)?});
        if let Some(d) = datapool {
            body["datapool"] = json!(check_id(d)?);
        }
        self.client
            .post_action("domains/automated-restore/", Some(&body), None)
            .await
    }

    /// One page of a VM's backup files (`GET library/?domain=`).
    pub async fn backup_list(&self, id: &str, page: &Paginator) -> Result<Paginated<LibraryFile>> {
        let id = check_id(id)?;
        page.validate()?;
        let mut q = vec![("domain".to_owned(), id.to_owned())];
        q.extend(page.query());
        let v = self
            .client
            .call(Method::GET, "library/", &q, None, None)
            .await?;
        typed("library/", v)
    }

    /// `{id}/attach-veil-utils-iso/` (no body): the guest tools CD.
    pub async fn attach_veil_utils_iso(&self, id: &str) -> Result<Accepted> {
        self.action(id, "attach-veil-utils-iso", None).await
    }

    /// `{id}/attach-iso/` `{iso}`: insert an ISO image, leaving the choice of CD drive to the
    /// controller; [`Domains::attach_iso_to`] names the drive.
    pub async fn attach_iso(&self, id: &str, iso: &str) -> Result<Outcome> {
        self.attach_iso_to(id, iso, None).await
    }

    /// `{id}/attach-iso/` `{iso, cdrom}`: insert an ISO image into the CD drive `cdrom` (an id
    /// from the domain's `cdroms`). Path and body are those a public SpaceVM 6.5 client sends
    /// (see `model/PROVENANCE.md`); it got 200 without `async`, so [`Outcome`] takes either a
    /// task or a body.
    pub async fn attach_iso_to(&self, id: &str, iso: &str, cdrom: Option<&str>) -> Result<Outcome> {
        let mut body = json!({"iso": check_id(iso)?});
        if let Some(c) = cdrom {
            body["cdrom"] = json!(check_id(c)?);
        }
        self.guess(id, "attach-iso", Some(&body)).await
    }

    /// GUESS path `{id}/detach-iso/` `{iso}`.
    pub async fn detach_iso(&self, id: &str, iso: &str) -> Result<Outcome> {
        self.guess(id, "detach-iso", Some(&json!({"iso": check_id(iso)?})))
            .await
    }

    /// GUESS path `{id}/attach-lun/` `{lun}`.
    pub async fn attach_lun(&self, id: &str, lun: &str) -> Result<Outcome> {
        self.guess(id, "attach-lun", Some(&json!({"lun": check_id(lun)?})))
            .await
    }

    /// GUESS path `{id}/detach-lun/` `{lun}`.
    pub async fn detach_lun(&self, id: &str, lun: &str) -> Result<Outcome> {
        self.guess(id, "detach-lun", Some(&json!({"lun": check_id(lun)?})))
            .await
    }

    /// GUESS path `{id}/migrate/` `{node}`: live migration of one VM (the confirmed way is
    /// [`Domains::multi`] with `migrate`).
    pub async fn migrate(&self, id: &str, node: &str) -> Result<Outcome> {
        self.guess(id, "migrate", Some(&json!({"node": check_id(node)?})))
            .await
    }

    /// One of the other GUESS actions, with the body the caller knows to send.
    pub async fn guess_action(
        &self,
        id: &str,
        action: GuessAction,
        body: Option<&Value>,
    ) -> Result<Outcome> {
        self.guess(id, action.segment(), body).await
    }

    /// One of the GUESS read-only endpoints (`GET {id}/<segment>/`).
    pub async fn guess_view(&self, id: &str, view: GuessView) -> Result<Value> {
        let id = check_id(id)?;
        self.client
            .call(
                Method::GET,
                &format!("domains/{id}/{}/", view.segment()),
                &[],
                None,
                None,
            )
            .await
    }

    async fn guess(&self, id: &str, action: &str, body: Option<&Value>) -> Result<Outcome> {
        let id = check_id(id)?;
        let path = format!("domains/{id}/{action}/");
        let v = self.post_value(&path, body).await?;
        outcome(&path, v)
    }
}

fn usb_body(usb: &UsbAttach) -> Value {
    match usb {
        UsbAttach::Tcp { host, service } => json!({
            "action_type": "tcp_usb_device",
            "tcp_usb": {"host": host, "service": service},
        }),
        UsbAttach::Node(dev) => json!({"action_type": "usb_device", "usb": dev}),
    }
}

/// A task or a body: `null` (204) and `{}` are an empty outcome.
fn outcome(path: &str, v: Value) -> Result<Outcome> {
    if v.is_null() {
        return Ok(Outcome {
            task: None,
            entity: None,
            body: Default::default(),
        });
    }
    typed(path, v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ad_join_body_and_debug() {
        let ad = AdJoin::new("ad.local", "admin", "pw-123").newname("pc1");
        let b = ad.body();
        assert_eq!(b["password"], "pw-123");
        assert_eq!(b["restart"], 1);
        assert_eq!(b["newname"], "pc1");
        assert!(b.get("oupath").is_none());
        assert!(!format!("{ad:?}").contains("pw-123"));
        assert!(
            AdJoin::new("a", "b", "c")
                .restart(false)
                .body()
                .get("restart")
                .is_none()
        );
    }

    #[test]
    fn prepare_and_backup_bodies() {
        let p = VdiPrepare::new().start_on(true).body();
        assert_eq!(p, json!({"remote_access": true, "start_on": true}));
        let b = DomainBackup::new("d").datapool("p").body();
        assert_eq!(b["datapool"], "p");
        assert_eq!(b["exclude_iso"], true);
    }
}
