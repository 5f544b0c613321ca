"""INSERT JSON and SELECT JSON with the Python driver against a 3-node cluster, in
Cassandra's JSON forms: numbers bare, text/dates/uuids/inets/`0x` blobs as strings,
timestamps as `yyyy-MM-dd HH:mm:ss.SSSZ`, collections as arrays and objects (non-text map
keys as strings); omitted columns become null unless `DEFAULT UNSET`; errors name the column.

The module's keyspace is dropped when it ends.
"""
import json
import uuid

import pytest

from conftest import quorum_session

cassandra = pytest.importorskip("cassandra")
from cassandra import InvalidRequest  # noqa: E402

KEYSPACE = "json_io"
USER = uuid.UUID("5ad2a1e4-6a39-4ef2-9e5a-1e0bd2f0a1c3")


@pytest.fixture(scope="module")
def session(cluster):
    with quorum_session(KEYSPACE) as session:
        session.execute('CREATE TABLE users (id uuid, day date, "Name" text, age int, big varint, score double, '
                        "ratio decimal, active boolean, avatar blob, seen timestamp, at time, ip inet, "
                        "tags set<text>, attrs map<text, text>, counts map<int, bigint>, events list<int>, "
                        "pair frozen<tuple<int, text>>, PRIMARY KEY (id, day))")
        yield session


def select_json(session, where="id = %s AND day = '2026-07-01'", parameters=(USER,), columns="*"):
    rows = list(session.execute(f"SELECT JSON {columns} FROM users WHERE {where}", parameters))
    assert all(len(row) == 1 for row in rows)
    return [json.loads(row[0]) for row in rows]


def test_insert_json_round_trips_through_select_json(session):
    document = {
        "id": str(USER), "day": "2026-07-01", '"Name"': "Mika \"M\" Ito", "age": 31,
        "big": 123456789012345678901234567890, "score": 2.5, "ratio": "12.50", "active": True,
        "avatar": "0x0102ff", "seen": "2026-07-01 12:34:56.789Z", "at": "08:30:00.000000001", "ip": "10.0.0.1",
        "tags": ["vip", "beta"], "attrs": {"plan": "pro", "lang": "ja"}, "counts": {"2": 20, "-1": 10},
        "events": [3, 1, 2], "pair": [7, "seven"],
    }
    session.execute("INSERT INTO users JSON %s", [json.dumps(document)])
    [row] = select_json(session)
    assert row == {
        "id": str(USER), "day": "2026-07-01", '"Name"': 'Mika "M" Ito', "age": 31,
        "big": 123456789012345678901234567890, "score": 2.5, "ratio": 12.50, "active": True,
        "avatar": "0x0102ff", "seen": "2026-07-01 12:34:56.789Z", "at": "08:30:00.000000001", "ip": "10.0.0.1",
        "tags": ["beta", "vip"], "attrs": {"lang": "ja", "plan": "pro"}, "counts": {"-1": 10, "2": 20},
        "events": [3, 1, 2], "pair": [7, "seven"],
    }
    plain = session.execute('SELECT "Name", big, counts, seen FROM users WHERE id = %s', [USER]).one()
    assert plain.Name == 'Mika "M" Ito' and plain.big == 123456789012345678901234567890
    assert dict(plain.counts) == {-1: 10, 2: 20}


def test_select_json_names_aliases_and_nulls(session):
    session.execute("INSERT INTO users JSON %s", [json.dumps({"id": str(USER), "day": "2026-07-02", "age": 40})])
    rows = select_json(session, "id = %s AND day = '2026-07-02'", columns="age AS years, score, tags")
    assert rows == [{"years": 40, "score": None, "tags": None}]
    [count] = select_json(session, "id = %s", columns="count(*)")
    assert count == {"count": 2}


def test_omitted_columns_are_null_unless_default_unset(session):
    key = uuid.uuid4()
    session.execute("INSERT INTO users JSON %s", [json.dumps({"id": str(key), "day": "2026-01-01", "age": 1,
                                                            "tags": ["a"], "score": 1.5})])
    session.execute("INSERT INTO users JSON %s DEFAULT UNSET", [json.dumps({"id": str(key), "day": "2026-01-01", "age": 2})])
    row = session.execute("SELECT age, tags, score FROM users WHERE id = %s", [key]).one()
    assert (row.age, set(row.tags), row.score) == (2, {"a"}, 1.5)
    session.execute("INSERT INTO users JSON %s DEFAULT NULL", [json.dumps({"id": str(key), "day": "2026-01-01", "age": 3})])
    row = session.execute("SELECT age, tags, score FROM users WHERE id = %s", [key]).one()
    assert (row.age, row.tags, row.score) == (3, None, None)


def test_prepared_insert_json_and_using_ttl(session):
    prepared = session.prepare("INSERT INTO users JSON ? USING TTL ?")
    assert [c.name for c in prepared.column_metadata] == ["[json]", "[ttl]"]
    key = uuid.uuid4()
    session.execute(prepared, [json.dumps({"id": str(key), "day": "2026-02-02", "age": 5}), 1000])
    row = session.execute("SELECT age, ttl(age) AS t FROM users WHERE id = %s", [key]).one()
    assert row.age == 5 and 900 < row.t <= 1000


def test_insert_json_in_a_batch_with_a_batch_timestamp(session):
    key = uuid.uuid4()
    document = json.dumps({"id": str(key), "day": "2026-03-03", "age": 41})
    session.execute(f"BEGIN BATCH USING TIMESTAMP 1000 INSERT INTO users JSON '{document}' APPLY BATCH")
    row = session.execute("SELECT age, writetime(age) AS w FROM users WHERE id = %s", [key]).one()
    assert row is not None and row.age == 41 and row.w == 1000


def test_bad_documents_are_refused_with_the_column_named(session):
    cases = [
        ('{"id": "%s", "day": "2026-01-01", "nope": 1}' % USER, "unrecognized column: nope"),
        ('{"id": "%s", "day": "2026-01-01", "age": "x1"}' % USER, "age"),
        ('{"id": "%s", "day": "2026-01-01", "avatar": "0102"}' % USER, "missing 0x prefix"),
        ('{"id": "%s", "day": "2026-01-01", "tags": "a"}' % USER, "Error decoding JSON value for tags"),
        ('{"id": "%s", ' % USER, "Could not decode JSON string"),
        ('[1, 2]', "Could not decode JSON string as a map"),
        ('{"day": "2026-01-01"}', "Some partition key parts are missing: id"),
    ]
    for document, message in cases:
        with pytest.raises(InvalidRequest, match=message):
            session.execute("INSERT INTO users JSON %s", [document])
