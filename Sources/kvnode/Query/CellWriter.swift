import CQL
import KVCore

/// Builds the cells of one execution's column writes: one cell for a simple or frozen
/// column, one per element for a non-frozen collection (see `CollectionCells`), one per
/// field for a non-frozen UDT (`UDTCells`).
struct CellWriter {
    let timestamp: Int64
    let ttl: Int32
    let now: Int64
    /// Makes this execution's list cell ids distinct from a concurrent writer's.
    let uniquifier: UInt32
    /// The statement's place in its batch: orders list elements of statements that share a
    /// timestamp.
    var statement = 0

    /// The largest value a cell may hold (Cassandra refuses values over 256 MiB; we stay
    /// under the replica message limit).
    static let maxValueBytes = 65_535 * 16 * 16

    /// Appends the cells `write` produces to `row`; `currentList` holds the list's live
    /// element cells when `write.readsCurrentList`. Nothing when the write's values are unset.
    func append(_ write: ColumnWrite, bindings: Bindings, currentList: [Cell], to row: inout [Cell]) throws(ErrorResponse) {
        // A single value, the common case, goes in without an array of its own.
        if case .set(let operand) = write.operation, !CollectionCells.isMultiCell(write.column.type) {
            guard case .value(let value) = try bindings.resolve(operand) else { return }
            try Self.checkSize(value, column: write.column)
            row.append(cell(write.column.id, value: value))
            return
        }
        row += try cells(for: write, bindings: bindings, currentList: currentList)
    }

    /// The cells `write` produces; `currentList` holds the list's live element cells when
    /// `write.readsCurrentList`. Empty when the write's values are unset.
    func cells(for write: ColumnWrite, bindings: Bindings, currentList: [Cell]) throws(ErrorResponse) -> [Cell] {
        let column = write.column
        let multiCell = CollectionCells.isMultiCell(column.type)
        switch write.operation {
        case .set(let operand):
            guard case .value(let value) = try bindings.resolve(operand) else { return [] }
            try Self.checkSize(value, column: column)
            guard multiCell else { return [cell(column.id, value: value)] }
            // Replacing the collection: its old elements go one microsecond before the new.
            let clear = Cell.tombstone(column: column.id, timestamp: timestamp - 1, nowSeconds: now)
            guard let value else { return [clear] }
            return [clear] + (try elements(of: value, column: column, prepend: false))
        case .add(let operand), .prepend(let operand):
            guard case .value(let value?) = try bindings.resolve(operand) else { return [] }
            try Self.checkSize(value, column: column)
            var prepend = false
            if case .prepend = write.operation { prepend = true }
            return try elements(of: value, column: column, prepend: prepend)
        case .subtract(let operand):
            guard case .value(let value?) = try bindings.resolve(operand) else { return [] }
            return try removals(value, column: column, currentList: currentList)
        case let .setElement(key, value):
            guard case .value(let keyBytes?) = try bindings.resolve(key) else {
                throw ErrorResponse(.invalid, message: "Invalid null value for \(keyName(column)) of \(column.name)")
            }
            guard case .value(let elementValue) = try bindings.resolve(value) else { return [] }
            try Self.checkSize(elementValue, column: column)
            let path = try elementPath(keyBytes, column: column, currentList: currentList)
            return [cell(column.id, path: path, value: elementValue)]
        case let .setField(index, operand):
            guard case .value(let value) = try bindings.resolve(operand) else { return [] }
            try Self.checkSize(value, column: column)
            return [cell(column.id, path: UDTCells.path(fieldIndex: index), value: value)]
        case .deleteField(let index):
            return [.tombstone(column: column.id, path: UDTCells.path(fieldIndex: index), timestamp: timestamp, nowSeconds: now)]
        case .delete:
            return [.tombstone(column: column.id, timestamp: timestamp, nowSeconds: now)]
        case .deleteElement(let key):
            guard case .value(let keyBytes?) = try bindings.resolve(key) else {
                throw ErrorResponse(.invalid, message: "Invalid null value for \(keyName(column)) of \(column.name)")
            }
            let path = try elementPath(keyBytes, column: column, currentList: currentList)
            return [.tombstone(column: column.id, path: path, timestamp: timestamp, nowSeconds: now)]
        }
    }

    /// A value cell, or a tombstone for nil.
    func cell(_ column: UInt32, path: [UInt8] = [], value: [UInt8]?) -> Cell {
        guard let value else { return .tombstone(column: column, path: path, timestamp: timestamp, nowSeconds: now) }
        if ttl > 0 {
            return .expiring(column: column, path: path, timestamp: timestamp, value: value, ttlSeconds: ttl, nowSeconds: now)
        }
        return .live(column: column, path: path, timestamp: timestamp, value: value)
    }

    static func checkSize(_ value: [UInt8]?, column: SchemaColumn) throws(ErrorResponse) {
        if let value, value.count > Self.maxValueBytes {
            throw ErrorResponse(.invalid, message: "Value of column \(column.name) is too large (\(value.count) bytes)")
        }
    }

    private func keyName(_ column: SchemaColumn) -> String {
        if case .list = column.type { return "list index" }
        return "collection element"
    }

    /// One cell per element of a serialized collection value (per non-null field of a UDT).
    private func elements(of value: [UInt8], column: SchemaColumn, prepend: Bool) throws(ErrorResponse) -> [Cell] {
        if case .udt(_, _, let declared) = column.type { return try fields(of: value, declared: declared.count, column: column) }
        guard let entries = CollectionCells.entries(value, of: column.type) else {
            throw ErrorResponse(.invalid, message: "Invalid collection value for column \(column.name)")
        }
        switch column.type {
        case .list:
            guard entries.count <= ListCellID.maxElementsPerStatement else {
                throw ErrorResponse(.invalid, message: "A list write may add at most \(ListCellID.maxElementsPerStatement) elements (column \(column.name))")
            }
            let ids = ListCellID.ids(count: entries.count, timestamp: timestamp, prepend: prepend, statement: statement,
                                     uniquifier: uniquifier)
            return zip(ids, entries).map { cell(column.id, path: $0.path, value: $1.value) }
        case .set(let element):
            var cells: [Cell] = []
            for entry in entries { cells.append(cell(column.id, path: try path(entry.key, type: element), value: [])) }
            return cells
        case .map(let keyType, _):
            var cells: [Cell] = []
            for entry in entries { cells.append(cell(column.id, path: try path(entry.key, type: keyType), value: entry.value)) }
            return cells
        default:
            return []
        }
    }

    /// One cell per non-null field of a serialized UDT value; null fields need no cell,
    /// the whole-value tombstone written before them already clears older ones.
    private func fields(of value: [UInt8], declared: Int, column: SchemaColumn) throws(ErrorResponse) -> [Cell] {
        guard let fields = UDTCells.fields(value), fields.count <= declared else {
            throw ErrorResponse(.invalid, message: "Invalid user type value for column \(column.name)")
        }
        return fields.enumerated().compactMap { index, field in
            field.map { cell(column.id, path: UDTCells.path(fieldIndex: index), value: $0) }
        }
    }

    /// Tombstones for the elements `value` removes: map keys, set elements, or every list
    /// element equal to one of the list's.
    private func removals(_ value: [UInt8], column: SchemaColumn, currentList: [Cell]) throws(ErrorResponse) -> [Cell] {
        let removedType: CQLDataType
        if case .map(let keyType, _) = column.type { removedType = .set(keyType) } else { removedType = column.type }
        guard let entries = CollectionCells.entries(value, of: removedType) else {
            throw ErrorResponse(.invalid, message: "Invalid collection value for column \(column.name)")
        }
        let paths: [[UInt8]]
        switch column.type {
        case .list:
            let removed = Set(entries.map(\.value))
            paths = currentList.filter { removed.contains($0.value) }.map(\.path)
        case .set(let element), .map(let element, _):
            var keyPaths: [[UInt8]] = []
            for entry in entries { keyPaths.append(try path(entry.key, type: element)) }
            paths = keyPaths
        default:
            paths = []
        }
        return paths.map { .tombstone(column: column.id, path: $0, timestamp: timestamp, nowSeconds: now) }
    }

    /// The path of `m[key]`, `s[element]` or `l[index]` (the index-th live element).
    private func elementPath(_ key: [UInt8], column: SchemaColumn, currentList: [Cell]) throws(ErrorResponse) -> [UInt8] {
        switch column.type {
        case .list:
            guard key.count == 4 else { throw ErrorResponse(.invalid, message: "Invalid list index for column \(column.name)") }
            let index = Int(Int32(bitPattern: key.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }))
            guard index >= 0, index < currentList.count else {
                throw ErrorResponse(.invalid, message: "List index \(index) out of bound, list has size \(currentList.count)")
            }
            return currentList[index].path
        case .set(let element), .map(let element, _):
            return try path(key, type: element)
        default:
            throw ErrorResponse(.invalid, message: "Invalid operation for non collection column \(column.name)")
        }
    }

    private func path(_ key: [UInt8], type: CQLDataType) throws(ErrorResponse) -> [UInt8] {
        do {
            return try CollectionCells.keyPath(key, type: type)
        } catch {
            throw ErrorResponse(.invalid, message: "\(error)")
        }
    }
}
