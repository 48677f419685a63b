# The recipes' files of hub/examples/ as DockerSpawner and SwarmSpawner read them: loaded with
# traitlets as JupyterHub loads a config file, then asked what a spawner of theirs would mount for
# a person whose name the spawners escape (bob-dev: DockerSpawner's {username} is bob-2ddev). The
# homes must be at JupyterHub's name for the person, the one nbstart uses. (test/e2e/hub-docker.test.ts
# and hub-kube.test.ts run all three recipes in a real hub.)

import os
import sys
from types import SimpleNamespace

import dockerspawner
import pytest
from traitlets.config import PyFileConfigLoader

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "examples")
sys.path.insert(0, os.path.join(HERE, ".."))

import nbstart_hub  # noqa: E402


def load(recipe, monkeypatch):
    """The recipe's config, with the environment variables it reads."""
    for key in ("GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "LDAP_SEARCH_PASSWORD"):
        monkeypatch.setenv(key, "x")
    monkeypatch.setenv("OAUTH_CALLBACK_URL", "https://hub.example.org/hub/oauth_callback")
    return PyFileConfigLoader("jupyterhub_config.py", path=os.path.join(EXAMPLES, recipe)).load_config()


def spawner(cls, config, name="bob-dev"):
    return cls(config=config, user=SimpleNamespace(name=name, id=7, url=f"/user/{name}/", settings={}, orm_user=None))


def test_dockerspawner_github_mounts_the_home_at_the_persons_name(monkeypatch):
    c = load("dockerspawner-github", monkeypatch)
    s = spawner(dockerspawner.DockerSpawner, c)
    assert s.volume_binds == {"jupyterhub-user-bob-2ddev": {"bind": "/home/bob-dev", "mode": "rw"}}
    assert s.extra_create_kwargs == nbstart_hub.DOCKER_CREATE_KWARGS and s.extra_host_config == nbstart_hub.DOCKER_HOST_CONFIG
    assert s.environment == {"CHOWN_HOME": "yes"} and s.cmd == ["jupyterhub-singleuser"]


def test_swarm_nfs_mounts_the_nfs_home_of_the_persons_name(monkeypatch):
    c = load("swarm-nfs", monkeypatch)
    s = spawner(dockerspawner.SwarmSpawner, c)
    assert s.volume_binds == {"/srv/nfs/home/bob-dev": {"bind": "/mnt/home/bob-dev", "mode": "rw"}}
    assert s.extra_container_spec == nbstart_hub.SWARM_CONTAINER_SPEC
    # nbstart's {user} is the same name: the external home it links is the mounted one.
    assert s.environment == {"NBSTART_HOME_SOURCE": "/mnt/home/{user}"}
    assert c.Authenticator.allow_all is True, "JupyterHub >= 5 lets no one in without an allow setting"


@pytest.mark.parametrize("recipe", ["dockerspawner-github", "swarm-nfs"])
def test_the_identity_directory_is_the_sites(recipe, monkeypatch, tmp_path):
    monkeypatch.setenv("NBSTART_IDENTITY_DIR", str(tmp_path))
    c = load(recipe, monkeypatch)
    section = c.SwarmSpawner if recipe == "swarm-nfs" else c.DockerSpawner
    assert section.pre_spawn_hook.__qualname__.startswith("dockerspawner_hook")
    assert section.post_stop_hook.__qualname__.startswith("dockerspawner_cleanup")
