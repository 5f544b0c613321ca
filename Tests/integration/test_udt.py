"""User-defined types with the Python driver against a 3-node cluster, with Cassandra's
semantics: CREATE/ALTER/DROP TYPE, system_schema.types and the driver's metadata, frozen
UDTs (one value; allowed in keys and collections) and non-frozen ones (one cell per field,
so a field update writes that field alone), UDT literals (with markers inside), bound values
from registered classes, tuples and objects, field selection, JSON, cqlsh, a restart, and
Cassandra's errors.

The module's keyspace is dropped when it ends.
"""
from collections import namedtuple
from types import SimpleNamespace

import pytest

import os

from conftest import all_up, quorum_session, wait_until
from test_cqlsh import cqlsh

cassandra = pytest.importorskip("cassandra")
from cassandra import InvalidRequest  # noqa: E402
from cassandra import ConsistencyLevel  # noqa: E402
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile  # noqa: E402
from cassandra.policies import WhiteListRoundRobinPolicy  # noqa: E402

KEYSPACE = "udt"

# The driver (3.29) binds a UDT from a tuple in field order or from an object's attributes;
# a plain dict is not accepted by its serializer (it indexes the value by position).
AddressTuple = namedtuple("AddressTuple", ["city", "zip"])


class Address:
    """Registered with the driver for `udt.address`: rows decode into it, and it encodes."""

    def __init__(self, city=None, zip=None, country=None):
        self.city = city
        self.zip = zip
        self.country = country


@pytest.fixture(scope="module")
def session(cluster):
    with quorum_session(KEYSPACE) as session:
        session.execute("CREATE TYPE address (city text, zip int)")
        session.execute("CREATE TYPE IF NOT EXISTS address (other text)")
        session.execute("CREATE TABLE people (id int PRIMARY KEY, home frozen<address>, work address, "
                        "past list<frozen<address>>, by_name map<text, frozen<address>>)")
        session.execute("CREATE TABLE places (id int, at frozen<address>, note text, owner address static, "
                        "PRIMARY KEY (id, at))")
        yield session


def one(session, query, *values):
    rows = list(session.execute(query, values or None))
    return rows[0] if rows else None


def fields(value):
    """A UDT value the driver returns (a namedtuple or a registered object) as a dict."""
    if value is None:
        return None
    if hasattr(value, "_asdict"):
        return dict(value._asdict())
    return {name: getattr(value, name) for name in ("city", "zip") if hasattr(value, name)}


def test_system_schema_types_and_driver_metadata(session):
    row = one(session, "SELECT * FROM system_schema.types WHERE keyspace_name = 'udt' AND type_name = 'address'")
    assert row.field_names == ["city", "zip"] and row.field_types == ["text", "int"]
    columns = {r.column_name: r.type for r in session.execute(
        "SELECT column_name, type FROM system_schema.columns WHERE keyspace_name = 'udt' AND table_name = 'people'")}
    assert columns["home"] == "frozen<address>" and columns["work"] == "address"
    assert columns["past"] == "list<frozen<address>>"
    metadata = session.cluster.metadata.keyspaces[KEYSPACE]
    assert metadata.user_types["address"].field_names == ["city", "zip"]
    assert metadata.user_types["address"].field_types == ["text", "int"]
    assert "CREATE TYPE udt.address" in metadata.user_types["address"].export_as_string()


def test_literals_frozen_and_non_frozen_read_back(session):
    session.execute("INSERT INTO people (id, home, work, past, by_name) VALUES (1, {city: 'Paris', zip: 75001}, "
                    "{city: 'Lyon'}, [{city: 'Nice', zip: 6000}, {zip: 1}], {'mum': {city: 'Metz', zip: 57000}})")
    row = one(session, "SELECT home, work, past, by_name FROM people WHERE id = 1")
    assert fields(row.home) == {"city": "Paris", "zip": 75001}
    assert fields(row.work) == {"city": "Lyon", "zip": None}
    assert [fields(value) for value in row.past] == [{"city": "Nice", "zip": 6000}, {"city": None, "zip": 1}]
    assert fields(row.by_name["mum"]) == {"city": "Metz", "zip": 57000}


def test_field_selection_names_its_column(session):
    session.execute("INSERT INTO people (id, home, work) VALUES (2, {city: 'Oslo', zip: 150}, {city: 'Bergen', zip: 5003})")
    result = session.execute("SELECT home.city, work.zip FROM people WHERE id = 2")
    assert result.column_names == ["home.city", "work.zip"]
    assert list(result.one()) == ["Oslo", 5003]
    with pytest.raises(InvalidRequest, match="has no field street"):
        session.execute("SELECT home.street FROM people WHERE id = 2")


def test_field_update_writes_one_field_of_a_non_frozen_value(session):
    session.execute("INSERT INTO people (id, work) VALUES (3, {city: 'Rome', zip: 100})")
    session.execute("UPDATE people SET work.zip = 199 WHERE id = 3")
    assert fields(one(session, "SELECT work FROM people WHERE id = 3").work) == {"city": "Rome", "zip": 199}
    session.execute("DELETE work.city FROM people WHERE id = 3")
    assert fields(one(session, "SELECT work FROM people WHERE id = 3").work) == {"city": None, "zip": 199}
    session.execute("UPDATE people SET work.zip = null WHERE id = 3")
    assert one(session, "SELECT work FROM people WHERE id = 3").work is None, "every field null reads as null"
    # Replacing the whole value removes fields written before it.
    session.execute("UPDATE people SET work.city = 'Milan' WHERE id = 3")
    session.execute("UPDATE people SET work = {zip: 20100} WHERE id = 3")
    assert fields(one(session, "SELECT work FROM people WHERE id = 3").work) == {"city": None, "zip": 20100}
    with pytest.raises(InvalidRequest, match="for frozen UDT column home"):
        session.execute("UPDATE people SET home.city = 'x' WHERE id = 3")
    with pytest.raises(InvalidRequest, match="does not have a field named street"):
        session.execute("UPDATE people SET work.street = 'x' WHERE id = 3")


def test_field_updates_with_older_timestamps_lose_to_a_newer_replacement(session):
    session.execute("UPDATE people USING TIMESTAMP 2000 SET work = {city: 'New', zip: 2} WHERE id = 4")
    session.execute("UPDATE people USING TIMESTAMP 1000 SET work.city = 'Old' WHERE id = 4")
    session.execute("UPDATE people USING TIMESTAMP 3000 SET work.zip = 3 WHERE id = 4")
    assert fields(one(session, "SELECT work FROM people WHERE id = 4").work) == {"city": "New", "zip": 3}


def test_frozen_udt_as_clustering_column_orders_by_fields(session):
    for city, zip_code in [("b", 2), ("a", 9), ("b", 1)]:
        session.execute(f"INSERT INTO places (id, at, note) VALUES (1, {{city: '{city}', zip: {zip_code}}}, '{city}{zip_code}')")
    assert [row.note for row in session.execute("SELECT note FROM places WHERE id = 1")] == ["a9", "b1", "b2"]
    assert one(session, "SELECT note FROM places WHERE id = 1 AND at = {city: 'b', zip: 1}").note == "b1"
    prepared = session.prepare("SELECT note FROM places WHERE id = ? AND at = ?")
    assert one(session, prepared, 1, AddressTuple("b", 2)).note == "b2"


def test_frozen_udt_as_partition_key_and_in_filters(session):
    session.execute("CREATE TABLE by_place (at frozen<address> PRIMARY KEY, n int)")
    prepared = session.prepare("INSERT INTO by_place (at, n) VALUES (?, ?)")
    assert prepared.routing_key_indexes == [0]
    for number in range(1, 6):
        session.execute(prepared, [AddressTuple(f"city{number}", number), number])
    assert one(session, "SELECT n FROM by_place WHERE at = {city: 'city3', zip: 3}").n == 3
    assert one(session, session.prepare("SELECT n FROM by_place WHERE at = ?"), AddressTuple("city4", 4)).n == 4
    rows = session.execute("SELECT n FROM by_place WHERE n > 0 AND at = {city: 'city2', zip: 2} ALLOW FILTERING")
    assert [row.n for row in rows] == [2]
    rows = session.execute("SELECT id FROM people WHERE home = {city: 'Paris', zip: 75001} ALLOW FILTERING")
    assert [row.id for row in rows] == [1]
    with pytest.raises(InvalidRequest, match="Non-frozen UDT column 'work'"):
        session.execute("SELECT id FROM people WHERE work = {city: 'Lyon'} ALLOW FILTERING")


def test_static_non_frozen_udt_shared_by_the_partition(session):
    session.execute("INSERT INTO places (id, at, note, owner) VALUES (2, {city: 'x', zip: 1}, 'x1', {city: 'Ghent'})")
    session.execute("INSERT INTO places (id, at, note) VALUES (2, {city: 'y', zip: 2}, 'y2')")
    session.execute("UPDATE places SET owner.zip = 9000 WHERE id = 2")
    rows = list(session.execute("SELECT note, owner FROM places WHERE id = 2"))
    assert [(row.note, fields(row.owner)) for row in rows] == [("x1", {"city": "Ghent", "zip": 9000}),
                                                             ("y2", {"city": "Ghent", "zip": 9000})]


def test_json_reads_and_writes_udts(session):
    session.execute('INSERT INTO people JSON \'{"id": 11, "home": {"city": "Gent", "zip": 9000}, "work": {"zip": 1}}\'')
    row = one(session, "SELECT JSON home, work FROM people WHERE id = 11")
    assert row[0] == '{"home": {"city": "Gent", "zip": 9000}, "work": {"city": null, "zip": 1}}'
    with pytest.raises(InvalidRequest, match="Unknown field 'street'"):
        session.execute('INSERT INTO people JSON \'{"id": 12, "home": {"street": "x"}}\'')


def test_cqlsh_prints_and_describes_udts(session):
    session.execute("INSERT INTO people (id, home, past) VALUES (13, {city: 'Oslo', zip: 150}, [{city: 'Bergen'}])")
    _, output, _ = cqlsh("-e", "SELECT home, past FROM udt.people WHERE id = 13")
    assert "{city: 'Oslo', zip: 150}" in output and "[{city: 'Bergen', zip: null}]" in output
    _, output, _ = cqlsh("-e", "DESCRIBE KEYSPACE udt")
    assert "CREATE TYPE udt.address (\n    city text,\n    zip int\n);" in output
    assert "home frozen<address>" in output and "work address" in output
    cqlsh("-e", "UPDATE udt.people SET work.city = 'Tromso' WHERE id = 13")
    assert one(session, "SELECT work FROM people WHERE id = 13").work.city == "Tromso"


def test_bound_values_tuples_objects_and_registered_classes(session):
    prepared = session.prepare("INSERT INTO people (id, home, work) VALUES (?, ?, ?)")
    session.execute(prepared, [5, AddressTuple("Kyoto", 600), SimpleNamespace(city="Osaka", zip=None)])
    row = one(session, "SELECT home, work FROM people WHERE id = 5")
    assert fields(row.home) == {"city": "Kyoto", "zip": 600} and fields(row.work) == {"city": "Osaka", "zip": None}
    field_update = session.prepare("UPDATE people SET work.zip = ? WHERE id = ?")
    assert [column.name for column in field_update.column_metadata] == ["work.zip", "id"]
    session.execute(field_update, [530, 5])
    assert fields(one(session, "SELECT work FROM people WHERE id = 5").work) == {"city": "Osaka", "zip": 530}

    connection = Cluster(["127.0.0.1"])
    try:
        registered = connection.connect(KEYSPACE)
        connection.register_user_type(KEYSPACE, "address", Address)
        registered.execute("INSERT INTO people (id, home) VALUES (%s, %s)", [6, Address("Turin", 10100)])
        registered.execute(registered.prepare("INSERT INTO people (id, work) VALUES (?, ?)"), [7, Address("Bari", 70100)])
        home = one(registered, "SELECT home FROM people WHERE id = 6").home
        assert isinstance(home, Address) and (home.city, home.zip) == ("Turin", 10100)
        work = one(registered, "SELECT work FROM people WHERE id = 7").work
        assert isinstance(work, Address) and (work.city, work.zip) == ("Bari", 70100)
    finally:
        connection.shutdown()


def test_markers_inside_udt_and_collection_literals(session):
    prepared = session.prepare("INSERT INTO people (id, home, past) VALUES (?, {city: ?, zip: ?}, [{city: ?}, ?])")
    assert [column.name for column in prepared.column_metadata][:3] == ["id", "home.city", "home.zip"]
    session.execute(prepared, [14, "Riga", 1001, "Tartu", AddressTuple("Parnu", 80010)])
    row = one(session, "SELECT home, past FROM people WHERE id = 14")
    assert fields(row.home) == {"city": "Riga", "zip": 1001}
    assert [fields(value) for value in row.past] == [{"city": "Tartu", "zip": None}, {"city": "Parnu", "zip": 80010}]
    update = session.prepare("UPDATE people SET work = {city: ?, zip: 5} WHERE id = ?")
    session.execute(update, ["Vilnius", 14])
    assert fields(one(session, "SELECT work FROM people WHERE id = 14").work) == {"city": "Vilnius", "zip": 5}


def test_literal_errors_match_cassandra(session):
    with pytest.raises(InvalidRequest, match="Unknown field 'street' in value of user defined type address"):
        session.execute("INSERT INTO people (id, home) VALUES (8, {street: 'x'})")
    with pytest.raises(InvalidRequest, match="non-frozen user-defined type"):
        session.execute("CREATE TABLE bad (a address PRIMARY KEY)")
    with pytest.raises(InvalidRequest, match="Non-frozen UDTs are not allowed inside collections"):
        session.execute("CREATE TABLE bad (k int PRIMARY KEY, l list<address>)")
    with pytest.raises(InvalidRequest, match="Unknown type udt.nothing"):
        session.execute("CREATE TABLE bad (k int PRIMARY KEY, n frozen<nothing>)")


def test_alter_type_add_reads_old_rows_with_the_new_field_null(session):
    session.execute("INSERT INTO people (id, home, work) VALUES (9, {city: 'Bonn', zip: 53111}, {city: 'Ulm', zip: 89073})")
    session.execute("ALTER TYPE address ADD country text")
    row = one(session, "SELECT home, work FROM people WHERE id = 9")
    assert (row.home.city, row.home.zip, row.home.country) == ("Bonn", 53111, None)
    assert (row.work.city, row.work.zip, row.work.country) == ("Ulm", 89073, None)
    session.execute("UPDATE people SET work.country = 'DE' WHERE id = 9")
    session.execute("INSERT INTO people (id, home) VALUES (10, {city: 'Graz', country: 'AT'})")
    assert one(session, "SELECT work FROM people WHERE id = 9").work.country == "DE"
    assert one(session, "SELECT home FROM people WHERE id = 10").home.country == "AT"
    wait_until(lambda: session.cluster.metadata.keyspaces[KEYSPACE].user_types["address"].field_names
               == ["city", "zip", "country"], 10)
    session.execute("ALTER TYPE address RENAME country TO nation")
    result = session.execute("SELECT home.nation FROM people WHERE id = 10")
    assert result.column_names == ["home.nation"] and result.one()[0] == "AT"
    with pytest.raises(InvalidRequest, match="already exists"):
        session.execute("ALTER TYPE address ADD zip text")
    session.execute("ALTER TYPE address ADD IF NOT EXISTS zip text")
    session.execute("ALTER TYPE address RENAME IF EXISTS missing TO other")
    session.execute("ALTER TYPE IF EXISTS nothing ADD x int")
    with pytest.raises(InvalidRequest, match="No user type named udt.nothing exists"):
        session.execute("ALTER TYPE nothing ADD x int")
    wait_until(lambda: session.cluster.metadata.keyspaces[KEYSPACE].user_types["address"].field_names
               == ["city", "zip", "nation"], 10)


def test_drop_type_refused_while_used(session):
    session.execute("CREATE TYPE phone (number text)")
    session.execute("CREATE TYPE contact (name text, phone frozen<phone>)")
    with pytest.raises(InvalidRequest, match="Cannot drop user type 'udt.address' as it is still used by tables"):
        session.execute("DROP TYPE address")
    with pytest.raises(InvalidRequest, match="Cannot drop user type 'udt.phone' as it is still used by user types contact"):
        session.execute("DROP TYPE phone")
    session.execute("DROP TYPE contact")
    session.execute("DROP TYPE phone")
    session.execute("DROP TYPE IF EXISTS phone")
    with pytest.raises(InvalidRequest, match="doesn't exist"):
        session.execute("DROP TYPE phone")
    rows = session.execute("SELECT type_name FROM system_schema.types WHERE keyspace_name = 'udt'")
    assert [row.type_name for row in rows] == ["address"]


def test_describe_and_other_clients_learn_of_types(session):
    row = one(session, "DESCRIBE TYPE address")
    assert row.create_statement == "CREATE TYPE udt.address (\n    city text,\n    zip int,\n    nation text\n);"
    assert [r.name for r in session.execute("DESCRIBE TYPES")] == ["address"]
    other = Cluster(["127.0.0.2"])
    try:
        other.connect()
        session.execute("CREATE TYPE late (x int)")
        wait_until(lambda: "late" in other.metadata.keyspaces[KEYSPACE].user_types, 15)
        session.execute("DROP TYPE late")
        wait_until(lambda: "late" not in other.metadata.keyspaces[KEYSPACE].user_types, 15)
    finally:
        other.shutdown()


def test_types_survive_a_restart(session, cluster):
    with open(os.path.join(cluster.directory, "node2", "data", "schema"), "rb") as file:
        stored = file.read()
    assert stored.startswith(b"kvschema 2\n") and b"U\tudt\taddress\t" in stored
    cluster.kvcli("restart", "2", timeout=120)
    wait_until(all_up, 30)
    profile = ExecutionProfile(load_balancing_policy=WhiteListRoundRobinPolicy(["127.0.0.2"]),
                               consistency_level=ConsistencyLevel.ALL)
    node = Cluster(["127.0.0.2"], execution_profiles={EXEC_PROFILE_DEFAULT: profile})
    try:
        restarted = node.connect(KEYSPACE)
        row = one(restarted, "SELECT * FROM system_schema.types WHERE keyspace_name = 'udt' AND type_name = 'address'")
        assert row.field_names == ["city", "zip", "nation"]
        row = one(restarted, "SELECT home, work FROM people WHERE id = 9")
        assert (row.home.city, row.home.nation, row.work.city, row.work.nation) == ("Bonn", None, "Ulm", "DE")
    finally:
        node.shutdown()
