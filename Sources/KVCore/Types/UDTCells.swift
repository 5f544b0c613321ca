/// How a non-frozen user-defined type lives in storage: one cell per field, so that
/// `SET a.city = ?` writes that field alone, never reading the value first (Cassandra's
/// model since 3.6).
///
/// - path = the field's index in the type's declaration, 2 bytes big-endian (the order of
///   paths is the order of fields; ALTER TYPE only appends fields, so indexes are stable);
/// - value = the field's serialized value; a null field has no live cell.
///
/// Replacing the whole value writes a tombstone with an empty path one microsecond before
/// the field cells, exactly as for a non-frozen collection (`CollectionCells`).
public enum UDTCells {
    /// The path of field number `index`.
    public static func path(fieldIndex index: Int) -> [UInt8] {
        BigEndian.bytes(UInt16(truncatingIfNeeded: index))
    }

    /// The field index a path names; nil when the path is not a field path.
    public static func fieldIndex(fromPath path: [UInt8]) -> Int? {
        guard path.count == 2 else { return nil }
        return Int(path[0]) << 8 | Int(path[1])
    }

    /// The serialized fields of a UDT value, in declaration order (nil for null). A value
    /// written before fields were added stops early: the missing fields are absent from the
    /// result. Nil when the bytes are malformed.
    public static func fields(_ bytes: [UInt8]) -> [[UInt8]?]? {
        var reader = CQLBytesReader(bytes: bytes, typeName: "udt")
        var fields: [[UInt8]?] = []
        // `try?` would flatten a null field into a failure: catch explicitly.
        do {
            while !reader.isAtEnd { fields.append(try reader.readElement()) }
        } catch {
            return nil
        }
        return fields
    }

    /// The serialized value of a non-frozen UDT column of `fieldCount` fields from its live
    /// field cells; nil (null) when no field has a value, as Cassandra reads it. Cells whose
    /// path is not a field of the type are skipped (a field can only be appended, never
    /// removed, so this happens only with foreign data).
    public static func value(of cells: some Sequence<Cell>, fieldCount: Int) -> [UInt8]? {
        var fields = [[UInt8]?](repeating: nil, count: fieldCount)
        var present = false
        for cell in cells {
            guard let index = fieldIndex(fromPath: cell.path), index < fieldCount else { continue }
            fields[index] = cell.value
            present = true
        }
        guard present else { return nil }
        return serialize(fields)
    }

    /// Field values in the UDT wire form: each an `[int]` length then bytes, -1 for null.
    public static func serialize(_ fields: [[UInt8]?]) -> [UInt8] {
        var body: [UInt8] = []
        for field in fields {
            guard let field else {
                body.append(contentsOf: BigEndian.bytes(Int32(-1)))
                continue
            }
            body.append(contentsOf: BigEndian.bytes(Int32(field.count)))
            body.append(contentsOf: field)
        }
        return body
    }
}
