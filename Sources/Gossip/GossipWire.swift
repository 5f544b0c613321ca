import KVCore

/// The pieces of the gossip wire format (`FORMAT.md`): writers, and exact encoded sizes so
/// that the gossiper can fill a message up to `maxMessageSizeBytes` without encoding twice.
/// Maps are written in ascending key order, so equal messages encode to equal bytes.
enum GossipWire {
    /// The format version byte that starts every message. Never reused.
    static let formatVersion: UInt8 = 1
    /// Version byte and kind byte.
    static let headerSizeBytes = 2

    /// The message kind byte. Values are never reused.
    enum Kind: UInt8 {
        case syn = 1
        case ack = 2
        case ack2 = 3
        case shutdown = 4
    }

    static func writeString(_ value: String, into writer: inout ByteWriter) {
        writer.writeLengthPrefixed(value.utf8)
    }

    static func writeEndpoint(_ endpoint: GossipEndpoint, into writer: inout ByteWriter) {
        writeString(endpoint.host, into: &writer)
        writer.writeVarint(UInt64(endpoint.port))
    }

    static func writeDigest(_ digest: GossipDigest, into writer: inout ByteWriter) {
        writeEndpoint(digest.endpoint, into: &writer)
        writer.writeVarint(UInt64(digest.generation))
        writer.writeVarint(UInt64(digest.maxVersion))
    }

    static func writeDigests(_ digests: [GossipDigest], into writer: inout ByteWriter) {
        writer.writeVarint(UInt64(digests.count))
        for digest in digests { writeDigest(digest, into: &writer) }
    }

    static func writeState(_ state: EndpointState, into writer: inout ByteWriter) {
        writer.writeVarint(UInt64(state.heartbeat.generation))
        writer.writeVarint(UInt64(state.heartbeat.version))
        writer.writeVarint(UInt64(state.applicationStates.count))
        for (key, value) in state.applicationStates.sorted(by: { $0.key < $1.key }) {
            writer.writeUInt8(key.rawValue)
            writer.writeVarint(UInt64(value.version))
            writeString(value.value, into: &writer)
        }
    }

    static func writeStates(_ states: [GossipEndpoint: EndpointState], into writer: inout ByteWriter) {
        writer.writeVarint(UInt64(states.count))
        for (endpoint, state) in states.sorted(by: { $0.key < $1.key }) {
            writeEndpoint(endpoint, into: &writer)
            writeState(state, into: &writer)
        }
    }

    // MARK: - Sizes

    static func varintSize(_ value: UInt64) -> Int {
        value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
    }

    static func varintSize(_ value: Int64) -> Int { varintSize(UInt64(value)) }
    static func varintSize(_ value: Int) -> Int { varintSize(UInt64(value)) }

    static func stringSize(_ value: String) -> Int {
        let count = value.utf8.count
        return varintSize(count) + count
    }

    static func endpointSize(_ endpoint: GossipEndpoint) -> Int {
        stringSize(endpoint.host) + varintSize(UInt64(endpoint.port))
    }

    static func digestSize(_ digest: GossipDigest) -> Int {
        endpointSize(digest.endpoint) + varintSize(digest.generation) + varintSize(digest.maxVersion)
    }

    static func stateSize(_ state: EndpointState) -> Int {
        let heartbeat = varintSize(state.heartbeat.generation) + varintSize(state.heartbeat.version)
        let values = state.applicationStates.values.reduce(0) { total, value in
            total + 1 + varintSize(value.version) + stringSize(value.value)
        }
        return heartbeat + varintSize(state.applicationStates.count) + values
    }

    static func entrySize(_ endpoint: GossipEndpoint, _ state: EndpointState) -> Int {
        endpointSize(endpoint) + stateSize(state)
    }
}
