#!/usr/bin/env python3
"""Drives the simulator's oVirt skin with the official ovirt-engine-sdk-python (ovirtsdk4).

Usage: python python_sdk_check.py http://127.0.0.1:PORT/ovirt-engine/api
Exits non-zero on the first step that fails. The scenario mirrors the SDK's own examples:
connect, list VMs with search/max, add a VM from Blank, wait until down, start (tagged with a
correlation id) and read its job and the job's steps, wait until up, stop, wait until down,
remove, wait until gone; read the failed job and the error event that `serve_sim` recorded
under the correlation id `serve-sim-failed-start`; close (revokes the token).
"""
import sys
import time

import ovirtsdk4 as sdk
import ovirtsdk4.types as types


def wait_status(service, status, timeout=60):
    deadline = time.time() + timeout
    while True:
        vm = service.get()
        if vm.status == status:
            return vm
        if time.time() > deadline:
            raise RuntimeError(f"VM did not reach {status} (last {vm.status})")
        time.sleep(0.2)


def main(url):
    import ovirtsdk4.version
    print(f"ovirtsdk4 {ovirtsdk4.version.VERSION} against {url}")
    conn = sdk.Connection(url=url, username="admin@internal", password="admin", insecure=True)
    conn.test(raise_exception=True)
    api = conn.system_service().get()
    print(f"connected: {api.product_info.name} {api.product_info.version.full_version}, "
          f"{api.summary.vms.total} VMs")

    vms_service = conn.system_service().vms_service()
    listed = vms_service.list(search="name=vm-0000*", max=5)
    print(f"list(search='name=vm-0000*', max=5): {[v.name for v in listed]}")
    assert len(listed) == 5, listed
    up = vms_service.list(search="status=up")
    assert up and all(v.status == types.VmStatus.UP for v in up)
    print(f"list(search='status=up'): {len(up)} VMs, all {types.VmStatus.UP.value}")

    cluster = conn.system_service().clusters_service().list()[0]
    vm = vms_service.add(types.Vm(
        name="python-sdk-check",
        cluster=types.Cluster(name=cluster.name),
        template=types.Template(name="Blank"),
        memory=2 * 2**30,
    ))
    print(f"add: {vm.name} id={vm.id} status={vm.status.value}")
    vm_service = vms_service.vm_service(vm.id)
    wait_status(vm_service, types.VmStatus.DOWN)
    print("status down")

    networks_service = conn.system_service().networks_service()
    network = networks_service.list()[0]
    profiles = networks_service.network_service(network.id).vnic_profiles_service().list()
    assert profiles and profiles[0].network.id == network.id, profiles
    every_profile = conn.system_service().vnic_profiles_service().list()
    assert any(p.id == profiles[0].id for p in every_profile), every_profile
    nics_service = vm_service.nics_service()
    nic = nics_service.add(types.Nic(
        name="sdk-nic",
        interface=types.NicInterface.VIRTIO,
        vnic_profile=types.VnicProfile(id=profiles[0].id),
    ))
    assert nic.vnic_profile.id == profiles[0].id and nic.mac.address, nic
    assert any(n.id == nic.id for n in nics_service.list())
    print(f"nic add: {nic.name} {nic.interface.value} mac={nic.mac.address} "
          f"on profile {profiles[0].name} (network {network.name})")

    vm_service.start(query={"correlation_id": "python-sdk-check-start"})
    jobs_service = conn.system_service().jobs_service()
    jobs = jobs_service.list(search="correlation_id=python-sdk-check-start")
    assert len(jobs) == 1, jobs
    steps = jobs_service.job_service(jobs[0].id).steps_service().list()
    assert [s.type for s in steps] == [types.StepEnum.VALIDATING, types.StepEnum.EXECUTING], steps
    print(f"start job {jobs[0].id}: {jobs[0].description!r} {jobs[0].status.value}, "
          f"steps {[(s.number, s.description, s.status.value) for s in steps]}")
    vm = wait_status(vm_service, types.VmStatus.UP)
    print(f"start -> status up on host {vm.host.id}")
    devices = vm_service.reported_devices_service().list()
    mine = [d for d in devices if d.mac and d.mac.address == nic.mac.address]
    assert mine and mine[0].ips and mine[0].type == types.ReportedDeviceType.NETWORK, devices
    followed = vm_service.get(follow="reported_devices")
    assert any(d.ips for d in followed.reported_devices), followed.reported_devices
    print(f"reported devices: {[(d.name, [i.address for i in d.ips]) for d in devices]}")
    tags_service = vm_service.tags_service()
    tag = tags_service.add(types.Tag(name="peer-check"))
    assert tag.name == "peer-check" and tag.id, tag
    assert [t.name for t in tags_service.list()] == ["peer-check"]
    followed = vm_service.get(follow="reported_devices,tags")
    assert [t.name for t in followed.tags] == ["peer-check"], followed.tags
    tags_service.tag_service(tag.id).remove()
    assert not tags_service.list()
    print(f"tags: add, list, follow=tags and remove -> {tag.name}")
    job = jobs_service.job_service(jobs[0].id).get()
    assert job.status == types.JobStatus.FINISHED, job.status
    print(f"start job -> {job.status.value}")

    try:
        vm_service.start()
        raise RuntimeError("starting a running VM should fail")
    except sdk.Error as e:
        print(f"start again -> sdk.Error code={e.code}: {str(e)[:100]}")

    vm_service.stop()
    wait_status(vm_service, types.VmStatus.DOWN)
    print("stop -> status down")
    nics_service.nic_service(nic.id).remove()
    assert not any(n.id == nic.id for n in nics_service.list())
    print("nic remove -> gone")

    vm_service.remove()
    deadline = time.time() + 60
    while True:
        try:
            vm_service.get()
        except sdk.NotFoundError:
            break
        if time.time() > deadline:
            raise RuntimeError("VM was not removed")
        time.sleep(0.2)
    print("remove -> gone (NotFoundError)")

    failed = jobs_service.list(search="correlation_id=serve-sim-failed-start")
    assert len(failed) == 1 and failed[0].status == types.JobStatus.FAILED, failed
    events = conn.system_service().events_service().list(
        search="correlation_id=serve-sim-failed-start", max=10)
    assert len(events) == 1, events
    ev = events[0]
    assert ev.severity == types.LogSeverity.ERROR and ev.code == 119, (ev.severity, ev.code)
    assert "host has not enough free memory" in ev.description, ev.description
    assert ev.correlation_id == "serve-sim-failed-start" and ev.vm is not None
    print(f"failed job {failed[0].id}: {failed[0].status.value}; event {ev.id} code={ev.code} "
          f"{ev.severity.value}: {ev.description}")

    conn.close()
    print("close: token revoked")
    print("OK")


if __name__ == "__main__":
    main(sys.argv[1])
