"""Runs cells in real IPython kernels the way a Jupyter server does, and reports what nbstart_cells wrote.

Usage: python3 run-cells.py PLAN_JSON   where PLAN_JSON is {"<notebook path>": [ok_cells, failing_cells], ...}
One kernel per notebook, started by jupyter_client's MultiKernelManager (connection file
kernel-<id>.json, JPY_SESSION_NAME=<notebook> as jupyter_server sets it), in a folder holding a
decoy nbstart_cells.py. Prints one JSON object: kernel ids, each kernel's .prom file while it runs,
then cells.jsonl and the directory listing after every kernel has shut down.
"""

import json
import os
import sys
import tempfile

from jupyter_client.multikernelmanager import MultiKernelManager

plan = json.loads(sys.argv[1])
workdir = tempfile.mkdtemp(prefix="cells-")
# A notebook folder with a module of the extension's name must not replace the real one.
with open(os.path.join(workdir, "nbstart_cells.py"), "w") as f:
    f.write("raise RuntimeError('decoy nbstart_cells imported')\n")

metrics = os.environ.get("METRICS_DIR", "/var/log/nbstart")
mkm = MultiKernelManager()
out = {"kernels": {}, "prom": {}}
try:
    for notebook, (ok, failing) in plan.items():
        kid = mkm.start_kernel(kernel_name="python3", cwd=workdir, env=dict(os.environ, JPY_SESSION_NAME=notebook))
        out["kernels"][notebook] = kid
        kc = mkm.get_kernel(kid).client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        for i in range(ok):
            r = kc.execute_interactive("x = %d" % i, timeout=60)
            assert r["content"]["status"] == "ok", r["content"]
        for _ in range(failing):
            r = kc.execute_interactive("1/0", timeout=60, output_hook=lambda m: None)
            assert r["content"]["status"] == "error", r["content"]
        # What a UI sends besides cells (completion, widgets) is silent: not a cell.
        kc.execute_interactive("y = 1", silent=True, timeout=60)
        kc.stop_channels()
        prom = os.path.join(metrics, "cells-%s.prom" % kid)
        out["prom"][notebook] = open(prom).read() if os.path.exists(prom) else None
finally:
    mkm.shutdown_all(now=False)

jsonl = os.path.join(metrics, "cells.jsonl")
out["jsonl"] = [json.loads(line) for line in open(jsonl)] if os.path.exists(jsonl) else None
out["left"] = sorted(os.listdir(metrics)) if os.path.isdir(metrics) else None
print(json.dumps(out))
