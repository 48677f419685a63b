# The one identity contract, from the hub's side: hub/identity.schema.json (checked with the
# jsonschema package) and nbstart_hub's validate_identity accept the same documents, and
# from_ldap / from_github give, for every auth_state of hub/tests/identity-corpus.json, the identity
# the corpus names or refuse it with the message it names. test/unit/config/identity-contract.test.ts
# runs the same corpus through nbstart's own presets and canonical reading.
# Run: npm run test:hub (the venv of hub/requirements.txt has jsonschema and pytest).

import json
import os
import re
import sys

import jsonschema
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

import nbstart_hub as hub  # noqa: E402
from nbstart_hub import IdentityError  # noqa: E402

with open(os.path.join(HERE, "..", "identity.schema.json"), encoding="utf-8") as f:
    SCHEMA = json.load(f)
with open(os.path.join(HERE, "identity-corpus.json"), encoding="utf-8") as f:
    CORPUS = json.load(f)

jsonschema.Draft202012Validator.check_schema(SCHEMA)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
CASES = CORPUS["cases"]


def reduce(case):
    """The hub's reduction of a case's auth_state, as the recipes call it."""
    if case["kind"] == "ldap":
        return hub.from_ldap(case["auth_state"], case["hub_name"], **case["options"])
    if case["kind"] == "github":
        return hub.from_github(case["auth_state"], case["hub_name"], **case["options"])
    # The schema has no uid floor: min_uid is the hub's own policy for the identities it makes.
    return hub.validate_identity(case["auth_state"], min_uid=1)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case):
    if "identity" in case:
        got = reduce(case)
        assert got == case["identity"]
        assert VALIDATOR.is_valid(got), list(VALIDATOR.iter_errors(got))
        assert hub.validate_identity(got, min_uid=1) == got
        assert json.loads(hub.identity_json(got)) == got
    else:
        with pytest.raises(IdentityError) as err:
            reduce(case)
        assert re.search(case["refused"]["hub"], str(err.value)), str(err.value)
        assert "CORPUSfakeToken" not in str(err.value)
        if case["kind"] == "canonical":
            assert not VALIDATOR.is_valid(case["auth_state"])


def test_the_corpus_covers_every_kind_both_ways():
    for kind in ("ldap", "github", "canonical"):
        assert any(c["kind"] == kind and "identity" in c for c in CASES), kind
        assert any(c["kind"] == kind and "refused" in c for c in CASES), kind


@pytest.mark.parametrize("section,wrap", [
    ("names", lambda v: {"name": v, "uid": 1010}),
    ("group_names", lambda v: {"name": "alice", "uid": 1010, "groups": [{"name": v, "gid": 3000}]}),
    ("homes", lambda v: {"name": "alice", "uid": 1010, "home": v}),
])
def test_names_and_homes_agree_with_the_schema(section, wrap):
    for valid, values in ((True, CORPUS[section]["valid"]), (False, CORPUS[section]["invalid"])):
        for value in values:
            doc = wrap(value)
            assert VALIDATOR.is_valid(doc) is valid, (section, value)
            if valid:
                assert hub.validate_identity(doc, min_uid=1) == doc, value
            else:
                with pytest.raises(IdentityError):
                    hub.validate_identity(doc, min_uid=1)


def test_character_classes_are_the_schemas():
    """Every code point: forbidden / white space for nbstart_hub exactly when for the schema."""
    everything = "".join(chr(c) for c in range(0x110000))
    for mine, pattern in ((hub._FORBIDDEN, SCHEMA["$defs"]["forbiddenChar"]["pattern"]), (hub._WHITE_SPACE, SCHEMA["$defs"]["whiteSpace"]["pattern"])):
        assert {m.start() for m in re.finditer(f"[{mine}]", everything)} == {m.start() for m in re.finditer(pattern, everything)}
    # The name, group and home patterns are built from these classes.
    for key in ("userName", "primaryGroupName", "groupName", "home"):
        assert SCHEMA["$defs"]["forbiddenChar"]["pattern"][1:-1] in SCHEMA["$defs"][key]["pattern"], key


def test_known_disagreements_are_settled():
    """The three differences the contract removed, each on its own (the corpus has them too)."""
    # 1. The hub's name is JupyterHub's normalized username; without one the login is lower-cased.
    state = {"github_user": {"login": "Alice-Dev", "id": 5550002}, "teams": []}
    assert hub.from_github(state, "alice-dev")["name"] == "alice-dev"
    assert hub.from_github(state)["name"] == "alice-dev"
    # 2. GitHub id 27 (and organization 42) are below the floor unless an offset moves them.
    with pytest.raises(IdentityError, match=r"27 is below 1000"):
        hub.from_github({"github_user": {"login": "early", "id": 27}, "teams": []}, "early")
    with pytest.raises(IdentityError, match=r"42 is below 1000"):
        hub.from_github({"github_user": {"login": "b", "id": 5550001}, "teams": [{"organization": {"login": "o", "id": 42}}]}, "b")
    assert hub.from_github({"github_user": {"login": "early", "id": 27}, "teams": []}, "early", id_offset=100000)["uid"] == 100027
    # 3. The recipes' auth_state_attributes never ask for uid: the hub's name is used.
    assert hub.from_ldap({"user_attributes": {"uidNumber": [2001], "gidNumber": [2001]}}, "alice")["name"] == "alice"
