"""Non-frozen collections with the Python driver against a 3-node cluster, with Cassandra's
semantics: each element is its own cell, so element writes never read first and concurrent
writers' elements merge; replacing a collection deletes only older elements; element TTLs
expire one element; list operations by index or value read the list; errors match Cassandra's.

The module's keyspace is dropped when it ends.
"""
import time

import pytest

from conftest import quorum_session

cassandra = pytest.importorskip("cassandra")
from cassandra import ConsistencyLevel, InvalidRequest  # noqa: E402
from cassandra.cluster import Cluster  # noqa: E402
from cassandra.query import SimpleStatement  # noqa: E402

KEYSPACE = "collections"


@pytest.fixture(scope="module")
def session(cluster):
    with quorum_session(KEYSPACE) as session:
        session.execute("CREATE TABLE profiles (id int, c int, attrs map<text, text>, tags set<text>, "
                        "events list<int>, counts map<int, bigint>, shared set<int> static, "
                        "frozen_tags frozen<set<text>>, name text, PRIMARY KEY (id, c))")
        yield session


def row(session, key, columns="attrs, tags, events, counts"):
    rows = list(session.execute(SimpleStatement(f"SELECT {columns} FROM profiles WHERE id = %s AND c = 0"), [key]))
    return rows[0] if rows else None


def test_insert_reads_back_sorted_maps_and_sets_and_ordered_lists(session):
    session.execute("INSERT INTO profiles (id, c, attrs, tags, events, counts) VALUES "
                    "(1, 0, {'b': '2', 'a': '1'}, {'z', 'x', 'y'}, [3, 1, 2], {10: 1, -5: 2})")
    result = row(session, 1)
    assert list(result.attrs.items()) == [("a", "1"), ("b", "2")]
    assert list(result.tags) == ["x", "y", "z"]
    assert result.events == [3, 1, 2]
    assert list(result.counts.items()) == [(-5, 2), (10, 1)]


def test_map_element_operations(session):
    session.execute("INSERT INTO profiles (id, c, attrs) VALUES (2, 0, {'plan': 'free', 'country': 'JP'})")
    session.execute("UPDATE profiles SET attrs['plan'] = 'pro' WHERE id = 2 AND c = 0")
    session.execute("UPDATE profiles SET attrs = attrs + {'age': '31', 'lang': 'ja'} WHERE id = 2 AND c = 0")
    session.execute("UPDATE profiles SET attrs = attrs - {'lang', 'missing'} WHERE id = 2 AND c = 0")
    session.execute("DELETE attrs['country'] FROM profiles WHERE id = 2 AND c = 0")
    assert dict(row(session, 2).attrs) == {"age": "31", "plan": "pro"}
    session.execute("UPDATE profiles SET attrs['age'] = null WHERE id = 2 AND c = 0")
    assert dict(row(session, 2).attrs) == {"plan": "pro"}
    prepared = session.prepare("UPDATE profiles SET attrs[?] = ? WHERE id = ? AND c = ?")
    assert [column.name for column in prepared.column_metadata] == ["key(attrs)", "value(attrs)", "id", "c"]
    session.execute(prepared, ["seen", "2026-07-01", 2, 0])
    assert dict(row(session, 2).attrs) == {"plan": "pro", "seen": "2026-07-01"}


def test_replacing_a_collection_removes_its_old_elements(session):
    session.execute("INSERT INTO profiles (id, c, attrs, tags) VALUES (3, 0, {'old': '1'}, {'old'})")
    session.execute("UPDATE profiles SET attrs = {'new': '2'}, tags = {'new'} WHERE id = 3 AND c = 0")
    result = row(session, 3)
    assert dict(result.attrs) == {"new": "2"}
    assert set(result.tags) == {"new"}
    session.execute("INSERT INTO profiles (id, c, attrs) VALUES (3, 0, {'inserted': '3'})")
    assert dict(row(session, 3).attrs) == {"inserted": "3"}
    session.execute("UPDATE profiles SET tags = {} WHERE id = 3 AND c = 0")
    assert row(session, 3).tags is None, "an empty non-frozen collection reads as null"
    session.execute("DELETE attrs FROM profiles WHERE id = 3 AND c = 0")
    assert row(session, 3).attrs is None


def test_replacement_with_an_older_timestamp_keeps_newer_elements(session):
    session.execute("UPDATE profiles USING TIMESTAMP 2000 SET attrs['newer'] = 'kept' WHERE id = 4 AND c = 0")
    session.execute("UPDATE profiles USING TIMESTAMP 1000 SET attrs['older'] = 'gone' WHERE id = 4 AND c = 0")
    session.execute("UPDATE profiles USING TIMESTAMP 1500 SET attrs = {'middle': 'kept'} WHERE id = 4 AND c = 0")
    assert dict(row(session, 4).attrs) == {"middle": "kept", "newer": "kept"}


def test_set_element_operations(session):
    session.execute("UPDATE profiles SET tags = tags + {'a', 'b', 'c'} WHERE id = 5 AND c = 0")
    session.execute("UPDATE profiles SET tags = tags - {'b'} WHERE id = 5 AND c = 0")
    session.execute("DELETE tags['c'] FROM profiles WHERE id = 5 AND c = 0")
    session.execute("UPDATE profiles SET tags = tags + {'a', 'd'} WHERE id = 5 AND c = 0")
    assert list(row(session, 5).tags) == ["a", "d"]


def test_list_operations(session):
    session.execute("UPDATE profiles SET events = [2, 3] WHERE id = 6 AND c = 0")
    session.execute("UPDATE profiles SET events = events + [4, 2] WHERE id = 6 AND c = 0")
    session.execute("UPDATE profiles SET events = [0, 1] + events WHERE id = 6 AND c = 0")
    assert row(session, 6).events == [0, 1, 2, 3, 4, 2]
    session.execute("UPDATE profiles SET events[1] = 10 WHERE id = 6 AND c = 0")
    session.execute("DELETE events[0] FROM profiles WHERE id = 6 AND c = 0")
    assert row(session, 6).events == [10, 2, 3, 4, 2]
    session.execute("UPDATE profiles SET events = events - [2] WHERE id = 6 AND c = 0")
    assert row(session, 6).events == [10, 3, 4]
    with pytest.raises(InvalidRequest, match="List index 3 out of bound, list has size 3"):
        session.execute("UPDATE profiles SET events[3] = 1 WHERE id = 6 AND c = 0")
    with pytest.raises(InvalidRequest, match="List index 0 out of bound, list has size 0"):
        session.execute("UPDATE profiles SET events[0] = 1 WHERE id = 999 AND c = 0")
    session.execute("UPDATE profiles SET events[2] = null WHERE id = 6 AND c = 0")
    assert row(session, 6).events == [10, 3]


def test_element_writes_from_different_coordinators_merge(session):
    """Element writes do not read: adds sent through every node all survive."""
    clusters = [Cluster([address]) for address in ("127.0.0.1", "127.0.0.2", "127.0.0.3")]
    try:
        sessions = [c.connect(KEYSPACE) for c in clusters]
        for index in range(30):
            sessions[index % 3].execute(
                SimpleStatement("UPDATE profiles SET counts[%s] = %s, tags = tags + %s WHERE id = 7 AND c = 0",
                                consistency_level=ConsistencyLevel.QUORUM),
                [index, index * 100, {f"t{index:02d}"}])
    finally:
        for c in clusters:
            c.shutdown()
    result = row(session, 7)
    assert dict(result.counts) == {index: index * 100 for index in range(30)}
    assert list(result.tags) == [f"t{index:02d}" for index in range(30)]


def test_element_ttl_expires_one_element(session):
    session.execute("UPDATE profiles SET attrs['stays'] = 'yes' WHERE id = 8 AND c = 0")
    session.execute("UPDATE profiles USING TTL 2 SET attrs['expires'] = 'soon', tags = tags + {'temp'} "
                    "WHERE id = 8 AND c = 0")
    assert dict(row(session, 8).attrs) == {"expires": "soon", "stays": "yes"}
    time.sleep(3)
    result = row(session, 8)
    assert dict(result.attrs) == {"stays": "yes"}
    assert result.tags is None


def test_static_collection(session):
    session.execute("UPDATE profiles SET shared = shared + {1, 2} WHERE id = 9")
    session.execute("INSERT INTO profiles (id, c, attrs) VALUES (9, 0, {'k': 'v'})")
    session.execute("INSERT INTO profiles (id, c, attrs) VALUES (9, 1, {'k': 'w'})")
    session.execute("UPDATE profiles SET shared = shared - {1} WHERE id = 9")
    rows = list(session.execute("SELECT c, shared FROM profiles WHERE id = 9"))
    assert [(r.c, set(r.shared)) for r in rows] == [(0, {2}), (1, {2})]


def test_errors_match_cassandra(session):
    with pytest.raises(InvalidRequest, match="Cannot use selection function writetime on collections"):
        session.execute("SELECT writetime(attrs) FROM profiles WHERE id = 1 AND c = 0")
    with pytest.raises(InvalidRequest, match="Cannot use selection function ttl on collections"):
        session.execute("SELECT ttl(tags) FROM profiles WHERE id = 1 AND c = 0")
    with pytest.raises(InvalidRequest, match="for frozen collection column frozen_tags"):
        session.execute("UPDATE profiles SET frozen_tags = frozen_tags + {'a'} WHERE id = 1 AND c = 0")
    with pytest.raises(InvalidRequest, match="for set column tags"):
        session.execute("UPDATE profiles SET tags['a'] = 'b' WHERE id = 1 AND c = 0")
    with pytest.raises(InvalidRequest, match="for non list column tags"):
        session.execute("UPDATE profiles SET tags = {'a'} + tags WHERE id = 1 AND c = 0")
    with pytest.raises(InvalidRequest, match="Invalid deletion operation for frozen collection column frozen_tags"):
        session.execute("DELETE frozen_tags['a'] FROM profiles WHERE id = 1 AND c = 0")
    with pytest.raises(InvalidRequest, match="Invalid deletion operation for non collection column name"):
        session.execute("DELETE name[1] FROM profiles WHERE id = 1 AND c = 0")


def test_list_appends_in_one_batch_keep_statement_order(session):
    session.execute("BEGIN BATCH "
                    "UPDATE profiles SET events = events + [1, 2] WHERE id = 10 AND c = 0; "
                    "UPDATE profiles SET events = events + [3] WHERE id = 10 AND c = 0; "
                    "UPDATE profiles SET events = events + [4] WHERE id = 10 AND c = 0; "
                    "APPLY BATCH")
    assert row(session, 10).events == [1, 2, 3, 4]
