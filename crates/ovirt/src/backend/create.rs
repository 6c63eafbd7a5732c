//! `create_vm`: `POST /vms`, then what the engine takes only once the VM exists.
//!
//! | spec part | engine |
//! |---|---|
//! | name, cluster, template (Blank by default), CPUs, memory, description | the `<vm>` of `POST /vms` |
//! | `storage` | `<disk_attachments>` in the same body: each of the template's disks (`GET /templates/{id}/diskattachments`) with `<storage_domains>` naming the domain; a template without disks (Blank) has nothing to place, so the domain is only checked to exist (`GET /storagedomains/{id}`) |
//! | `user_data` | `<initialization><custom_script>` in the same body (cloud-init) |
//! | `networks` | once the VM is no longer `image_locked` (a VM from a template with disks is locked while they are copied): the NICs it got from its template are removed, then `POST /vms/{id}/nics` per NIC, on the network's default vNIC profile, so the VM has exactly the spec's NICs, in order |
//! | `tags` | `POST /vms/{id}/tags` with `<tag><name>` per tag (the engine creates a tag it does not know) |
//!
//! The submission covers all of it: `create` returns when the NICs and tags are in place, and
//! the wait then converges on `down`. A NIC or tag the engine refuses after the VM exists fails
//! the create with an error that names the VM, so that nothing is left unaccounted for; the
//! `POST /vms` itself is never retried.

use std::time::Duration;

use omnivirt_core::{
    Error, ErrorKind, Expect, Op, Result, Submitted, VmId, VmSource, VmSpec, VmState,
};

use super::{BLANK_TEMPLATE_ID, OvirtBackend, expect_id, with_job, wrap};
use crate::convert;
use crate::error::VENDOR;
use crate::generated::types as g;
use crate::native::typed::Query;
use crate::native::types as t;

/// How long a new VM may stay `image_locked` before the create gives up waiting to add its
/// NICs (copying a large template's disks takes minutes).
const UNLOCK_TIMEOUT: Duration = Duration::from_secs(30 * 60);

impl OvirtBackend {
    /// `POST /vms` with every part of `spec` the body takes, then its NICs and tags.
    pub(super) async fn create_from_spec(&self, spec: &VmSpec) -> Result<Submitted> {
        spec.validate()?;
        // Every NIC's profile before the VM exists: a network without one fails here, with
        // nothing created.
        let mut nics = Vec::with_capacity(spec.networks.len());
        for n in &spec.networks {
            n.validate().map_err(wrap(Op::VmCreateNics))?;
            nics.push(self.native_nic(n, n.name.clone(), Op::VmCreateNics).await?);
        }
        let template = match &spec.source {
            VmSource::Template(id) => id.clone(),
            _ => BLANK_TEMPLATE_ID.to_owned(),
        };
        let disk_attachments = match &spec.storage {
            Some(pool) => self.placed_disks(&template, pool.as_str()).await?,
            None => Vec::new(),
        };
        let vm = t::Vm {
            name: Some(spec.name.clone()),
            description: spec.description.clone(),
            cluster: Some(t::Linked::by_id(spec.cluster.as_str())),
            template: Some(t::Linked::by_id(&template)),
            memory: spec.memory_bytes.and_then(|m| i64::try_from(m).ok()),
            cpu: spec.vcpus.map(super::day2::cpu_of),
            initialization: spec.user_data.as_ref().map(|u| {
                Box::new(t::Initialization {
                    custom_script: Some(u.clone()),
                    ..t::Initialization::default()
                })
            }),
            disk_attachments: (!disk_attachments.is_empty()).then_some(disk_attachments),
            ..t::Vm::default()
        };
        let corr = self.next_correlation("add", &spec.name);
        let mut req = self.conn.system().vms().add(vm);
        if let Some(c) = &corr {
            req = req.correlation_id(c.clone());
        }
        let created = req.send().await.map_err(wrap(Op::VmCreate))?;
        let id = VmId::new(expect_id(&created, "VM")?);
        let job = self.job_of(None, corr.as_deref()).await;
        if let Err(e) = self.finish_create(&id, spec, nics, &created).await {
            return Err(Error::new(
                e.kind(),
                format!(
                    "VM {id} ({}) was created, but completing it failed: {e}; it is left as it \
                     is, to keep or delete",
                    spec.name
                ),
            )
            .with_vendor(VENDOR)
            .with_op(Op::VmCreate));
        }
        Ok(with_job(Submitted::done(Op::VmCreate), job)
            .target(convert::vm_ref(id.as_str()))
            .expect(Expect::VmState(vec![VmState::Stopped])))
    }

    /// The template's disks, each to be copied onto storage domain `pool` (the
    /// `<disk_attachments>` of `POST /vms`). A template without disks gives none, once `pool` is
    /// known to exist, so that a wrong domain fails before anything is created.
    async fn placed_disks(&self, template: &str, pool: &str) -> Result<Vec<t::DiskAttachment>> {
        let op = Op::VmCreateStorage;
        let disks = if template == BLANK_TEMPLATE_ID {
            Vec::new()
        } else {
            self.conn
                .ops()
                .templates_template_diskattachments_list(template, &Query::new())
                .await
                .map_err(wrap(op))?
        };
        if disks.is_empty() {
            let sd = self.conn.system().storage_domains().storage_domain(pool);
            sd.get().send().await.map_err(wrap(op))?;
            return Ok(Vec::new());
        }
        disks
            .iter()
            .map(|a| {
                // A template's attachment has the id of its disk; `<disk id>` is the one to copy.
                let id = a
                    .disk
                    .as_ref()
                    .and_then(|d| d.id().map(str::to_owned))
                    .or(a.id.clone());
                let id = id.ok_or_else(|| {
                    Error::protocol(format!(
                        "template {template} lists a disk attachment without an id"
                    ))
                    .with_vendor(VENDOR)
                    .with_op(op)
                })?;
                let disk = t::Disk {
                    id: Some(id),
                    storage_domains: Some(vec![t::StorageDomain {
                        id: Some(pool.to_owned()),
                        ..t::StorageDomain::default()
                    }]),
                    ..t::Disk::default()
                };
                Ok(t::DiskAttachment {
                    disk: Some(t::Linked::of(&disk)?),
                    ..t::DiskAttachment::default()
                })
            })
            .collect()
    }

    /// The NICs and tags of a VM that exists.
    async fn finish_create(
        &self,
        id: &VmId,
        spec: &VmSpec,
        nics: Vec<t::Nic>,
        created: &t::Vm,
    ) -> Result<()> {
        if !nics.is_empty() {
            if created.status == Some(t::VmStatus::ImageLocked) {
                self.wait_unlocked(id).await?;
            }
            self.plug_all(id, nics).await?;
        }
        let ops = self.conn.ops();
        for name in &spec.tags {
            let tag = g::Tag {
                name: Some(name.clone()),
                ..g::Tag::default()
            };
            ops.vms_vm_tags_add(id.as_str(), &tag, &Query::new())
                .await
                .map_err(wrap(Op::VmCreateTags))?;
        }
        Ok(())
    }

    /// Polls the VM, backing off to 5 s, until it is no longer `image_locked`.
    async fn wait_unlocked(&self, id: &VmId) -> Result<()> {
        let svc = self.conn.system().vms().vm(id.as_str());
        let started = tokio::time::Instant::now();
        let mut pause = Duration::from_millis(100);
        loop {
            let vm = svc.get().send().await.map_err(wrap(Op::VmCreateNics))?;
            if vm.status != Some(t::VmStatus::ImageLocked) {
                return Ok(());
            }
            if started.elapsed() >= UNLOCK_TIMEOUT {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "VM {id} stayed image_locked for {} s; its NICs were not added",
                        UNLOCK_TIMEOUT.as_secs()
                    ),
                )
                .with_vendor(VENDOR)
                .with_op(Op::VmCreateNics));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(5));
        }
    }

    /// The VM's NICs become exactly `nics`, in order: those it got from its template are
    /// removed (`DELETE /vms/{id}/nics/{nic}`), then `POST /vms/{id}/nics` for each, named
    /// `nicN` unless the spec names it.
    async fn plug_all(&self, id: &VmId, nics: Vec<t::Nic>) -> Result<()> {
        let svc = self.conn.system().vms().vm(id.as_str()).nics();
        let inherited = svc.list().send().await.map_err(wrap(Op::VmCreateNics))?;
        for nic in inherited.iter().filter_map(|n| n.id.as_deref()) {
            svc.item(nic)
                .remove()
                .send()
                .await
                .map_err(wrap(Op::VmCreateNics))?;
        }
        let mut taken: Vec<String> = nics.iter().filter_map(|n| n.name.clone()).collect();
        for mut nic in nics {
            if nic.name.is_none() {
                let name = (1..)
                    .map(|i| format!("nic{i}"))
                    .find(|n| !taken.contains(n))
                    .unwrap_or_else(|| "nic".to_owned());
                taken.push(name.clone());
                nic.name = Some(name);
            }
            svc.add(nic).send().await.map_err(wrap(Op::VmCreateNics))?;
        }
        Ok(())
    }
}
