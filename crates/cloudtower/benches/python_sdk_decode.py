#!/usr/bin/env python3
"""Decodes a get-vms answer with SmartX's official Python SDK (cloudtower-sdk 2.23.0), the HTTP
layer faked: VmApi.get_vms runs its whole pipeline (request building, RESTResponse, json.loads,
model deserialisation with client-side validation) on the body read from PATH.

Usage: python_sdk_decode.py PATH     (prints one JSON line)
"""
import json
import resource
import sys
import time


def rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(path):
    with open(path, "rb") as f:
        body = f.read()
    t_import = time.time()
    from cloudtower import ApiClient, Configuration
    from cloudtower.api.vm_api import VmApi
    from cloudtower.models import GetVmsRequestBody
    from cloudtower.rest import RESTResponse
    import_s = time.time() - t_import

    class FakeUrllib3Response:
        status = 200
        reason = "OK"

        def __init__(self, data):
            self.data = data
            self.headers = {"content-type": "application/json", "x-tower-request-id": "bench"}

        def getheaders(self):
            return self.headers

        def getheader(self, name, default=None):
            return self.headers.get(name, default)

    client = ApiClient(Configuration(host="http://tower.invalid/v2/api"))
    client.rest_client.request = lambda *a, **k: RESTResponse(FakeUrllib3Response(body))
    api = VmApi(client)
    before = rss_mib()
    t = time.time()
    vms = api.get_vms(GetVmsRequestBody())
    secs = time.time() - t
    peak = rss_mib()
    t = time.time()
    json.loads(body)
    json_s = time.time() - t
    print(json.dumps({"mode": "python-sdk", "vms": len(vms), "bytes": len(body),
                      "seconds": round(secs, 3), "vms_per_s": round(len(vms) / secs),
                      "peak_rss_mib": round(peak, 1), "rss_before_mib": round(before, 1),
                      "json_loads_s": round(json_s, 3), "import_s": round(import_s, 3)}))


if __name__ == "__main__":
    main(sys.argv[1])
