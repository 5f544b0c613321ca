/// How a non-frozen collection lives in storage (a non-frozen UDT: `UDTCells`): one cell per element, so that adding or
/// removing an element writes only that element, never reading the collection first.
///
/// - set: path = the element in `ClusteringEncoding` (byte order is the element type's
///   order), value empty;
/// - map: path = the key, encoded the same way; value = the map value;
/// - list: path = a 16-byte cell id (`ListCellID`) that orders elements; value = the element.
///
/// A tombstone with an empty path deletes every element of its column written at or before
/// it (`Row.removeShadowed`): overwriting a collection is that tombstone one microsecond
/// before the new elements, as in Cassandra. FORMAT.md of LSMStore describes cells.
public enum CollectionCells {
    /// Whether `type` is stored one cell per element (a collection without `frozen`) or
    /// per field (a user-defined type without `frozen`, see `UDTCells`).
    public static func isMultiCell(_ type: CQLDataType) -> Bool {
        switch type {
        case .list, .set, .map, .udt: true
        default: false
        }
    }

    /// The path of a set element or map key.
    public static func keyPath(_ key: [UInt8], type: CQLDataType) throws(CQLValueError) -> [UInt8] {
        try ClusteringEncoding.encode(values: [key], types: [type], orders: [.ascending])
    }

    /// The set element or map key a path holds, in its canonical serialization.
    public static func key(fromPath path: [UInt8], type: CQLDataType) throws(CQLValueError) -> [UInt8] {
        let values = try ClusteringEncoding.decode(path, types: [type], orders: [.ascending])
        guard values.count == 1, let key = values[0] else {
            throw .invalidContent(type: type.description, reason: "collection element path holds no value")
        }
        return key
    }

    /// The entries of a serialized collection value of `type`: each element of a list or
    /// set (value only), each key and value of a map. Nil when the bytes are malformed.
    public static func entries(_ bytes: [UInt8], of type: CQLDataType) -> [(key: [UInt8], value: [UInt8])]? {
        switch type.unfrozen {
        case .list, .set:
            return CQLCollectionOrder.elements(bytes, perEntry: 1).map { $0.map { (key: $0, value: $0) } }
        case .map:
            guard let flat = CQLCollectionOrder.elements(bytes, perEntry: 2) else { return nil }
            return stride(from: 0, to: flat.count, by: 2).map { (key: flat[$0], value: flat[$0 + 1]) }
        default:
            return nil
        }
    }

    /// The serialized value of a collection column from its live element cells, in path
    /// order; nil (null) when there are none, as Cassandra reads an empty collection.
    /// Cells whose path does not decode are skipped (they cannot come from our writes).
    public static func value(of cells: some Sequence<Cell>, type: CQLDataType) -> [UInt8]? {
        if case .udt(_, _, let fields) = type { return UDTCells.value(of: cells, fieldCount: fields.count) }
        var body: [UInt8] = []
        var count: Int32 = 0
        for cell in cells {
            switch type {
            case .list(_):
                append(cell.value, to: &body)
            case .set(let element):
                guard let key = try? key(fromPath: cell.path, type: element) else { continue }
                append(key, to: &body)
            case .map(let keyType, _):
                guard let key = try? key(fromPath: cell.path, type: keyType) else { continue }
                append(key, to: &body)
                append(cell.value, to: &body)
            default:
                return nil
            }
            count += 1
        }
        guard count > 0 else { return nil }
        return BigEndian.bytes(count) + body
    }

    private static func append(_ element: [UInt8], to body: inout [UInt8]) {
        body.append(contentsOf: BigEndian.bytes(Int32(element.count)))
        body.append(contentsOf: element)
    }
}

/// The path of a list element: 8 bytes of position (a signed integer made byte-ordered),
/// 4 bytes of index (statement in its batch, then element in its statement), 4 bytes that
/// make concurrent writers' ids unique.
///
/// Appends take the write timestamp as position, so later appends come later; prepends take
/// its negation, so later prepends come earlier and every prepend precedes every append.
public struct ListCellID: Sendable, Equatable {
    public var position: Int64
    public var index: UInt32
    public var uniquifier: UInt32

    public init(position: Int64, index: UInt32, uniquifier: UInt32) {
        self.position = position
        self.index = index
        self.uniquifier = uniquifier
    }

    /// Elements one statement may add to a list: the index's low 20 bits number them, the
    /// high 12 the statement within its batch (statements of a batch share a timestamp).
    public static let maxElementsPerStatement = 1 << 20

    /// The ids of `count` elements appended (or prepended) by statement `statement` of a
    /// write at `timestamp`; requires `count <= maxElementsPerStatement`.
    public static func ids(count: Int, timestamp: Int64, prepend: Bool, statement: Int, uniquifier: UInt32) -> [ListCellID] {
        precondition(count <= maxElementsPerStatement, "too many list elements in one statement")
        let position = prepend ? -max(timestamp, 0) : timestamp
        let base = UInt32(truncatingIfNeeded: statement) << 20
        return (0..<count).map { ListCellID(position: position, index: base | UInt32($0), uniquifier: uniquifier) }
    }

    public var path: [UInt8] {
        BigEndian.bytes(UInt64(bitPattern: position) ^ (1 << 63)) + BigEndian.bytes(index) + BigEndian.bytes(uniquifier)
    }
}
