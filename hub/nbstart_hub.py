"""Hand a JupyterHub user's identity to an nbstart container, and nothing else.

nbstart (the container's entrypoint, started as root) reads the person it should become from
NBSTART_AUTH_STATE_FILE (a JSON file) or NBSTART_AUTH_STATE (the same JSON as a string):

    {"name": "alice", "uid": 2001, "gid": 2001, "group": "alice",
     "groups": [{"name": "physics", "gid": 3000}], "home": "/mnt/home/alice"}

Only name and uid are required. "home" is the person's external home as mounted in the container
(nbstart's [home] source, e.g. an NFS export): nbstart still makes /home/<name> and links into it. This module turns an authenticator's auth_state into that
canonical identity and hands it to the spawner. A whole auth_state is never passed on: it holds
access tokens (OAuthenticator's access_token, refresh_token, id_token, token_response), and
anything in a pod spec or a container's configuration can be read by whoever can read those.

The canonical identity is hub/identity.schema.json; validate_identity and nbstart accept exactly
what it accepts (hub/tests/test_identity_contract.py, test/unit/config/identity-contract.test.ts).

Three parts, usable on their own:

  reductions   from_ldap(auth_state, name, ...), from_github(auth_state, name, ...) and
               validate_identity(identity): pure functions, raising IdentityError with a message
               for the hub admin when a field is missing or malformed.
  hand-over    pre_spawn_hook factories that reduce the user's auth_state and give it to the
               container: kubespawner_hook (a Kubernetes Secret mounted read-only),
               dockerspawner_hook (a file in a host directory, bind-mounted read-only; also for
               SwarmSpawner) and environment_hook (NBSTART_AUTH_STATE, where no file can be
               mounted). A failure fails the spawn and JupyterHub logs the message
               ("Unhandled error starting alice's server: nbstart: ..."): no server ever starts
               as the image's default user by accident.
  settings     what the container needs to start as root with only the capabilities nbstart
               uses: CAPABILITIES, KUBESPAWNER_CONTAINER_SECURITY_CONTEXT, DOCKER_CREATE_KWARGS,
               DOCKER_HOST_CONFIG, SWARM_CONTAINER_SPEC.

Needs only the Python standard library (3.8+); kubespawner_hook uses the KubeSpawner's own
Kubernetes client. See hub/README.md for the recipes.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from typing import Any, Callable, Dict, List, Mapping, Optional

__all__ = [
    "IdentityError",
    "validate_identity",
    "identity_json",
    "from_ldap",
    "from_github",
    "ldap_posix_groups_hook",
    "write_identity_file",
    "kubespawner_hook",
    "kubespawner_cleanup",
    "dockerspawner_hook",
    "dockerspawner_cleanup",
    "environment_hook",
    "CAPABILITIES",
    "KUBESPAWNER_CONTAINER_SECURITY_CONTEXT",
    "DOCKER_CREATE_KWARGS",
    "DOCKER_HOST_CONFIG",
    "SWARM_CONTAINER_SPEC",
    "MOUNT_DIR",
    "FILE_PATH",
]

# Largest uid/gid nbstart accepts (2^32 - 2; 2^32 - 1 is the kernel's "no id").
MAX_ID = 4294967294
# Ids below this belong to system accounts (Debian's and Ubuntu's convention); a person mapped onto
# one would own, say, www-data's files. Each reduction takes min_uid to lower it deliberately.
MIN_UID = 1000
# nbstart's limits: user names up to 256 characters, primary group names (NB_GROUP) up to 32.
MAX_USER_NAME = 256
MAX_GROUP_NAME = 32

# Where the identity file appears inside the container, for every hand-over that uses a file.
MOUNT_DIR = "/run/nbstart"
FILE_NAME = "identity.json"
FILE_PATH = MOUNT_DIR + "/" + FILE_NAME

# What nbstart does as root needs exactly these: SETUID and SETGID for the privilege drop
# (setgroups, setgid, setuid), CHOWN for giving the home to a changed uid/gid and for keeping
# /etc/shadow and /etc/gshadow owned by group shadow when it rewrites them. Without
# DAC_OVERRIDE, root reads only what its owner or mode bits allow: hence the identity files here
# are root-owned (Kubernetes Secret) or world-readable (host directory).
CAPABILITIES = ("CHOWN", "SETGID", "SETUID")

# c.KubeSpawner.container_security_context: start as root with only nbstart's capabilities.
# allowPrivilegeEscalation False sets no_new_privs: the drop still works, sudo does not (GRANT_SUDO
# needs True). Pod-level fsGroup and supplementalGroups are left to the admin: see hub/README.md.
KUBESPAWNER_CONTAINER_SECURITY_CONTEXT: Dict[str, Any] = {
    "runAsUser": 0,
    "runAsGroup": 0,
    "runAsNonRoot": False,
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"], "add": list(CAPABILITIES)},
}
# c.DockerSpawner.extra_create_kwargs and extra_host_config: `docker run --user root
# --cap-drop ALL --cap-add CHOWN --cap-add SETGID --cap-add SETUID`.
DOCKER_CREATE_KWARGS: Dict[str, Any] = {"user": "root"}
DOCKER_HOST_CONFIG: Dict[str, Any] = {"cap_drop": ["ALL"], "cap_add": list(CAPABILITIES)}
# c.SwarmSpawner.extra_container_spec: the same for a service (docker-py >= 5, Docker API >= 1.41).
SWARM_CONTAINER_SPEC: Dict[str, Any] = {"user": "root", "cap_drop": ["ALL"], "cap_add": list(CAPABILITIES)}

IDENTITY_ENV = "NBSTART_AUTH_STATE"
IDENTITY_FILE_ENV = "NBSTART_AUTH_STATE_FILE"
VOLUME_NAME = "nbstart-identity"


class IdentityError(ValueError):
    """The auth_state cannot be turned into an identity; the message is written for the hub admin."""


# --- validation -----------------------------------------------------------------------------------

# The character rules of hub/identity.schema.json, the contract nbstart follows too (pytest checks
# that these classes are the schema's): no name or path holds a control (C0, C1), format (bidi
# overrides, zero-width), line or paragraph separator, lone surrogate or U+FFFD character; names
# hold no white space (ECMAScript's \s, listed here because Python's \s differs).
_FORBIDDEN = (
    "\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb\ufffd\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_WHITE_SPACE = "\t-\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_BAD_NAME_CHARS = re.compile(f"[{_FORBIDDEN}{_WHITE_SPACE}:,/\\\\]")
_BAD_GROUP_CHARS = re.compile(f"[{_FORBIDDEN}:,]")
_BAD_HOME_CHARS = re.compile(f"[{_FORBIDDEN}:{{}}]")
_EDGE_SPACE = re.compile(f"^[{_WHITE_SPACE}]+|[{_WHITE_SPACE}]+\\Z")
MAX_GROUPS = 65534  # NGROUPS_MAX (65536) less the primary group and users
MAX_HOME = 4096


def _show(value: Any) -> str:
    """A short rendering of a field's own value for a message (never the whole auth_state)."""
    text = json.dumps(value, default=repr) if not isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _name_problem(name: Any, max_length: int) -> Optional[str]:
    """Why `name` cannot be a user or primary group name in the container, or None."""
    if not isinstance(name, str):
        return "must be a string"
    if name == "":
        return "must not be empty"
    bad = _BAD_NAME_CHARS.search(name)
    if bad:
        return f'must not contain {json.dumps(bad.group())} (":", ",", "/", white space and control characters break /etc/passwd and /etc/group)'
    if name[0] in "-+":
        return 'must not start with "-" or "+"'
    if name[0] == "#":
        return 'must not start with "#" (the line would read as a comment)'
    if name in (".", ".."):
        return 'must not be "." or ".."'
    if re.fullmatch("[0-9]+", name):
        return "must not be all digits (it would read as a numeric id)"
    if len(name) > max_length:
        return f"must be at most {max_length} characters"
    return None


def _group_name_problem(name: Any) -> Optional[str]:
    """Why `name` cannot name a supplementary group, or None. Directory names such as
    "Domain Users" are fine: nbstart turns them into names groupadd accepts."""
    if not isinstance(name, str):
        return "must be a string"
    if name == "":
        return "must not be empty"
    bad = _BAD_GROUP_CHARS.search(name)
    if bad:
        return f"must not contain {json.dumps(bad.group())} (\":\" and \",\" separate NBSTART_GROUPS entries; control characters break /etc/group)"
    if _EDGE_SPACE.search(name):
        return "must not start or end with white space"
    if len(name) > MAX_USER_NAME:
        return f"must be at most {MAX_USER_NAME} characters"
    return None


def _directory_group_name(name: Any) -> Any:
    """A group name from a directory with ":" and "," made "_" and white space at the ends cut, as
    nbstart does with every other character groupadd refuses: "Chem, Lab" must not fail a spawn."""
    return _EDGE_SPACE.sub("", re.sub(r"[:,]", "_", name)) if isinstance(name, str) else name


def _as_int(value: Any, strings: bool) -> Optional[int]:
    """An integer from a JSON number (1010.0 is 1010, as JSON Schema says) or, when `strings`, a
    decimal string (LDAP servers send either); None for anything else, booleans included."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if strings and isinstance(value, str) and re.fullmatch(" *[0-9]{1,10} *", value):
        return int(value)
    return None


def _id(value: Any, where: str, hint: str, minimum: int = 1, strings: bool = True) -> int:
    """An id, checked against the range and `minimum`."""
    number = _as_int(value, strings)
    if number is None:
        raise IdentityError(f"{where}: expected an integer id, got {_show(value)}; fix: {hint}")
    if number < 0 or number > MAX_ID:
        raise IdentityError(f"{where}: expected an integer from 0 to {MAX_ID}, got {number}; fix: {hint}")
    if number == 0:
        raise IdentityError(f"{where}: 0 is root's id, which a hub never hands out; fix: {hint}")
    if number < minimum:
        raise IdentityError(
            f"{where}: {number} is below {minimum}, where system accounts live; fix: {hint}, "
            f"or lower min_uid deliberately"
        )
    return number


def validate_identity(identity: Any, *, min_uid: int = MIN_UID) -> Dict[str, Any]:
    """Checks a canonical identity (hub/identity.schema.json, plus the hub's min_uid policy) and
    returns a fresh copy holding only the canonical fields."""
    if not isinstance(identity, Mapping):
        raise IdentityError(f"identity: expected an object, got {_show(identity)}")
    unknown = sorted(set(identity) - {"name", "uid", "gid", "group", "groups", "home"})
    if unknown:
        raise IdentityError(f"identity: unknown field(s) {', '.join(unknown)}; only name, uid, gid, group, groups and home are handed over")
    if "name" not in identity:
        raise IdentityError("identity.name: missing")
    why = _name_problem(identity["name"], MAX_USER_NAME)
    if why:
        raise IdentityError(f"identity.name: the user name {why}, got {_show(identity['name'])}")
    if "uid" not in identity:
        raise IdentityError("identity.uid: missing")
    out: Dict[str, Any] = {"name": identity["name"], "uid": _strict_id(identity["uid"], "identity.uid", min_uid)}
    if "gid" in identity:
        out["gid"] = _strict_id(identity["gid"], "identity.gid", 1)
    if "group" in identity:
        why = _name_problem(identity["group"], MAX_GROUP_NAME)
        if why:
            raise IdentityError(f"identity.group: the group name {why}, got {_show(identity['group'])}")
        out["group"] = identity["group"]
    if "groups" in identity:
        groups = identity["groups"]
        if not isinstance(groups, (list, tuple)):
            raise IdentityError(f"identity.groups: expected a list of {{name, gid}}, got {_show(groups)}")
        if len(groups) > MAX_GROUPS:
            raise IdentityError(f"identity.groups: {len(groups)} groups are more than a process may have ({MAX_GROUPS} besides the primary group and users)")
        out["groups"] = []
        for i, g in enumerate(groups):
            where = f"identity.groups[{i}]"
            if not isinstance(g, Mapping) or set(g) != {"name", "gid"}:
                raise IdentityError(f"{where}: expected {{\"name\": ..., \"gid\": ...}}, got {_show(g)}")
            why = _group_name_problem(g["name"])
            if why:
                raise IdentityError(f"{where}.name: the group name {why}, got {_show(g['name'])}")
            out["groups"].append({"name": g["name"], "gid": _strict_id(g["gid"], f"{where}.gid", 1)})
    if "home" in identity:
        out["home"] = _home(identity["home"], "identity.home")
    return out


def _strict_id(value: Any, where: str, minimum: int) -> int:
    """A canonical id: a JSON integer (no strings here, unlike raw LDAP attributes)."""
    if _as_int(value, strings=False) is None:
        raise IdentityError(f"{where}: expected an integer, got {_show(value)}")
    return _id(value, where, "hand over a plain integer", minimum, strings=False)


def _home(value: Any, where: str) -> str:
    """An absolute home path that fits a passwd line (the schema's home)."""
    if not isinstance(value, str) or not value.startswith("/"):
        raise IdentityError(f"{where}: expected an absolute path, got {_show(value)}")
    bad = _BAD_HOME_CHARS.search(value)
    if bad or ".." in value.split("/"):
        raise IdentityError(f'{where}: must not contain ":", braces, control characters or a ".." component, got {_show(value)}')
    if _EDGE_SPACE.search(value) or len(value) > MAX_HOME:
        raise IdentityError(f"{where}: must not end with white space and must be at most {MAX_HOME} characters, got {_show(value)}")
    return value


def _groups(found: List[Dict[str, Any]], primary: Optional[int]) -> tuple:
    """Splits collected groups into (primary group name or None, supplementary groups by first gid)."""
    group_name = None
    seen = set()
    rest = []
    for g in found:
        if g["gid"] == primary:
            group_name = group_name or g["name"]
        elif g["gid"] not in seen:
            seen.add(g["gid"])
            rest.append(g)
    return group_name, rest


def identity_json(identity: Mapping[str, Any]) -> str:
    """The identity as the JSON text nbstart reads (one line, UTF-8 safe)."""
    return json.dumps(dict(identity), separators=(",", ":"), ensure_ascii=False) + "\n"


# --- LDAP -----------------------------------------------------------------------------------------

_LDAP_HINT = (
    'set c.LDAPAuthenticator.auth_state_attributes = ["uidNumber", "gidNumber"] (plus any other '
    "attribute used), c.Authenticator.enable_auth_state = True with JUPYTERHUB_CRYPT_KEY set, "
    "and have the user log in again"
)


def _ldap_attribute(attrs: Mapping[str, Any], key: str) -> Any:
    """An attribute by case-insensitive name (LDAP names are case-insensitive), or None."""
    if key in attrs:
        return attrs[key]
    lowered = key.lower()
    for k, v in attrs.items():
        if isinstance(k, str) and k.lower() == lowered:
            return v
    return None


def _single(value: Any, where: str) -> Any:
    """The one value of an LDAP attribute (ldap3 gives lists), or the value itself."""
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise IdentityError(f"{where}: expected exactly one value, got {len(value)} ({_show(list(value))})")
        return value[0]
    return value


def _first_rdn_value(dn: str) -> str:
    """"physics" from "cn=physics,ou=groups,dc=example,dc=org" (escaped commas kept)."""
    first = re.split(r"(?<!\\),", dn, maxsplit=1)[0]
    return first.split("=", 1)[1].replace("\\,", ",").strip() if "=" in first else first.strip()


def from_ldap(
    auth_state: Any,
    name: Optional[str] = None,
    *,
    uid_attribute: str = "uidNumber",
    gid_attribute: Optional[str] = "gidNumber",
    home_attribute: Optional[str] = None,
    name_attribute: str = "uid",
    groups_key: str = "posix_groups",
    member_of_attribute: str = "memberOf",
    group_gids: Optional[Mapping[str, int]] = None,
    min_uid: int = MIN_UID,
) -> Dict[str, Any]:
    """Identity from jupyterhub-ldapauthenticator's auth_state.

    ldapauthenticator 2.x stores auth_state = {"ldap_groups": [...], "user_attributes": {attribute:
    [values]}} with the attributes named in LDAPAuthenticator.auth_state_attributes; 1.x stored the
    attribute dictionary itself as auth_state (both are read). Groups come from
    auth_state[groups_key], a list of {"name", "gid"} that ldap_posix_groups_hook puts there, and,
    when group_gids maps group names to gids, from the memberOf DNs of the user's attributes (an
    allow list: groups missing from the mapping are left out). A group with the primary gid names
    the primary group. `name` is the hub's name for the user; without it the `uid` attribute is used.
    home_attribute (e.g. "homeDirectory") hands over the external home: only when the spawner
    mounts the homes at the paths the directory names.
    """
    if not isinstance(auth_state, Mapping) or not auth_state:
        raise IdentityError(f"auth_state is empty; fix: {_LDAP_HINT}")
    attrs = auth_state.get("user_attributes")
    if attrs is None and _ldap_attribute(auth_state, uid_attribute) is not None:
        attrs = auth_state  # ldapauthenticator < 2.0
    if not isinstance(attrs, Mapping):
        raise IdentityError(f'auth_state has no "user_attributes"; fix: {_LDAP_HINT}')
    where = "auth_state.user_attributes"

    def attribute(key: str) -> Any:
        value = _ldap_attribute(attrs, key)
        if value is None or value == []:
            raise IdentityError(f"{where}.{key}: missing; fix: {_LDAP_HINT}, and check that the directory entry has {key}")
        return _single(value, f"{where}.{key}")

    if name is None:
        name = attribute(name_attribute)
    uid = _id(attribute(uid_attribute), f"{where}.{uid_attribute}", "give the person a uidNumber from the people range", min_uid)
    gid = _id(attribute(gid_attribute), f"{where}.{gid_attribute}", "give the person a gidNumber", 1) if gid_attribute else None
    home = _home(attribute(home_attribute), f"{where}.{home_attribute}") if home_attribute else None

    found: List[Dict[str, Any]] = []
    posix = auth_state.get(groups_key)
    if posix is not None:
        if not isinstance(posix, (list, tuple)):
            raise IdentityError(f"auth_state.{groups_key}: expected a list of {{name, gid}}, got {_show(posix)}")
        for i, g in enumerate(posix):
            gw = f"auth_state.{groups_key}[{i}]"
            if not isinstance(g, Mapping) or "name" not in g or "gid" not in g:
                raise IdentityError(f'{gw}: expected {{"name": ..., "gid": ...}}, got {_show(g)}')
            found.append({"name": _directory_group_name(_single(g["name"], f"{gw}.name")), "gid": _id(_single(g["gid"], f"{gw}.gid"), f"{gw}.gid", "give the group a gidNumber", 1)})
    if group_gids:
        wanted = {k.lower(): (k, v) for k, v in group_gids.items()}
        member_of = _ldap_attribute(attrs, member_of_attribute) or []
        if isinstance(member_of, str):
            member_of = [member_of]
        for dn in member_of:
            cn = _first_rdn_value(str(dn))
            if cn.lower() in wanted:
                _, gid_value = wanted[cn.lower()]
                found.append({"name": _directory_group_name(cn), "gid": _id(gid_value, f"group_gids[{cn!r}]", "map group names to integer gids", 1)})

    group, groups = _groups(found, gid)
    identity: Dict[str, Any] = {"name": name, "uid": uid}
    if gid is not None:
        identity["gid"] = gid
    # The primary group's name must be a plain one (nbstart's NB_GROUP rules); a directory name
    # like "Domain Users" is left out and nbstart names the group itself.
    if group is not None and _name_problem(group, MAX_GROUP_NAME) is None:
        identity["group"] = group
    identity["groups"] = groups
    if home is not None:
        identity["home"] = home
    return validate_identity(identity, min_uid=min_uid)


def ldap_posix_groups_hook(
    search_base: str,
    *,
    search_filter: str = "(&(objectClass=posixGroup)(memberUid={username}))",
    name_attribute: str = "cn",
    gid_attribute: str = "gidNumber",
    key: str = "posix_groups",
) -> Callable:
    """A c.LDAPAuthenticator.post_auth_hook that adds the person's POSIX groups to auth_state[key].

    It searches search_base (e.g. "ou=groups,dc=example,dc=org") with search_filter, where
    {username} is the login name and {userdn} the user's DN (both escaped), binding as
    LDAPAuthenticator.lookup_dn_search_user (anonymously when that is unset), and stores
    [{"name": cn, "gid": gidNumber}, ...]. ldapauthenticator does not keep the DN in auth_state:
    for {userdn} (RFC 2307bis, Active Directory: "(&(objectClass=group)(member={userdn}))") add
    "distinguishedName" (AD) or "entryDN" (OpenLDAP) to LDAPAuthenticator.auth_state_attributes.
    """

    async def post_auth_hook(authenticator: Any, handler: Any, authentication: Dict[str, Any]) -> Dict[str, Any]:
        import asyncio

        from ldap3.utils.conv import escape_filter_chars  # a dependency of ldapauthenticator

        username = authentication["name"]
        state = authentication.get("auth_state") or {}
        attrs = state.get("user_attributes") or {}
        dn = _ldap_attribute(attrs, "distinguishedName") or _ldap_attribute(attrs, "entryDN") or [""]
        userdn = str(dn[0] if isinstance(dn, (list, tuple)) else dn)
        if "{userdn}" in search_filter and not userdn:
            raise IdentityError(f'nbstart: {username}\'s DN is not in auth_state; add "distinguishedName" or "entryDN" to LDAPAuthenticator.auth_state_attributes')

        def search() -> List[Dict[str, Any]]:
            conn = authenticator.get_connection(authenticator.lookup_dn_search_user, authenticator.lookup_dn_search_password)
            if conn is None or not (conn.bound or conn.bind()):
                raise IdentityError(f"nbstart: cannot bind to LDAP to look up {username}'s groups; check LDAPAuthenticator.lookup_dn_search_user")
            try:
                query = search_filter.format(username=escape_filter_chars(username), userdn=escape_filter_chars(userdn))
                conn.search(search_base, query, attributes=[name_attribute, gid_attribute])
                out = []
                for entry in conn.entries:
                    values = entry.entry_attributes_as_dict
                    names, gids = values.get(name_attribute) or [], values.get(gid_attribute) or []
                    if names and gids:
                        out.append({"name": str(names[0]), "gid": int(str(gids[0]))})
                return out
            finally:
                conn.unbind()

        groups = await asyncio.get_running_loop().run_in_executor(None, search)
        authentication["auth_state"] = {**state, key: groups}
        return authentication

    return post_auth_hook


# --- GitHub ---------------------------------------------------------------------------------------

_GITHUB_HINT = (
    "use GitHubOAuthenticator with c.Authenticator.enable_auth_state = True (JUPYTERHUB_CRYPT_KEY "
    'set), c.GitHubOAuthenticator.populate_teams_in_auth_state = True and "read:org" in '
    "c.GitHubOAuthenticator.scope, and have the user log in again"
)


def from_github(
    auth_state: Any,
    name: Optional[str] = None,
    *,
    id_offset: int = 0,
    min_uid: int = MIN_UID,
) -> Dict[str, Any]:
    """Identity from OAuthenticator's GitHubOAuthenticator auth_state (teams populated).

    uid and primary gid are github_user.id (+ id_offset), in a private group named after the user;
    each distinct organization of auth_state["teams"] becomes a group named after its login
    (lower-cased), with gid organization.id (+ id_offset). Users and organizations share GitHub's
    id space, so a private group never collides with an organization's. Ids below min_uid (GitHub's
    first accounts and organizations: id 27 would be uid 27, group sudo; 42 group shadow) are
    refused unless id_offset moves them. Tokens stay behind. nbstart's own github preset reduces
    the same way (hub/tests/identity-corpus.json).
    """
    if not isinstance(auth_state, Mapping) or not auth_state:
        raise IdentityError(f"auth_state is empty; fix: {_GITHUB_HINT}")
    user = auth_state.get("github_user")
    if not isinstance(user, Mapping):
        raise IdentityError(f'auth_state has no "github_user" object; fix: {_GITHUB_HINT}')
    if "id" not in user:
        raise IdentityError("auth_state.github_user.id: missing (GitHub's /user response always has it: is this a GitHub auth_state?)")
    offset_hint = "GitHub ids are integers; set id_offset to move them out of the system range"
    if name is None:
        login = user.get("login")
        if not isinstance(login, str):
            raise IdentityError(f"auth_state.github_user.login: expected a string, got {_show(login)}")
        name = login.lower()
    raw_uid = _id(user["id"], "auth_state.github_user.id", offset_hint, 1)
    uid = _id(raw_uid + id_offset, "auth_state.github_user.id + id_offset", offset_hint, min_uid)

    teams = auth_state.get("teams")
    if teams is None:
        raise IdentityError(f'auth_state has no "teams"; fix: {_GITHUB_HINT}')
    if not isinstance(teams, (list, tuple)):
        raise IdentityError(f"auth_state.teams: expected a list, got {_show(teams)}")
    groups: List[Dict[str, Any]] = []
    seen = {uid}
    for i, team in enumerate(teams):
        org = team.get("organization") if isinstance(team, Mapping) else None
        where = f"auth_state.teams[{i}].organization"
        if not isinstance(org, Mapping) or not isinstance(org.get("login"), str) or "id" not in org:
            raise IdentityError(f"{where}: expected an object with login and id, got {_show(org)}")
        gid = _id(_id(org["id"], f"{where}.id", offset_hint, 1) + id_offset, f"{where}.id + id_offset", offset_hint, min_uid)
        if gid not in seen:
            seen.add(gid)
            groups.append({"name": org["login"].lower(), "gid": gid})

    identity: Dict[str, Any] = {"name": name, "uid": uid, "gid": uid}
    # GitHub logins reach 39 characters, nbstart's primary group names 32: a longer one is left to
    # nbstart, which names the private group after the user as best it can.
    if _name_problem(name, MAX_GROUP_NAME) is None:
        identity["group"] = name
    identity["groups"] = groups
    return validate_identity(identity, min_uid=min_uid)


# --- hand-over to spawners ------------------------------------------------------------------------

Reduce = Callable[..., Dict[str, Any]]


async def _identity_for(spawner: Any, reduce: Reduce, options: Mapping[str, Any]) -> Dict[str, Any]:
    """The spawner's user's identity, reduced from auth_state; IdentityError names the user."""
    user = spawner.user
    auth_state = await user.get_auth_state()
    if not auth_state:
        raise IdentityError(
            f"nbstart: cannot start {user.name}'s server: the user has no auth_state; fix: set "
            "c.Authenticator.enable_auth_state = True with JUPYTERHUB_CRYPT_KEY set, and have the "
            "user log in again (auth_state is stored at login)"
        )
    try:
        identity = reduce(auth_state, name=user.name, **options)
    except IdentityError as e:
        raise IdentityError(f"nbstart: cannot start {user.name}'s server: {e}") from None
    spawner.log.info(
        "nbstart: %s's server starts as uid %s, gid %s, groups %s",
        user.name, identity["uid"], identity.get("gid", "(image default)"),
        ",".join(f"{g['name']}:{g['gid']}" for g in identity.get("groups", [])) or "(none)",
    )
    return identity


def _with_named(items: Any, entry: Dict[str, Any]) -> Any:
    """KubeSpawner volumes/volume_mounts (a list, or a dict since KubeSpawner 7) plus `entry`,
    replacing an earlier copy: the spawner object, and its settings, live on across restarts."""
    if isinstance(items, Mapping):
        return {**items, entry["name"]: entry}
    return [x for x in (items or []) if not (isinstance(x, Mapping) and x.get("name") == entry["name"])] + [entry]


def _secret_name(spawner: Any) -> str:
    """The Secret holding one server's identity, named after its pod."""
    return f"{spawner.pod_name}-{VOLUME_NAME}"


def kubespawner_hook(reduce: Reduce, **options: Any) -> Callable:
    """A c.KubeSpawner.pre_spawn_hook: identity → Secret → read-only file for nbstart.

    The Secret (named <pod name>-nbstart-identity) is replaced on every start, since the groups
    may have changed, and is mounted at /run/nbstart (files owned by root, mode 0400: root reads
    it without CAP_DAC_OVERRIDE, the user cannot). The pod spec then holds only a Secret name and
    NBSTART_AUTH_STATE_FILE=/run/nbstart/identity.json. Needs the hub's service account to
    create and delete Secrets in the user namespace (zero-to-jupyterhub's hub Role does).
    `options` go to `reduce`.
    """

    async def pre_spawn_hook(spawner: Any) -> None:
        identity = await _identity_for(spawner, reduce, options)
        name = _secret_name(spawner)
        body = {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {
                "name": name,
                "labels": {"app.kubernetes.io/managed-by": "nbstart-hub", "app.kubernetes.io/component": VOLUME_NAME},
                "annotations": {"hub.jupyter.org/username": spawner.user.name},
            },
            "type": "Opaque",
            "stringData": {FILE_NAME: identity_json(identity)},
        }
        await _replace_secret(spawner, name, body)
        spawner.volumes = _with_named(spawner.volumes, {"name": VOLUME_NAME, "secret": {"secretName": name, "defaultMode": 0o400}})
        spawner.volume_mounts = _with_named(spawner.volume_mounts, {"name": VOLUME_NAME, "mountPath": MOUNT_DIR, "readOnly": True})
        spawner.environment = {**spawner.environment, IDENTITY_FILE_ENV: FILE_PATH}

    return pre_spawn_hook


async def _replace_secret(spawner: Any, name: str, body: Dict[str, Any]) -> None:
    """Deletes and re-creates the Secret (the chart's hub Role may create and delete, not update)."""
    import asyncio

    timeout = getattr(spawner, "k8s_api_request_timeout", 10) or 10
    await _delete_secret(spawner, name)
    for attempt in range(10):
        try:
            await asyncio.wait_for(spawner.api.create_namespaced_secret(spawner.namespace, body), timeout)
            return
        except Exception as e:  # kubernetes_asyncio's ApiException, without importing it here
            if getattr(e, "status", None) != 409 or attempt == 9:
                raise
            await asyncio.sleep(0.5)  # the deleted Secret is still going away


async def _delete_secret(spawner: Any, name: str) -> None:
    """Deletes a Secret; a missing one is fine."""
    import asyncio

    timeout = getattr(spawner, "k8s_api_request_timeout", 10) or 10
    try:
        await asyncio.wait_for(spawner.api.delete_namespaced_secret(name, spawner.namespace), timeout)
    except Exception as e:
        if getattr(e, "status", None) != 404:
            raise


async def kubespawner_cleanup(spawner: Any) -> None:
    """A c.KubeSpawner.post_stop_hook: deletes the server's identity Secret."""
    await _delete_secret(spawner, _secret_name(spawner))


def _escape(text: str) -> str:
    """A file-name-safe, unambiguous form: [a-z0-9] kept, anything else as -hh per UTF-8 byte."""
    return "".join(chr(b) if (48 <= b <= 57 or 97 <= b <= 122) else f"-{b:02x}" for b in text.encode("utf-8"))


def _server_key(spawner: Any) -> str:
    """One directory per server: escaped user name, then --escaped server name for named servers
    ("--" cannot come out of _escape, whose "-" is always followed by two hex digits)."""
    key = _escape(spawner.user.name)
    return f"{key}--{_escape(spawner.name)}" if getattr(spawner, "name", "") else key


def write_identity_file(directory: str, key: str, identity: Mapping[str, Any]) -> str:
    """Writes <directory>/<key>/identity.json atomically; returns <directory>/<key>.

    Directory 0755, file 0444: container root has no CAP_DAC_OVERRIDE, and on a root-squashed NFS
    export it is "nobody", so the file must be readable by anyone. It holds no secret: a name,
    ids, group names and a home, as `getent passwd` shows them on any host of the directory.
    """
    server_dir = os.path.join(directory, key)
    os.makedirs(server_dir, mode=0o755, exist_ok=True)
    os.chmod(server_dir, 0o755)
    fd, tmp = tempfile.mkstemp(dir=server_dir, prefix=".identity-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(identity_json(identity))
            f.flush()
            os.fchmod(f.fileno(), 0o444)
            os.fsync(f.fileno())
        os.replace(tmp, os.path.join(server_dir, FILE_NAME))
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return server_dir


def dockerspawner_hook(reduce: Reduce, directory: str, **options: Any) -> Callable:
    """A c.DockerSpawner (or SwarmSpawner) pre_spawn_hook: identity → host file → read-only mount.

    `directory` is a path on the hub that is the same path on the Docker host (for a hub in a
    container, bind-mount it at the same path), and for SwarmSpawner on every node that may run
    the service (a directory on the shared NFS). Each server gets <directory>/<user>[--<server>]/
    mounted read-only at /run/nbstart through read_only_volumes. `options` go to `reduce`.
    """
    directory = os.path.abspath(directory)
    if re.search(r"[{}:]", directory):
        raise ValueError(f"nbstart: {directory!r} must not contain braces or colons (DockerSpawner formats volume paths and splits them on ':')")

    async def pre_spawn_hook(spawner: Any) -> None:
        identity = await _identity_for(spawner, reduce, options)
        server_dir = write_identity_file(directory, _server_key(spawner), identity)
        spawner.read_only_volumes = {**spawner.read_only_volumes, server_dir: MOUNT_DIR}
        spawner.environment = {**spawner.environment, IDENTITY_FILE_ENV: FILE_PATH}

    return pre_spawn_hook


def dockerspawner_cleanup(directory: str) -> Callable:
    """A post_stop_hook that removes the server's identity file written by dockerspawner_hook."""
    directory = os.path.abspath(directory)

    def post_stop_hook(spawner: Any) -> None:
        server_dir = os.path.join(directory, _server_key(spawner))
        for path in (os.path.join(server_dir, FILE_NAME), server_dir):
            try:
                os.rmdir(path) if path == server_dir else os.unlink(path)
            except FileNotFoundError:
                pass

    return post_stop_hook


def environment_hook(reduce: Reduce, *, escape_braces: bool = False, **options: Any) -> Callable:
    """A pre_spawn_hook for any spawner that sets NBSTART_AUTH_STATE to the identity's JSON.

    For spawners that cannot mount a file. The identity holds no token, but it does land in the
    container's configuration (a pod spec, `docker inspect`), and nbstart removes the variable
    before the notebook starts. KubeSpawner runs str.format() over environment values: pass
    escape_braces=True there. `options` go to `reduce`.
    """

    async def pre_spawn_hook(spawner: Any) -> None:
        identity = await _identity_for(spawner, reduce, options)
        text = identity_json(identity).strip()
        if escape_braces:
            text = text.replace("{", "{{").replace("}", "}}")
        spawner.environment = {**spawner.environment, IDENTITY_ENV: text}

    return pre_spawn_hook
