/// The message kind in byte 4 of a frame header (v4 numbering; there is no 0x04).
public enum ProtocolOpcode: UInt8, Sendable, Equatable, CaseIterable {
    case error = 0x00
    case startup = 0x01
    case ready = 0x02
    case authenticate = 0x03
    case options = 0x05
    case supported = 0x06
    case query = 0x07
    case result = 0x08
    case prepare = 0x09
    case execute = 0x0A
    case register = 0x0B
    case event = 0x0C
    case batch = 0x0D
    case authChallenge = 0x0E
    case authResponse = 0x0F
    case authSuccess = 0x10

    /// Whether a client may send this opcode.
    public var isRequest: Bool {
        switch self {
        case .startup, .options, .query, .prepare, .execute, .register, .batch, .authResponse:
            return true
        default:
            return false
        }
    }
}
