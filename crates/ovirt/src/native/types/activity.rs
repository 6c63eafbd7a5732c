//! What the engine records about its work, jobs and events: the generated `Job` and `Event`,
//! seen through [`Object`].

use super::{Event, Job, Links, Object};

/// The generated job: identity and links for the services tree (its `<actions>` are not kept).
impl Object for Job {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn links(&self) -> &Links {
        &self.links
    }
    fn action_links(&self) -> &Links {
        static NONE: Links = Links::new();
        &NONE
    }
}

/// The generated audit-log event: identity and links for the services tree (it has no
/// `<actions>`).
impl Object for Event {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn links(&self) -> &Links {
        &self.links
    }
    fn action_links(&self) -> &Links {
        static NONE: Links = Links::new();
        &NONE
    }
}
