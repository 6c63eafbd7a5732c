//! What each kind of object offers beyond get, update and remove: VM power actions and
//! sub-collections, disk attachments, host maintenance, jobs.

use std::time::Duration;

use omnivirt_core::{Error, ErrorKind, Op, Result};

use super::{
    ActionRequest, AddRequest, ClusterService, ClustersService, DataCenterService,
    DiskAttachmentService, DiskAttachmentsService, DisksService, HostService, JobService,
    JobsService, NetworkService, NetworksService, NicsService, ReportedDevicesService,
    SnapshotsService, StorageDomainService, StorageDomainsService, VmService, VnicProfilesService,
};
use crate::error::VENDOR;
use crate::native::types::{DiskAttachment, Job, JobStatus, Linked};

impl VmService {
    fn act(&self, name: &str, op: Op) -> ActionRequest {
        let mut a = self.action(name);
        a.op = Some(op);
        a
    }

    /// Powers the VM on (also resumes a suspended VM).
    pub fn start(&self) -> ActionRequest {
        self.act("start", Op::VmStart)
    }
    /// Powers the VM off at once.
    pub fn stop(&self) -> ActionRequest {
        self.act("stop", Op::VmForceStop)
    }
    /// Asks the guest to shut down (ACPI / guest agent).
    pub fn shutdown(&self) -> ActionRequest {
        self.act("shutdown", Op::VmStop)
    }
    /// Reboots the VM.
    pub fn reboot(&self) -> ActionRequest {
        self.act("reboot", Op::VmReboot)
    }
    /// Suspends the VM (memory saved to storage).
    pub fn suspend(&self) -> ActionRequest {
        self.act("suspend", Op::VmSuspend)
    }
    /// Live-migrates the VM (to `.host(..)`, or where the scheduler picks).
    pub fn migrate(&self) -> ActionRequest {
        self.act("migrate", Op::VmMigrate)
    }
    /// Disk attachments (4.x).
    pub fn disk_attachments(&self) -> DiskAttachmentsService {
        self.sub("diskattachments")
    }
    /// Disks of the VM in the 3.x dialect (`vms/{id}/disks`).
    pub fn disks_v3(&self) -> DisksService {
        self.sub("disks")
    }
    /// NICs.
    pub fn nics(&self) -> NicsService {
        self.sub("nics")
    }
    /// Snapshots.
    pub fn snapshots(&self) -> SnapshotsService {
        self.sub("snapshots")
    }
    /// Devices the guest agent reports (network interfaces with their addresses).
    pub fn reported_devices(&self) -> ReportedDevicesService {
        self.sub("reporteddevices")
    }
}

impl NetworkService {
    /// The network's vNIC profiles.
    pub fn vnic_profiles(&self) -> VnicProfilesService {
        self.sub("vnicprofiles")
    }
}

impl DiskAttachmentsService {
    /// The attachment of disk `id`.
    pub fn attachment(&self, id: &str) -> DiskAttachmentService {
        self.item(id)
    }

    /// Attaches the existing disk `disk_id` (active, not bootable, on `interface`).
    pub fn attach(
        &self,
        disk_id: &str,
        interface: crate::types::DiskInterface,
    ) -> AddRequest<DiskAttachment> {
        let a = DiskAttachment {
            active: Some(true),
            bootable: Some(false),
            interface: Some(interface),
            disk: Some(Linked::by_id(disk_id)),
            ..DiskAttachment::default()
        };
        self.add(a)
    }
}

impl HostService {
    /// Moves the host to maintenance.
    pub fn deactivate(&self) -> ActionRequest {
        self.action("deactivate")
    }
    /// Activates the host.
    pub fn activate(&self) -> ActionRequest {
        self.action("activate")
    }
}

impl ClusterService {
    /// The networks assigned to the cluster (with their cluster-level `status` and `required`).
    pub fn networks(&self) -> NetworksService {
        self.sub("networks")
    }
}

impl DataCenterService {
    /// Clusters of the data center.
    pub fn clusters(&self) -> ClustersService {
        self.sub("clusters")
    }
    /// Storage domains attached to the data center.
    pub fn storage_domains(&self) -> StorageDomainsService {
        self.sub("storagedomains")
    }
}

impl StorageDomainService {
    /// Disks on the domain.
    pub fn disks(&self) -> DisksService {
        self.sub("disks")
    }
}

impl JobsService {
    /// Jobs of the commands tagged with `correlation_id` (see
    /// [`ActionRequest::correlation_id`]).
    pub async fn find_by_correlation_id(&self, correlation_id: &str) -> Result<Vec<Job>> {
        self.list()
            .search(format!("correlation_id={correlation_id}"))
            .send()
            .await
    }
}

impl JobService {
    /// Waits until the job ends; `finished` is success, `failed`/`aborted` a `TaskFailed` error.
    pub async fn wait_done(&self, timeout: Duration) -> Result<Job> {
        let job = self
            .wait_for_status(
                &[JobStatus::Finished, JobStatus::Failed, JobStatus::Aborted],
                timeout,
            )
            .await?;
        match job.status {
            Some(JobStatus::Finished) => Ok(job),
            _ => Err(Error::new(
                ErrorKind::TaskFailed,
                format!(
                    "job {} ({}) ended {}",
                    job.id.as_deref().unwrap_or("?"),
                    job.description.as_deref().unwrap_or(""),
                    job.status.as_ref().map_or("?", |s| s.as_str())
                ),
            )
            .with_vendor(VENDOR)),
        }
    }
}
