import KVCore

/// What makes a node the same node across restarts: its host id and its tokens. Stored in
/// `<data_directory>/node-identity` as `key: value` lines, replaced atomically and durably.
struct NodeIdentity: Sendable, Equatable {
    static let fileName = "node-identity"
    var hostID: String
    var tokens: [Int64]
    /// The gossip generation of the last start: the next must be larger, or peers would
    /// keep believing the old state.
    var generation: Int64 = 0

    /// A new random host id (UUID form) and no tokens yet.
    static func fresh(_ random: any RandomSource) -> NodeIdentity {
        NodeIdentity(hostID: randomUUIDString(random), tokens: [])
    }

    static func randomUUIDString(_ random: any RandomSource) -> String {
        var bytes = (0..<16).map { _ in UInt8(truncatingIfNeeded: random.nextUInt64()) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        let cuts = [8, 12, 16, 20]
        var result = ""
        for (index, character) in hex.enumerated() {
            if cuts.contains(index) { result.append("-") }
            result.append(character)
        }
        return result
    }

    func encode() -> String {
        "host_id: \(hostID)\ntokens: \(tokens.map(String.init).joined(separator: ","))\ngeneration: \(generation)\n"
    }

    static func decode(_ text: String, path: String) throws -> NodeIdentity {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                throw ConfigurationError(description: "\(path): malformed line '\(line)'")
            }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].drop { $0 == " " }.description
        }
        guard let hostID = fields["host_id"], hostID.count == 36 else {
            throw ConfigurationError(description: "\(path): missing or malformed host_id")
        }
        let tokenText = fields["tokens"] ?? ""
        let tokens = tokenText.isEmpty ? [] : tokenText.split(separator: ",").map { Int64($0) }
        guard !tokens.contains(nil) else { throw ConfigurationError(description: "\(path): malformed tokens") }
        guard let generation = Int64(fields["generation"] ?? "0") else {
            throw ConfigurationError(description: "\(path): malformed generation")
        }
        return NodeIdentity(hostID: hostID, tokens: tokens.map { $0! }, generation: generation)
    }

    /// The stored identity, or nil on first start.
    static func load(directory: String, fileSystem: any FileSystem) throws -> NodeIdentity? {
        let path = joinPath(directory, fileName)
        guard fileSystem.exists(path) else { return nil }
        let file = try fileSystem.openForReading(path)
        defer { file.close() }
        let bytes = try file.readExactly(at: 0, count: file.size, path: path)
        return try decode(String(decoding: bytes, as: UTF8.self), path: path)
    }

    /// Stores the identity durably (temporary file, fsync, rename, directory fsync).
    func save(directory: String, fileSystem: any FileSystem) throws {
        let path = joinPath(directory, Self.fileName)
        let temporary = path + ".tmp"
        let file = try fileSystem.openForAppend(temporary, truncate: true)
        try file.append(Array(encode().utf8))
        try file.sync()
        try file.close()
        try fileSystem.rename(temporary, to: path)
        try fileSystem.syncDirectory(directory)
    }
}
