extension CQLValue {
    /// Checks that `bytes` are a valid serialized `type`, as `deserialize` does, without
    /// building the value where the check needs none: blobs are always valid, fixed-width
    /// numbers and UUIDs need only their length, and text is checked in place. Every bound
    /// value of every write is checked, and building a `CQLValue` cost an allocation each.
    public static func validate(_ bytes: [UInt8], as type: CQLDataType) throws(CQLValueError) {
        switch type {
        case .blob:
            return
        case .boolean, .tinyint, .smallint, .int, .bigint, .counter, .timestamp, .float, .double, .date, .uuid:
            let width = type.fixedWidthBytes!
            guard bytes.count == width else {
                throw .invalidLength(type: type.description, expected: "\(width)", actual: bytes.count)
            }
        case .text:
            guard isValidUTF8(bytes) else { throw .invalidContent(type: "text", reason: "invalid UTF-8") }
        case .ascii:
            guard bytes.allSatisfy({ $0 < 0x80 }) else { throw .invalidContent(type: "ascii", reason: "byte above 0x7F") }
        default:
            _ = try deserialize(bytes, as: type)
        }
    }

    /// Whether `bytes` are well-formed UTF-8 (what `String(validating:as:)` accepts).
    private static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        if bytes.allSatisfy({ $0 < 0x80 }) { return true }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
