extension ErrorDetail {
    /// Reads the tail for `code`.
    /// - Throws: `.invalidField` for an unknown code or write type, or any reader error.
    public static func readTail(code: Int32, from reader: inout ProtocolReader) throws(ProtocolError) -> ErrorDetail {
        switch code {
        case 0x1000:
            let consistency = try reader.readConsistency()
            let required = try reader.readInt()
            return .unavailable(consistency: consistency, required: required, alive: try reader.readInt())
        case 0x1100:
            let (consistency, received, blockFor) = try readCounts(from: &reader)
            return .writeTimeout(consistency: consistency, received: received, blockFor: blockFor,
                                 writeType: try readWriteType(from: &reader))
        case 0x1200:
            let (consistency, received, blockFor) = try readCounts(from: &reader)
            return .readTimeout(consistency: consistency, received: received, blockFor: blockFor,
                                dataPresent: try reader.readByte() != 0)
        case 0x1300:
            let (consistency, received, blockFor) = try readCounts(from: &reader)
            let failures = try reader.readInt()
            return .readFailure(consistency: consistency, received: received, blockFor: blockFor,
                                failureCount: failures, dataPresent: try reader.readByte() != 0)
        case 0x1500:
            let (consistency, received, blockFor) = try readCounts(from: &reader)
            let failures = try reader.readInt()
            return .writeFailure(consistency: consistency, received: received, blockFor: blockFor,
                                 failureCount: failures, writeType: try readWriteType(from: &reader))
        default:
            return try readOtherTail(code: code, from: &reader)
        }
    }

    private static func readOtherTail(code: Int32, from reader: inout ProtocolReader) throws(ProtocolError) -> ErrorDetail {
        switch code {
        case 0x1400:
            let keyspace = try reader.readString()
            let function = try reader.readString()
            return .functionFailure(keyspace: keyspace, function: function, argumentTypes: try reader.readStringList())
        case 0x2400:
            let keyspace = try reader.readString()
            return .alreadyExists(keyspace: keyspace, table: try reader.readString())
        case 0x2500:
            return .unprepared(id: try reader.readShortBytes())
        default:
            let tailless: [ErrorDetail] = [.serverError, .protocolError, .badCredentials, .overloaded,
                                           .isBootstrapping, .truncateError, .syntaxError,
                                           .unauthorized, .invalid, .configError]
            guard let detail = tailless.first(where: { $0.code == code }) else {
                throw .invalidField("unknown error code \(code)")
            }
            return detail
        }
    }

    private static func readCounts(from reader: inout ProtocolReader)
        throws(ProtocolError) -> (ProtocolConsistency, Int32, Int32) {
        let consistency = try reader.readConsistency()
        let received = try reader.readInt()
        return (consistency, received, try reader.readInt())
    }

    private static func readWriteType(from reader: inout ProtocolReader) throws(ProtocolError) -> WriteType {
        let text = try reader.readString()
        guard let type = WriteType(rawValue: text) else { throw .invalidField("write type \(text)") }
        return type
    }
}
