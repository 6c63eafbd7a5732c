//! The ZStack SDK face: client, sessions, jobs, queries and typed actions.

mod api;
pub(crate) mod client;
pub(crate) mod fields;
pub(crate) mod jobs;
pub mod query;
pub mod results;
pub(crate) mod typed;

pub use api::{CreateDataVolume, CreateVm, DeleteMode, QueryPage, StopType};
pub use client::{ClientBuilder, Credentials, Job, JobStatus, Reply, ZStackClient, password_hash};
pub use typed::Actions;
