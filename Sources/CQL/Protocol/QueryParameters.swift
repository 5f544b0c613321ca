import NIOCore

/// The `<query_parameters>` of QUERY and EXECUTE (v4):
///
/// ```
/// [consistency][byte flags]
///   0x01 values: [short] n, then n × ([string] name if 0x40) [value]
///   0x04 [int] page size      0x08 [bytes] paging state
///   0x10 [consistency] serial 0x20 [long] default timestamp (µs)
///   0x02 skip metadata (no field)
/// ```
public struct QueryParameters: Sendable, Hashable {
    /// Bound values: none, by position, or by name (flag 0x40).
    public enum Values: Sendable, Hashable {
        case none
        case positional([ProtocolValue])
        case named([NamedValue])
    }

    /// One value bound by name.
    public struct NamedValue: Sendable, Hashable {
        public var name: String
        public var value: ProtocolValue
        /// Creates a named value.
        public init(name: String, value: ProtocolValue) {
            self.name = name
            self.value = value
        }
    }

    public var consistency: ProtocolConsistency
    public var values: Values
    /// Flag 0x02: the client already has the result metadata.
    public var skipMetadata: Bool
    /// Flag 0x04; advisory. Nil means "return everything".
    public var pageSize: Int32?
    /// Flag 0x08: the opaque state from a previous page.
    public var pagingState: [UInt8]?
    /// Flag 0x10.
    public var serialConsistency: ProtocolConsistency?
    /// Flag 0x20: the client's timestamp in microseconds.
    public var defaultTimestamp: Int64?

    /// Creates parameters; everything but the consistency is optional.
    public init(consistency: ProtocolConsistency, values: Values = .none, skipMetadata: Bool = false,
                pageSize: Int32? = nil, pagingState: [UInt8]? = nil,
                serialConsistency: ProtocolConsistency? = nil, defaultTimestamp: Int64? = nil) {
        self.consistency = consistency
        self.values = values
        self.skipMetadata = skipMetadata
        self.pageSize = pageSize
        self.pagingState = pagingState
        self.serialConsistency = serialConsistency
        self.defaultTimestamp = defaultTimestamp
    }

    private var flags: UInt8 {
        var flags: UInt8 = 0
        switch values {
        case .none: break
        case .positional: flags |= 0x01
        case .named: flags |= 0x41
        }
        if skipMetadata { flags |= 0x02 }
        if pageSize != nil { flags |= 0x04 }
        if pagingState != nil { flags |= 0x08 }
        if serialConsistency != nil { flags |= 0x10 }
        if defaultTimestamp != nil { flags |= 0x20 }
        return flags
    }

    /// Appends the encoded parameters.
    public func write(into buffer: inout ByteBuffer) {
        let valueCount: Int
        switch values {
        case .none: valueCount = 0
        case .positional(let list): valueCount = list.count
        case .named(let list): valueCount = list.count
        }
        Self.writeLead(consistency: consistency, flags: flags, valueCount: valueCount, into: &buffer)
        switch values {
        case .none: break
        case .positional(let list):
            for index in list.indices { buffer.writeProtocolValue(list[index]) }
        case .named(let list):
            for item in list {
                buffer.writeProtocolString(item.name)
                buffer.writeProtocolValue(item.value)
            }
        }
        if let pageSize { buffer.writeProtocolInt(pageSize) }
        if let pagingState { buffer.writeProtocolBytes(pagingState) }
        if let serialConsistency { buffer.writeProtocolConsistency(serialConsistency) }
        if let defaultTimestamp { buffer.writeProtocolLong(defaultTimestamp) }
    }

    /// Appends the same bytes as `QueryParameters(consistency:values: .positional(values),
    /// skipMetadata:)`, without making that value (a load generator's every request).
    public static func writePositional(consistency: ProtocolConsistency, values: [ProtocolValue], skipMetadata: Bool,
                                       into buffer: inout ByteBuffer) {
        let flags: UInt8 = (values.isEmpty ? 0 : 0x01) | (skipMetadata ? 0x02 : 0)
        writeLead(consistency: consistency, flags: flags, valueCount: values.count, into: &buffer)
        for index in values.indices { buffer.writeProtocolValue(values[index]) }
    }

    /// Consistency, flags and (with values) their count, under one capacity check: this runs
    /// per request.
    private static func writeLead(consistency: ProtocolConsistency, flags: UInt8, valueCount: Int,
                                  into buffer: inout ByteBuffer) {
        let leadBytes = flags & 0x01 != 0 ? 5 : 3
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: leadBytes) { target in
            target.storeBytes(of: consistency.rawValue.bigEndian, as: UInt16.self)
            target.storeBytes(of: flags, toByteOffset: 2, as: UInt8.self)
            if leadBytes == 5 { target.storeBytes(of: UInt16(valueCount).bigEndian, toByteOffset: 3, as: UInt16.self) }
            return leadBytes
        }
    }

    /// Reads parameters. Flags beyond 0x7F are refused (v4 has no others).
    public static func read(from reader: inout ProtocolReader) throws(ProtocolError) -> QueryParameters {
        let consistency = try reader.readConsistency()
        let flags = try reader.readByte()
        if flags & 0x80 != 0 { throw .invalidField("unknown query flags \(flags)") }
        // Read into locals and put together once (fewer reference counts per request than
        // filling in a `var`, perf).
        let values = flags & 0x01 != 0 ? try readValues(from: &reader, named: flags & 0x40 != 0) : .none
        let pageSize: Int32? = flags & 0x04 != 0 ? try reader.readInt() : nil
        var pagingState: [UInt8]?
        if flags & 0x08 != 0 {
            guard let state = try reader.readBytes() else { throw .invalidField("null paging state") }
            pagingState = state
        }
        let serialConsistency = flags & 0x10 != 0 ? try reader.readConsistency() : nil
        let defaultTimestamp: Int64? = flags & 0x20 != 0 ? try reader.readLong() : nil
        return QueryParameters(consistency: consistency, values: values, skipMetadata: flags & 0x02 != 0,
                               pageSize: pageSize, pagingState: pagingState, serialConsistency: serialConsistency,
                               defaultTimestamp: defaultTimestamp)
    }

    private static func readValues(from reader: inout ProtocolReader, named: Bool) throws(ProtocolError) -> Values {
        let count = try reader.readCount(minimumElementBytes: named ? 6 : 4)
        if named {
            var list: [NamedValue] = []
            for _ in 0..<count {
                let name = try reader.readString()
                list.append(NamedValue(name: name, value: try reader.readValue()))
            }
            return .named(list)
        }
        var list: [ProtocolValue] = []
        list.reserveCapacity(count)
        for _ in 0..<count { list.append(try reader.readValue()) }
        return .positional(list)
    }
}
