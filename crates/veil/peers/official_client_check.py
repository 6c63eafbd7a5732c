"""Runs the vendor's Python client (veil-api-client 2.2.18) against omnivirt's VeiL skin.

Usage: official_client_check.py http://127.0.0.1:PORT/veil
Needs Python 3.8-3.10 (the client pins aiohttp 3.6). Not part of CI: it needs PyPI.
"""
import asyncio
import json
import sys
import urllib.request

from veil_api_client import VeilClient, VeilRestPaginator
from veil_api_client.api_objects.domain import DomainCloneConfiguration

# The client only speaks https (a private class constant); the simulator serves plain http.
VeilClient._VeilClient__TRANSFER_PROTOCOL_PREFIX = "http://"


def login(base):
    req = urllib.request.Request(
        base + "/auth/",
        data=json.dumps({"username": "admin", "password": "admin", "ldap": False}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req) as r:
        return json.load(r)["token"]


async def main(base):
    token = login(base)
    address = base.split("://", 1)[1]
    checks = []
    async with VeilClient(server_address=address, token="jwt " + token) as client:
        r = await client.controller().base_version()
        checks.append(("base-version", r.status_code, r.value.get("version")))
        r = await client.cluster().list()
        checks.append(("clusters", r.status_code, r.paginator_count))
        cluster = r.paginator_results[0]["id"]
        r = await client.node(cluster_id=cluster).list()
        checks.append(("nodes of cluster", r.status_code, r.paginator_count))
        page = VeilRestPaginator(ordering="verbose_name", limit=5, offset=0)
        r = await client.domain(template=False).list(paginator=page)
        checks.append(("domains page", r.status_code, [d.verbose_name for d in r.response]))
        checks.append(("domains next", r.paginator_next is not None, r.paginator_count))
        stopped = None
        for d in (await client.domain(template=False).list(paginator=VeilRestPaginator(limit=100))).response:
            if d.user_power_state == 1:
                stopped = d
                break
        dom = client.domain(domain_id=stopped.api_object_id)
        await dom.info()
        checks.append(("domain info", dom.verbose_name, dom.user_power_state))
        r = await dom.start()
        checks.append(("start", r.status_code, r.task.api_object_id is not None))
        task = r.task
        polls = 0
        while not await task.is_finished():
            polls += 1
            await asyncio.sleep(0.01)
        checks.append(("task finished", await task.is_success(), polls))
        await dom.info()
        checks.append(("after start", dom.user_power_state, dom.powered))
        r = await dom.start()
        checks.append(("start again", r.status_code, r.error_detail))
        r = await client.domain(domain_id="00000000-0000-4000-8000-00000000dead").info()
        checks.append(("missing domain", r.status_code, r.error_code))
        # Day two: a batched read (the broker's `ids=`), a rename, the SPICE URL, the journal,
        # and a clone (the Python client has no NIC listing).
        ids = ",".join([stopped.api_object_id, "00000000-0000-4000-8000-00000000dead"])
        r = await client.domain(template=False).list(params={"ids": ids})
        checks.append(("domains by ids", r.status_code, r.paginator_count))
        r = await dom.update_verbose_name("renamed-by-python")
        await dom.info()
        checks.append(("rename", r.status_code, dom.verbose_name))
        conn = await dom.spice_conn()
        checks.append(("spice", conn.connection_type, conn.valid))
        r = await client.event().list(paginator=VeilRestPaginator(ordering="-created", limit=3))
        newest = r.paginator_results[0] if r.paginator_results else {}
        checks.append(("events", r.status_code, newest.get("type"), newest.get("message")))
        pools = await client.resource_pool(cluster_id=cluster).list()
        rp = pools.paginator_results[0]["id"]
        r = await dom.clone(DomainCloneConfiguration(verbose_name="py-clone", resource_pool=rp))
        checks.append(("clone", r.status_code, r.task.api_object_id is not None))
        task = r.task
        while not await task.is_finished():
            await asyncio.sleep(0.01)
        checks.append(("clone finished", await task.is_success()))
    bad = VeilClient(server_address=address, token="jwt expired")
    r = await bad.controller().check()
    checks.append(("bad token", r.status_code, r.error_detail))
    await bad.close()
    for c in checks:
        print(*c, sep="\t")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1].rstrip("/")))
