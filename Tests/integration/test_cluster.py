"""A 3-node cluster started with `kvcli cluster start`: status, failure detection, restart, drain.

The tests run in file order against one cluster (the last one stops it).
"""
import os

from conftest import run_kvcli, states_seen_by, wait_until

ADDRESSES = ["127.0.0.1", "127.0.0.2", "127.0.0.3"]


def all_see(addresses, expected):
    """Whether every node in `addresses` sees every node of `expected` ({address: state})."""
    return all(
        all(states_seen_by(observer).get(address) == state for address, state in expected.items())
        for observer in addresses
    )


def test_every_node_is_up_and_normal_everywhere(cluster):
    seconds = wait_until(lambda: all_see(ADDRESSES, {a: "UN" for a in ADDRESSES}), 20)
    print(f"all UN after {seconds:.1f} s more")


def test_kvcli_status_prints_nodetool_lines(cluster):
    output = run_kvcli("status", "--host", "127.0.0.2").stdout
    lines = [line for line in output.splitlines() if line.startswith("UN")]
    assert sorted(line.split()[1] for line in lines) == ADDRESSES, output
    assert "Datacenter: dc1" in output
    for line in lines:
        assert line.split()[-1] == "rack1"


def test_garbage_on_the_storage_port_does_not_hurt_the_node(cluster):
    import random
    import socket
    import struct

    generator = random.Random(7)
    payloads = [bytes(generator.randrange(256) for _ in range(generator.randrange(1, 300))) for _ in range(50)]
    payloads += [b"\x16\x03\x01\x02\x00" + b"\x00" * 64, struct.pack(">I", 0xFFFFFFFF) * 8, b""]
    for payload in payloads:
        with socket.create_connection(("127.0.0.1", 7000), timeout=2) as connection:
            try:
                connection.sendall(payload)
                connection.settimeout(0.2)
                connection.recv(16)
            except OSError:
                pass
    wait_until(lambda: all_see(ADDRESSES, {a: "UN" for a in ADDRESSES}), 10)


def test_a_killed_node_is_marked_down_by_the_others(cluster):
    cluster.kvcli("kill", "3")
    seconds = wait_until(lambda: all_see(ADDRESSES[:2], {"127.0.0.3": "DN"}), 20)
    print(f"failure detection: node 3 DN on both others after {seconds:.1f} s")
    assert all_see(ADDRESSES[:2], {"127.0.0.1": "UN", "127.0.0.2": "UN"})


def test_a_restarted_node_comes_back_with_its_identity(cluster):
    before = cluster.identity(3)
    host_id = before["host_id"]
    cluster.kvcli("start", "3", timeout=120)
    wait_until(lambda: all_see(ADDRESSES, {a: "UN" for a in ADDRESSES}), 20)
    after = cluster.identity(3)
    assert (after["host_id"], after["tokens"]) == (host_id, before["tokens"]), "host id or tokens changed"
    assert int(after["generation"]) > int(before["generation"]), "a restart must start a new gossip generation"
    output = run_kvcli("status", "--host", "127.0.0.1").stdout
    assert host_id in output


def test_stop_drains_every_node(cluster):
    cluster.kvcli("stop", timeout=120)
    for index in range(1, 4):
        with open(os.path.join(cluster.directory, f"node{index}", "kvnode.log")) as file:
            log = file.read()
        assert "drained" in log, f"node {index} did not drain:\n{log[-2000:]}"
    assert "running" not in cluster.kvcli("status").stdout
