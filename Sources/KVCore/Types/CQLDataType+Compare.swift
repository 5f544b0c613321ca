extension CQLDataType {
    /// Cassandra's order of two serialized values of this type: -1, 0 or 1. This is the
    /// clustering order of an ascending column and the order of filter comparisons.
    ///
    /// Per type, as Cassandra's `AbstractType.compare`: an empty value sorts before every
    /// non-empty one; signed integers numerically (`date` unsigned, as its serialization is
    /// offset by 2^31); `float`/`double` as Java's `Float.compare` (-0.0 < 0.0, every NaN equal
    /// and above +Infinity); `varint` and `decimal` numerically (1.5 == 1.50); `boolean` false
    /// before true; `uuid` as `UUIDType` (version, then time for v1 or the high half unsigned,
    /// then the low half unsigned); `timeuuid` as `TimeUUIDType` (time, then the low half by
    /// signed bytes); text, ascii, blob, inet and duration by unsigned bytes; lists and sets
    /// element by element then by count, maps entry by entry (key, then value); tuples and
    /// UDTs field by field with null first, trailing null or empty fields ignored (as
    /// `TupleType`), fewer fields first.
    ///
    /// Values that are not valid serializations of the type are ordered bytewise after
    /// the valid ones instead of trapping.
    public func compare(_ left: [UInt8], _ right: [UInt8]) -> Int {
        if left.isEmpty || right.isEmpty {
            return left.isEmpty ? (right.isEmpty ? 0 : -1) : 1
        }
        if let order = compareValid(left, right) { return order }
        return compareUnsigned(left, right)
    }

    private func compareValid(_ left: [UInt8], _ right: [UInt8]) -> Int? {
        switch unfrozen {
        case .list(let element), .set(let element):
            return CQLCollectionOrder.compareElements(left, right, type: element)
        case .map(let key, let value):
            return CQLCollectionOrder.compareEntries(left, right, keyType: key, valueType: value)
        case .tuple(let types): return CQLCollectionOrder.compareFields(left, right, types: types)
        case .udt(_, _, let fields): return CQLCollectionOrder.compareFields(left, right, types: fields.map(\.type))
        case .varint, .decimal:
            guard let a = try? CQLValue.deserialize(left, as: self),
                let b = try? CQLValue.deserialize(right, as: self)
            else { return nil }
            return CQLDataType.compareNumeric(a, b)
        default:
            return compareScalar(left, right)
        }
    }

    private static func compareNumeric(_ left: CQLValue, _ right: CQLValue) -> Int? {
        switch (left, right) {
        case (.varint(let a), .varint(let b)): return CQLVarint.compare(a, b)
        case (.decimal(let a), .decimal(let b)): return CQLDecimal.compare(a, b)
        default: return nil
        }
    }

    /// Fixed-width and bytewise scalars: the common types compared in place, the others
    /// through their order-preserving bodies.
    private func compareScalar(_ left: [UInt8], _ right: [UInt8]) -> Int? {
        if let width = fixedWidthBytes, left.count != width || right.count != width { return nil }
        // The common types compare in place; with the widths checked above this never
        // takes RawValueComparator's fallback, which would come back here.
        let raw = RawValueComparator(self)
        if case .generic = raw {} else {
            return left.withUnsafeBytes { a in right.withUnsafeBytes { b in raw.compare(a, b) } }
        }
        var a = OrderedKeyWriter(mask: 0), b = OrderedKeyWriter(mask: 0)
        guard (try? OrderPreservingTransform.appendScalar(left, as: unfrozen, to: &a)) != nil,
            (try? OrderPreservingTransform.appendScalar(right, as: unfrozen, to: &b)) != nil
        else { return nil }
        return compareUnsigned(a.bytes, b.bytes)
    }
}
