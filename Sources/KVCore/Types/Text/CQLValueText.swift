/// The text forms of CQL values that cqlsh, Cassandra's JSON and our tools share: hex
/// blobs, uuids, decimals and durations (calendar types: `CalendarFormatting`; inet:
/// `InetFormatting`).
public enum CQLValueText {
    /// The decimal text of an integer value (tinyint to bigint, counter, varint), else nil.
    public static func integer(_ value: CQLValue) -> String? {
        switch value {
        case .bigint(let number), .counter(let number): String(number)
        case .int(let number): String(number)
        case .smallint(let number): String(number)
        case .tinyint(let number): String(number)
        case .varint(let number): number.description
        default: nil
        }
    }

    /// Lower-case hex digits, two per byte, no prefix.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var output = ""
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0xF)])
        }
        return output
    }

    /// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lower case.
    public static func uuid(_ id: CQLUUID) -> String {
        let text = hex(id.bytes)
        let characters = Array(text)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    /// Plain decimal notation, never an exponent: `-12.50`, `1000`.
    public static func decimal(_ number: CQLDecimal) -> String {
        var digits = number.unscaled.magnitude.isEmpty ? "0" : number.unscaled.description
        let negative = digits.hasPrefix("-")
        if negative { digits.removeFirst() }
        let scale = Int(number.scale)
        if scale <= 0 {
            digits += String(repeating: "0", count: -scale)
        } else {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return (negative ? "-" : "") + digits
    }

    /// Cassandra's duration text: `1y2mo3d4h5m6s7ms8us9ns`, units that are zero left out.
    public static func duration(_ duration: CQLDuration) -> String {
        let negative = duration.months < 0 || duration.days < 0 || duration.nanoseconds < 0
        var text = negative ? "-" : ""
        let months = abs(Int64(duration.months)), days = abs(Int64(duration.days))
        var nanoseconds = duration.nanoseconds.magnitude
        if months / 12 > 0 { text += "\(months / 12)y" }
        if months % 12 > 0 { text += "\(months % 12)mo" }
        if days > 0 { text += "\(days)d" }
        let units: [(UInt64, String)] = [(3_600_000_000_000, "h"), (60_000_000_000, "m"), (1_000_000_000, "s"),
                                         (1_000_000, "ms"), (1_000, "us"), (1, "ns")]
        for (size, suffix) in units where nanoseconds >= size {
            text += "\(nanoseconds / size)\(suffix)"
            nanoseconds %= size
        }
        return text == "" || text == "-" ? "0s" : text
    }
}
