"""The SQLite and DuckDB side of Benchmarks/compare-segment.sh (PERFORMANCE.md §3).

  segment-peers.py queries                   the segments: name, kind (keys|count), CQL filter
  segment-peers.py build ROWS DIR            the profiles rows in DIR/profiles.sqlite and
                                             DIR/profiles.duckdb (kept and reused for the same ROWS)
  segment-peers.py check ROWS NDJSON         compares rows our store returned (kvcli segment
                                             --format ndjson, every column) with the generator's
  segment-peers.py time DIR RUNS             each segment in SQLite and DuckDB (one thread): one
                                             line "name engine matched best_seconds" per pair

The rows are generated vectorised with numpy (uint64 arithmetic wraps mod 2^64, as splitmix64
needs). The map column becomes two columns, attrs_lang and attrs_device: every row has both
keys, so `attrs['lang'] = 'en'` and `attrs_lang = 'en'` select the same rows.
"""
import datetime
import json
import os
import sqlite3
import sys
import time

import duckdb
import numpy as np

COUNTRIES = ["JP", "US", "KR", "TW", "DE", "FR", "GB", "BR", "IN", "ID"]
PLANS = ["free", "basic", "pro", "enterprise"]
LANGUAGES = ["ja", "en", "ko", "zh"]
DEVICES = ["ios", "android", "web"]
CHUNK_ROWS = 1_000_000

EXAMPLE = ("country = 'JP' AND age >= 30 AND age < 40 AND push_enabled = true AND last_seen > 1720000000000 "
           "AND (plan = 'pro' OR purchase_count >= 500)")
# name, kind, CQL filter, SQL filter (the same rows in SQLite and DuckDB).
QUERIES = [
    ("example", "keys", EXAMPLE, EXAMPLE.replace("= true", "= TRUE")),
    ("example-count", "count", EXAMPLE, EXAMPLE.replace("= true", "= TRUE")),
    ("in-and-map-element", "keys", "country IN ('US', 'GB') AND attrs['lang'] = 'en' AND age < 25",
     "country IN ('US', 'GB') AND attrs_lang = 'en' AND age < 25"),
    ("map-element-or-not", "keys", "attrs['device'] = 'ios' AND ltv >= 900 AND NOT (plan = 'free' OR age > 60)",
     "attrs_device = 'ios' AND ltv >= 900 AND NOT (plan = 'free' OR age > 60)"),
]

SCHEMA = ("CREATE TABLE profiles (user_id VARCHAR PRIMARY KEY, country VARCHAR, age INTEGER, push_enabled BOOLEAN, "
          "purchase_count INTEGER, last_seen BIGINT, ltv DOUBLE, plan VARCHAR, attrs_lang VARCHAR, attrs_device VARCHAR)")


def splitmix64(x):
    z = x + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def columns(start, stop):
    """Rows start..<stop as numpy columns; strings as indexes into the value lists."""
    i = np.arange(start, stop, dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = {k: splitmix64(i * np.uint64(16) + np.uint64(k)) for k in range(1, 10)}
    return {
        "i": i.astype(np.int64),
        "country": (h[1] % np.uint64(10)).astype(np.int8),
        "age": (np.uint64(18) + h[2] % np.uint64(60)).astype(np.int32),
        "push_enabled": h[3] % np.uint64(2) == 0,
        "purchase_count": (h[4] % np.uint64(1000)).astype(np.int32),
        "last_seen": (np.uint64(1_700_000_000_000) + h[5] % np.uint64(31_536_000_000)).astype(np.int64),
        "ltv": (h[6] % np.uint64(100_000)).astype(np.float64) / 100.0,
        "plan": (h[7] % np.uint64(4)).astype(np.int8),
        "lang": (h[8] % np.uint64(4)).astype(np.int8),
        "device": (h[9] % np.uint64(3)).astype(np.int8),
    }


def sql_list(values):
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


# DuckDB turns the index columns into the dataset's values (lists are 1-based).
SELECT_ROWS = (f"SELECT 'u' || lpad(CAST(i AS VARCHAR), 10, '0'), {sql_list(COUNTRIES)}[country + 1], age, "
               f"push_enabled, purchase_count, last_seen, ltv, {sql_list(PLANS)}[plan + 1], "
               f"{sql_list(LANGUAGES)}[lang + 1], {sql_list(DEVICES)}[device + 1] FROM chunk")


def build(rows, directory):
    marker = os.path.join(directory, "profiles.rows")
    if os.path.exists(marker) and open(marker).read() == str(rows):
        print(f"reusing the SQLite and DuckDB files in {directory}", file=sys.stderr)
        return
    os.makedirs(directory, exist_ok=True)
    for name in ("profiles.duckdb", "profiles.sqlite", "profiles.rows"):
        if os.path.exists(os.path.join(directory, name)):
            os.remove(os.path.join(directory, name))
    duck = duckdb.connect(os.path.join(directory, "profiles.duckdb"))
    lite = sqlite3.connect(os.path.join(directory, "profiles.sqlite"))
    duck.execute(SCHEMA)
    lite.execute(SCHEMA)
    for start in range(0, rows, CHUNK_ROWS):
        chunk = columns(start, min(rows, start + CHUNK_ROWS))  # noqa: F841 (DuckDB reads it by name)
        duck.execute("INSERT INTO profiles " + SELECT_ROWS)
        lite.executemany("INSERT INTO profiles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", duck.execute(SELECT_ROWS).fetchall())
        print(f"built {min(rows, start + CHUNK_ROWS):,} of {rows:,} rows", file=sys.stderr)
    lite.commit()
    lite.close()
    duck.close()
    with open(marker, "w") as file:
        file.write(str(rows))


def expected_row(i):
    """Row i as `kvcli segment --format ndjson` writes it (timestamps in cqlsh's form)."""
    c = {name: values[0] for name, values in columns(i, i + 1).items()}
    seen = datetime.datetime.fromtimestamp(int(c["last_seen"]) / 1000, tz=datetime.timezone.utc)
    return {"user_id": f"u{i:010d}", "country": COUNTRIES[c["country"]], "age": int(c["age"]),
            "push_enabled": bool(c["push_enabled"]), "purchase_count": int(c["purchase_count"]),
            "last_seen": seen.strftime("%Y-%m-%d %H:%M:%S.%f") + "+0000", "ltv": float(c["ltv"]),
            "plan": PLANS[c["plan"]], "attrs": {"lang": LANGUAGES[c["lang"]], "device": DEVICES[c["device"]]}}


def check(rows, path):
    got = [json.loads(line) for line in open(path)]
    if not got:
        sys.exit("error: our store returned none of the sample rows")
    for row in got:
        wanted = expected_row(int(row["user_id"][1:]))
        if row != wanted:
            sys.exit(f"error: the generators disagree on row {row['user_id']}:\n ours  {row}\n numpy {wanted}")
    print(f"the Swift and numpy generators agree on {len(got)} sample rows", file=sys.stderr)


def best_time(run, runs):
    """(result of the last run, fastest wall time in seconds)."""
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        result = run()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return result, best


def measure(directory, runs):
    duck = duckdb.connect(os.path.join(directory, "profiles.duckdb"), read_only=True)
    duck.execute("PRAGMA threads=1")
    lite = sqlite3.connect(os.path.join(directory, "profiles.sqlite"))
    engines = {"sqlite": lambda sql: lite.execute(sql).fetchall(), "duckdb": lambda sql: duck.execute(sql).fetchall()}
    for name, kind, _, where in QUERIES:
        selection = "COUNT(*)" if kind == "count" else "user_id"
        sql = f"SELECT {selection} FROM profiles WHERE {where}"
        for engine, execute in engines.items():
            result, seconds = best_time(lambda: execute(sql), runs)
            matched = result[0][0] if kind == "count" else len(result)
            print(name, engine, matched, f"{seconds:.6f}")


def main(arguments):
    command = arguments[0] if arguments else ""
    if command == "queries":
        for name, kind, cql, _ in QUERIES:
            print(f"{name}\t{kind}\t{cql}")
    elif command == "build":
        build(int(arguments[1]), arguments[2])
    elif command == "check":
        check(int(arguments[1]), arguments[2])
    elif command == "time":
        measure(arguments[1], int(arguments[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
