#!/usr/bin/env python3
"""Drives the simulator's oVirt skin with the official ovirt-engine-sdk-python (ovirtsdk4).

Usage: python python_sdk_check.py http://127.0.0.1:PORT/ovirt-engine/api
Exits non-zero on the first step that fails. The scenario mirrors the SDK's own examples:
connect, list VMs with search/max, add a VM from Blank, wait until down, start, wait until up,
stop, wait until down, remove, wait until gone, close (revokes the token).
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

    vm_service.start()
    vm = wait_status(vm_service, types.VmStatus.UP)
    print(f"start -> status up on host {vm.host.id}")

    try:
        vm_service.start()
        raise RuntimeError("starting a running VM should fail")
    except sdk.Error as e:
        print(f"start again -> sdk.Error code={e.code}: {str(e)[:100]}")

    vm_service.stop()
    wait_status(vm_service, types.VmStatus.DOWN)
    print("stop -> status down")

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

    conn.close()
    print("close: token revoked")
    print("OK")


if __name__ == "__main__":
    main(sys.argv[1])
