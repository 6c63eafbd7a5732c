//! A `Fleet`: several connections listed as one.

use std::fmt;

use futures::stream::{self, BoxStream, StreamExt};
use omnivirt_core::{Client, Cluster, Host, ListQuery, Result, Vm};
use serde::Serialize;

/// An item tagged with the context it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Tagged<T> {
    /// Context name.
    pub context: String,
    /// The item.
    #[serde(flatten)]
    pub item: T,
}

impl<T> Tagged<T> {
    /// `item`, from the context named `context`.
    pub fn new(context: impl Into<String>, item: T) -> Self {
        Tagged {
            context: context.into(),
            item,
        }
    }
}

/// Several named clients (several controllers of one vendor, or several vendors), listed
/// concurrently as one stream.
///
/// ```no_run
/// # async fn demo(a: omnivirt::Client, b: omnivirt::Client) {
/// use futures::StreamExt;
/// use omnivirt::{Fleet, ListQuery};
///
/// let fleet = Fleet::new().with("lab", a).with("prod", b);
/// let mut vms = fleet.vms(ListQuery::new());
/// while let Some(item) = vms.next().await {
///     match item {
///         Ok(vm) => println!("{} {}", vm.context, vm.item.name),
///         Err((ctx, e)) => eprintln!("{ctx}: {e}"),
///     }
/// }
/// # }
/// ```
#[derive(Clone, Default)]
pub struct Fleet {
    members: Vec<(String, Client)>,
}

impl fmt::Debug for Fleet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.members.iter().map(|(n, c)| (n, c.vendor())))
            .finish()
    }
}

/// One fleet listing item: the tagged object, or the context and the error it gave.
pub type FleetItem<T> = std::result::Result<Tagged<T>, (String, omnivirt_core::Error)>;

impl Fleet {
    /// An empty fleet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a member.
    pub fn with(mut self, context: impl Into<String>, client: Client) -> Self {
        self.members.push((context.into(), client));
        self
    }

    /// Adds a member in place.
    pub fn push(&mut self, context: impl Into<String>, client: Client) {
        self.members.push((context.into(), client));
    }

    /// The members.
    pub fn members(&self) -> &[(String, Client)] {
        &self.members
    }

    /// Closes every member, all at once, releasing their server-side sessions (ZStack, for one,
    /// allows a few hundred live sessions per user; a fleet that never closes uses them up).
    ///
    /// Every member is closed even when some fail; the failures come back with their context
    /// names, and an empty list means every session was released.
    pub async fn close(&self) -> Vec<(String, omnivirt_core::Error)> {
        let closing = self
            .members
            .iter()
            .map(|(name, client)| async move { (name.clone(), client.close().await) });
        futures::future::join_all(closing)
            .await
            .into_iter()
            .filter_map(|(name, r)| r.err().map(|e| (name, e)))
            .collect()
    }

    fn merged<T, F>(&self, list: F) -> BoxStream<'static, FleetItem<T>>
    where
        T: Send + 'static,
        F: Fn(&Client) -> BoxStream<'static, Result<T>>,
    {
        let streams = self.members.iter().map(|(name, client)| {
            let name = name.clone();
            list(client)
                .map(move |r| match r {
                    Ok(item) => Ok(Tagged {
                        context: name.clone(),
                        item,
                    }),
                    Err(e) => Err((name.clone(), e)),
                })
                .boxed()
        });
        stream::select_all(streams).boxed()
    }

    /// VMs of every member, interleaved as they arrive.
    pub fn vms(&self, query: ListQuery) -> BoxStream<'static, FleetItem<Vm>> {
        self.merged(move |c| c.vms().list(query.clone()))
    }

    /// Hosts of every member.
    pub fn hosts(&self, query: ListQuery) -> BoxStream<'static, FleetItem<Host>> {
        self.merged(move |c| c.hosts().list(query.clone()))
    }

    /// Clusters of every member.
    pub fn clusters(&self, query: ListQuery) -> BoxStream<'static, FleetItem<Cluster>> {
        self.merged(move |c| c.clusters().list(query.clone()))
    }
}
