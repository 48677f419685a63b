# JupyterHub with GitHubOAuthenticator (teams in auth_state) and DockerSpawner: each container
# starts as root and nbstart becomes the GitHub user: uid and private group = GitHub user id,
# one group per organization of the user's teams (gid = organization id). test/e2e/hub-docker.test.ts
# runs this file in a real JupyterHub with the real GitHubOAuthenticator and DockerSpawner against a
# real Docker engine (only GitHub itself is a stand-in there).
#
# Put nbstart_hub.py next to this file (or on PYTHONPATH). Environment of the hub:
#   JUPYTERHUB_CRYPT_KEY=$(openssl rand -hex 32)     encrypts auth_state (keep it stable)
#   GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, OAUTH_CALLBACK_URL   from the GitHub OAuth app
# Replace every example value.

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nbstart_hub  # noqa: E402

c = get_config()  # noqa: F821

# --- who: GitHub, with the teams in auth_state -------------------------------------------------
c.JupyterHub.authenticator_class = "github"
c.GitHubOAuthenticator.client_id = os.environ["GITHUB_CLIENT_ID"]
c.GitHubOAuthenticator.client_secret = os.environ["GITHUB_CLIENT_SECRET"]
c.GitHubOAuthenticator.oauth_callback_url = os.environ["OAUTH_CALLBACK_URL"]
c.GitHubOAuthenticator.allowed_organizations = {"example-org"}
# read:org lets the hub list the user's teams; populate_teams_in_auth_state stores them.
c.GitHubOAuthenticator.scope = ["read:org"]
c.GitHubOAuthenticator.populate_teams_in_auth_state = True
c.Authenticator.enable_auth_state = True

# --- where: DockerSpawner, root with three capabilities ----------------------------------------
c.JupyterHub.spawner_class = "docker"
c.DockerSpawner.image = "registry.example.org/nbstart-notebook:latest"  # nbstart as ENTRYPOINT
c.DockerSpawner.cmd = ["jupyterhub-singleuser"]
c.DockerSpawner.extra_create_kwargs = nbstart_hub.DOCKER_CREATE_KWARGS  # --user root
c.DockerSpawner.extra_host_config = nbstart_hub.DOCKER_HOST_CONFIG  # --cap-drop ALL --cap-add CHOWN,SETGID,SETUID
# A home volume per person, mounted at /home/<name>; Docker creates it owned by root, and
# CHOWN_HOME gives it to the person at every start (only what differs is changed). {username} is
# DockerSpawner's escaped name (bob-dev is bob-2ddev), fine for a volume's name; the home in the
# container is nbstart's /home/<JupyterHub username>, hence {raw_username}.
c.DockerSpawner.volumes = {"jupyterhub-user-{username}": "/home/{raw_username}"}
c.DockerSpawner.environment = {"CHOWN_HOME": "yes"}

# --- the identity: reduced, written to a file, mounted read-only -------------------------------
# The hub writes <dir>/<user>/identity.json (no token: GitHub's access_token stays in the hub's
# encrypted database) and DockerSpawner mounts that directory at /run/nbstart. The path is given
# to the Docker daemon: if the hub runs in a container, bind-mount the same host path at the same
# place inside it.
IDENTITY_DIR = os.environ.get("NBSTART_IDENTITY_DIR", "/srv/jupyterhub/nbstart-identities")
# GitHub ids of early accounts are below 1000, where system users live; id_offset moves every uid
# and gid (private groups and organizations alike) out of that range: from_github(...,
# id_offset=100000). Without it such a person gets no server and the hub log says why.
c.DockerSpawner.pre_spawn_hook = nbstart_hub.dockerspawner_hook(nbstart_hub.from_github, IDENTITY_DIR)
c.DockerSpawner.post_stop_hook = nbstart_hub.dockerspawner_cleanup(IDENTITY_DIR)
