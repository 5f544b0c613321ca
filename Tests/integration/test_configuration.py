"""kvnode refuses a bad configuration with a message naming the key, path or address."""
import os
import socket
import subprocess
import tempfile

from conftest import KVCLI

KVNODE = os.path.join(os.path.dirname(KVCLI), "kvnode")


def run_kvnode(config_text, *flags):
    directory = tempfile.mkdtemp(prefix="kvnode-config-")
    path = os.path.join(directory, "kvnode.yaml")
    with open(path, "w") as file:
        file.write(config_text.replace("DATA", os.path.join(directory, "data")))
    return subprocess.run([KVNODE, "--config", path, *flags], capture_output=True, text=True, timeout=60)


BASE = "listen_address: 127.0.0.9\nnative_address: 127.0.0.9\ndata_directory: DATA\nseeds: [127.0.0.9]\n"


def test_unknown_key_is_named():
    result = run_kvnode(BASE + "colour: blue\n")
    assert result.returncode != 0
    assert "colour" in result.stderr


def test_bad_request_timeout_is_named():
    result = run_kvnode(BASE + "read_request_timeout_ms: 0\n")
    assert result.returncode != 0
    assert "read_request_timeout_ms" in result.stderr


def test_memtable_sizes_out_of_range_are_named():
    for line in ("memtable_size_mb: 0\n", "memtable_space_mb: 0\n", "memtable_space_mb: 9999999999999\n"):
        result = run_kvnode(BASE + line)
        key = line.split(":")[0]
        assert result.returncode != 0, line
        assert key in result.stderr and "outside" in result.stderr, result.stderr


def test_bad_speculative_retry_is_named():
    result = run_kvnode(BASE + "speculative_retry: 150p\n")
    assert result.returncode != 0
    assert "speculative_retry" in result.stderr and "150p" in result.stderr


def test_speculative_retry_and_its_deprecated_alias_conflict():
    result = run_kvnode(BASE + "speculative_retry: 99p\nspeculative_retry_ms: 50\n")
    assert result.returncode != 0
    assert "speculative_retry_ms" in result.stderr


def test_bad_address_is_named():
    result = run_kvnode(BASE.replace("listen_address: 127.0.0.9", "listen_address: 300.1.2.3"))
    assert result.returncode != 0
    assert "listen_address" in result.stderr and "300.1.2.3" in result.stderr


def test_port_in_use_is_named():
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.9", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        result = run_kvnode(BASE + f"storage_port: {port}\n")
    assert result.returncode != 0
    assert f"127.0.0.9:{port}" in result.stderr


def test_unusable_data_directory_is_named():
    result = run_kvnode(BASE.replace("DATA", "/proc/kvnode-cannot-write-here"))
    assert result.returncode != 0
    assert "/proc/kvnode-cannot-write-here" in result.stderr


def test_bad_batch_settings_are_named():
    result = run_kvnode(BASE + "batch_size_fail_threshold_in_kb: 0\n")
    assert result.returncode != 0
    assert "batch_size_fail_threshold_in_kb" in result.stderr
    result = run_kvnode(BASE + "batchlog_replay_interval_ms: 5\n")
    assert result.returncode != 0
    assert "batchlog_replay_interval_ms" in result.stderr
