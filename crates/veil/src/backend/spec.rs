//! The parts of a [`VmSpec`] beyond name, size and source: NICs and cloud-init user data go in
//! the `multi-create-domain/` body (the Go client's full form: `vmachine_infs`,
//! `cloud_init_config`), storage is the `node` + `datapool` placement, and tags are VeiL tag
//! objects attached once the domain exists (`tags/`, `tags/{id}/add-entity/`).

use omnivirt_core::{ClusterId, Error, ErrorKind, Op, Result, VmId, VmSpec};

use super::VeilBackend;
use crate::VENDOR;
use crate::convert;
use crate::native::{DomainCreate, NicCreate, Paginator, Placement, Tasks, next_offset};
use crate::wire::{Accepted, EntityRef};

/// The colour a new tag gets (the vendor's Python client's default).
const TAG_COLOUR: &str = "#c0ffee";

/// Tags read per page when looking one up by name.
const TAG_PAGE: u32 = 100;

fn refused(kind: ErrorKind, op: Op, msg: String) -> Error {
    Error::new(kind, msg).with_vendor(VENDOR).with_op(op)
}

/// Refuses, before any request, the spec parts VeiL's domain creation cannot take.
pub(super) fn check(spec: &VmSpec) -> Result<()> {
    for (i, nic) in spec.networks.iter().enumerate() {
        if nic.name.is_some() {
            return Err(refused(
                ErrorKind::Unsupported,
                Op::VmCreateNics,
                format!(
                    "networks[{i}].name is not supported by the {VENDOR} backend: \
                     vmachine_infs of a new domain take a network, MAC and driver, no name"
                ),
            ));
        }
    }
    for t in &spec.tags {
        if t.trim().is_empty() {
            return Err(refused(
                ErrorKind::InvalidInput,
                Op::VmCreateTags,
                "a tag name must not be empty".into(),
            ));
        }
    }
    Ok(())
}

/// Adds the NICs and the user data to the creation body.
pub(super) fn body_parts(spec: &VmSpec, mut c: DomainCreate) -> DomainCreate {
    for nic in &spec.networks {
        let mut n = NicCreate::new(nic.network.as_str());
        if let Some(m) = &nic.mac {
            n = n.mac_address(m.clone());
        }
        if let Some(d) = &nic.model {
            n = n.nic_driver(d.clone());
        }
        c = c.nic(n);
    }
    if let Some(u) = &spec.user_data {
        c = c.cloud_init(omnivirt_http::Secret::new(u.expose()));
    }
    c
}

impl VeilBackend {
    /// With storage: `node` (the cluster's first node) + `datapool`, the placement that names a
    /// data pool; otherwise the cluster's first resource pool.
    pub(super) async fn placement_for(&self, spec: &VmSpec) -> Result<Placement> {
        let Some(pool) = &spec.storage else {
            return Ok(Placement::ResourcePool(
                self.resource_pool_of(&spec.cluster).await?,
            ));
        };
        Ok(Placement::Node {
            node: self.node_of(&spec.cluster).await?,
            datapool: pool.as_str().to_owned(),
        })
    }

    async fn node_of(&self, cluster: &ClusterId) -> Result<String> {
        let nodes = self
            .client
            .nodes()
            .list(Some(cluster.as_str()), None, &Paginator::new().limit(1))
            .await?;
        nodes
            .results
            .into_iter()
            .next()
            .map(|n| n.id)
            .ok_or_else(|| {
                Error::not_found(format!("cluster {cluster} has no node to place a VM on"))
                    .with_vendor(VENDOR)
            })
    }

    /// Puts `tags` on the new domain once its creation task has ended: each tag is found by
    /// name (`tags/?name=`, exact match here) or created (`POST tags/`), then attached
    /// (`tags/{id}/add-entity/`).
    pub(super) async fn tag_new_domain(
        &self,
        created: &Accepted,
        vm: &VmId,
        name: &str,
        tags: &[String],
    ) -> Result<()> {
        if tags.is_empty() {
            return Ok(());
        }
        if let Some(t) = &created.task {
            self.follow(t).await?;
        }
        for tag in tags {
            let id = match self.find_tag(tag).await? {
                Some(id) => id,
                None => self.create_tag(tag).await?,
            };
            let entity = EntityRef {
                entity_uuid: vm.as_str().to_owned(),
                entity_class: "domain".into(),
                entity_name: Some(name.to_owned()),
            };
            self.client.tags().tag_entity(&id, &entity, true).await?;
        }
        Ok(())
    }

    /// Waits for a task that has not ended yet.
    async fn follow(&self, t: &crate::wire::Task) -> Result<()> {
        if !convert::task(t).state.is_terminal() {
            self.client
                .tasks()
                .wait(&t.id, Tasks::default_wait())
                .await?;
        }
        Ok(())
    }

    async fn find_tag(&self, tag: &str) -> Result<Option<String>> {
        let mut offset = 0u64;
        loop {
            let p = Paginator::new().name(tag).limit(TAG_PAGE).offset(offset);
            let page = self.client.tags().list(None, &p).await?;
            if let Some(t) = page.results.iter().find(|t| t.verbose_name == tag) {
                return Ok(Some(t.id.clone()));
            }
            match next_offset(page.next.as_deref()) {
                Some(o) if !page.results.is_empty() && o > offset => offset = o,
                _ => return Ok(None),
            }
        }
    }

    async fn create_tag(&self, tag: &str) -> Result<String> {
        let a = self.client.tags().create(tag, TAG_COLOUR).await?;
        if let Some(t) = &a.task {
            self.follow(t).await?;
        }
        // The new tag is the task's first entity (the Python client's README), or `entity`.
        a.entity
            .clone()
            .or_else(|| {
                a.task
                    .as_ref()
                    .and_then(|t| t.first_entity().map(|(id, _)| id.to_owned()))
            })
            .ok_or_else(|| {
                Error::protocol(format!(
                    "POST tags/ for `{tag}` answered no task entity or id"
                ))
                .with_vendor(VENDOR)
            })
    }
}
