/// Cassandra's order of serialized collections, tuples and UDTs, element by element.
enum CQLCollectionOrder {
    static func compareElements(_ left: [UInt8], _ right: [UInt8], type: CQLDataType) -> Int? {
        guard let a = elements(left, perEntry: 1), let b = elements(right, perEntry: 1) else { return nil }
        return compareSequences(a.map { [$0] }, b.map { [$0] }, types: [type])
    }

    static func compareEntries(_ left: [UInt8], _ right: [UInt8], keyType: CQLDataType, valueType: CQLDataType) -> Int? {
        guard let a = elements(left, perEntry: 2), let b = elements(right, perEntry: 2) else { return nil }
        let pairsA = stride(from: 0, to: a.count, by: 2).map { [a[$0], a[$0 + 1]] }
        let pairsB = stride(from: 0, to: b.count, by: 2).map { [b[$0], b[$0 + 1]] }
        return compareSequences(pairsA, pairsB, types: [keyType, valueType])
    }

    static func compareFields(_ left: [UInt8], _ right: [UInt8], types: [CQLDataType]) -> Int? {
        guard let a = fields(left, limit: types.count), let b = fields(right, limit: types.count) else { return nil }
        for index in 0..<min(a.count, b.count) {
            let order = compareOptional(a[index], b[index], type: types[index])
            if order != 0 { return order }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// Entries (each `types.count` values) in order, then the shorter sequence first.
    private static func compareSequences(_ a: [[[UInt8]]], _ b: [[[UInt8]]], types: [CQLDataType]) -> Int {
        for index in 0..<min(a.count, b.count) {
            for (part, type) in types.enumerated() {
                let order = type.compare(a[index][part], b[index][part])
                if order != 0 { return order }
            }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    private static func compareOptional(_ a: [UInt8]?, _ b: [UInt8]?, type: CQLDataType) -> Int {
        switch (a, b) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case (let a?, let b?): return type.compare(a, b)
        }
    }

    /// The `count × perEntry` elements of a serialized collection, or `nil` if malformed.
    static func elements(_ bytes: [UInt8], perEntry: Int) -> [[UInt8]]? {
        var reader = CQLBytesReader(bytes: bytes, typeName: "collection")
        guard let count = try? reader.readCount() else { return nil }
        var elements: [[UInt8]] = []
        for _ in 0..<(count * perEntry) {
            guard let element = try? reader.readNonNullElement() else { return nil }
            elements.append(element)
        }
        return reader.isAtEnd ? elements : nil
    }

    /// The fields of a serialized tuple or UDT (`nil` entries for nulls), without trailing
    /// null or empty fields, or `nil` if malformed.
    static func fields(_ bytes: [UInt8], limit: Int) -> [[UInt8]?]? {
        var reader = CQLBytesReader(bytes: bytes, typeName: "tuple")
        var fields: [[UInt8]?] = []
        while !reader.isAtEnd && fields.count < limit {
            do { fields.append(try reader.readElement()) } catch { return nil }
        }
        guard reader.isAtEnd else { return nil }
        // Cassandra's TupleType ignores trailing fields that are null or empty.
        while let last = fields.last, last?.isEmpty ?? true { fields.removeLast() }
        return fields
    }
}
