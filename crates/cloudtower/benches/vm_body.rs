//! A `get-vms` answer of `n` VMs carrying every field of the 4.6.0 spec's `Vm` (nested cluster
//! and host, 3 disks, 2 NICs, labels...), about 2.2 kB per VM like a real tower's.
//! Shared by the criterion bench and the `decode_report` example.

use serde_json::{Map, Value, json};

fn cuid(prefix: &str, i: usize) -> String {
    format!("c{prefix}{i:0>20}")
}

fn stub(prefix: &str, i: usize, name: &str) -> Value {
    json!({"id": cuid(prefix, i), "name": name})
}

/// One VM, every spec field present.
pub fn vm(i: usize) -> Value {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_owned(), v);
    };
    let running = i % 5 != 0;
    put("id", json!(cuid("vm", i)));
    put("name", json!(format!("prod-app-server-{i:05}")));
    put(
        "local_id",
        json!(format!("6c1f3b38-5e0b-4c2e-9d55-{i:012}")),
    );
    put("status", json!(if running { "RUNNING" } else { "STOPPED" }));
    put("entityAsyncStatus", Value::Null);
    put(
        "description",
        json!(format!(
            "application server {i} managed by the platform team"
        )),
    );
    put("cpu", json!({"cores": 4, "sockets": 2}));
    put("vcpu", json!(8));
    put("memory", json!(17_179_869_184u64));
    put("cpu_model", json!("cluster_default"));
    put("clock_offset", json!("UTC"));
    put("firmware", json!("BIOS"));
    put("ha", json!(true));
    put("in_recycle_bin", json!(false));
    put("internal", json!(false));
    put(
        "ips",
        json!(format!(
            "192.168.{}.{},10.10.{}.{}",
            i / 250 % 250,
            i % 250,
            i / 250 % 250,
            i % 250
        )),
    );
    put("nested_virtualization", json!(false));
    put("node_ip", json!(format!("10.0.0.{}", i % 16 + 1)));
    put("out_uninstall_usb", json!([]));
    put("protected", json!(false));
    put(
        "vm_tools_status",
        json!(if running { "RUNNING" } else { "NOT_RUNNING" }),
    );
    put("vm_tools_version", json!("3.1.0-20240301"));
    put("win_opt", json!(false));
    put(
        "cluster",
        stub("cl", i % 4, &format!("cluster-{:02}", i % 4)),
    );
    put(
        "host",
        json!({"id": cuid("ho", i % 16), "name": format!("node-{:02}", i % 16), "management_ip": format!("10.0.0.{}", i % 16 + 1)}),
    );
    put("folder", stub("fo", i % 10, "production"));
    put(
        "vm_disks",
        json!([{"id": cuid("vd", i * 3)}, {"id": cuid("vd", i * 3 + 1)}, {"id": cuid("vd", i * 3 + 2)}]),
    );
    put(
        "vm_nics",
        json!([{"id": cuid("vn", i * 2)}, {"id": cuid("vn", i * 2 + 1)}]),
    );
    let team = ["web", "db", "ops"][i % 3];
    put(
        "labels",
        json!([
            {"id": cuid("lb", 1), "key": "env", "value": "production"},
            {"id": cuid("lb", 2 + i % 3), "key": "team", "value": team}
        ]),
    );
    put("snapshots", json!([stub("sn", i, "nightly")]));
    put("gpu_devices", json!([]));
    put("usb_devices", json!([]));
    put("pci_nics", json!([]));
    put(
        "vm_placement_group",
        json!([stub("pg", i % 8, "spread-web")]),
    );
    put("backup_plans", json!([stub("bp", i % 2, "daily-backup")]));
    put("entity_filter_results", json!([{"id": cuid("ef", i % 7)}]));
    put("snapshot_plan", stub("sp", i % 3, "hourly"));
    put("isolation_policy", Value::Null);
    put("cpu_usage", json!(12.345 + (i % 50) as f64));
    put("memory_usage", json!(45.678 + (i % 30) as f64));
    put("size", json!(107_374_182_400u64));
    put("provisioned_size", json!(107_374_182_400u64));
    put("unique_size", json!(21_474_836_480u64 + i as u64));
    put("logical_size_bytes", json!(107_374_182_400u64));
    put("used_size", json!(32_212_254_720u64));
    put("guest_used_size", json!(16_106_127_360u64));
    put("unique_logical_size", json!(0.2));
    put("used_size_usage", json!(30.0));
    put("guest_size_usage", json!(15.0));
    put("guest_os_type", json!("LINUX"));
    put("os", json!("CentOS Linux 7 (Core)"));
    put(
        "hostname",
        json!(format!("prod-app-server-{i:05}.example.internal")),
    );
    put("dns_servers", json!("10.0.0.53,10.0.0.54"));
    put("kernel_info", json!("3.10.0-1160.el7.x86_64"));
    put("deleted_at", Value::Null);
    put("original_name", Value::Null);
    put("last_shutdown_time", json!("2024-02-28T22:15:00.000Z"));
    put("local_created_at", json!("2023-11-01T08:00:00.000Z"));
    put("max_iops", json!(3000));
    put("max_iops_policy", json!("DYNAMIC"));
    put("max_bandwidth", json!(104_857_600));
    put("max_bandwidth_policy", json!("DYNAMIC"));
    put("io_policy", json!("RESTRICT_EACH_DISK"));
    put("video_type", json!("VGA"));
    put("vm_usage", Value::Null);
    put(
        "bios_uuid",
        json!(format!("4c4c4544-0042-3010-8052-{i:012}")),
    );
    put("cloud_init_supported", json!(true));
    put(
        "guest_cpu_model",
        json!("Intel Xeon Processor (Cascadelake)"),
    );
    Value::Object(m)
}

/// The whole answer, as the server would send it.
pub fn body(n: usize) -> Vec<u8> {
    let vms: Vec<Value> = (0..n).map(vm).collect();
    serde_json::to_vec(&vms).unwrap_or_default()
}
