import Coordinator
import KVCore

/// Where the next page of a SELECT starts, opaque to clients: which of the statement's
/// partitions and clustering slices, the row after which to resume (or, for a reversed
/// slice, how many of its rows were returned), and how much of LIMIT and PER PARTITION LIMIT
/// is left.
struct PagingState: Equatable {
    static let version: UInt8 = 2

    var partitionIndex = 0
    var sliceIndex = 0
    var position: RowPosition?
    /// Rows still allowed by LIMIT (Int.max without one).
    var remaining = Int.max
    /// Rows already returned from the partition `position` is in.
    var rowsInPartition = 0
    /// Rows of the current slice already returned (reversed reads page by offset).
    var skip = 0
    /// GROUP BY with PER PARTITION LIMIT: the partition the page ended in (its GROUP BY key
    /// values) and how many of its groups were returned. Written after the fields above
    /// only when set, so states without it keep their old form.
    var groupPartition: [[UInt8]?]?
    var groupsInPartition = 0

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 64)
        writer.writeUInt8(Self.version)
        writer.writeVarint(UInt64(partitionIndex))
        writer.writeVarint(UInt64(sliceIndex))
        writer.writeUInt8(position == nil ? 0 : 1)
        if let position {
            writer.writeLengthPrefixed(position.partitionKey)
            writer.writeLengthPrefixed(position.clustering)
        }
        writer.writeVarint(UInt64(remaining))
        writer.writeVarint(UInt64(rowsInPartition))
        writer.writeVarint(UInt64(skip))
        if let groupPartition {
            writer.writeVarint(UInt64(groupsInPartition))
            writer.writeVarint(UInt64(groupPartition.count))
            for value in groupPartition {
                writer.writeUInt8(value == nil ? 0 : 1)
                if let value { writer.writeLengthPrefixed(value) }
            }
        }
        return writer.bytes
    }

    /// Decodes a client's paging state; nil for bytes this server did not produce.
    init?(decoding bytes: [UInt8]) {
        let decoded: PagingState? = bytes.withUnsafeBytes { buffer in
            var reader = ByteReader(buffer)
            do throws(DecodeError) {
                guard try reader.readUInt8() == Self.version else { return nil }
                var state = PagingState()
                state.partitionIndex = try reader.readLength(limit: 1 << 20)
                state.sliceIndex = try reader.readLength(limit: 1 << 20)
                if try reader.readUInt8() != 0 {
                    state.position = RowPosition(partitionKey: try reader.readLengthPrefixed(),
                                                 clustering: try reader.readLengthPrefixed())
                }
                state.remaining = try reader.readLength(limit: Int.max)
                state.rowsInPartition = try reader.readLength(limit: Int.max)
                state.skip = try reader.readLength(limit: Int.max)
                if !reader.isAtEnd {
                    state.groupsInPartition = try reader.readLength(limit: Int.max)
                    var partition: [[UInt8]?] = []
                    for _ in 0..<(try reader.readLength(limit: 64)) {
                        partition.append(try reader.readUInt8() == 0 ? nil : try reader.readLengthPrefixed())
                    }
                    state.groupPartition = partition
                }
                return reader.isAtEnd ? state : nil
            } catch {
                return nil
            }
        }
        guard let decoded else { return nil }
        self = decoded
    }

    init(remaining: Int = Int.max) {
        self.remaining = remaining
    }
}
