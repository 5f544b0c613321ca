// swift-tools-version:6.1
import PackageDescription

// The engine benchmarks: a package of their own (as SwiftNIO's `Benchmarks/`), so the main
// package carries no benchmark code and no benchmark dependency.
let package = Package(
    name: "kvstore-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "kvstore", path: ".."),
    ],
    targets: [
        // Drives `LSMStore` directly with db_bench's flags and prints db_bench's result lines
        // (PERFORMANCE.md §1); `compare-rocksdb.sh` runs it beside RocksDB's db_bench.
        .executableTarget(
            name: "lsm-bench",
            dependencies: [
                .product(name: "LSMStore", package: "kvstore"),
                .product(name: "KVCore", package: "kvstore"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
