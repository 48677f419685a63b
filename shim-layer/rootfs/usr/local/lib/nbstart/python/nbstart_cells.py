"""nbstart_cells: an IPython extension that counts the cells a kernel runs, per notebook.

Shipped with nbstart (shim layer and nbstart images) at /usr/local/lib/nbstart/python/. nbstart loads
it through a system-wide /etc/ipython/ipython_kernel_config.py when ``[metrics] cells = yes``
(NBSTART_METRICS_CELLS) and removes that file otherwise; nothing is written to the user's home.

Every cell the user runs (not silent executions such as widget or completion traffic) is counted
once, after it ran, and written where an administrator can collect it:

* ``<directory>/cells.jsonl``: one JSON object per executed cell, appended with a single write (a
  line is far below PIPE_BUF, so kernels sharing the file never interleave), e.g.
  ``{"time": "...", "user": "alice", "kernel": "3f2c...", "notebook": "hw1.ipynb",
  "execution_count": 7, "ok": true, "cells": 7, "failed": 1}`` where ``cells`` and ``failed`` are
  this kernel's running totals for that notebook.
* ``<directory>/cells-<kernel>.prom``: the Prometheus text format (node_exporter's textfile
  collector), replaced atomically after every cell and removed when the kernel exits normally.

The notebook is what the server tells the kernel in JPY_SESSION_NAME (jupyter_server >= 1.23,
JupyterLab, Notebook 7). Jupyter Server 2 sends the notebook's absolute path (its root_dir, usually
the home, joined with the path the UI shows); a path inside the home is written relative to it
(``course/hw1.ipynb``), as the UI names it, others as they come. The classic notebook 6 server sends
nothing, and the field is then "".
A failure to write never reaches the user's cell: it is reported once on the kernel's stderr.
"""

import atexit
import datetime
import getpass
import json
import os
import re
import sys

from traitlets import List, Unicode
from traitlets.config import Configurable

_FORMATS = ("jsonl", "prometheus")


class NbstartCells(Configurable):
    """Where and how the counts are written (set by nbstart's system-wide kernel config)."""

    directory = Unicode("/var/log/nbstart", help="Directory of cells.jsonl and cells-<kernel>.prom.").tag(config=True)
    formats = List(Unicode(), default_value=list(_FORMATS), help="jsonl and/or prometheus.").tag(config=True)


def _kernel_id():
    """The kernel's id as a Jupyter server names it (its connection file is kernel-<id>.json), the
    connection file's name for kernels started otherwise, or the pid for a plain IPython."""
    try:
        from ipykernel.kernelapp import IPKernelApp

        if IPKernelApp.initialized():
            name = os.path.basename(IPKernelApp.instance().connection_file or "")
            m = re.match(r"^(?:kernel-)?(.+)\.json$", name)
            if m:
                return m.group(1)
    except Exception:  # not an ipykernel: fall back to the pid
        pass
    return "pid-%d" % os.getpid()


def _user():
    try:
        return getpass.getuser()
    except Exception:
        return str(os.getuid())


def _notebook():
    """The running notebook's path from JPY_SESSION_NAME, relative to the home when inside it."""
    name = os.environ.get("JPY_SESSION_NAME", "")
    home = os.environ.get("HOME", "")
    if home not in ("", "/") and os.path.isabs(name):
        rel = os.path.relpath(name, home)
        if rel != os.pardir and not rel.startswith(os.pardir + os.sep):
            return rel
    return name


def _prom_label(value):
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


class CellCounter:
    """Counts executed cells of one kernel and writes them out after each one."""

    def __init__(self, directory, formats, kernel, user):
        self.directory = directory
        self.formats = [f for f in formats if f in _FORMATS]
        self.kernel = kernel
        self.user = user
        self.counts = {}  # notebook -> [cells, failed]
        self.complained = False
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", kernel)
        self.prom_path = os.path.join(directory, "cells-%s.prom" % safe)

    def post_run_cell(self, result):
        try:
            notebook = _notebook()
            ok = bool(getattr(result, "success", True))
            c = self.counts.setdefault(notebook, [0, 0])
            c[0] += 1
            if not ok:
                c[1] += 1
            if "jsonl" in self.formats:
                self._append_jsonl(notebook, getattr(result, "execution_count", None), ok, c)
            if "prometheus" in self.formats:
                self._write_prom()
        except Exception as err:  # never let metrics break the user's cell
            if not self.complained:
                self.complained = True
                print("nbstart_cells: cannot write cell counts to %s: %s" % (self.directory, err), file=sys.__stderr__)

    def _append_jsonl(self, notebook, execution_count, ok, c):
        record = {
            "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds"),
            "user": self.user,
            "kernel": self.kernel,
            "notebook": notebook,
            "execution_count": execution_count,
            "ok": ok,
            "cells": c[0],
            "failed": c[1],
        }
        line = (json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n").encode()
        fd = os.open(os.path.join(self.directory, "cells.jsonl"), os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)

    def prom_text(self):
        lines = [
            "# HELP nbstart_cells_run_total Cells run in an IPython kernel, by notebook and outcome.",
            "# TYPE nbstart_cells_run_total counter",
        ]
        for notebook in sorted(self.counts):
            cells, failed = self.counts[notebook]
            labels = 'user="%s",kernel="%s",notebook="%s"' % (_prom_label(self.user), _prom_label(self.kernel), _prom_label(notebook))
            lines.append('nbstart_cells_run_total{%s,status="ok"} %d' % (labels, cells - failed))
            lines.append('nbstart_cells_run_total{%s,status="error"} %d' % (labels, failed))
        return "\n".join(lines) + "\n"

    def _write_prom(self):
        tmp = "%s.%d.tmp" % (self.prom_path, os.getpid())
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        try:
            os.write(fd, self.prom_text().encode())
        finally:
            os.close(fd)
        os.replace(tmp, self.prom_path)

    def remove_prom(self):
        try:
            os.unlink(self.prom_path)
        except OSError:
            pass


def load_ipython_extension(ip):
    """IPython entry point: register the counter on post_run_cell."""
    if getattr(ip, "_nbstart_cells", None) is not None:
        return
    settings = NbstartCells(config=ip.config)
    counter = CellCounter(settings.directory, settings.formats, _kernel_id(), _user())
    ip._nbstart_cells = counter
    ip.events.register("post_run_cell", counter.post_run_cell)
    if "prometheus" in counter.formats:
        atexit.register(counter.remove_prom)


def unload_ipython_extension(ip):
    counter = getattr(ip, "_nbstart_cells", None)
    if counter is not None:
        ip.events.unregister("post_run_cell", counter.post_run_cell)
        ip._nbstart_cells = None
