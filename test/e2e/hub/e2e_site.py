# What every hub of the hub tests sets that is the site's, not the recipe's: where the hub listens
# (127.0.0.1, ports chosen by the test), its database and cookie secret in the test's directory, and
# the test's service with its token for the REST API. The recipes themselves are loaded unchanged by
# the config files beside this one; each says which site values it sets and why.

import os

E = os.environ
DIR = E["NBSTART_E2E_DIR"]
HUB_URL = f"http://127.0.0.1:{E['NBSTART_E2E_HUB_PORT']}"


def apply(c):
    """The site settings every test hub shares."""
    c.JupyterHub.bind_url = f"http://127.0.0.1:{E['NBSTART_E2E_PROXY_PORT']}"
    c.JupyterHub.hub_bind_url = HUB_URL
    # The servers run on the host's network (no bridge or NAT here) and reach the hub on loopback.
    c.JupyterHub.hub_connect_url = HUB_URL
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{E['NBSTART_E2E_PROXY_API_PORT']}"
    c.ConfigurableHTTPProxy.pid_file = os.path.join(DIR, "proxy.pid")
    c.JupyterHub.db_url = f"sqlite:///{os.path.join(DIR, 'jupyterhub.sqlite')}"
    c.JupyterHub.cookie_secret_file = os.path.join(DIR, "jupyterhub_cookie_secret")
    c.JupyterHub.cleanup_servers = True
    c.JupyterHub.services = [{"name": "e2e", "api_token": E["NBSTART_E2E_SERVICE_TOKEN"]}]
    c.JupyterHub.load_roles = [{"name": "e2e", "scopes": ["admin:users", "admin:servers", "access:servers", "read:users"], "services": ["e2e"]}]
    c.Spawner.start_timeout = 120
    c.Spawner.http_timeout = 90


def host_network(spawner_class, port):
    """DockerSpawner and SwarmSpawner on the host's network, as their docs say to do it: the
    server listens on `port` of 127.0.0.1 and get_ip_and_port says so (it would ask Docker for a
    published port or a network address, which the host network has neither of)."""

    async def get_ip_and_port(self):
        return "127.0.0.1", self.port

    spawner_class.get_ip_and_port = get_ip_and_port
    return {"network_name": "host", "use_internal_ip": True, "port": port}


def ldap_site(c, port, ca_file):
    """The test's slapd in place of ldap.example.org: its port and CA. The directory has the
    recipes' tree (ou=people, ou=groups, the search user cn=jupyterhub,ou=services)."""
    c.LDAPAuthenticator.server_address = "127.0.0.1"
    c.LDAPAuthenticator.server_port = port
    c.LDAPAuthenticator.tls_kwargs = {**c.LDAPAuthenticator.get("tls_kwargs", {}), "ca_certs_file": ca_file}
