# The hub of test/e2e/hub-docker.test.ts, recipe (b): hub/examples/dockerspawner-github/
# jupyterhub_config.py loaded as it is, then only what belongs to the site (the recipe says to
# replace its example values):
#   - the GitHub it talks to: the test's stand-in, through GitHubOAuthenticator.github_url (the
#     GitHub Enterprise setting), the only fake in the chain; client id, secret and callback URL
#     arrive in the environment variables the recipe reads;
#   - the image: the project's base-notebook (nbstart as ENTRYPOINT, jupyterhub-singleuser);
#   - the network: the host's (this machine has no bridge or NAT for containers), as DockerSpawner
#     documents it (e2e_site.host_network);
#   - the identity directory: NBSTART_IDENTITY_DIR, a directory of the test's;
#   - the Docker engine: the test's own, through DOCKER_HOST.

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_site  # noqa: E402
from dockerspawner import DockerSpawner  # noqa: E402

c = get_config()  # noqa: F821
E = os.environ
load_subconfig(E["NBSTART_E2E_RECIPE"])  # noqa: F821

e2e_site.apply(c)
c.GitHubOAuthenticator.github_url = E["NBSTART_E2E_GITHUB_URL"]
c.DockerSpawner.image = E["NBSTART_E2E_IMAGE"]
for key, value in e2e_site.host_network(DockerSpawner, int(E["NBSTART_E2E_SERVER_PORT"])).items():
    setattr(c.DockerSpawner, key, value)
