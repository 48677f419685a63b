# The hub of test/e2e/hub-docker.test.ts, recipe (c): hub/examples/swarm-nfs/jupyterhub_config.py
# loaded as it is, then only what belongs to the site:
#   - the directory: the test's slapd (port and CA) in place of ldap.example.org; the search
#     user's password arrives in LDAP_SEARCH_PASSWORD, as the recipe reads it;
#   - the image: the project's base-notebook;
#   - the network: the host's, in place of the overlay network "jupyterhub" (no overlay traffic
#     here), as SwarmSpawner documents it (e2e_site.host_network);
#   - the homes: the test's root-squashed mounts (bindfs by the person's uid) in place of the NFS
#     mount /srv/nfs/home, at the same place in the container (/mnt/home/<name>). Their parent is
#     mounted, not each home: bindfs --no-allow-other refuses root even a stat of the mount point,
#     which an NFS root_squash export allows, and Docker stats a bind mount's source as root;
#   - the identity directory: NBSTART_IDENTITY_DIR, a directory of the test's;
#   - the Docker engine: the test's own one-node swarm, through DOCKER_HOST.

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_site  # noqa: E402
from dockerspawner import SwarmSpawner  # noqa: E402

c = get_config()  # noqa: F821
E = os.environ
load_subconfig(E["NBSTART_E2E_RECIPE"])  # noqa: F821

e2e_site.apply(c)
e2e_site.ldap_site(c, int(E["NBSTART_E2E_LDAP_PORT"]), E["NBSTART_E2E_LDAP_CA"])
c.SwarmSpawner.image = E["NBSTART_E2E_IMAGE"]
for key, value in e2e_site.host_network(SwarmSpawner, int(E["NBSTART_E2E_SERVER_PORT"])).items():
    setattr(c.SwarmSpawner, key, value)
c.SwarmSpawner.volumes = {E["NBSTART_E2E_HOMES"]: "/mnt/home"}
