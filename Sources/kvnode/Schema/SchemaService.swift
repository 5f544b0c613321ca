import Gossip
import KVCore
import LSMStore
import Logging
import Messaging
import Synchronization

/// Owns this node's user schema: applies DDL, keeps it durable in the data directory's
/// `schema` file, keeps the storage engine's tables in step with it, publishes its version
/// in gossip, and converges with peers (push on local change, pull on a version mismatch).
///
/// All schema state is confined to this actor; readers take a copy of `schema`. Each change
/// replaces `schema` before the actor's first suspension, so DDL statements and merges
/// interleaving at awaits always start from the latest schema.
actor SchemaService {
    static let fileName = "schema"
    static let pullIntervalMilliseconds = 500

    private(set) var schema: Schema
    /// `schema` once its storage tables exist, with a number that grows with each change,
    /// for readers on the request path that must not hop to the actor.
    private nonisolated let published: Mutex<PublishedSchema>
    /// `published`'s generation, readable without the lock or a copy of the schema.
    private nonisolated let publishedGeneration = Atomic<UInt64>(0)
    private let store: LSMStore
    private let directory: String
    private let fileSystem: any FileSystem
    private let clock: any Clock
    private let logger: Logger
    private var transport: (any Transport)?
    private var gossip: GossipService?
    private var localEndpoint: GossipEndpoint?
    private var pullTask: Task<Void, Never>?
    private var lastTimestamp: Int64 = 0

    /// Loads the stored schema (or starts empty) and reconciles the storage engine with it.
    init(store: LSMStore, directory: String, fileSystem: any FileSystem, clock: any Clock, logger: Logger) throws {
        self.store = store
        self.directory = directory
        self.fileSystem = fileSystem
        self.clock = clock
        self.logger = logger
        let path = joinPath(directory, Self.fileName)
        var loaded = Schema()
        if fileSystem.exists(path) {
            let file = try fileSystem.openForReading(path)
            defer { file.close() }
            let bytes = try file.readExactly(at: 0, count: file.size, path: path)
            loaded = try SchemaCodec.decode(bytes)
        }
        self.schema = loaded
        self.lastTimestamp = loaded.latestTimestamp
        try Self.reconcile(store: store, schema: loaded, logger: logger)
        self.published = Mutex(PublishedSchema(schema: loaded, generation: 0))
    }

    /// The current schema, without a hop to the actor: the state after the last change whose
    /// storage tables exist.
    nonisolated var current: PublishedSchema { published.withLock { $0 } }

    /// `current.generation`, without the lock or a copy of the schema: every prepared
    /// request checks it.
    nonisolated var generation: UInt64 { publishedGeneration.load(ordering: .acquiring) }

    /// Makes `updated` the schema and brings the storage tables in step; request-path
    /// readers see it once that is done (or failed).
    private func install(_ updated: Schema) throws {
        schema = updated
        defer {
            published.withLock {
                $0 = PublishedSchema(schema: updated, generation: $0.generation + 1)
                publishedGeneration.store($0.generation, ordering: .releasing)
            }
        }
        try Self.reconcile(store: store, schema: updated, logger: logger)
    }

    /// Creates the storage tables the schema has and the store lacks, and drops those the
    /// store has and the schema does not (dropped, or lost a merge).
    private static func reconcile(store: LSMStore, schema: Schema, logger: Logger) throws {
        let live = schema.liveTables
        let wanted = Set(live.map(\.id))
        for id in store.tableIDs where !wanted.contains(id) {
            logger.info("dropping storage table \(id) (not in the schema)")
            try store.dropTable(id)
        }
        let existing = Set(store.tableIDs)
        for table in live where !existing.contains(table.id) {
            try store.createTable(table.id, options: storageOptions(table))
        }
    }

    static func storageOptions(_ table: TableSchema) -> TableOptions {
        var options = TableOptions()
        options.gcGraceSeconds = Int64(table.gcGraceSeconds)
        if table.compaction["class"] == SchemaOptions.leveled {
            let sizeMB = table.compaction["sstable_size_in_mb"].flatMap(Int.init) ?? 160
            options.compaction = .leveled(targetFileSizeBytes: sizeMB << 20, levelOneSizeBytes: max(sizeMB << 20, 256 << 20))
        } else {
            let minimum = table.compaction["min_threshold"].flatMap(Int.init) ?? 4
            let maximum = table.compaction["max_threshold"].flatMap(Int.init) ?? 32
            options.compaction = .sizeTiered(minThreshold: minimum, maxThreshold: maximum)
        }
        // Per-block value bounds of the columns filters can prove things about (DESIGN §8).
        // Kept from the table's creation: columns added later have none, so never skip.
        for column in table.columns where column.kind == .regular || column.kind == .staticColumn {
            if let ordering = ValueOrdering(exactFor: column.type) { options.sstable.columnOrderings[column.id] = ordering }
        }
        return options
    }

    /// Starts serving `.schemaPull`/`.schemaPush` and pulling from peers whose gossiped
    /// version differs from ours.
    func start(transport: any Transport, gossip: GossipService, localEndpoint: GossipEndpoint) async {
        self.transport = transport
        self.gossip = gossip
        self.localEndpoint = localEndpoint
        transport.setHandler(for: .schemaPull) { [weak self] _ in
            guard let self else { return nil }
            return .success(SchemaCodec.encode(await self.schema))
        }
        transport.setHandler(for: .schemaPush) { [weak self] message in
            guard let self else { return nil }
            do {
                try await self.mergeRemote(SchemaCodec.decode(message.payload), from: "\(message.from)")
                return .success([])
            } catch {
                return .failure("\(error)")
            }
        }
        await gossip.setApplicationStates([.schemaVersion: schema.version])
        pullTask = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Self.pullIntervalMilliseconds))
                await self?.pullFromDisagreeingPeers()
            }
        }
    }

    func stop() {
        pullTask?.cancel()
        pullTask = nil
        transport?.setHandler(for: .schemaPull, nil)
        transport?.setHandler(for: .schemaPush, nil)
    }

    var version: String { schema.version }

    /// A change timestamp later than every one this node has seen.
    func nextTimestamp() -> Int64 {
        lastTimestamp = max(clock.nowMicros(), lastTimestamp + 1, schema.latestTimestamp + 1)
        return lastTimestamp
    }

    /// Makes `updated` the schema: durable first, then the storage engine, then gossip and
    /// peers. Throws (leaving the old schema) if it cannot be stored.
    func commit(_ updated: Schema) async throws {
        try persist(updated)
        try install(updated)
        await gossip?.setApplicationStates([.schemaVersion: updated.version])
        await pushToPeers()
    }

    private func persist(_ schema: Schema) throws {
        let path = joinPath(directory, Self.fileName)
        let temporary = path + ".tmp"
        let file = try fileSystem.openForAppend(temporary, truncate: true)
        try file.append(SchemaCodec.encode(schema))
        try file.sync()
        try file.close()
        try fileSystem.rename(temporary, to: path)
        try fileSystem.syncDirectory(directory)
    }

    // MARK: Propagation

    private func livePeers() async -> [(endpoint: GossipEndpoint, version: String?)] {
        guard let gossip else { return [] }
        return await gossip.snapshot().compactMap { entry in
            guard entry.endpoint != localEndpoint, entry.isAlive, !entry.state.isInDeadState else { return nil }
            return (entry.endpoint, entry.state[.schemaVersion]?.lowercased())
        }
    }

    private func pushToPeers() async {
        guard let transport else { return }
        let bytes = SchemaCodec.encode(schema)
        for peer in await livePeers() {
            transport.send(bytes, verb: .schemaPush, to: NodeAddress(host: peer.endpoint.host, port: Int(peer.endpoint.port)))
        }
    }

    private func pullFromDisagreeingPeers() async {
        guard let transport else { return }
        let mine = schema.version
        for peer in await livePeers() where peer.version != nil && peer.version != mine {
            do {
                let bytes = try await transport.request([], verb: .schemaPull,
                                                        to: NodeAddress(host: peer.endpoint.host, port: Int(peer.endpoint.port)),
                                                        timeout: .seconds(5))
                try await mergeRemote(SchemaCodec.decode(bytes), from: peer.endpoint.description)
            } catch {
                logger.debug("schema pull from \(peer.endpoint) failed: \(error)")
            }
        }
    }

    private func mergeRemote(_ remote: Schema, from source: String) async throws {
        var merged = schema
        guard merged.merge(remote) else { return }
        logger.info("schema merged from \(source): version \(merged.version)")
        try persist(merged)
        lastTimestamp = max(lastTimestamp, merged.latestTimestamp)
        try install(merged)
        await gossip?.setApplicationStates([.schemaVersion: merged.version])
    }

    /// Datacenters known from gossip (for NetworkTopologyStrategy's `replication_factor`).
    func knownDatacenters(local: String) async -> [String] {
        guard let gossip else { return [local] }
        var names: Set<String> = [local]
        for entry in await gossip.snapshot() where !entry.state.isInDeadState {
            if let datacenter = entry.state[.datacenter] { names.insert(datacenter) }
        }
        return names.sorted()
    }
}

/// A schema as published to the request path, numbered so a cached plan can tell cheaply
/// whether anything changed since it was checked.
struct PublishedSchema: Sendable {
    let schema: Schema
    /// Grows by one with every change on this node (not comparable across nodes).
    let generation: UInt64
}
