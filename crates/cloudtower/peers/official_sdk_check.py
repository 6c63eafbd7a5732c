#!/usr/bin/env python3
"""Drives the simulator's CloudTower skin with SmartX's official Python SDK (cloudtower-sdk).

Usage: official_sdk_check.py http://127.0.0.1:PORT/v2/api

Logs in, queries VMs with `where` filters (through the SDK's own models, so every answer is
deserialised and validated by the SDK), starts and shuts down VMs and waits on their tasks with
the SDK's wait_tasks. Prints one line per check and "N passed, M failed" at the end; exits non-zero
on any failure.
"""
import sys
import time

import cloudtower
from cloudtower import ApiClient, Configuration
from cloudtower.api.cluster_api import ClusterApi
from cloudtower.api.host_api import HostApi
from cloudtower.api.task_api import TaskApi
from cloudtower.api.vm_api import VmApi
from cloudtower.models import (ClusterWhereInput, GetClustersRequestBody, GetHostsRequestBody,
                               GetTasksRequestBody, GetVmsConnectionRequestBody,
                               GetVmsRequestBody, TaskWhereInput, VmOperateParams,
                               VmStartParams, VmStatus, VmWhereInput)
from cloudtower.utils import login, wait_tasks

passed = 0
failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   %s" % name)
    else:
        failed += 1
        print("FAIL %s %s" % (name, detail))


def main(url):
    print("cloudtower-sdk %s against %s" % (getattr(cloudtower, "__version__", "?"), url))
    conf = Configuration(host=url)
    client = ApiClient(conf)
    login(client, "admin", "admin")
    check("login stores a token", bool(conf.api_key.get("Authorization")))

    vms_api = VmApi(client)
    all_vms = vms_api.get_vms(GetVmsRequestBody())
    check("get_vms returns the seeded VMs", len(all_vms) == 20, len(all_vms))

    stopped = vms_api.get_vms(GetVmsRequestBody(
        where=VmWhereInput(status=VmStatus.STOPPED, name_starts_with="vm-0"), first=2))
    check("get_vms where status + name_starts_with + first", len(stopped) == 2 and all(
        v.status == VmStatus.STOPPED for v in stopped), [v.name for v in stopped])

    nested = vms_api.get_vms(GetVmsRequestBody(
        where=VmWhereInput(cluster=ClusterWhereInput(name="cluster-01"), vcpu_gte=1)))
    check("get_vms where nested cluster + vcpu_gte", len(nested) > 0 and all(
        v.cluster.name == "cluster-01" for v in nested), len(nested))

    count = vms_api.get_vms_connection(GetVmsConnectionRequestBody(
        where=VmWhereInput(_or=[VmWhereInput(name="vm-00001"), VmWhereInput(name="vm-00002")])))
    check("get_vms_connection with OR", count.aggregate.count == 2, count.aggregate.count)

    hosts = HostApi(client).get_hosts(GetHostsRequestBody())
    clusters = ClusterApi(client).get_clusters(GetClustersRequestBody())
    check("get_hosts and get_clusters deserialise", len(hosts) == 6 and len(clusters) == 2,
          (len(hosts), len(clusters)))

    ids = [v.id for v in stopped]
    started = vms_api.start_vm(VmStartParams(where=VmWhereInput(id_in=ids)))
    check("start_vm returns one task per VM", len(started) == 2 and all(w.task_id for w in started))
    task_ids = [w.task_id for w in started]
    t0 = time.time()
    wait_tasks(list(task_ids), client, interval=0.2, timeout=30)
    check("wait_tasks on the start tasks", True, "%.1fs" % (time.time() - t0))
    tasks = TaskApi(client).get_tasks(GetTasksRequestBody(where=TaskWhereInput(id_in=task_ids)))
    check("get_tasks reports SUCCESSED", all(t.status == "SUCCESSED" for t in tasks),
          [t.status for t in tasks])
    running = vms_api.get_vms(GetVmsRequestBody(where=VmWhereInput(id_in=ids)))
    check("the VMs run on a host", all(v.status == VmStatus.RUNNING and v.host is not None
                                       for v in running), [v.status for v in running])

    down = vms_api.shut_down_vm(VmOperateParams(where=VmWhereInput(id_in=ids)))
    wait_tasks([w.task_id for w in down], client, interval=0.2, timeout=30)
    again = vms_api.get_vms(GetVmsRequestBody(where=VmWhereInput(id_in=ids)))
    check("shut_down_vm + wait_tasks stops them", all(v.status == VmStatus.STOPPED for v in again),
          [v.status for v in again])

    # Every other object type the skin renders goes through the SDK's validating models.
    from cloudtower.api.alert_api import AlertApi
    from cloudtower.api.content_library_vm_template_api import ContentLibraryVmTemplateApi
    from cloudtower.api.datacenter_api import DatacenterApi
    from cloudtower.api.disk_api import DiskApi
    from cloudtower.api.iscsi_lun_snapshot_api import IscsiLunSnapshotApi
    from cloudtower.api.vm_disk_api import VmDiskApi
    from cloudtower.api.vm_nic_api import VmNicApi
    from cloudtower.api.vm_snapshot_api import VmSnapshotApi
    from cloudtower.api.vm_volume_api import VmVolumeApi
    from cloudtower import models as m
    alerts = AlertApi(client).get_alerts(m.GetAlertsRequestBody(where=m.AlertWhereInput(ended=False)))
    disks = DiskApi(client).get_disks(m.GetDisksRequestBody(where=m.DiskWhereInput(type="HDD")))
    dcs = DatacenterApi(client).get_datacenters(m.GetDatacentersRequestBody())
    tpls = ContentLibraryVmTemplateApi(client).get_content_library_vm_templates(
        m.GetContentLibraryVmTemplatesRequestBody())
    vols = VmVolumeApi(client).get_vm_volumes(m.GetVmVolumesRequestBody(first=5))
    slots = VmDiskApi(client).get_vm_disks(m.GetVmDisksRequestBody(
        where=m.VmDiskWhereInput(vm=m.VmWhereInput(id=ids[0]))))
    nics = VmNicApi(client).get_vm_nics(m.GetVmNicsRequestBody(
        where=m.VmNicWhereInput(vm=m.VmWhereInput(id=ids[0]))))
    check("alerts, disks, datacenters, templates, volumes, VM disks and NICs deserialise",
          len(alerts) > 0 and len(disks) == 12 and len(dcs) == 1 and len(tpls) == 2
          and len(vols) == 5 and len(slots) == 1 and len(nics) == 1,
          (len(alerts), len(disks), len(dcs), len(tpls), len(vols), len(slots), len(nics)))
    snaps = VmSnapshotApi(client).create_vm_snapshot(m.VmSnapshotCreationParams(
        data=[m.VmSnapshotCreationParamsData(vm_id=ids[0], name="sdk-snap")]))
    got = VmSnapshotApi(client).get_vm_snapshots(m.GetVmSnapshotsRequestBody(
        where=m.VmSnapshotWhereInput(id=snaps[0].data.id)))
    luns = IscsiLunSnapshotApi(client).get_iscsi_lun_snapshots(m.GetIscsiLunSnapshotsRequestBody(
        where=m.IscsiLunSnapshotWhereInput(
            name_in=[d.snapshot_local_id for d in got[0].vm_disks])))
    check("VM snapshot and its LUN snapshots by snapshot_local_id", len(got) == 1 and len(luns) == 1,
          (len(got), len(luns)))

    # NICs are the World's: add one (a task), read it back by MAC, remove it by index.
    vlan_id = nics[0].vlan.id
    added = vms_api.add_vm_nic(m.VmAddNicParams(
        where=VmWhereInput(id=ids[0]),
        data=m.VmAddNicParamsData(vm_nics=[m.VmNicParams(
            connect_vlan_id=vlan_id, mac_address="52:54:00:0a:0b:0c", model=m.VmNicModel.E1000)])))
    wait_tasks([w.task_id for w in added if w.task_id], client, interval=0.2, timeout=30)
    with_nic = VmNicApi(client).get_vm_nics(m.GetVmNicsRequestBody(
        where=m.VmNicWhereInput(vm=m.VmWhereInput(id=ids[0]))))
    check("add_vm_nic + wait_tasks: the NIC is listed", len(with_nic) == 2 and any(
        n.mac_address == "52:54:00:0a:0b:0c" and n.model == m.VmNicModel.E1000 for n in with_nic),
        [(n.mac_address, n.order) for n in with_nic])
    removed = vms_api.remove_vm_nic(m.VmRemoveNicParams(
        where=VmWhereInput(id=ids[0]), data=m.VmRemoveNicParamsData(nic_index=[1])))
    wait_tasks([w.task_id for w in removed if w.task_id], client, interval=0.2, timeout=30)
    left = VmNicApi(client).get_vm_nics(m.GetVmNicsRequestBody(
        where=m.VmNicWhereInput(vm=m.VmWhereInput(id=ids[0]))))
    check("remove_vm_nic by index", len(left) == 1, len(left))
    on = vms_api.get_vms(GetVmsRequestBody(where=VmWhereInput(status=VmStatus.RUNNING), first=1))
    vnc = vms_api.get_vm_vnc_info(m.GetVmVncInfoParams(vm=m.VmWhereUniqueInput(id=on[0].id)))
    check("get_vm_vnc_info answers token-bearing websocket URLs",
          "token=" in vnc.redirect and "/websockify/" in vnc.redirect and bool(vnc.cluster_ip)
          and vnc.vm.id == on[0].id)

    from cloudtower.api.label_api import LabelApi
    labels_api = LabelApi(client)
    made = labels_api.create_label([m.LabelCreationParams(key="peer", value="check")])
    label_id = made[0].data.id
    found = labels_api.get_labels(m.GetLabelsRequestBody(where=m.LabelWhereInput(key="peer")))
    check("create_label + get_labels by key", len(found) == 1 and found[0].id == label_id
          and found[0].value == "check", found)
    labels_api.add_labels_to_resources(m.AddLabelsToResourcesParams(
        where=m.LabelWhereInput(id=label_id),
        data=m.AddLabelsToResourcesParamsData(vms=m.VmWhereInput(id=ids[0]))))
    tagged = vms_api.get_vms(GetVmsRequestBody(where=VmWhereInput(id=ids[0])))
    check("add_labels_to_resources: the VM's labels name it",
          [(l.id, l.key, l.value) for l in tagged[0].labels] == [(label_id, "peer", "check")],
          tagged[0].labels)

    # The SDK's keyword for the OR combinator is `_or` (an `OR=` keyword is silently dropped).
    try:
        bad = Configuration(host=url)
        bad_client = ApiClient(bad)
        bad.api_key["Authorization"] = "not-a-token"
        VmApi(bad_client).get_vms(GetVmsRequestBody())
        check("a bad token is refused", False)
    except cloudtower.exceptions.ApiException as e:
        check("a bad token is refused with 401", e.status == 401, e.status)

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
