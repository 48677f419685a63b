#!/usr/bin/env python3
"""The CMD of nbstart's base-notebook: starts the Jupyter server the environment asks for.

nbstart (the ENTRYPOINT) has already made the person and dropped to them; this runs as them. It
keeps the contract of docker-stacks' start scripts, so images, spawner settings and `docker run`
lines written for docker-stacks work unchanged:

  start-notebook.py [ARG...]    jupyter $DOCKER_STACKS_JUPYTER_CMD (default: lab) $NOTEBOOK_ARGS ARG...
                                RESTARTABLE=yes: restarted whenever it exits (run-one-constantly's
                                behaviour; Debian has no run-one package, so it is done here)
                                JUPYTERHUB_API_TOKEN set: start-singleuser.py ARG... instead
  start-singleuser.py [ARG...]  jupyterhub-singleuser $NOTEBOOK_ARGS ARG...
  start-notebook.sh, start-singleuser.sh: the same, with a note to use the .py names

NOTEBOOK_ARGS is split as a POSIX shell would split it (quotes, backslashes), never run by a shell.
One file under four names (links): the name it is started by decides what it does. Logs go to
stderr. A bad setting is one line naming it, its value and the fix, and exit code 1.
"""

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time

PROG = os.path.basename(sys.argv[0])


def say(msg):
    print(msg, file=sys.stderr, flush=True)


def fail(setting, value, why, fix):
    say("%s: %s=%s: %s; fix: %s" % (PROG, setting, shlex.quote(value), why, fix))
    sys.exit(1)


def notebook_args():
    value = os.environ.get("NOTEBOOK_ARGS", "")
    try:
        return shlex.split(value)
    except ValueError as err:
        fail("NOTEBOOK_ARGS", value, "cannot be split into arguments (%s)" % err, "quote it as for a shell, e.g. NOTEBOOK_ARGS=\"--ServerApp.base_url='/a b/'\"")


def jupyter_command():
    """`jupyter SUB`, with SUB from DOCKER_STACKS_JUPYTER_CMD checked to be installed."""
    sub = os.environ.get("DOCKER_STACKS_JUPYTER_CMD") or "lab"
    if sub.startswith("-") or "/" in sub or any(c.isspace() for c in sub):
        fail("DOCKER_STACKS_JUPYTER_CMD", sub, "expected one jupyter subcommand", "use lab, notebook, nbclassic (where installed) or server")
    if shutil.which("jupyter-" + sub) is None:
        have = [s for s in ("lab", "notebook", "nbclassic", "server") if shutil.which("jupyter-" + s)]
        fail("DOCKER_STACKS_JUPYTER_CMD", sub, "jupyter-%s is not installed in this image" % sub, "use one of %s" % ", ".join(have))
    return ["jupyter", sub]


def run_constantly(command):
    """Runs `command` again whenever it exits, until we are told to stop; returns its last status.

    The pause before a restart is 1 s, and doubles (up to 32 s) while runs keep ending within 10 s,
    so a server that cannot start does not spin. SIGTERM, SIGINT, SIGHUP and SIGQUIT are passed
    on to the running server and end the loop.
    """
    stopping = []
    child = [None]

    def on_signal(signum, _frame):
        stopping.append(signum)
        if child[0] is not None and child[0].poll() is None:
            child[0].send_signal(signum)

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(s, on_signal)
    pause = 1.0
    while True:
        started = time.monotonic()
        child[0] = subprocess.Popen(command)
        code = child[0].wait()
        if stopping:
            return 128 - code if code < 0 else code
        if time.monotonic() - started >= 10:
            pause = 1.0
        how = "was killed by %s" % signal.Signals(-code).name if code < 0 else "exited with %d" % code
        say("%s: %s %s; RESTARTABLE=yes: starting it again in %g s" % (PROG, " ".join(command[:2]) if command[0] == "jupyter" else command[0], how, pause))
        deadline = time.monotonic() + pause
        pause = min(pause * 2, 32.0)
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.1)
        if stopping:
            return 128 + stopping[0]


def execute(command, restartable=False):
    say("Executing: %s%s" % (shlex.join(command), " (RESTARTABLE=yes: restarted whenever it exits)" if restartable else ""))
    if restartable:
        sys.exit(run_constantly(command))
    try:
        os.execvp(command[0], command)
    except OSError as err:
        say("%s: cannot run %s: %s" % (PROG, command[0], err.strerror))
        sys.exit(127 if isinstance(err, FileNotFoundError) else 126)


def main():
    singleuser = PROG.startswith("start-singleuser")
    if PROG.endswith(".sh"):
        say("%s: note: %s.py is the name to use; %s is kept for old configurations" % (PROG, PROG[:-3], PROG))
    if not singleuser and "JUPYTERHUB_API_TOKEN" in os.environ:
        say("%s: JUPYTERHUB_API_TOKEN is set: starting the server for JupyterHub (start-singleuser.py) instead" % PROG)
        singleuser = True
    if singleuser:
        execute(["jupyterhub-singleuser", *notebook_args(), *sys.argv[1:]])
    else:
        execute([*jupyter_command(), *notebook_args(), *sys.argv[1:]], restartable=os.environ.get("RESTARTABLE") == "yes")


if __name__ == "__main__":
    main()
