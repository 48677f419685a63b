# JupyterHub configuration for test/e2e/hub.test.ts: Debian's JupyterHub 3.0 on 127.0.0.1, set up
# like hub/examples/dockerspawner-github (the recipe's hook, capabilities and user settings from
# hub/nbstart_hub.py), with two stand-ins for what this machine lacks:
#   FixtureAuthenticator  logs people in from a JSON file and returns their auth_state as
#                         ldapauthenticator or GitHubOAuthenticator would (there is no LDAP server
#                         or GitHub here);
#   PodmanSpawner         DockerSpawner's settings (image, volumes, read_only_volumes,
#                         extra_create_kwargs, extra_host_config) carried out with rootful podman
#                         on the host network.
# Everything the test decides (ports, paths, image, tokens) arrives in NBSTART_E2E_* variables.

import asyncio
import json
import os
import sys

from jupyterhub.auth import Authenticator
from jupyterhub.spawner import Spawner
from jupyterhub.utils import random_port
from traitlets import Dict, Unicode

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "hub"))
import nbstart_hub  # noqa: E402

E = os.environ
DIR = E["NBSTART_E2E_HUB_DIR"]


class FixtureAuthenticator(Authenticator):
    """Logs in the people of a JSON file ({name: {password, auth_state}}), returning their auth_state."""

    people_file = Unicode(config=True)

    async def authenticate(self, handler, data):
        with open(self.people_file, encoding="utf-8") as f:
            person = json.load(f).get(data["username"])
        if person is None or data.get("password") != person["password"]:
            return None
        return {"name": data["username"], "auth_state": person["auth_state"]}


class PodmanSpawner(Spawner):
    """Starts the server in a podman container, with DockerSpawner's names for the settings."""

    image = Unicode(config=True)
    volumes = Dict(config=True, help="host directory -> container directory, mounted read-write")
    read_only_volumes = Dict(config=True, help="host directory -> container directory, mounted read-only")
    extra_create_kwargs = Dict(config=True, help='DockerSpawner\'s; only "user" is carried out')
    extra_host_config = Dict(config=True, help='DockerSpawner\'s; only "cap_drop" and "cap_add" are carried out')
    label = Unicode(config=True, help="label on every container, and prefix of their names, for clean-up")
    container_name = Unicode()

    def _env_keep_default(self):
        # As DockerSpawner: nothing of the hub's own environment (its PATH would replace the image's).
        return []

    async def podman(self, *args, timeout=60):
        proc = await asyncio.create_subprocess_exec(
            "podman", *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL
        )
        try:
            out, err = await asyncio.wait_for(proc.communicate(), timeout)
        except asyncio.TimeoutError:
            proc.kill()
            await proc.wait()
            raise RuntimeError(f"podman {args[0]} did not finish in {timeout}s")
        return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")

    async def start(self):
        unsupported = (set(self.extra_create_kwargs) - {"user"}) | (set(self.extra_host_config) - {"cap_drop", "cap_add"})
        if unsupported:
            raise ValueError(f"PodmanSpawner does not carry out {sorted(unsupported)}")
        self.ip = "127.0.0.1"
        self.port = random_port()
        name = f"{self.label}-{self.user.name}"
        await self.podman("rm", "--force", name)
        # The environment goes through a file (0600), not the command line, which `ps` shows.
        env_file = os.path.join(DIR, f"{name}.env")
        fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for key, value in self.get_env().items():
                if "\n" in str(value):
                    raise ValueError(f"{key}: a line break cannot go through --env-file")
                f.write(f"{key}={value}\n")
        args = ["run", "--detach", "--name", name, "--label", f"{self.label}=1", "--pull=never", "--network=host", "--env-file", env_file]
        if "user" in self.extra_create_kwargs:
            args += ["--user", str(self.extra_create_kwargs["user"])]
        args += [a for cap in self.extra_host_config.get("cap_drop", []) for a in ("--cap-drop", cap)]
        args += [a for cap in self.extra_host_config.get("cap_add", []) for a in ("--cap-add", cap)]
        args += [a for host, inside in self.volumes.items() for a in ("--volume", f"{host}:{inside}")]
        args += [a for host, inside in self.read_only_volumes.items() for a in ("--volume", f"{host}:{inside}:ro")]
        code, out, err = await self.podman(*args, self.image, *self.cmd, *self.get_args())
        if code != 0:
            raise RuntimeError(f"podman run exited {code}: {err.strip()}")
        self.container_name = name
        return (self.ip, self.port)

    async def poll(self):
        if not self.container_name:
            return 0
        code, out, _ = await self.podman("inspect", "--format", "{{.State.Running}} {{.State.ExitCode}}", self.container_name)
        if code != 0:
            return 0
        running, exit_code = out.split()
        return None if running == "true" else int(exit_code)

    async def stop(self, now=False):
        if not self.container_name:
            return
        await self.podman("stop", "--time", "0" if now else "5", self.container_name)
        # The container's output (nbstart's log, then the server's) goes to the hub log.
        _, out, err = await self.podman("logs", self.container_name)
        self.log.info("container %s output:\n%s%s", self.container_name, out, err)
        await self.podman("rm", "--force", self.container_name)

    def get_state(self):
        state = super().get_state()
        if self.container_name:
            state["container_name"] = self.container_name
        return state

    def load_state(self, state):
        super().load_state(state)
        self.container_name = state.get("container_name", "")

    def clear_state(self):
        super().clear_state()
        self.container_name = ""


def reduce(auth_state, name):
    """The test hub has both kinds of people; a real hub uses one reduction."""
    if "github_user" in auth_state:
        return nbstart_hub.from_github(auth_state, name)
    return nbstart_hub.from_ldap(auth_state, name, home_attribute="homeDirectory")


c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

c.JupyterHub.bind_url = f"http://127.0.0.1:{E['NBSTART_E2E_PROXY_PORT']}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{E['NBSTART_E2E_HUB_PORT']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{E['NBSTART_E2E_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.pid_file = os.path.join(DIR, "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{os.path.join(DIR, 'jupyterhub.sqlite')}"
c.JupyterHub.cookie_secret_file = os.path.join(DIR, "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True

# The test drives the hub through the REST API as a service with this token.
c.JupyterHub.services = [{"name": "e2e", "api_token": E["NBSTART_E2E_SERVICE_TOKEN"]}]
c.JupyterHub.load_roles = [{"name": "e2e", "scopes": ["admin:users", "admin:servers", "access:servers"], "services": ["e2e"]}]

c.JupyterHub.authenticator_class = FixtureAuthenticator
c.FixtureAuthenticator.people_file = os.path.join(DIR, "people.json")
c.Authenticator.enable_auth_state = True  # needs JUPYTERHUB_CRYPT_KEY, which the test sets

# The recipe (hub/examples/dockerspawner-github/jupyterhub_config.py), with PodmanSpawner.
c.JupyterHub.spawner_class = PodmanSpawner
c.PodmanSpawner.image = E["NBSTART_E2E_IMAGE"]
c.PodmanSpawner.label = E["NBSTART_E2E_LABEL"]
c.PodmanSpawner.cmd = ["jupyterhub-singleuser"]
# The external homes (an NFS export on a real hub), at the paths the directory's homeDirectory names.
c.PodmanSpawner.volumes = {os.path.join(DIR, "homes"): "/mnt/home"}
c.PodmanSpawner.pre_spawn_hook = nbstart_hub.dockerspawner_hook(reduce, os.path.join(DIR, "identities"))
c.PodmanSpawner.post_stop_hook = nbstart_hub.dockerspawner_cleanup(os.path.join(DIR, "identities"))
c.PodmanSpawner.extra_create_kwargs = nbstart_hub.DOCKER_CREATE_KWARGS
c.PodmanSpawner.extra_host_config = nbstart_hub.DOCKER_HOST_CONFIG
c.PodmanSpawner.start_timeout = 60
c.PodmanSpawner.http_timeout = 60
