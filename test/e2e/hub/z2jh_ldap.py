# The hub of test/e2e/hub-kube.test.ts, recipe (a): hub/examples/z2jh-ldap/values.yaml loaded as
# zero-to-jupyterhub loads it (z2jh.py), with nbstart_hub.py as the helm command line in the recipe
# hands it over, then only what belongs to the site:
#   - the directory: the test's slapd (port and CA) in place of ldap.example.org, and the search
#     user's password in place of CHANGE-ME;
#   - the image: the project's base-notebook in place of registry.example.org/nbstart-notebook;
#   - the homes: a hostPath to the test's homes in place of the NFS server (podman kube play has no
#     nfs volumes), at the recipe's mount path and subPath;
#   - the network: the host's (hostNetwork, a port of the test's): no pod network here;
#   - the cluster: the test's stand-in of the Kubernetes API (KUBECONFIG), which keeps what
#     KubeSpawner asks for and runs it with podman kube play (lib/kube-api.ts).

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_site  # noqa: E402
import z2jh  # noqa: E402

c = get_config()  # noqa: F821
E = os.environ
z2jh.load(c, E["NBSTART_E2E_RECIPE"], {"nbstart-hub": E["NBSTART_E2E_NBSTART_HUB"]})

e2e_site.apply(c)
e2e_site.ldap_site(c, int(E["NBSTART_E2E_LDAP_PORT"]), E["NBSTART_E2E_LDAP_CA"])
c.LDAPAuthenticator.lookup_dn_search_password = E["LDAP_SEARCH_PASSWORD"]
c.KubeSpawner.image = E["NBSTART_E2E_IMAGE"]
c.KubeSpawner.volumes["nfs-home"] = {"name": "nfs-home", "hostPath": {"path": E["NBSTART_E2E_HOMES"], "type": "Directory"}}
c.KubeSpawner.extra_pod_config = {"hostNetwork": True}
c.KubeSpawner.port = int(E["NBSTART_E2E_SERVER_PORT"])
