//! Tags as platform objects: a skin whose vendor creates a tag (or label) before assigning
//! it defines it here; the tags a platform knows are those plus every VM's.

use std::collections::BTreeSet;

use super::World;

impl World {
    /// Defines a tag, assigned to nothing yet (an oVirt tag, a CloudTower label, a ZStack tag
    /// pattern). Defining a known tag again changes nothing.
    pub fn define_tag(&self, name: &str) {
        self.lock().defined_tags.insert(name.to_owned());
    }

    /// Every tag the platform knows, sorted: the defined ones and those on VMs.
    pub fn known_tags(&self) -> Vec<String> {
        let g = self.lock();
        let mut all: BTreeSet<String> = g.defined_tags.clone();
        for vm in g.vms.values() {
            all.extend(vm.tags.iter().cloned());
        }
        all.into_iter().collect()
    }
}
