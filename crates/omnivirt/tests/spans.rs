//! Every `http.request` span names the op the `Client` was running, on every vendor.
#![cfg(all(
    feature = "sim",
    feature = "ovirt",
    feature = "cloudtower",
    feature = "zstack",
    feature = "veil"
))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::TryStreamExt;
use omnivirt::http::SharedTransport;
use omnivirt::sim::{SimTransport, Skin, Tick, World, WorldConfig};
use omnivirt::{Backend, Client, ListQuery, VmState, WaitOptions};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing_subscriber::layer::{Context, SubscriberExt};

/// Collects the `op` field of every `http.request` span.
#[derive(Clone, Default)]
struct Ops(Arc<Mutex<Vec<String>>>);

struct OpField(Option<String>);

impl Visit for OpField {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "op" {
            self.0 = Some(value.to_owned());
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "op" {
            self.0 = Some(format!("{value:?}").trim_matches('"').to_owned());
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Ops {
    fn on_new_span(&self, attrs: &Attributes<'_>, _: &Id, _: Context<'_, S>) {
        if attrs.metadata().name() == "http.request" {
            let mut f = OpField(None);
            attrs.record(&mut f);
            self.0
                .lock()
                .unwrap()
                .push(f.0.unwrap_or_else(|| "<none>".into()));
        }
    }
}

impl Ops {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

fn world() -> Arc<World> {
    Arc::new(World::new(
        WorldConfig::builder()
            .seed(7)
            .vms(4)
            .tick(Tick::PerPoll { steps: 2 })
            .build(),
    ))
}

fn backends() -> Vec<(&'static str, Arc<dyn Backend>)> {
    use omnivirt::sim::skins;
    let over =
        |skin: Arc<dyn Skin>| -> SharedTransport { Arc::new(SimTransport::new(world(), skin)) };
    vec![
        (
            "ovirt",
            Arc::new(
                omnivirt::ovirt::OvirtBackend::with_transport(
                    "http://sim.invalid/ovirt-engine/api",
                    over(Arc::new(skins::ovirt::OvirtSkin::new())),
                    omnivirt::ovirt::Credentials::Password {
                        username: "admin@internal".into(),
                        password: "admin".into(),
                    },
                )
                .unwrap(),
            ),
        ),
        (
            "cloudtower",
            Arc::new(omnivirt::cloudtower::CloudTowerBackend::with_transport(
                "http://sim.invalid/v2/api",
                over(Arc::new(skins::cloudtower::CloudTowerSkin::new())),
                omnivirt::cloudtower::Credentials::password("admin", "admin"),
            )),
        ),
        (
            "zstack",
            Arc::new(omnivirt::zstack::ZStackBackend::with_transport(
                "http://sim.invalid/zstack/v1",
                over(Arc::new(skins::zstack::ZStackSkin::new())),
                omnivirt::zstack::Credentials::account("admin", "admin"),
            )),
        ),
        (
            "veil",
            Arc::new(
                omnivirt::veil::VeilBackend::with_transport(
                    "http://sim.invalid/veil",
                    over(Arc::new(skins::veil::VeilSkin::new())),
                    omnivirt::veil::Credentials::password("admin", "admin"),
                )
                .unwrap(),
            ),
        ),
    ]
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn every_request_span_names_the_clients_op() {
    let ops = Ops::default();
    let subscriber = tracing_subscriber::registry().with(ops.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    let wait = WaitOptions::new()
        .timeout(Duration::from_secs(120))
        .interval(Duration::from_millis(100), Duration::from_millis(100));

    for (vendor, backend) in backends() {
        let client = Client::new(backend).with_wait_options(wait.clone());
        let vms: Vec<_> = client
            .vms()
            .list(ListQuery::new())
            .try_collect()
            .await
            .unwrap();
        let listed = ops.take();
        assert!(!listed.is_empty(), "{vendor}: no span");
        // The login a first request triggers is sent beneath the trace layer: no span of its own.
        assert!(
            listed.iter().all(|o| o == "vm.list"),
            "{vendor}: {listed:?}"
        );

        let stopped = vms
            .iter()
            .find(|v| v.state == VmState::Stopped)
            .unwrap_or_else(|| panic!("{vendor}: no stopped VM in {vms:?}"));
        client.vms().get(&stopped.id).await.unwrap();
        // ZStack keeps user tags apart from the VM inventory: a get is the VM query and one
        // QueryUserTag, both spans of the client's op.
        let gets = if vendor == "zstack" { 2 } else { 1 };
        assert_eq!(ops.take(), vec!["vm.get"; gets], "{vendor}");

        let vm = client
            .vms()
            .start(&stopped.id)
            .await
            .unwrap()
            .wait()
            .await
            .unwrap();
        assert_eq!(vm.state, VmState::Running, "{vendor}");
        let started = ops.take();
        assert!(started.len() >= 2, "{vendor}: {started:?}");
        // The action and every poll of its wait (tasks, jobs, the VM) are traced as vm.start.
        assert!(
            started.iter().all(|o| o == "vm.start"),
            "{vendor}: {started:?}"
        );
    }
}
