# Unit tests of hub/nbstart_hub.py: the reductions and validation as a table of auth_states, and the
# spawner hand-overs against small stand-ins for a spawner (no hub, no cluster, no Docker).
# Run: npm run test:hub (pytest in .cache/hub-venv, the venv of hub/requirements.txt)

import asyncio
import json
import os
import stat
import sys
import types

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import nbstart_hub as hub  # noqa: E402
from nbstart_hub import IdentityError, from_github, from_ldap, validate_identity  # noqa: E402

TOKEN = "gho_FAKEtoken0123456789"

# ldapauthenticator 2.x: auth_state = {"ldap_groups", "user_attributes"}; ldap3 gives lists.
LDAP = {
    "ldap_groups": ["cn=jupyter,ou=groups,dc=example,dc=org"],
    "user_attributes": {
        "uidNumber": [2001],
        "gidNumber": [2001],
        "homeDirectory": ["/mnt/home/alice"],
        "memberOf": ["cn=physics,ou=groups,dc=example,dc=org", "cn=Chem\\, Lab,ou=groups,dc=example,dc=org", "cn=other,ou=groups,dc=example,dc=org"],
        "userPassword": [TOKEN],
    },
    "posix_groups": [{"name": "alice", "gid": 2001}, {"name": "astro", "gid": 3100}, {"name": "astro2", "gid": 3100}],
}

# OAuthenticator's GitHubOAuthenticator with populate_teams_in_auth_state.
GITHUB = {
    "access_token": TOKEN,
    "refresh_token": TOKEN + "r",
    "id_token": None,
    "scope": ["read:org"],
    "token_response": {"access_token": TOKEN, "token_type": "bearer"},
    "github_user": {"login": "Bob-Dev", "id": 5550001, "email": "bob@example.org"},
    "teams": [
        {"name": "core", "organization": {"login": "NBStart-Org", "id": 7770001}},
        {"name": "docs", "organization": {"login": "NBStart-Org", "id": 7770001}},
        {"name": "ops", "organization": {"login": "other", "id": 7770002}},
    ],
}


def with_attrs(**changes):
    """LDAP with some user attributes replaced (None removes one)."""
    attrs = {k: v for k, v in {**LDAP["user_attributes"], **changes}.items() if v is not None}
    return {**LDAP, "user_attributes": attrs}


# --- reductions -----------------------------------------------------------------------------------


def test_ldap_full_shape():
    got = from_ldap(LDAP, "alice", home_attribute="homeDirectory", group_gids={"physics": 3000, "chem, lab": 3001})
    assert got == {
        "name": "alice",
        "uid": 2001,
        "gid": 2001,
        "group": "alice",
        "groups": [{"name": "astro", "gid": 3100}, {"name": "physics", "gid": 3000}, {"name": "Chem_ Lab", "gid": 3001}],
        "home": "/mnt/home/alice",
    }


def test_ldap_minimal_string_ids_and_case_insensitive_names():
    state = {"user_attributes": {"UIDNUMBER": ["2001 "], "gidnumber": "100"}}
    assert from_ldap(state, "alice") == {"name": "alice", "uid": 2001, "gid": 100, "groups": []}


def test_ldap_1x_shape_attributes_at_top_level_and_name_from_uid_attribute():
    state = {"uid": ["alice"], "uidNumber": [2001], "gidNumber": [2001]}
    assert from_ldap(state) == {"name": "alice", "uid": 2001, "gid": 2001, "groups": []}


def test_ldap_gid_attribute_none_leaves_the_gid_to_the_image():
    assert from_ldap({"user_attributes": {"uidNumber": [2001]}}, "alice", gid_attribute=None) == {"name": "alice", "uid": 2001, "groups": []}


def test_ldap_directory_group_names_pass_and_a_bad_primary_group_name_is_left_to_nbstart():
    state = {**LDAP, "posix_groups": [{"name": "Domain Users", "gid": 2001}, {"name": "Lab: Chem", "gid": 3000}]}
    got = from_ldap(state, "alice")
    assert "group" not in got and got["groups"] == [{"name": "Lab_ Chem", "gid": 3000}]


def test_ldap_memberof_is_an_allow_list():
    got = from_ldap(LDAP, "alice", group_gids={"physics": 3000})
    assert [g["name"] for g in got["groups"]] == ["astro", "physics"]


def test_github_shape():
    got = from_github(GITHUB, "bob-dev")
    assert got == {
        "name": "bob-dev",
        "uid": 5550001,
        "gid": 5550001,
        "group": "bob-dev",
        "groups": [{"name": "nbstart-org", "gid": 7770001}, {"name": "other", "gid": 7770002}],
    }


def test_github_name_defaults_to_the_lower_cased_login_and_offset_moves_all_ids():
    got = from_github({**GITHUB, "github_user": {"login": "Bob", "id": 42}, "teams": [{"organization": {"login": "o", "id": 7}}]}, id_offset=100000)
    assert got == {"name": "bob", "uid": 100042, "gid": 100042, "group": "bob", "groups": [{"name": "o", "gid": 100007}]}


def test_github_no_teams_is_fine_when_the_list_is_empty():
    assert from_github({**GITHUB, "teams": []}, "bob-dev")["groups"] == []


def test_github_long_login_leaves_the_private_group_name_to_nbstart():
    name = "b" * 39
    assert "group" not in from_github(GITHUB, name)


@pytest.mark.parametrize("reduce,state,name", [
    (lambda s, n: from_ldap(s, n, home_attribute="homeDirectory", group_gids={"physics": 3000}), LDAP, "alice"),
    (from_github, GITHUB, "bob-dev"),
])
def test_no_token_or_other_field_reaches_the_identity(reduce, state, name):
    got = reduce(state, name)
    text = hub.identity_json(got)
    assert TOKEN not in text
    assert set(got) <= {"name", "uid", "gid", "group", "groups", "home"}
    assert json.loads(text) == got


# Bad input: each raises IdentityError whose message names the field and says what to do.
BAD = [
    ("ldap: no auth_state", lambda: from_ldap(None, "alice"), r"auth_state is empty; fix: .*enable_auth_state"),
    ("ldap: empty auth_state", lambda: from_ldap({}, "alice"), r"auth_state is empty"),
    ("ldap: no user_attributes", lambda: from_ldap({"ldap_groups": []}, "alice"), r'no "user_attributes"; fix: set c\.LDAPAuthenticator\.auth_state_attributes'),
    ("ldap: missing uid", lambda: from_ldap(with_attrs(uidNumber=None), "alice"), r"user_attributes\.uidNumber: missing; fix: .*auth_state_attributes"),
    ("ldap: empty uid list", lambda: from_ldap(with_attrs(uidNumber=[]), "alice"), r"uidNumber: missing"),
    ("ldap: non-integer uid", lambda: from_ldap(with_attrs(uidNumber=["12ab"]), "alice"), r'uidNumber: expected an integer id, got "12ab"'),
    ("ldap: float uid", lambda: from_ldap(with_attrs(uidNumber=[2001.5]), "alice"), r"uidNumber: expected an integer id, got 2001.5"),
    ("ldap: two uids", lambda: from_ldap(with_attrs(uidNumber=[2001, 2002]), "alice"), r"uidNumber: expected exactly one value, got 2"),
    ("ldap: uid 0", lambda: from_ldap(with_attrs(uidNumber=[0]), "alice"), r"uidNumber: 0 is root's id"),
    ("ldap: system uid", lambda: from_ldap(with_attrs(uidNumber=[33]), "alice"), r"uidNumber: 33 is below 1000, where system accounts live"),
    ("ldap: uid too large", lambda: from_ldap(with_attrs(uidNumber=[4294967295]), "alice"), r"expected an integer from 0 to 4294967294"),
    ("ldap: missing gid", lambda: from_ldap(with_attrs(gidNumber=None), "alice"), r"gidNumber: missing"),
    ("ldap: gid 0", lambda: from_ldap(with_attrs(gidNumber=[0]), "alice"), r"gidNumber: 0 is root's id"),
    ("ldap: name with ':'", lambda: from_ldap(LDAP, "al:ice"), r'identity\.name: the user name must not contain ":"'),
    ("ldap: name with newline", lambda: from_ldap(LDAP, "al\nice"), r'must not contain "\\n"'),
    ("ldap: name all digits", lambda: from_ldap(LDAP, "1234"), r"must not be all digits"),
    ("ldap: name starting with -", lambda: from_ldap(LDAP, "-alice"), r'must not start with "-"'),
    ("ldap: relative home", lambda: from_ldap(with_attrs(homeDirectory=["home/alice"]), "alice", home_attribute="homeDirectory"), r"homeDirectory: expected an absolute path"),
    ("ldap: home with ..", lambda: from_ldap(with_attrs(homeDirectory=["/home/../etc"]), "alice", home_attribute="homeDirectory"), r'must not contain ":", braces, control characters or a ".." component'),
    ("ldap: missing home attribute", lambda: from_ldap(with_attrs(homeDirectory=None), "alice", home_attribute="homeDirectory"), r"homeDirectory: missing"),
    ("ldap: posix_groups not a list", lambda: from_ldap({**LDAP, "posix_groups": "physics"}, "alice"), r"auth_state\.posix_groups: expected a list"),
    ("ldap: posix group without gid", lambda: from_ldap({**LDAP, "posix_groups": [{"name": "x"}]}, "alice"), r"posix_groups\[0\]: expected"),
    ("ldap: posix group bad gid", lambda: from_ldap({**LDAP, "posix_groups": [{"name": "x", "gid": "x1"}]}, "alice"), r"posix_groups\[0\]\.gid: expected an integer id"),
    ("ldap: group name with a line break", lambda: from_ldap({**LDAP, "posix_groups": [{"name": "a\nb", "gid": 3000}]}, "alice"), r'groups\[0\]\.name: the group name must not contain "\\n"'),
    ("ldap: empty group name", lambda: from_ldap({**LDAP, "posix_groups": [{"name": " ", "gid": 3000}]}, "alice"), r"groups\[0\]\.name: the group name must not be empty"),
    ("ldap: group_gids value not an id", lambda: from_ldap(LDAP, "alice", group_gids={"physics": "x"}), r"group_gids\['physics'\]: expected an integer id"),
    ("github: no auth_state", lambda: from_github(None, "bob"), r"auth_state is empty; fix: use GitHubOAuthenticator"),
    ("github: no github_user", lambda: from_github({"access_token": TOKEN}, "bob"), r'no "github_user" object'),
    ("github: missing id", lambda: from_github({**GITHUB, "github_user": {"login": "bob"}}, "bob"), r"github_user\.id: missing"),
    ("github: non-integer id", lambda: from_github({**GITHUB, "github_user": {"login": "bob", "id": "abc"}}, "bob"), r'github_user\.id: expected an integer id, got "abc"'),
    ("github: boolean id", lambda: from_github({**GITHUB, "github_user": {"login": "bob", "id": True}}, "bob"), r"github_user\.id: expected an integer id, got true"),
    ("github: small id", lambda: from_github({**GITHUB, "github_user": {"login": "mojombo", "id": 1}}, "mojombo"), r"below 1000.*set id_offset"),
    ("github: no teams", lambda: from_github({k: v for k, v in GITHUB.items() if k != "teams"}, "bob"), r'no "teams"; fix: .*populate_teams_in_auth_state = True and "read:org"'),
    ("github: teams not a list", lambda: from_github({**GITHUB, "teams": {}}, "bob"), r"auth_state\.teams: expected a list"),
    ("github: team without organization", lambda: from_github({**GITHUB, "teams": [{"name": "x"}]}, "bob"), r"teams\[0\]\.organization: expected an object with login and id"),
    ("github: organization id not an integer", lambda: from_github({**GITHUB, "teams": [{"organization": {"login": "o", "id": "7x"}}]}, "bob"), r"organization\.id: expected an integer id"),
    ("github: hub name with ':'", lambda: from_github(GITHUB, "bob:dev"), r'identity\.name: the user name must not contain ":"'),
]


@pytest.mark.parametrize("label,call,message", BAD, ids=[b[0] for b in BAD])
def test_bad_input(label, call, message):
    with pytest.raises(IdentityError, match=message) as err:
        call()
    assert TOKEN not in str(err.value)


# validate_identity: the canonical shape as nbstart reads it.
def test_validate_accepts_the_canonical_example():
    example = {"name": "alice", "uid": 1010, "gid": 1010, "group": "alice", "groups": [{"name": "physics", "gid": 3000}], "home": "/mnt/home/alice"}
    assert validate_identity(example) == example
    assert validate_identity({"name": "alice", "uid": 1010}) == {"name": "alice", "uid": 1010}


@pytest.mark.parametrize("identity,message", [
    ({"uid": 1010}, r"identity\.name: missing"),
    ({"name": "alice"}, r"identity\.uid: missing"),
    ({"name": "alice", "uid": "1010"}, r"identity\.uid: expected an integer, got \"1010\""),
    ({"name": "alice", "uid": True}, r"identity\.uid: expected an integer"),
    ({"name": "alice", "uid": 1010, "access_token": TOKEN}, r"unknown field\(s\) access_token"),
    ({"name": "alice", "uid": 1010, "groups": [{"name": "x", "gid": 3000, "extra": 1}]}, r"groups\[0\]: expected"),
    ({"name": "alice", "uid": 1010, "group": "g" * 33}, r"identity\.group: the group name must be at most 32 characters"),
    ({"name": "alice", "uid": 1010, "groups": [{"name": "a:b", "gid": 3000}]}, r'groups\[0\]\.name: the group name must not contain ":"'),
    ({"name": "alice", "uid": 1010, "groups": [{"name": "a,b", "gid": 3000}]}, r'groups\[0\]\.name: the group name must not contain ","'),
    ("alice", r"identity: expected an object"),
])
def test_validate_rejects(identity, message):
    with pytest.raises(IdentityError, match=message) as err:
        validate_identity(identity)
    assert TOKEN not in str(err.value)


def test_settings_start_as_root_with_only_the_needed_capabilities():
    assert hub.CAPABILITIES == ("CHOWN", "SETGID", "SETUID")
    csc = hub.KUBESPAWNER_CONTAINER_SECURITY_CONTEXT
    assert csc["runAsUser"] == 0 and csc["capabilities"] == {"drop": ["ALL"], "add": ["CHOWN", "SETGID", "SETUID"]}
    assert all("_" not in k for k in csc)  # KubeSpawner refuses snake_case keys
    assert hub.DOCKER_HOST_CONFIG == {"cap_drop": ["ALL"], "cap_add": ["CHOWN", "SETGID", "SETUID"]}
    assert hub.DOCKER_CREATE_KWARGS == {"user": "root"}
    assert hub.SWARM_CONTAINER_SPEC["user"] == "root"


# --- hand-over to spawners ------------------------------------------------------------------------


class Log:
    def __init__(self):
        self.lines = []

    def info(self, msg, *args):
        self.lines.append(msg % args)


class User:
    def __init__(self, name, auth_state):
        self.name = name
        self._auth_state = auth_state

    async def get_auth_state(self):
        return self._auth_state


class FakeSpawner:
    """The attributes of KubeSpawner/DockerSpawner that the hooks touch."""

    def __init__(self, name="alice", auth_state=LDAP, server=""):
        self.user = User(name, auth_state)
        self.name = server
        self.log = Log()
        self.environment = {"KEEP": "1"}
        self.read_only_volumes = {"/srv/shared": "/shared"}
        self.volumes = [{"name": "home", "nfs": {"server": "nfs", "path": "/home"}}]
        self.volume_mounts = [{"name": "home", "mountPath": "/home"}]
        self.pod_name = f"jupyter-{name}"
        self.namespace = "jhub"


def run(coro):
    return asyncio.run(coro)


def test_docker_hook_writes_a_world_readable_file_and_mounts_its_directory(tmp_path):
    spawner = FakeSpawner()
    run(hub.dockerspawner_hook(from_ldap, str(tmp_path), home_attribute="homeDirectory")(spawner))
    server_dir = tmp_path / "alice"
    path = server_dir / "identity.json"
    assert json.loads(path.read_text()) == {"name": "alice", "uid": 2001, "gid": 2001, "group": "alice", "groups": [{"name": "astro", "gid": 3100}], "home": "/mnt/home/alice"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o444 and stat.S_IMODE(server_dir.stat().st_mode) == 0o755
    assert TOKEN not in path.read_text()
    assert spawner.read_only_volumes == {"/srv/shared": "/shared", str(server_dir): "/run/nbstart"}
    assert spawner.environment == {"KEEP": "1", "NBSTART_AUTH_STATE_FILE": "/run/nbstart/identity.json"}
    assert [x for x in os.listdir(server_dir)] == ["identity.json"]  # no temporary file left
    assert "uid 2001, gid 2001, groups astro:3100" in spawner.log.lines[0]

    # A restart of the same spawner object rewrites, and mounts once.
    run(hub.dockerspawner_hook(from_ldap, str(tmp_path))(spawner))
    assert len(spawner.read_only_volumes) == 2 and "home" not in json.loads(path.read_text())

    hub.dockerspawner_cleanup(str(tmp_path))(spawner)
    assert not server_dir.exists()
    hub.dockerspawner_cleanup(str(tmp_path))(spawner)  # twice is fine


def test_docker_hook_names_directories_unambiguously(tmp_path):
    spawner = FakeSpawner(name="Bob.Dev@x-y", auth_state=GITHUB, server="gpu 1")
    run(hub.dockerspawner_hook(from_github, str(tmp_path))(spawner))
    assert os.listdir(tmp_path) == ["-42ob-2e-44ev-40x-2dy--gpu-201"]


def test_docker_hook_refuses_a_directory_docker_would_misread(tmp_path):
    with pytest.raises(ValueError, match="braces or colons"):
        hub.dockerspawner_hook(from_ldap, str(tmp_path / "{username}"))


@pytest.mark.parametrize("auth_state,message", [
    (None, r"^nbstart: cannot start alice's server: the user has no auth_state; fix: set c\.Authenticator\.enable_auth_state = True"),
    ({"user_attributes": {"gidNumber": [2001]}}, r"^nbstart: cannot start alice's server: auth_state\.user_attributes\.uidNumber: missing"),
])
def test_hooks_fail_the_spawn_with_a_message_for_the_admin(tmp_path, auth_state, message):
    for make in (
        lambda: hub.dockerspawner_hook(from_ldap, str(tmp_path)),
        lambda: hub.kubespawner_hook(from_ldap),
        lambda: hub.environment_hook(from_ldap),
    ):
        spawner = FakeSpawner(auth_state=auth_state)
        spawner.api = FakeKubeApi()
        with pytest.raises(IdentityError, match=message):
            run(make()(spawner))
        assert "NBSTART_AUTH_STATE_FILE" not in spawner.environment and "NBSTART_AUTH_STATE" not in spawner.environment
        assert spawner.api.calls == []
    assert os.listdir(tmp_path) == []


class ApiError(Exception):
    def __init__(self, status):
        super().__init__(f"HTTP {status}")
        self.status = status


class FakeKubeApi:
    """kubernetes_asyncio's CoreV1Api, as far as the hooks use it."""

    def __init__(self, exists=False, conflicts=0):
        self.secrets = {"jupyter-alice-nbstart-identity": {}} if exists else {}
        self.conflicts = conflicts
        self.calls = []

    async def create_namespaced_secret(self, namespace, body):
        self.calls.append(("create", namespace, body["metadata"]["name"]))
        if self.conflicts:
            self.conflicts -= 1
            raise ApiError(409)
        self.secrets[body["metadata"]["name"]] = body

    async def delete_namespaced_secret(self, name, namespace):
        self.calls.append(("delete", namespace, name))
        if name not in self.secrets:
            raise ApiError(404)
        del self.secrets[name]


def test_kube_hook_creates_a_secret_and_mounts_it_read_only():
    spawner = FakeSpawner(name="bob-dev", auth_state=GITHUB)
    spawner.pod_name = "jupyter-bob-dev"
    spawner.api = FakeKubeApi()
    run(hub.kubespawner_hook(from_github)(spawner))
    secret = spawner.api.secrets["jupyter-bob-dev-nbstart-identity"]
    assert json.loads(secret["stringData"]["identity.json"])["uid"] == 5550001
    assert TOKEN not in json.dumps(secret)
    assert spawner.volumes[-1] == {"name": "nbstart-identity", "secret": {"secretName": "jupyter-bob-dev-nbstart-identity", "defaultMode": 0o400}}
    assert spawner.volume_mounts[-1] == {"name": "nbstart-identity", "mountPath": "/run/nbstart", "readOnly": True}
    assert spawner.environment["NBSTART_AUTH_STATE_FILE"] == "/run/nbstart/identity.json"
    # Nothing of the identity, let alone a token, is in the pod's settings.
    assert TOKEN not in json.dumps([spawner.volumes, spawner.volume_mounts, spawner.environment])


def test_kube_hook_replaces_an_old_secret_and_does_not_duplicate_volumes_on_restart():
    spawner = FakeSpawner()
    spawner.api = FakeKubeApi(exists=True, conflicts=1)
    hook = hub.kubespawner_hook(from_ldap)
    run(hook(spawner))
    run(hook(spawner))
    assert [v["name"] for v in spawner.volumes] == ["home", "nbstart-identity"]
    assert [m["name"] for m in spawner.volume_mounts] == ["home", "nbstart-identity"]
    assert spawner.api.calls[:3] == [("delete", "jhub", "jupyter-alice-nbstart-identity"), ("create", "jhub", "jupyter-alice-nbstart-identity"), ("create", "jhub", "jupyter-alice-nbstart-identity")]
    run(hub.kubespawner_cleanup(spawner))
    run(hub.kubespawner_cleanup(spawner))  # already gone: fine
    assert spawner.api.secrets == {}


def test_kube_hook_keeps_dict_shaped_volumes_dict_shaped():
    spawner = FakeSpawner()
    spawner.volumes = {"home": {"name": "home", "emptyDir": {}}}
    spawner.volume_mounts = {"home": {"name": "home", "mountPath": "/home"}}
    spawner.api = FakeKubeApi()
    run(hub.kubespawner_hook(from_ldap)(spawner))
    assert sorted(spawner.volumes) == ["home", "nbstart-identity"] and sorted(spawner.volume_mounts) == ["home", "nbstart-identity"]


def test_kube_hook_passes_other_api_errors_on():
    spawner = FakeSpawner()
    spawner.api = FakeKubeApi()

    async def forbidden(namespace, body):
        raise ApiError(403)

    spawner.api.create_namespaced_secret = forbidden
    with pytest.raises(ApiError):
        run(hub.kubespawner_hook(from_ldap)(spawner))


def test_environment_hook_sets_json_and_escapes_braces_for_kubespawner():
    spawner = FakeSpawner()
    run(hub.environment_hook(from_ldap)(spawner))
    assert json.loads(spawner.environment["NBSTART_AUTH_STATE"])["uid"] == 2001
    run(hub.environment_hook(from_ldap, escape_braces=True)(spawner))
    text = spawner.environment["NBSTART_AUTH_STATE"]
    assert text.startswith("{{") and json.loads(text.format()) == from_ldap(LDAP, "alice")


def test_ldap_posix_groups_hook_adds_groups_to_auth_state(monkeypatch):
    conv = types.ModuleType("ldap3.utils.conv")
    conv.escape_filter_chars = lambda s: s.replace("(", "\\28").replace(")", "\\29").replace("*", "\\2a")
    for mod, value in (("ldap3", types.ModuleType("ldap3")), ("ldap3.utils", types.ModuleType("ldap3.utils")), ("ldap3.utils.conv", conv)):
        monkeypatch.setitem(sys.modules, mod, value)
    searches = []

    class Entry:
        def __init__(self, cn, gid):
            self.entry_attributes_as_dict = {"cn": [cn], "gidNumber": [gid]}

    class Conn:
        bound = True
        entries = [Entry("physics", 3000), Entry("astro", "3100")]

        def search(self, base, query, attributes):
            searches.append((base, query, attributes))

        def unbind(self):
            searches.append("unbind")

    class Authenticator:
        lookup_dn_search_user = "cn=reader,dc=example,dc=org"
        lookup_dn_search_password = "pw"

        def get_connection(self, user, password):
            return Conn()

    hook = hub.ldap_posix_groups_hook("ou=groups,dc=example,dc=org")
    auth = run(hook(Authenticator(), None, {"name": "al*ice", "auth_state": {"user_attributes": {"uidNumber": [2001]}}}))
    assert auth["auth_state"]["posix_groups"] == [{"name": "physics", "gid": 3000}, {"name": "astro", "gid": 3100}]
    assert auth["auth_state"]["user_attributes"] == {"uidNumber": [2001]}
    assert searches == [("ou=groups,dc=example,dc=org", "(&(objectClass=posixGroup)(memberUid=al\\2aice))", ["cn", "gidNumber"]), "unbind"]

    by_dn = hub.ldap_posix_groups_hook("ou=groups,dc=example,dc=org", search_filter="(member={userdn})")
    with pytest.raises(IdentityError, match="DN is not in auth_state"):
        run(by_dn(Authenticator(), None, {"name": "alice", "auth_state": {"user_attributes": {}}}))
    run(by_dn(Authenticator(), None, {"name": "alice", "auth_state": {"user_attributes": {"entryDN": ["uid=alice,ou=people,dc=example,dc=org"]}}}))
    assert searches[-2][1] == "(member=uid=alice,ou=people,dc=example,dc=org)"
