"""The Python driver's object mapper (`cassandra.cqlengine`) works unchanged against a
3-node cluster: a model with a map, a set and a clustering column — sync_table, create,
get, filter, update (whole values and collection changes), delete.

The module's keyspace is dropped when it ends.
"""
import uuid

import pytest

from conftest import cqlengine_models

cassandra = pytest.importorskip("cassandra")
from cassandra.cqlengine import columns, connection, management  # noqa: E402
from cassandra.cqlengine.models import Model  # noqa: E402
from cassandra.cqlengine.query import DoesNotExist  # noqa: E402

KEYSPACE = "mapper"


class Profile(Model):
    __keyspace__ = KEYSPACE
    user_id = columns.UUID(partition_key=True)
    seen_day = columns.Integer(primary_key=True, clustering_order="DESC")
    country = columns.Text()
    attributes = columns.Map(columns.Text, columns.Text)
    tags = columns.Set(columns.Text)
    purchases = columns.BigInt(default=0)


@pytest.fixture(scope="module")
def mapper(cluster):
    with cqlengine_models(KEYSPACE, Profile):
        yield


def test_sync_table_creates_the_table_and_is_idempotent(mapper):
    metadata = connection.get_cluster().metadata
    connection.get_cluster().refresh_schema_metadata()
    table = metadata.keyspaces[KEYSPACE].tables["profile"]
    assert [c.name for c in table.partition_key] == ["user_id"]
    assert [c.name for c in table.clustering_key] == ["seen_day"]
    assert table.columns["attributes"].cql_type == "map<text, text>"
    assert table.columns["tags"].cql_type == "set<text>"
    management.sync_table(Profile)  # a second sync finds nothing to change


def test_create_get_filter_update_delete(mapper):
    user = uuid.uuid4()
    Profile.create(user_id=user, seen_day=20260701, country="JP", attributes={"plan": "free"}, tags={"new"})
    Profile.create(user_id=user, seen_day=20260702, country="JP", attributes={"plan": "pro"}, tags={"a", "b"})
    Profile.create(user_id=uuid.uuid4(), seen_day=20260701, country="US")

    first = Profile.get(user_id=user, seen_day=20260701)
    assert (first.country, first.attributes, first.tags, first.purchases) == ("JP", {"plan": "free"}, {"new"}, 0)
    days = [p.seen_day for p in Profile.filter(user_id=user)]
    assert days == [20260702, 20260701], "clustering order DESC"
    assert [p.seen_day for p in Profile.filter(user_id=user, seen_day__gt=20260701)] == [20260702]

    # Changing collections makes the mapper send element operations, not whole values.
    first.attributes["age"] = "31"
    first.tags.add("vip")
    first.purchases = 5
    first.save()
    Profile.objects(user_id=user, seen_day=20260701).update(attributes__update={"lang": "ja"}, tags__remove={"new"})
    again = Profile.get(user_id=user, seen_day=20260701)
    assert again.attributes == {"plan": "free", "age": "31", "lang": "ja"}
    assert again.tags == {"vip"}
    assert again.purchases == 5

    again.delete()
    with pytest.raises(DoesNotExist):
        Profile.get(user_id=user, seen_day=20260701)
    assert [p.seen_day for p in Profile.filter(user_id=user)] == [20260702]
    Profile.objects(user_id=user).delete()
    assert list(Profile.filter(user_id=user)) == []
