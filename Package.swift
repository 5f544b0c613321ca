// swift-tools-version:6.1
import PackageDescription

/// Release builds of the request path (client and node) skip the runtime exclusivity
/// checks: perf showed them at 2-4% of each side's CPU per request. Debug builds, which
/// the tests run, keep them.
let uncheckedExclusivityInRelease: SwiftSetting = .unsafeFlags(["-enforce-exclusivity=unchecked"],
                                                             .when(configuration: .release))

let package = Package(
    name: "kvstore",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "KVCore", targets: ["KVCore"]),
        .library(name: "LSMStore", targets: ["LSMStore"]),
        .library(name: "Ring", targets: ["Ring"]),
        .library(name: "Gossip", targets: ["Gossip"]),
        .library(name: "KVClient", targets: ["KVClient"]),
        .executable(name: "kvnode", targets: ["kvnode"]),
        .executable(name: "kvcli", targets: ["kvcli"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // liblz4 from the system (Debian: liblz4-dev).
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),
        // Small C helpers: CRC32C (SSE4.2 when present) and acquire/release pointer access.
        .target(name: "CKVSupport"),
        .target(name: "KVCore", dependencies: ["CKVSupport"]),
        .target(
            name: "LSMStore",
            dependencies: ["KVCore", "CLZ4"],
            exclude: ["FORMAT.md"],
            // The engine's hot loops mutate class state on every row; the runtime exclusivity
            // checks cost a fifth of a scan (measured with perf). Static checks remain.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        .target(name: "Ring", dependencies: ["KVCore"]),
        .target(name: "Gossip", dependencies: ["KVCore"], exclude: ["FORMAT.md"]),
        // Internode messaging over SwiftNIO: framed TCP, request/response, the Transport seam.
        .target(
            name: "Messaging",
            dependencies: [
                "KVCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["FORMAT.md"]
        ),
        // The CQL native protocol v4 (Protocol/) and the CQL language (Parser/).
        .target(
            name: "CQL",
            dependencies: [
                "KVCore", "CLZ4",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["FORMAT.md"],
            swiftSettings: [uncheckedExclusivityInRelease]
        ),
        // Consistency levels and the coordinator's read and write paths, on the Transport seam.
        .target(
            name: "Coordinator",
            dependencies: ["KVCore", "Ring", "Messaging", "Gossip", "LSMStore"],
            exclude: ["FORMAT.md"],
            swiftSettings: [.enableUpcomingFeature("NonisolatedNonsendingByDefault"), uncheckedExclusivityInRelease]
        ),
        // The deterministic cluster simulator (DESIGN §10): test support, not shipped.
        .target(
            name: "Simulation",
            dependencies: ["KVCore", "LSMStore", "Ring", "Gossip", "Messaging", "Coordinator"]
        ),
        // The Swift driver: connection pools, token-aware routing, prepared statements, paging.
        .target(
            name: "KVClient",
            dependencies: [
                "CQL", "KVCore", "Ring",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: [uncheckedExclusivityInRelease]
        ),
        .executableTarget(
            name: "kvnode",
            dependencies: [
                "KVCore", "LSMStore", "Ring", "Gossip", "Messaging", "CQL", "Coordinator",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: [.enableUpcomingFeature("NonisolatedNonsendingByDefault"), uncheckedExclusivityInRelease]
        ),
        // The load tester's pure parts: key and rate schedules, histograms, reports.
        .target(
            name: "BenchCore",
            dependencies: [.product(name: "Histogram", package: "hdrhistogram-swift")]
        ),
        .executableTarget(
            name: "kvcli",
            dependencies: [
                "KVCore", "KVClient", "CQL", "BenchCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [uncheckedExclusivityInRelease]
        ),

        // A child process for the crash test: writes with batch sync until killed.
        .executableTarget(
            name: "lsm-crash-writer",
            dependencies: ["KVCore", "LSMStore"],
            path: "Tests/CrashWriter"
        ),

        .testTarget(name: "KVCoreTests", dependencies: ["KVCore"]),
        .testTarget(name: "LSMStoreTests", dependencies: ["LSMStore", "KVCore"]),
        .testTarget(name: "BenchCoreTests", dependencies: ["BenchCore"]),
        .testTarget(name: "RingTests", dependencies: ["Ring", "KVCore"]),
        .testTarget(name: "GossipTests", dependencies: ["Gossip", "KVCore"]),
        .testTarget(
            name: "CQLTests",
            dependencies: ["CQL", "KVCore", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Coordinator", "Messaging", "KVCore"]),
        .testTarget(name: "CoordinatorTests", dependencies: ["Coordinator", "Messaging", "Ring", "KVCore"]),
        // The node's pure parts (JSON, filters, casts, schema codec, nested markers) tested
        // without a cluster.
        .testTarget(name: "KVNodeTests", dependencies: ["kvnode", "CQL", "KVCore", "LSMStore"]),
        .testTarget(
            name: "KVClientTests",
            dependencies: [
                "KVClient", "CQL", "KVCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "MessagingTests",
            dependencies: [
                "Messaging", "KVCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
