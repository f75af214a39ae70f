"""Sign-in through the city directory (UPRAVA_AUTH=ldap) against a throwaway OpenLDAP on loopback.

The module starts its own slapd (Debian's `slapd`, `make ldap-deps`) on a free port with a temporary
configuration and database, loads dc=nkz,dc=local with two clerks, and stops it at the end.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_appbuilder.const import AUTH_DB
from sqlalchemy import select

from app.core.audit import AuditAction, ChangeLog
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.ops.models import LoginLockout
from config import _auth_settings
from tests.conftest import login_client, make_test_app

try:
    import ldap
except ImportError:  # optional: `make ldap-deps` installs it (the directory tests are skipped without it)
    ldap = None

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"

BASE = "dc=nkz,dc=local"
MANAGER = f"cn=admin,{BASE}"
MANAGER_PASSWORD = "Directory-Manager-2026"
PASSWORD = "Katalog-Parol-2026"
CLERKS_GROUP = f"cn=appeals-clerks,ou=groups,{BASE}"
FAILURES = 3
SCHEMA = Path("/etc/ldap/schema")


def _ssha(password: str) -> str:
    """An {SSHA} userPassword, as slappasswd writes it."""
    salt = os.urandom(8)
    return "{SSHA}" + base64.b64encode(hashlib.sha1(password.encode() + salt).digest() + salt).decode()


def _b64(value: str) -> str:
    # LDIF carries non-ASCII values base64-encoded (the `attr::` form).
    return base64.b64encode(value.encode()).decode()


def _person(uid: str, given: str, last: str, mail: str) -> str:
    return f"""dn: uid={uid},ou=people,{BASE}
objectClass: inetOrgPerson
uid: {uid}
cn:: {_b64(f"{given} {last}")}
sn:: {_b64(last)}
givenName:: {_b64(given)}
mail: {mail}
userPassword: {_ssha(PASSWORD)}
"""


DIRECTORY = f"""dn: {BASE}
objectClass: dcObject
objectClass: organization
dc: nkz
o:: {_b64("Администрация города Новокузнецка")}

dn: ou=people,{BASE}
objectClass: organizationalUnit
ou: people

dn: ou=groups,{BASE}
objectClass: organizationalUnit
ou: groups

{_person("ivanova", "Мария", "Иванова", "ivanova@admnkz.example")}
{_person("petrov", "Сергей", "Петров", "petrov@admnkz.example")}"""

SLAPD_CONF = """include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile {root}/slapd.pid
database mdb
maxsize 16777216
suffix "{base}"
rootdn "{manager}"
rootpw {manager_password}
directory {root}/data
overlay memberof
access to attrs=userPassword by anonymous auth by self read by * none
access to * by users read by * none
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway slapd on a free loopback port: its URL. Stopped and removed at the end."""
    if ldap is None:
        pytest.skip("python-ldap is not installed (make ldap-deps)")
    if not (os.access(SLAPD, os.X_OK) and os.access(SLAPADD, os.X_OK)):
        pytest.skip("OpenLDAP's slapd is not installed (make ldap-deps)")
    root = tmp_path_factory.mktemp("slapd")
    (root / "data").mkdir()
    conf = root / "slapd.conf"
    conf.write_text(
        SLAPD_CONF.format(
            schema=SCHEMA, root=root, base=BASE, manager=MANAGER, manager_password=_ssha(MANAGER_PASSWORD)
        )
    )
    (root / "directory.ldif").write_text(DIRECTORY)
    subprocess.run([SLAPADD, "-f", str(conf), "-l", str(root / "directory.ldif")], check=True, capture_output=True)
    url = f"ldap://127.0.0.1:{_free_port()}"
    log = (root / "slapd.log").open("w")
    # -d 0: stay in the foreground (no daemon to hunt down later), log nothing but errors.
    server = subprocess.Popen([SLAPD, "-f", str(conf), "-h", url + "/", "-d", "0"], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                probe = ldap.initialize(url)
                probe.simple_bind_s(MANAGER, MANAGER_PASSWORD)
                break
            except ldap.SERVER_DOWN:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"slapd did not start: {(root / 'slapd.log').read_text()}")
                time.sleep(0.05)
        # Added online, so that the memberOf overlay writes the member's memberOf attribute.
        probe.add_s(
            CLERKS_GROUP,
            [
                ("objectClass", [b"groupOfNames"]),
                ("cn", [b"appeals-clerks"]),
                ("member", [f"uid=petrov,ou=people,{BASE}".encode()]),
            ],
        )
        probe.unbind_s()
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
        shutil.rmtree(root, ignore_errors=True)


def _ldap_app(database_url: str, url: str, monkeypatch: pytest.MonkeyPatch, **env: str) -> Flask:
    """An app configured the way production is: through the environment (config._auth_settings)."""
    settings = {
        "UPRAVA_AUTH": "ldap",
        "AUTH_LDAP_SERVER": url,
        "AUTH_LDAP_SEARCH": f"ou=people,{BASE}",
        "AUTH_LDAP_BIND_USER": MANAGER,
        "AUTH_LDAP_BIND_PASSWORD": MANAGER_PASSWORD,
        **env,
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    return make_test_app(database_url, AUTH_LOCKOUT_FAILURES=FAILURES, **_auth_settings())


@pytest.fixture(scope="module")
def ldap_app(database_url: str, app: Flask, directory: str) -> Iterator[Flask]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield _ldap_app(database_url, directory, monkeypatch)


def _sign_in(app: Flask, username: str, password: str) -> tuple[bool, str]:
    client = app.test_client()
    response = client.post("/login/", data={"username": username, "password": password}, follow_redirects=True)
    return _is_signed_in(client), response.text


def _is_signed_in(client: FlaskClient) -> bool:
    # The sign-in page sends a signed-in user on (a new directory user has no right to any API to ask).
    return client.get("/login/").status_code == 302


def test_the_default_stays_uprava_own_passwords(monkeypatch):
    monkeypatch.delenv("UPRAVA_AUTH", raising=False)
    assert _auth_settings() == {"AUTH_TYPE": AUTH_DB, "AUTH_USER_REGISTRATION": False}


def test_ldap_settings_refuse_admin_as_the_role_of_new_accounts_and_a_missing_server(monkeypatch):
    monkeypatch.setenv("UPRAVA_AUTH", "ldap")
    monkeypatch.delenv("AUTH_LDAP_SERVER", raising=False)
    with pytest.raises(RuntimeError, match="AUTH_LDAP_SERVER"):
        _auth_settings()
    monkeypatch.setenv("AUTH_LDAP_SERVER", "ldaps://dc.admnkz.example")
    monkeypatch.setenv("AUTH_LDAP_SEARCH", BASE)
    monkeypatch.setenv("AUTH_USER_REGISTRATION_ROLE", "Admin")
    with pytest.raises(RuntimeError, match="must not be Admin"):
        _auth_settings()


def test_first_sign_in_with_the_directory_password_creates_the_user_with_the_directorys_names(ldap_app):
    client = ldap_app.test_client()
    response = client.post("/login/", data={"username": "ivanova", "password": PASSWORD})

    assert response.status_code == 302 and "/login" not in response.headers["Location"]
    assert _is_signed_in(client)
    home = client.get("/")
    assert home.status_code == 200 and "Мария Иванова" in home.text
    with ldap_app.app_context():
        user = ldap_app.appbuilder.sm.find_user(username="ivanova")
        assert (user.first_name, user.last_name, user.email) == ("Мария", "Иванова", "ivanova@admnkz.example")
        assert [role.name for role in user.roles] == ["Public"]
        journal = db.session.scalars(select(ChangeLog).where(ChangeLog.username == "ivanova")).all()
        assert [(entry.action, entry.user_id) for entry in journal] == [(AuditAction.LOGIN, user.id)]


def test_a_new_directory_user_sees_no_appeals_until_an_admin_gives_a_role(ldap_app):
    clerk = login_client(ldap_app, "ivanova", PASSWORD)
    assert clerk.get("/appealview/list/").status_code == 403

    with ldap_app.app_context():
        sm = ldap_app.appbuilder.sm
        user = sm.find_user(username="ivanova")
        user.roles = [sm.find_role("AppealsClerk")]
        db.session.commit()
    again = login_client(ldap_app, "ivanova", PASSWORD)
    # The role gives the right; without an official profile the row scope still shows no rows.
    page = again.get("/appealview/list/")
    assert page.status_code == 200
    with ldap_app.app_context():
        roles = [role.name for role in ldap_app.appbuilder.sm.find_user(username="ivanova").roles]
    assert roles == ["AppealsClerk"]  # not reset at the next sign-in (AUTH_ROLES_SYNC_AT_LOGIN is off)


def test_a_wrong_directory_password_is_refused_in_russian_and_counted_towards_the_lock_out(ldap_app):
    login_client(ldap_app, "ivanova", PASSWORD)  # the account exists from now on
    signed_in, page = _sign_in(ldap_app, "ivanova", "wrong")
    assert not signed_in
    assert "Неверное имя пользователя или пароль" in page
    for _ in range(FAILURES - 1):
        _sign_in(ldap_app, "ivanova", "wrong")

    signed_in, locked_page = _sign_in(ldap_app, "ivanova", PASSWORD)

    assert not signed_in
    # The same answer as a wrong password: the lock tells nothing about the name (issue #12, item 15).
    assert "Неверное имя пользователя или пароль" in locked_page and "заблокирован " not in locked_page
    with ldap_app.app_context():
        user_id = ldap_app.appbuilder.sm.find_user(username="ivanova").id
        assert db.session.get(LoginLockout, ("ivanova", "127.0.0.1")).locked_until is not None
        failed = db.session.scalars(select(ChangeLog).where(ChangeLog.action == AuditAction.LOGIN_FAILED)).all()
        assert [entry.record_id for entry in failed] == [str(user_id)] * (FAILURES + 1)


def test_directory_sign_ins_are_throttled_like_password_sign_ins(ldap_app):
    statuses = [
        ldap_app.test_client().post("/login/", data={"username": "petrov", "password": "wrong"}).status_code
        for _ in range(11)
    ]
    assert statuses == [302] * 10 + [429]


def test_a_user_missing_from_the_directory_is_refused_even_with_a_local_password(ldap_app):
    for username, password in (("nobody", PASSWORD), ("appeals", DEMO_PASSWORD)):
        signed_in, page = _sign_in(ldap_app, username, password)
        assert not signed_in
        assert "Неверное имя пользователя или пароль" in page
    with ldap_app.app_context():
        assert ldap_app.appbuilder.sm.find_user(username="nobody") is None


def test_directory_groups_give_roles_when_mapped(database_url, app, directory, monkeypatch):
    mapped = _ldap_app(
        database_url,
        directory,
        monkeypatch,
        AUTH_ROLES_MAPPING=f'{{"{CLERKS_GROUP}": ["AppealsClerk"]}}',
        AUTH_ROLES_SYNC_AT_LOGIN="1",
    )
    clerk = login_client(mapped, "petrov", PASSWORD)
    assert clerk.get("/appealview/list/").status_code == 200
    with mapped.app_context():
        user = mapped.appbuilder.sm.find_user(username="petrov")
        assert (user.first_name, user.last_name) == ("Сергей", "Петров")
        assert sorted(role.name for role in user.roles) == ["AppealsClerk", "Public"]


def test_the_api_signs_in_through_the_directory_only(ldap_app):
    client = ldap_app.test_client()

    directory = client.post(
        "/api/v1/security/login", json={"username": "petrov", "password": PASSWORD, "provider": "ldap"}
    )
    local = client.post(
        "/api/v1/security/login", json={"username": "appeals", "password": DEMO_PASSWORD, "provider": "db"}
    )

    assert directory.status_code == 200 and directory.json["access_token"]
    assert local.status_code == 400  # Uprava's own passwords are not accepted beside the directory
