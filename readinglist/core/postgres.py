"""Opening a shared library on PostgreSQL: the URL, the engine, the schema's version.

A group's library is one PostgreSQL database; each member connects as their own role, which
is how the library tells whose reading status is whose. The first member to open an empty
database creates the schema; later versions migrate it, one member at a time (an advisory
lock), each step in the transaction that records it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from readinglist.core.errors import LibraryOpenError
from readinglist.core.postgres_schema import APPLICATION, PG_MIGRATIONS, PG_SCHEMA_VERSION

# Advisory locks, per database: one taken by every write transaction (the library's write
# lock, as SQLite's is), one by whoever creates or upgrades the schema.
WRITE_LOCK = 0x52444C53  # "RDLS"
SCHEMA_LOCK = 0x52444C54
CONNECT_TIMEOUT = 10  # seconds
_SCHEMES = ("postgresql:", "postgres:", "postgresql+psycopg:")


def is_database_url(location: object) -> bool:
    return isinstance(location, str) and location.lower().startswith(_SCHEMES)


def engine_url(url: str) -> str:
    """The URL SQLAlchemy opens: PostgreSQL through psycopg 3, whatever scheme was typed."""
    scheme, rest = url.split(":", 1)
    if scheme.lower() in ("postgresql", "postgres"):
        return "postgresql+psycopg:" + rest
    return url


def url_without_password(url: str) -> str:
    """The URL as it may be remembered or compared: its password (if typed in it) left out."""
    try:
        return make_url(url).set(password=None).render_as_string(hide_password=False)
    except ArgumentError:
        return url


def display_name(url: str) -> str:
    """The library as a person names it: database, server and member, never a password."""
    try:
        parsed = make_url(engine_url(url))
    except ArgumentError:
        return urlsplit(url).path.lstrip("/") or url
    where = parsed.host or "local socket"
    member = f"{parsed.username}@" if parsed.username else ""
    return f"{parsed.database} ({member}{where})"


def describe_postgres_error(name: str, error: BaseException, busy_timeout: float) -> str | None:
    """One sentence for a PostgreSQL failure the user can act on, or None for a bug."""
    original = error.orig if isinstance(error, DBAPIError) else error
    code = getattr(original, "sqlstate", None) or ""
    message = str(original).strip().splitlines()[0] if str(original).strip() else ""
    if code == "55P03" or code == "57014":  # lock_timeout, or statement cancelled
        return (
            f"{name} is busy: another member has been writing to it for {busy_timeout:g} s; "
            "nothing changed, try again when they are done"
        )
    if code == "22021" or "cannot contain NUL" in message:  # the server's, or psycopg's own
        return (
            f"{name} cannot store a NUL character (PostgreSQL text holds none); remove it from "
            "what you imported or typed; nothing changed"
        )
    if code == "53100":
        return f"the server holding {name} has no disk space left; nothing changed"
    if code == "25006":
        return f"{name} is read-only on its server; nothing changed"
    if code == "42501":
        return f"your role may not change {name} ({message}); nothing changed"
    if code.startswith("08") or "connection" in message.lower() or code.startswith("57P"):
        return f"the connection to {name} was lost ({message}); nothing changed"
    return None


def _connect_reason(url: str, message: str) -> str:
    """libpq's connection failure in a member's words (it gives no SQLSTATE for these)."""
    first = message.strip().splitlines()[0] if message.strip() else "the connection failed"
    try:
        parsed = make_url(engine_url(url))
    except ArgumentError:
        return first
    host = parsed.host or "the local socket"
    server = f"{host}:{parsed.port}" if parsed.host and parsed.port else host
    member, database = parsed.username or "you", parsed.database or "?"
    said = first.split("FATAL:", 1)[-1].strip() if "FATAL:" in first else first
    reasons = (
        ("database", "does not exist", f"the server {server} has no database {database}"),
        ("role", "does not exist", f"the server {server} has no member (role) {member}"),
        ("password authentication failed", "", f"the server {server} refused {member}'s password"),
        ("no password supplied", "", f"the server {server} asks {member} for a password"),
        ("permission denied for database", "", f"{member} is not in the group of {database}"),
        ("Connection refused", "", f"no PostgreSQL server answers at {server}"),
        ("timeout expired", "", f"the server {server} did not answer in {CONNECT_TIMEOUT} s"),
        ("could not translate host name", "", f"there is no server called {host}"),
    )
    for first_part, second_part, reason in reasons:
        if first_part in said and second_part in said:
            return reason
    return first


def _connect_error(url: str, error: BaseException) -> LibraryOpenError:
    original = error.orig if isinstance(error, DBAPIError) else error
    reason = _connect_reason(url, str(original)) if str(original).strip() else repr(original)
    return LibraryOpenError(f"cannot open the shared library {display_name(url)}: {reason}")


def _plan_for_the_values(dbapi_connection: Any, _record: Any) -> None:
    """Every statement is planned for its own parameters. psycopg prepares a statement run
    five times, and PostgreSQL may then plan it once for any values: a search for one word
    (search.py) would lose what the word's statistics tell the planner."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_custom_plan")
    dbapi_connection.commit()  # a SET in a transaction rolled back is undone


def open_postgres_engine(url: str) -> Engine:
    """An engine for the library at `url`, its schema created or brought up to date."""
    try:
        # A server that does not answer is said so in seconds, not after TCP's two minutes.
        timeout = {} if "connect_timeout" in url else {"connect_timeout": CONNECT_TIMEOUT}
        engine = create_engine(engine_url(url), pool_pre_ping=True, connect_args=timeout)
        event.listen(engine, "connect", _plan_for_the_values)
    except (ArgumentError, ImportError) as error:
        if isinstance(error, ImportError):
            return _missing_driver()
        raise LibraryOpenError(f"{url} is not a PostgreSQL URL ({error})") from None
    try:
        with engine.connect() as connection:
            _migrate(connection, url)
    except DBAPIError as error:
        engine.dispose()
        raise _connect_error(url, error) from None
    except Exception as error:  # psycopg's own, from the migration's script
        engine.dispose()
        if type(error).__module__.startswith("psycopg"):
            raise _connect_error(url, error) from None
        raise
    except BaseException:
        engine.dispose()
        raise
    return engine


def _missing_driver() -> Engine:
    raise LibraryOpenError(
        "opening a shared library needs psycopg: pip install 'readinglist[postgres]'"
    )


def _migrate(c: Connection, url: str) -> None:
    driver = c.connection.driver_connection
    with c.begin():
        c.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        has_meta = c.exec_driver_sql("SELECT to_regclass('readinglist_meta')").scalar()
        if has_meta is None:
            foreign = c.exec_driver_sql("SELECT to_regclass('papers')").scalar()
            if foreign is not None:
                raise LibraryOpenError(
                    f"{display_name(url)} holds tables that ReadingList did not make: "
                    "use an empty database for a shared library"
                )
            _act_as_owner(c)
            c.exec_driver_sql(
                "CREATE TABLE readinglist_meta (key text PRIMARY KEY, value text NOT NULL)"
            )
            c.exec_driver_sql(
                "INSERT INTO readinglist_meta VALUES ('application', %s), ('schema_version', '0')",
                (APPLICATION,),
            )
        version = int(
            c.exec_driver_sql(
                "SELECT value FROM readinglist_meta WHERE key = 'schema_version'"
            ).scalar_one()
        )
        if version > PG_SCHEMA_VERSION:
            raise LibraryOpenError(
                f"{display_name(url)} was set up by a newer ReadingList (library version "
                f"{version}; this one reads up to {PG_SCHEMA_VERSION}): update ReadingList"
            )
        if version == PG_SCHEMA_VERSION:
            return
        _act_as_owner(c)
        for step in range(version, PG_SCHEMA_VERSION):
            driver.execute(PG_MIGRATIONS[step])  # type: ignore[union-attr]
        c.exec_driver_sql(
            "UPDATE readinglist_meta SET value = %s WHERE key = 'schema_version'",
            (str(PG_SCHEMA_VERSION),),
        )


def _act_as_owner(c: Connection) -> None:
    """Create the schema as the database's owner when the member belongs to that role (the
    group's role, see the README): every member then has the same rights on every table."""
    owner = c.exec_driver_sql(
        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
    ).scalar_one()
    member_of_owner = c.exec_driver_sql(
        "SELECT %s <> current_user AND pg_has_role(current_user, %s, 'MEMBER')",
        (owner, owner),
    ).scalar_one()
    if member_of_owner:
        c.exec_driver_sql(f'SET LOCAL ROLE "{owner.replace(chr(34), chr(34) * 2)}"')
