#!/usr/bin/env python3
"""The official SDK's reader on the same <vms> document the Rust benchmark decodes.

Usage: python python_reader_bench.py VMS_XML_FILE [ROUNDS]
Prints one JSON line: {"vms": N, "seconds": best, "vms_per_s": .., "mb_per_s": .., "peak_rss_mb": ..}
Uses ovirtsdk4.xml.XmlReader (the libxml2 C extension) + ovirtsdk4.readers.VmReader.read_many,
exactly what the SDK does for a `GET /vms` answer.
"""
import io
import json
import resource
import sys
import time

from ovirtsdk4 import xml
from ovirtsdk4.readers import VmReader


def main(path, rounds):
    with open(path, "rb") as f:
        data = f.read()
    best = None
    n = 0
    for _ in range(rounds):
        t0 = time.perf_counter()
        reader = xml.XmlReader(io.BytesIO(data))
        reader.forward()
        vms = VmReader.read_many(reader)
        dt = time.perf_counter() - t0
        n = len(vms)
        assert vms[0].id and vms[0].status is not None
        del vms, reader
        best = dt if best is None else min(best, dt)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "vms": n,
        "seconds": round(best, 4),
        "vms_per_s": round(n / best),
        "mb_per_s": round(len(data) / best / 1e6, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1),
    }))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3)
