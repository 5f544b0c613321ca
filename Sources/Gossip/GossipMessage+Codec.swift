import KVCore

extension GossipMessage {
    /// The message in the versioned binary form of `FORMAT.md`. Equal messages give equal
    /// bytes. The caller keeps messages it builds itself within limits; those from
    /// `Gossiper` respect `maxMessageSizeBytes`.
    public func encode() -> [UInt8] {
        var writer = ByteWriter(capacity: 256)
        writer.writeUInt8(GossipWire.formatVersion)
        switch self {
        case .syn(let syn):
            writer.writeUInt8(GossipWire.Kind.syn.rawValue)
            GossipWire.writeString(syn.clusterName, into: &writer)
            GossipWire.writeDigests(syn.digests, into: &writer)
        case .ack(let ack):
            writer.writeUInt8(GossipWire.Kind.ack.rawValue)
            GossipWire.writeDigests(ack.requests, into: &writer)
            GossipWire.writeStates(ack.states, into: &writer)
        case .ack2(let ack2):
            writer.writeUInt8(GossipWire.Kind.ack2.rawValue)
            GossipWire.writeStates(ack2.states, into: &writer)
        case .shutdown(let shutdown):
            writer.writeUInt8(GossipWire.Kind.shutdown.rawValue)
            GossipWire.writeState(shutdown.state, into: &writer)
        }
        return writer.bytes
    }

    /// Decodes bytes from a peer. Throws `DecodeError` (with the offset) on an unknown
    /// version or kind, a truncated or oversized message, any count or length over the
    /// limits of `configuration`, invalid UTF-8, an endpoint listed twice, or bytes left
    /// over. Never traps; allocation is bounded by the input's size.
    public static func decode(_ bytes: [UInt8], configuration: GossipConfiguration = GossipConfiguration()) throws(DecodeError) -> GossipMessage {
        guard bytes.count <= configuration.maxMessageSizeBytes else {
            throw .malformed(offset: 0, reason: "message of \(bytes.count) bytes exceeds \(configuration.maxMessageSizeBytes)")
        }
        // Array.withUnsafeBytes rethrows untyped errors; a Result keeps the error typed.
        let result = bytes.withUnsafeBytes { buffer -> Result<GossipMessage, DecodeError> in
            var reader = GossipWireReader(buffer, configuration: configuration)
            do throws(DecodeError) {
                return .success(try decodeMessage(from: &reader))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func decodeMessage(from reader: inout GossipWireReader) throws(DecodeError) -> GossipMessage {
        let version = try reader.reader.readUInt8()
        guard version == GossipWire.formatVersion else {
            throw .malformed(offset: 0, reason: "unknown gossip format version \(version)")
        }
        let kindByte = try reader.reader.readUInt8()
        let message: GossipMessage
        switch GossipWire.Kind(rawValue: kindByte) {
        case .syn:
            let clusterName = try reader.readString(limit: reader.configuration.maxClusterNameBytes)
            message = .syn(GossipSyn(clusterName: clusterName, digests: try reader.readDigests()))
        case .ack:
            let requests = try reader.readDigests()
            message = .ack(GossipAck(requests: requests, states: try reader.readStates()))
        case .ack2:
            message = .ack2(GossipAck2(states: try reader.readStates()))
        case .shutdown:
            message = .shutdown(GossipShutdown(state: try reader.readState()))
        case nil:
            throw .malformed(offset: 1, reason: "unknown gossip message kind \(kindByte)")
        }
        guard reader.reader.isAtEnd else {
            throw .malformed(offset: reader.reader.offset, reason: "bytes after the message")
        }
        return message
    }
}
