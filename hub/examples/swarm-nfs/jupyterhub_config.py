# JupyterHub on Docker Swarm (SwarmSpawner) with homes on NFS and people from LDAP: the service
# starts as root, nbstart becomes the person with their directory uid/gid and POSIX groups, so the
# NFS server (root-squashed) sees the person's own ids. Nothing secret is passed: the identity file
# lies on the shared NFS storage, mounted read-only into the service.
#
# Every node mounts the NFS export at the same place (fstab or autofs), e.g.
#   nfs.example.org:/export/home      /srv/nfs/home      nfs4  defaults  0 0
#   nfs.example.org:/export/jupyter   /srv/nfs/jupyter   nfs4  defaults  0 0
# /export/jupyter/nbstart-identities must be writable by the hub (its host's root, so export it
# with no_root_squash to the manager only, or run the hub as the directory's owner) and readable
# by everyone (the files hold ids and group names, as `getent passwd` shows them anyway).
# The hub service runs on a manager with /var/run/docker.sock and /srv/nfs/jupyter mounted at the
# same paths. Put nbstart_hub.py next to this file. JUPYTERHUB_CRYPT_KEY=$(openssl rand -hex 32).
# test/e2e/hub-docker.test.ts runs this file in a real JupyterHub with a real slapd, the real
# LDAPAuthenticator and SwarmSpawner on a one-node Docker swarm, and a root-squashed home.

import os
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nbstart_hub  # noqa: E402

c = get_config()  # noqa: F821

# --- who: LDAP with uid/gid numbers and POSIX groups (see ../z2jh-ldap/values.yaml) -------------
c.JupyterHub.authenticator_class = "ldapauthenticator.LDAPAuthenticator"
c.LDAPAuthenticator.server_address = "ldap.example.org"
c.LDAPAuthenticator.tls_strategy = "on_connect"
# Check the server's certificate (against the system's CAs, or add "ca_certs_file": ...):
# ldapauthenticator does not by default.
c.LDAPAuthenticator.tls_kwargs = {"validate": ssl.CERT_REQUIRED}
c.LDAPAuthenticator.lookup_dn = True
c.LDAPAuthenticator.lookup_dn_search_user = "cn=jupyterhub,ou=services,dc=example,dc=org"
c.LDAPAuthenticator.lookup_dn_search_password = os.environ["LDAP_SEARCH_PASSWORD"]
c.LDAPAuthenticator.user_search_base = "ou=people,dc=example,dc=org"
c.LDAPAuthenticator.user_attribute = "uid"
c.LDAPAuthenticator.lookup_dn_user_dn_attribute = "uid"
c.LDAPAuthenticator.auth_state_attributes = ["uidNumber", "gidNumber"]
c.LDAPAuthenticator.post_auth_hook = nbstart_hub.ldap_posix_groups_hook("ou=groups,dc=example,dc=org")
c.Authenticator.enable_auth_state = True
# JupyterHub >= 5 lets no one in by default: everyone in the directory here (or
# c.LDAPAuthenticator.allowed_groups = [...]).
c.Authenticator.allow_all = True

# --- where: a Swarm service per server ----------------------------------------------------------
c.JupyterHub.spawner_class = "dockerspawner.SwarmSpawner"
c.JupyterHub.hub_ip = "0.0.0.0"
c.SwarmSpawner.network_name = "jupyterhub"  # an overlay network shared with the hub
c.SwarmSpawner.image = "registry.example.org/nbstart-notebook:latest"  # nbstart as ENTRYPOINT
c.SwarmSpawner.cmd = ["jupyterhub-singleuser"]
# --user root --cap-drop ALL --cap-add CHOWN,SETGID,SETUID (docker-py >= 5, Docker >= 20.10).
# Do not put "mounts" in extra_container_spec: it would replace the spawner's mounts, the identity
# among them.
c.SwarmSpawner.extra_container_spec = nbstart_hub.SWARM_CONTAINER_SPEC
# The person's NFS home, bind-mounted from the node's NFS mount (no volume_driver: SwarmSpawner
# would apply it to every mount, the identity's bind mount included). nbstart uses it as the
# external home: it makes /home/<name>, and as the person (root is squashed) creates
# jupyter/.jupyter there and exports JUPYTER_CONFIG_DIR. {user} is nbstart's name for the person
# (JupyterHub's username), as is the spawner's {raw_username}; its {username} is escaped (bob-dev
# would be bob-2ddev) and names neither the directory on NFS nor the home nbstart uses.
c.SwarmSpawner.volumes = {"/srv/nfs/home/{raw_username}": "/mnt/home/{raw_username}"}
c.SwarmSpawner.environment = {"NBSTART_HOME_SOURCE": "/mnt/home/{user}"}

# --- the identity: a file on the shared NFS, mounted read-only -----------------------------------
IDENTITY_DIR = os.environ.get("NBSTART_IDENTITY_DIR", "/srv/nfs/jupyter/nbstart-identities")
c.SwarmSpawner.pre_spawn_hook = nbstart_hub.dockerspawner_hook(nbstart_hub.from_ldap, IDENTITY_DIR)
c.SwarmSpawner.post_stop_hook = nbstart_hub.dockerspawner_cleanup(IDENTITY_DIR)
