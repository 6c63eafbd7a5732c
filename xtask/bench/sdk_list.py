#!/usr/bin/env python3
"""Lists every VM through a vendor's official Python SDK; used by `cargo xtask bench e2e`.

Usage: sdk_list.py ovirt|cloudtower URL USER PASSWORD

Prints the number of VMs the SDK decoded. The listing is one call each, as a user of the SDK
would write it: `vms_service().list()` (ovirtsdk4), `VmApi.get_vms` (cloudtower-sdk).
"""
import sys


def ovirt(url, user, password):
    import ovirtsdk4 as sdk
    conn = sdk.Connection(url=url, username=user, password=password, insecure=True)
    try:
        return len(conn.system_service().vms_service().list())
    finally:
        conn.close()


def cloudtower(url, user, password):
    from cloudtower import ApiClient, Configuration
    from cloudtower.api.vm_api import VmApi
    from cloudtower.models import GetVmsRequestBody
    from cloudtower.utils import login
    client = ApiClient(Configuration(host=url))
    login(client, user, password)
    return len(VmApi(client).get_vms(GetVmsRequestBody()))


if __name__ == "__main__":
    vendor, url, user, password = sys.argv[1:5]
    print({"ovirt": ovirt, "cloudtower": cloudtower}[vendor](url, user, password))
