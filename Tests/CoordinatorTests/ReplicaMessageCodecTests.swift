import KVCore
import Testing

@testable import Coordinator

@Suite struct ReplicaMessageCodecTests {
    @Test(arguments: 0..<8 as Range<UInt64>)
    func randomMutationsRoundTrip(seed: UInt64) throws {
        let generator = MessageGenerator(seed: seed)
        for _ in 0..<50 {
            let mutation = generator.mutation()
            #expect(try ReplicaMessageCodec.decodeMutation(ReplicaMessageCodec.encode(mutation)) == mutation)
        }
    }

    @Test(arguments: 0..<8 as Range<UInt64>)
    func randomReadCommandsRoundTrip(seed: UInt64) throws {
        let generator = MessageGenerator(seed: 100 + seed)
        for _ in 0..<50 {
            let command = generator.command()
            #expect(try ReplicaMessageCodec.decodeReadCommand(ReplicaMessageCodec.encode(command)) == command)
        }
    }

    @Test(arguments: 0..<8 as Range<UInt64>)
    func randomReadResponsesRoundTrip(seed: UInt64) throws {
        let generator = MessageGenerator(seed: 200 + seed)
        for _ in 0..<30 {
            let response = generator.response()
            #expect(try ReplicaMessageCodec.decodeReadResponse(ReplicaMessageCodec.encode(response)) == response)
        }
    }

    @Test func everyCellKindAndExtremeValuesRoundTrip() throws {
        let cells: [Cell] = [
            .live(column: 0, timestamp: Int64.min, value: []),
            .live(column: UInt32.max, path: [0xFF, 0], timestamp: Int64.max, value: Array(repeating: 7, count: 300)),
            .expiring(column: 3, timestamp: -1, value: [1], ttlSeconds: Int32.max, nowSeconds: 1_700_000_000),
            .expiring(column: 4, path: [9], timestamp: 0, value: [], ttlSeconds: 1, nowSeconds: -5),
            .tombstone(column: 5, timestamp: 12, nowSeconds: Int64.min),
            .tombstone(column: 6, path: [1, 2, 3], timestamp: Int64.max, nowSeconds: Int64.max),
        ]
        let update = PartitionUpdate(
            partitionKey: Fixtures.storageKey(1),
            partitionDeletion: DeletionTime(timestamp: Int64.min, localSeconds: Int64.max),
            rangeTombstones: [
                RangeTombstone(start: .unbounded, end: ClusteringBound(prefix: [5], isInclusive: false),
                               deletion: DeletionTime(timestamp: 3, localSeconds: 4)),
                RangeTombstone(start: ClusteringBound(prefix: [], isInclusive: false), end: .unbounded,
                               deletion: DeletionTime(timestamp: -3, localSeconds: -4)),
            ],
            rows: [Row(clustering: [], deletion: nil, unsortedCells: cells),
                   Row(clustering: [1], deletion: DeletionTime(timestamp: 1, localSeconds: 2), cells: [])])
        let mutation = Mutation(table: TableID(high: .max, low: 0), update: update)
        #expect(try ReplicaMessageCodec.decodeMutation(ReplicaMessageCodec.encode(mutation)) == mutation)
        let response = ReadResponse(partitions: [update, PartitionUpdate(partitionKey: [])], isExhausted: false)
        #expect(try ReplicaMessageCodec.decodeReadResponse(ReplicaMessageCodec.encode(response)) == response)
    }

    @Test func openClosedAndEmptyRangesAndAfterRoundTrip() throws {
        let selections: [ReadSelection] = [
            .partitionRange(from: nil, to: nil),
            .partitionRange(from: [1, 2], to: nil),
            .partitionRange(from: nil, to: [3]),
            .partitionRange(from: [], to: []),
            .partition(key: [], start: .unbounded, end: .unbounded),
            .partition(key: [9], start: ClusteringBound(prefix: [1], isInclusive: false),
                       end: ClusteringBound(prefix: [2, 3], isInclusive: true)),
        ]
        let afters: [RowPosition?] = [nil, RowPosition(partitionKey: [], clustering: []),
                                      RowPosition(partitionKey: [1, 2, 3], clustering: [0xFF])]
        for selection in selections {
            for after in afters {
                for limit in [0, 1, Int(Int32.max)] {
                    let command = ReadCommand(table: TableID(high: 1, low: 2), selection: selection, after: after,
                                              maxLiveRows: limit)
                    #expect(try ReplicaMessageCodec.decodeReadCommand(ReplicaMessageCodec.encode(command)) == command)
                }
            }
        }
    }

    @Test func emptyResponseRoundTrips() throws {
        for exhausted in [true, false] {
            let response = ReadResponse(partitions: [], isExhausted: exhausted)
            #expect(try ReplicaMessageCodec.decodeReadResponse(ReplicaMessageCodec.encode(response)) == response)
        }
    }

    /// Every proper prefix of a valid message is refused with a `DecodeError`.
    @Test(arguments: 0..<4 as Range<UInt64>)
    func everyTruncationIsADecodeError(seed: UInt64) {
        let generator = MessageGenerator(seed: 300 + seed)
        for _ in 0..<5 {
            let messages = [ReplicaMessageCodec.encode(generator.mutation()),
                            ReplicaMessageCodec.encode(generator.command()),
                            ReplicaMessageCodec.encode(generator.response()),
                            ReplicaMessageCodec.encode(generator.command().digestOnly(true)),
                            ReplicaMessageCodec.encode(generator.reply())]
            for (kind, bytes) in messages.enumerated() {
                for length in 0..<bytes.count {
                    let prefix = Array(bytes[..<length])
                    #expect(throws: DecodeError.self, "kind \(kind), length \(length) of \(bytes.count)") {
                        try Self.decode(kind, prefix)
                    }
                }
            }
        }
    }

    /// Random bit flips and byte changes give a value or a `DecodeError`: never a trap. A
    /// decoded value re-encodes and decodes to itself.
    @Test(arguments: 0..<4 as Range<UInt64>)
    func randomCorruptionNeverTraps(seed: UInt64) {
        let generator = MessageGenerator(seed: 400 + seed)
        for _ in 0..<400 {
            let kind = generator.random.next(in: 0..<5)
            var bytes = [ReplicaMessageCodec.encode(generator.mutation()),
                         ReplicaMessageCodec.encode(generator.command()),
                         ReplicaMessageCodec.encode(generator.response()),
                         ReplicaMessageCodec.encode(generator.command().digestOnly(true)),
                         ReplicaMessageCodec.encode(generator.reply())][kind]
            for _ in 0..<generator.random.next(in: 1..<4) {
                let index = generator.random.next(in: 0..<bytes.count)
                if generator.random.chance(0.5) {
                    bytes[index] ^= UInt8(1) << UInt8(generator.random.next(in: 0..<8))
                } else {
                    bytes[index] = UInt8(truncatingIfNeeded: generator.random.nextUInt64())
                }
            }
            do {
                try Self.decode(kind, bytes)
            } catch {
                #expect(error is DecodeError)
            }
        }
    }

    /// Mutations and truncates exist only in version 1; read commands and replies in 1 and 2.
    @Test func wrongVersionIsRefused() {
        let messages = [ReplicaMessageCodec.encode(Fixtures.mutation(Fixtures.partition([1]))),
                        ReplicaMessageCodec.encode(Fixtures.wholePartition([1])),
                        ReplicaMessageCodec.encode(ReadResponse(partitions: [], isExhausted: true))]
        for (kind, valid) in messages.enumerated() {
            #expect(valid[0] == ReplicaMessageCodec.version)
            let expected = kind == 0 ? "1" : "1...2"
            for version: UInt8 in [0, kind == 0 ? 2 : 3, 0xFF] {
                var bytes = valid
                bytes[0] = version
                #expect(throws: DecodeError.malformed(offset: 0, reason: "message version \(version), expected \(expected)")) {
                    try Self.decode(kind, bytes)
                }
            }
        }
    }

    @Test(arguments: 0..<4 as Range<UInt64>)
    func randomDigestCommandsAndRepliesRoundTrip(seed: UInt64) throws {
        let generator = MessageGenerator(seed: 500 + seed)
        for _ in 0..<50 {
            let command = generator.command().digestOnly(true)
            let bytes = ReplicaMessageCodec.encode(command)
            #expect(bytes[0] == ReplicaMessageCodec.digestReadVersion)
            #expect(try ReplicaMessageCodec.decodeReadCommand(bytes) == command)
            let reply = generator.reply()
            #expect(try ReplicaMessageCodec.decodeReadReply(ReplicaMessageCodec.encode(reply)) == reply)
        }
    }

    @Test func unknownReadFlagsAndReplyKindsAreRefused() {
        var command = ReplicaMessageCodec.encode(Fixtures.wholePartition([1]).digestOnly(true))
        command[1] = 0x03
        #expect(throws: DecodeError.malformed(offset: 1, reason: "unknown read flags 3")) {
            try ReplicaMessageCodec.decodeReadCommand(command)
        }
        var reply = ReplicaMessageCodec.encode(ReadReply.digest(ReadDigest(high: 1, low: 2)))
        reply[1] = 2
        #expect(throws: DecodeError.malformed(offset: 1, reason: "unknown read reply kind 2")) {
            try ReplicaMessageCodec.decodeReadReply(reply)
        }
        let digest = ReplicaMessageCodec.encode(ReadReply.digest(ReadDigest(high: 1, low: 2)))
        #expect(throws: DecodeError.self) { try ReplicaMessageCodec.decodeReadResponse(digest) }
    }

    @Test func trailingBytesAndUnknownTagsAreRefused() {
        let valid = ReplicaMessageCodec.encode(Fixtures.mutation(Fixtures.partition([1])))
        #expect(throws: DecodeError.self) { try ReplicaMessageCodec.decodeMutation(valid + [0]) }

        var command = ReplicaMessageCodec.encode(Fixtures.wholePartition([1]))
        command[17] = 7  // the selection kind, after version and table id
        #expect(throws: DecodeError.malformed(offset: 17, reason: "unknown read selection 7")) {
            try ReplicaMessageCodec.decodeReadCommand(command)
        }

        let cell = Cell.live(column: 1, timestamp: 1, value: [])
        let update = Fixtures.partition([], rows: [Row(clustering: [], cells: [cell])])
        var mutation = ReplicaMessageCodec.encode(Fixtures.mutation(update))
        // version 1, table 16, key 1, no deletion 1, no ranges 1, one row 1, clustering 1,
        // no row deletion 1, one cell 1, column 1, path 1, timestamp 1, then the kind.
        let kindOffset = 1 + 16 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1
        #expect(mutation[kindOffset] == Cell.Kind.live.rawValue)
        mutation[kindOffset] = 3
        #expect(throws: DecodeError.malformed(offset: kindOffset, reason: "unknown cell kind")) {
            try ReplicaMessageCodec.decodeMutation(mutation)
        }
    }

    @Test func hugeCountsAreRefusedBeforeAllocating() {
        // A response claiming 2^62 partitions in a few bytes.
        var writer = ByteWriter()
        writer.writeUInt8(ReplicaMessageCodec.version)
        writer.writeUInt8(1)
        writer.writeVarint(1 << 62)
        #expect(throws: DecodeError.self) { try ReplicaMessageCodec.decodeReadResponse(writer.bytes) }
    }

    /// A row limit beyond what the wire carries (`Int32.max`) is clamped, not refused.
    @Test
    func largeRowLimitsSurviveTheWire() throws {
        let command = ReadCommand(table: TableID(high: 1, low: 2), selection: .partitionRange(from: nil, to: nil),
                                  maxLiveRows: Int.max)
        let decoded = try ReplicaMessageCodec.decodeReadCommand(ReplicaMessageCodec.encode(command))
        #expect(decoded.maxLiveRows >= Int(Int32.max))
    }


    private static func decode(_ kind: Int, _ bytes: [UInt8]) throws {
        switch kind {
        case 0:
            let value = try ReplicaMessageCodec.decodeMutation(bytes)
            #expect(try ReplicaMessageCodec.decodeMutation(ReplicaMessageCodec.encode(value)) == value)
        case 1, 3:
            let value = try ReplicaMessageCodec.decodeReadCommand(bytes)
            #expect(try ReplicaMessageCodec.decodeReadCommand(ReplicaMessageCodec.encode(value)) == value)
        case 2:
            let value = try ReplicaMessageCodec.decodeReadResponse(bytes)
            #expect(try ReplicaMessageCodec.decodeReadResponse(ReplicaMessageCodec.encode(value)) == value)
        default:
            let value = try ReplicaMessageCodec.decodeReadReply(bytes)
            #expect(try ReplicaMessageCodec.decodeReadReply(ReplicaMessageCodec.encode(value)) == value)
        }
    }
}
