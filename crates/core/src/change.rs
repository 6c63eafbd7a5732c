//! Changing a VM after it exists: reconfigure and clone.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{ClusterId, StoragePoolId};

/// What to change on a VM. Fields left `None` stay as they are.
///
/// Some vendors apply CPU or memory changes to a running VM only at its next power cycle; the
/// backend says so on the submission ([`Submitted::restart_required`](crate::Submitted)).
///
/// ```
/// use omnivirt_core::VmUpdate;
///
/// let u = VmUpdate::new().vcpus(4).memory_bytes(8 << 30);
/// assert!(u.validate().is_ok());
/// assert!(VmUpdate::new().validate().is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VmUpdate {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New number of virtual CPUs.
    pub vcpus: Option<u32>,
    /// New memory size in bytes.
    pub memory_bytes: Option<u64>,
}

impl VmUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        VmUpdate::default()
    }

    /// New name.
    pub fn name(mut self, n: impl Into<String>) -> Self {
        self.name = Some(n.into());
        self
    }

    /// New description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }

    /// New number of virtual CPUs.
    pub fn vcpus(mut self, n: u32) -> Self {
        self.vcpus = Some(n);
        self
    }

    /// New memory size in bytes.
    pub fn memory_bytes(mut self, n: u64) -> Self {
        self.memory_bytes = Some(n);
        self
    }

    /// True when it changes CPU or memory (what may need a power cycle).
    pub fn touches_hardware(&self) -> bool {
        self.vcpus.is_some() || self.memory_bytes.is_some()
    }

    /// Checks what every backend needs, before any I/O.
    pub fn validate(&self) -> Result<()> {
        if *self == VmUpdate::default() {
            return Err(Error::invalid_input(
                "nothing to update: give a name, description, vcpus or memory",
            ));
        }
        check_vm_fields(self.name.as_deref(), self.vcpus, self.memory_bytes)
    }
}

/// The checks a new VM and a VM update share: a name that is not blank, at least one vCPU, more
/// than 0 bytes of memory (each only when given).
pub(crate) fn check_vm_fields(
    name: Option<&str>,
    vcpus: Option<u32>,
    memory_bytes: Option<u64>,
) -> Result<()> {
    if name.is_some_and(|n| n.trim().is_empty()) {
        return Err(Error::invalid_input("VM name must not be empty"));
    }
    if vcpus == Some(0) {
        return Err(Error::invalid_input("vcpus must be at least 1"));
    }
    if memory_bytes == Some(0) {
        return Err(Error::invalid_input("memory must be more than 0 bytes"));
    }
    Ok(())
}

/// Where a clone goes.
///
/// ```
/// use omnivirt_core::CloneSpec;
///
/// let c = CloneSpec::new("web-02").cluster("c-1");
/// assert_eq!(c.cluster.as_ref().map(|c| c.as_str()), Some("c-1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CloneSpec {
    /// Name of the new VM.
    pub name: String,
    /// Cluster for the copy (default: the source's).
    pub cluster: Option<ClusterId>,
    /// Storage pool for the copy's disks (default: where the source's are).
    pub storage: Option<StoragePoolId>,
}

impl CloneSpec {
    /// A clone named `name`, next to its source.
    pub fn new(name: impl Into<String>) -> Self {
        CloneSpec {
            name: name.into(),
            cluster: None,
            storage: None,
        }
    }

    /// Cluster for the copy.
    pub fn cluster(mut self, c: impl Into<ClusterId>) -> Self {
        self.cluster = Some(c.into());
        self
    }

    /// Storage pool for the copy's disks.
    pub fn storage(mut self, s: impl Into<StoragePoolId>) -> Self {
        self.storage = Some(s.into());
        self
    }

    /// Checks what every backend needs, before any I/O.
    pub fn validate(&self) -> Result<()> {
        if self.name.trim().is_empty() {
            return Err(Error::invalid_input("clone name must not be empty"));
        }
        Ok(())
    }
}
