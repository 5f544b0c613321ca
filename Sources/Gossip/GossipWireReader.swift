import KVCore

/// Reads the pieces of the gossip wire format from untrusted bytes. Every count and length
/// is checked against the configured limits and against the bytes left before anything is
/// allocated; every failure is a thrown `DecodeError` with the offset, never a trap.
struct GossipWireReader {
    var reader: ByteReader
    let configuration: GossipConfiguration

    init(_ buffer: UnsafeRawBufferPointer, configuration: GossipConfiguration) {
        reader = ByteReader(buffer)
        self.configuration = configuration
    }

    /// A length-prefixed UTF-8 string of at most `limit` bytes.
    mutating func readString(limit: Int) throws(DecodeError) -> String {
        let start = reader.offset
        let length = try reader.readLength(limit: min(limit, reader.remaining))
        let bytes = try reader.readSlice(length)
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw .malformed(offset: start, reason: "string is not valid UTF-8")
        }
        return string
    }

    /// A varint in `0...Int64.max` (generations and versions).
    mutating func readNonNegative() throws(DecodeError) -> Int64 {
        let start = reader.offset
        let value = try reader.readVarint()
        guard value <= UInt64(Int64.max) else { throw .malformed(offset: start, reason: "value \(value) exceeds Int64") }
        return Int64(value)
    }

    /// A count of items each at least `minimumItemSizeBytes` long, at most `limit`.
    mutating func readCount(limit: Int, minimumItemSizeBytes: Int) throws(DecodeError) -> Int {
        try reader.readLength(limit: min(limit, reader.remaining / minimumItemSizeBytes))
    }

    mutating func readEndpoint() throws(DecodeError) -> GossipEndpoint {
        let start = reader.offset
        let host = try readString(limit: configuration.maxHostBytes)
        guard !host.isEmpty else { throw .malformed(offset: start, reason: "empty endpoint host") }
        let portOffset = reader.offset
        let port = try reader.readVarint()
        guard port <= UInt64(UInt16.max) else { throw .malformed(offset: portOffset, reason: "port \(port) out of range") }
        return GossipEndpoint(host: host, port: UInt16(port))
    }

    mutating func readDigests() throws(DecodeError) -> [GossipDigest] {
        // A digest is at least 5 bytes: host length, one host byte, port, generation, version.
        let count = try readCount(limit: configuration.maxEndpointsPerMessage, minimumItemSizeBytes: 5)
        var digests: [GossipDigest] = []
        digests.reserveCapacity(count)
        for _ in 0..<count {
            let endpoint = try readEndpoint()
            digests.append(GossipDigest(endpoint: endpoint, generation: try readNonNegative(),
                                        maxVersion: try readNonNegative()))
        }
        return digests
    }

    mutating func readState() throws(DecodeError) -> EndpointState {
        let heartbeat = HeartbeatState(generation: try readNonNegative(), version: try readNonNegative())
        // A state is at least 3 bytes: key, version, empty value's length.
        let count = try readCount(limit: configuration.maxApplicationStatesPerEndpoint, minimumItemSizeBytes: 3)
        var states: [ApplicationStateKey: VersionedValue] = [:]
        var previousKey: UInt8?
        for _ in 0..<count {
            let keyOffset = reader.offset
            let key = try reader.readUInt8()
            if let previousKey, key <= previousKey {
                throw .malformed(offset: keyOffset, reason: "application state keys not strictly ascending")
            }
            previousKey = key
            let version = try readNonNegative()
            let value = try readString(limit: configuration.maxValueBytes)
            states[ApplicationStateKey(rawValue: key)] = VersionedValue(value: value, version: version)
        }
        return EndpointState(heartbeat: heartbeat, applicationStates: states)
    }

    mutating func readStates() throws(DecodeError) -> [GossipEndpoint: EndpointState] {
        // An entry is at least 6 bytes: a 3-byte endpoint and a 3-byte empty state.
        let count = try readCount(limit: configuration.maxEndpointsPerMessage, minimumItemSizeBytes: 6)
        var states: [GossipEndpoint: EndpointState] = [:]
        states.reserveCapacity(count)
        for _ in 0..<count {
            let start = reader.offset
            let endpoint = try readEndpoint()
            guard states[endpoint] == nil else { throw .malformed(offset: start, reason: "endpoint \(endpoint) twice") }
            states[endpoint] = try readState()
        }
        return states
    }
}
