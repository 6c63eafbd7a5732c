//! Domain extras (clone, templates, consoles, hostname, guest agent), task extras and tags.

use omnivirt_core::{Error, Result};
use omnivirt_http::Secret;
use serde_json::{Value, json};

use super::Paginator;
use super::client::typed;
use super::client::{VeilClient, new_uuid4};
use super::domains::{Domains, Placement, check_id};
use super::tasks::Tasks;
use crate::VENDOR;
use crate::wire::{Accepted, Outcome, Paginated, Tag};

/// `{id}/clone/`: copies of a VM.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DomainClone {
    /// Name of the copy.
    pub verbose_name: String,
    /// Placement.
    pub placement: Placement,
    /// How many copies.
    pub count: u32,
    /// Make templates.
    pub template: bool,
    /// Enable remote access.
    pub remote_access: bool,
    /// Power on when made.
    pub start_on: bool,
    /// Set the guest hostname.
    pub set_hostname: bool,
    /// Clone from this snapshot.
    pub snapshot: Option<String>,
    /// Ids for the copies (`count` fresh UUID4s unless set).
    pub domains_ids: Vec<String>,
}

impl DomainClone {
    /// One copy named `name` at `placement`.
    pub fn new(name: impl Into<String>, placement: Placement) -> Self {
        DomainClone {
            verbose_name: name.into(),
            placement,
            count: 1,
            template: false,
            remote_access: false,
            start_on: false,
            set_hostname: false,
            snapshot: None,
            domains_ids: Vec::new(),
        }
    }
    /// Power on when made.
    pub fn start_on(mut self, yes: bool) -> Self {
        self.start_on = yes;
        self
    }
    /// From a snapshot.
    pub fn snapshot(mut self, id: impl Into<String>) -> Self {
        self.snapshot = Some(id.into());
        self
    }
    /// Ids for the copies.
    pub fn domains_ids(mut self, ids: Vec<String>) -> Self {
        self.domains_ids = ids;
        self
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        let ids: Vec<String> = if self.domains_ids.is_empty() {
            (0..self.count).map(|_| new_uuid4()).collect()
        } else {
            self.domains_ids.clone()
        };
        let mut b = json!({
            "verbose_name": self.verbose_name,
            "count": self.count,
            "template": self.template,
            "remote_access": self.remote_access,
            "start_on": self.start_on,
            "set_hostname": self.set_hostname,
            "domains_ids": ids,
        });
        match &self.placement {
            Placement::ResourcePool(rp) => b["resource_pool"] = json!(rp),
            Placement::Node { node, datapool } => {
                b["node"] = json!(node);
                b["datapool"] = json!(datapool);
            }
        }
        if let Some(s) = &self.snapshot {
            b["snapshot"] = json!(s);
        }
        b
    }
}

/// A console of a VM: the URL and what it carries (host, password, websocket token).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Console {
    /// The URL as sent (it embeds the password; do not log it).
    pub url: Secret,
    /// The `host` parameter.
    pub host: Option<String>,
    /// The `password` parameter.
    pub password: Option<Secret>,
    /// The websocket token (`path` minus `websockify?token=`).
    pub token: Option<Secret>,
}

impl Console {
    /// Parses `/spice-html5/spice_auto.html?host=H&password=P&path=websockify?token=T`.
    pub fn parse(url: &str) -> Self {
        let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
        let mut host = None;
        let mut password = None;
        let mut token = None;
        // `path` holds its own `?`, so split on `&` only.
        for part in query.split('&') {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            match k {
                "host" => host = Some(v.to_owned()),
                "password" => password = Some(Secret::new(v)),
                "path" => token = v.strip_prefix("websockify?token=").map(Secret::new),
                _ => {}
            }
        }
        Console {
            url: Secret::new(url),
            host,
            password,
            token,
        }
    }
}

/// Which console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConsoleKind {
    /// SPICE (`spice/` -> `spice_url`).
    Spice,
    /// VNC (`vnc/` -> `vnc_url`).
    Vnc,
}

/// A guest agent command (`guest-command/`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum GuestCommand {
    /// A VeiL command: `lock_screen`, `logoff`, `shutdown`, `fqdn`, `os_info`, ...
    Veil(String),
    /// A QEMU guest agent command with arguments, e.g. `guest-exec` `{path, arg}`.
    Qemu {
        /// Command.
        cmd: String,
        /// Arguments.
        fargs: Option<Value>,
    },
}

impl Domains {
    fn client(&self) -> &VeilClient {
        &self.client
    }

    /// `{id}/clone/`.
    pub async fn clone_domain(&self, id: &str, spec: &DomainClone) -> Result<Accepted> {
        let id = check_id(id)?;
        if spec.verbose_name.trim().is_empty() || spec.count == 0 {
            return Err(
                Error::invalid_input("a clone needs a name and a count of at least 1")
                    .with_vendor(VENDOR),
            );
        }
        self.client()
            .post_action(&format!("domains/{id}/clone/"), Some(&spec.body()), None)
            .await
    }

    /// `PUT {id}/template/` `{template}`: VM to template (`true`) or back. Answers the domain.
    pub async fn set_template(&self, id: &str, template: bool) -> Result<Value> {
        let id = check_id(id)?;
        self.client()
            .put(
                &format!("domains/{id}/template/"),
                Some(&json!({"template": template})),
                None,
            )
            .await
    }

    /// `{id}/change-template/` (no body): push a template's change to its thin clones.
    pub async fn change_template(&self, id: &str) -> Result<Accepted> {
        let id = check_id(id)?;
        self.client()
            .post_action(&format!("domains/{id}/change-template/"), None, None)
            .await
    }

    /// `GET {id}/spice/` or `vnc/`.
    pub async fn console(&self, id: &str, kind: ConsoleKind) -> Result<Console> {
        let id = check_id(id)?;
        let (path, key) = match kind {
            ConsoleKind::Spice => ("spice", "spice_url"),
            ConsoleKind::Vnc => ("vnc", "vnc_url"),
        };
        let v: Value = self
            .client()
            .get(&format!("domains/{id}/{path}/"), &[], None)
            .await?;
        let url = v[key].as_str().ok_or_else(|| {
            Error::protocol(format!("domains/{id}/{path}/: the answer has no {key}"))
                .with_vendor(VENDOR)
        })?;
        Ok(Console::parse(url))
    }

    /// `{id}/set-hostname/` `{hostname}`.
    pub async fn set_hostname(&self, id: &str, hostname: &str) -> Result<Accepted> {
        let id = check_id(id)?;
        self.client()
            .post_action(
                &format!("domains/{id}/set-hostname/"),
                Some(&json!({"hostname": hostname})),
                None,
            )
            .await
    }

    /// `{id}/guest-command/`: answered synchronously with the agent's output.
    pub async fn guest_command(
        &self,
        id: &str,
        cmd: &GuestCommand,
        timeout_secs: u32,
    ) -> Result<Value> {
        let id = check_id(id)?;
        let mut body = json!({"timeout": timeout_secs});
        match cmd {
            GuestCommand::Veil(c) => body["veil_cmd"] = json!(c),
            GuestCommand::Qemu { cmd, fargs } => {
                body["qemu_cmd"] = json!(cmd);
                if let Some(f) = fargs {
                    body["fargs"] = f.clone();
                }
            }
        }
        let path = format!("domains/{id}/guest-command/");
        let resp = self
            .client()
            .send(http::Method::POST, &path, &[], Some(&body), None)
            .await?;
        super::client::decode(&path, resp).await
    }
}

impl Tasks {
    fn client(&self) -> &VeilClient {
        &self.client
    }

    /// `GET {id}/response/`: what a finished task produced (a clone, an imported disk...).
    pub async fn response(&self, id: &str) -> Result<Value> {
        let id = check_id(id)?;
        self.client()
            .get(&format!("tasks/{id}/response/"), &[], None)
            .await
    }

    /// `PUT {id}/release-locks/`: clears entity locks a task left behind.
    pub async fn release_locks(&self, id: &str) -> Result<()> {
        let id = check_id(id)?;
        self.client()
            .put(&format!("tasks/{id}/release-locks/"), None, None)
            .await
            .map(|_| ())
    }

    /// `GET count/`.
    pub async fn count(&self) -> Result<Value> {
        self.client().get("tasks/count/", &[], None).await
    }
}

/// The tag service (`/api/tags/`).
#[derive(Debug, Clone)]
pub struct Tags {
    pub(crate) client: VeilClient,
}

impl VeilClient {
    /// Tags (`/api/tags/`).
    pub fn tags(&self) -> Tags {
        Tags {
            client: self.clone(),
        }
    }
}

fn colour_ok(c: &str) -> bool {
    c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|x| x.is_ascii_hexdigit())
}

impl Tags {
    /// One page of tags; `entity` = tags of `(uuid, class)`.
    pub async fn list(
        &self,
        entity: Option<(&str, &str)>,
        page: &Paginator,
    ) -> Result<Paginated<Tag>> {
        page.validate()?;
        let mut q = Vec::new();
        if let Some((uuid, class)) = entity {
            q.push(("entity_uuid".to_owned(), uuid.to_owned()));
            q.push(("entity_class".to_owned(), class.to_owned()));
        }
        q.extend(page.query());
        self.client.get("tags/", &q, None).await
    }

    /// Creates a tag (`#rrggbb` colour); the new id is the task's first entity.
    pub async fn create(&self, name: &str, colour: &str) -> Result<Accepted> {
        if !colour_ok(colour) {
            return Err(
                Error::invalid_input(format!("tag colour `{colour}` is not #rrggbb"))
                    .with_vendor(VENDOR),
            );
        }
        self.client
            .post_action(
                "tags/",
                Some(&json!({"verbose_name": name, "colour": colour})),
                None,
            )
            .await
    }

    /// `PUT {id}/` with a new name and/or colour.
    pub async fn update(
        &self,
        id: &str,
        name: Option<&str>,
        colour: Option<&str>,
    ) -> Result<Value> {
        let id = check_id(id)?;
        let mut body = serde_json::Map::new();
        if let Some(n) = name {
            body.insert("verbose_name".into(), json!(n));
        }
        if let Some(c) = colour {
            if !colour_ok(c) {
                return Err(
                    Error::invalid_input(format!("tag colour `{c}` is not #rrggbb"))
                        .with_vendor(VENDOR),
                );
            }
            body.insert("colour".into(), json!(c));
        }
        if body.is_empty() {
            return Err(
                Error::invalid_input("a tag update needs a name or a colour").with_vendor(VENDOR),
            );
        }
        self.client
            .put(&format!("tags/{id}/"), Some(&Value::Object(body)), None)
            .await
    }

    /// `{id}/remove/` (no body).
    pub async fn remove(&self, id: &str) -> Result<Accepted> {
        let id = check_id(id)?;
        self.client
            .post_action(&format!("tags/{id}/remove/"), None, None)
            .await
    }

    /// `{id}/add-entities/` or `remove-entities/` for objects of one class (ids deduplicated).
    /// Whether the controller answers with a task is not confirmed: [`Outcome`] holds either.
    pub async fn tag_entities(
        &self,
        id: &str,
        class: &str,
        uuids: &[&str],
        add: bool,
    ) -> Result<Outcome> {
        let id = check_id(id)?;
        let mut unique: Vec<&str> = Vec::new();
        for u in uuids {
            if !unique.contains(u) {
                unique.push(u);
            }
        }
        let action = if add {
            "add-entities"
        } else {
            "remove-entities"
        };
        let path = format!("tags/{id}/{action}/");
        let body = json!({"entity_class": class, "entity_uuids": unique});
        let v = self
            .client
            .call(http::Method::POST, &path, &[], Some(&body), None)
            .await?;
        if v.is_null() {
            return typed(&path, json!({}));
        }
        typed(&path, v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_urls() {
        let c = Console::parse(
            "/spice-html5/spice_auto.html?host=10.0.0.5&password=pw1&path=websockify?token=tok-1",
        );
        assert_eq!(c.host.as_deref(), Some("10.0.0.5"));
        assert_eq!(c.password.unwrap().expose(), "pw1");
        assert_eq!(c.token.unwrap().expose(), "tok-1");
        assert!(!format!("{:?}", c.url).contains("pw1"));
    }

    #[test]
    fn colours() {
        assert!(colour_ok("#c0ffee"));
        assert!(!colour_ok("c0ffee"));
        assert!(!colour_ok("#c0ffeg"));
    }
}
