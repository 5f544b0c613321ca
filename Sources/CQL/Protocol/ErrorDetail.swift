import NIOCore

/// An error code with its v4 tail. The codes are those of the spec's section 9.
public enum ErrorDetail: Sendable, Hashable {
    case serverError                                  // 0x0000
    case protocolError                                // 0x000A
    case badCredentials                               // 0x0100
    case unavailable(consistency: ProtocolConsistency, required: Int32, alive: Int32)  // 0x1000
    case overloaded                                   // 0x1001
    case isBootstrapping                              // 0x1002
    case truncateError                                // 0x1003
    case writeTimeout(consistency: ProtocolConsistency, received: Int32, blockFor: Int32,
                      writeType: WriteType)           // 0x1100
    case readTimeout(consistency: ProtocolConsistency, received: Int32, blockFor: Int32,
                     dataPresent: Bool)               // 0x1200
    /// v4 carries the number of failed replicas, not v5's endpoint→reason map.
    case readFailure(consistency: ProtocolConsistency, received: Int32, blockFor: Int32,
                     failureCount: Int32, dataPresent: Bool)  // 0x1300
    case functionFailure(keyspace: String, function: String, argumentTypes: [String])  // 0x1400
    case writeFailure(consistency: ProtocolConsistency, received: Int32, blockFor: Int32,
                      failureCount: Int32, writeType: WriteType)  // 0x1500
    case syntaxError                                  // 0x2000
    case unauthorized                                 // 0x2100
    case invalid                                      // 0x2200
    case configError                                  // 0x2300
    /// `table` is "" when a keyspace already exists.
    case alreadyExists(keyspace: String, table: String)  // 0x2400
    /// Must echo exactly the id the client sent.
    case unprepared(id: [UInt8])                      // 0x2500

    private static let codeByTaillessCase: [(ErrorDetail, Int32)] = [
        (.serverError, 0x0000), (.protocolError, 0x000A), (.badCredentials, 0x0100),
        (.overloaded, 0x1001), (.isBootstrapping, 0x1002), (.truncateError, 0x1003),
        (.syntaxError, 0x2000), (.unauthorized, 0x2100), (.invalid, 0x2200), (.configError, 0x2300),
    ]

    /// The `[int]` error code.
    public var code: Int32 {
        switch self {
        case .unavailable: return 0x1000
        case .writeTimeout: return 0x1100
        case .readTimeout: return 0x1200
        case .readFailure: return 0x1300
        case .functionFailure: return 0x1400
        case .writeFailure: return 0x1500
        case .alreadyExists: return 0x2400
        case .unprepared: return 0x2500
        default: return Self.codeByTaillessCase.first { $0.0 == self }!.1
        }
    }

    /// Appends the code-specific tail (nothing for tailless codes).
    public func writeTail(into buffer: inout ByteBuffer) {
        switch self {
        case .unavailable(let consistency, let required, let alive):
            buffer.writeProtocolConsistency(consistency)
            buffer.writeProtocolInt(required)
            buffer.writeProtocolInt(alive)
        case .writeTimeout(let consistency, let received, let blockFor, let writeType):
            writeCounts(consistency, received, blockFor, into: &buffer)
            buffer.writeProtocolString(writeType.rawValue)
        case .readTimeout(let consistency, let received, let blockFor, let dataPresent):
            writeCounts(consistency, received, blockFor, into: &buffer)
            buffer.writeInteger(UInt8(dataPresent ? 1 : 0))
        case .readFailure(let consistency, let received, let blockFor, let failures, let dataPresent):
            writeCounts(consistency, received, blockFor, into: &buffer)
            buffer.writeProtocolInt(failures)
            buffer.writeInteger(UInt8(dataPresent ? 1 : 0))
        case .functionFailure(let keyspace, let function, let argumentTypes):
            buffer.writeProtocolString(keyspace)
            buffer.writeProtocolString(function)
            buffer.writeProtocolStringList(argumentTypes)
        case .writeFailure(let consistency, let received, let blockFor, let failures, let writeType):
            writeCounts(consistency, received, blockFor, into: &buffer)
            buffer.writeProtocolInt(failures)
            buffer.writeProtocolString(writeType.rawValue)
        case .alreadyExists(let keyspace, let table):
            buffer.writeProtocolString(keyspace)
            buffer.writeProtocolString(table)
        case .unprepared(let id):
            buffer.writeProtocolShortBytes(id)
        default:
            break
        }
    }

    private func writeCounts(_ consistency: ProtocolConsistency, _ received: Int32, _ blockFor: Int32,
                             into buffer: inout ByteBuffer) {
        buffer.writeProtocolConsistency(consistency)
        buffer.writeProtocolInt(received)
        buffer.writeProtocolInt(blockFor)
    }
}
