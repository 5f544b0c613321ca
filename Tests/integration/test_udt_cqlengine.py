"""The Python driver's object mapper with user-defined types against a 3-node cluster:
sync_table creates the type (and adds a field the model gained with ALTER TYPE), models
with a UDT column, a list of UDTs and a map of UDTs save and load, and updates replace them.

The module's keyspace is dropped when it ends.
"""

import pytest

from conftest import cqlengine_models, wait_until

cassandra = pytest.importorskip("cassandra")
from cassandra.cqlengine import columns, connection, management  # noqa: E402
from cassandra.cqlengine.models import Model  # noqa: E402
from cassandra.cqlengine.usertype import UserType  # noqa: E402

KEYSPACE = "mapper_udt"


class Address(UserType):
    __type_name__ = "address"
    street = columns.Text()
    zipcode = columns.Integer()


class Person(Model):
    __keyspace__ = KEYSPACE
    id = columns.Integer(primary_key=True)
    home = columns.UserDefinedType(Address)
    previous = columns.List(columns.UserDefinedType(Address))
    by_label = columns.Map(columns.Text, columns.UserDefinedType(Address))


@pytest.fixture(scope="module")
def mapper(cluster):
    with cqlengine_models(KEYSPACE, Person):
        yield


def test_sync_table_creates_the_type_and_the_table(mapper):
    metadata = connection.get_cluster().metadata.keyspaces[KEYSPACE]
    assert metadata.user_types["address"].field_names == ["street", "zipcode"]
    assert metadata.tables["person"].columns["home"].cql_type == "frozen<address>"
    management.sync_table(Person)  # a second sync finds nothing to change


def test_models_with_udts_save_load_and_update(mapper):
    Person.create(id=1, home=Address(street="Main", zipcode=1), previous=[Address(street="Old", zipcode=2)],
                  by_label={"work": Address(street="Office", zipcode=3)})
    person = Person.get(id=1)
    assert (person.home.street, person.home.zipcode) == ("Main", 1)
    assert [(a.street, a.zipcode) for a in person.previous] == [("Old", 2)]
    assert person.by_label["work"].street == "Office"
    person.home = Address(street="New", zipcode=None)
    person.previous = person.previous + [Address(street="Older", zipcode=4)]
    person.save()
    person = Person.get(id=1)
    assert (person.home.street, person.home.zipcode) == ("New", None)
    assert [a.street for a in person.previous] == ["Old", "Older"]


def test_sync_type_adds_a_field_the_model_gained(mapper):
    class AddressV2(UserType):
        __type_name__ = "address"
        street = columns.Text()
        zipcode = columns.Integer()
        country = columns.Text()

    management.sync_type(KEYSPACE, AddressV2)
    cluster = connection.get_cluster()
    wait_until(lambda: cluster.metadata.keyspaces[KEYSPACE].user_types["address"].field_names
               == ["street", "zipcode", "country"], 10)
