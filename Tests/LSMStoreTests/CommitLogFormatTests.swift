import KVCore
import Testing
@testable import LSMStore

@Suite("CommitLog: byte formats")
struct CommitLogFormatTests {
    @Test("segment file names sort like ids and parse back")
    func fileNames() {
        #expect(CommitLogSegment.fileName(id: 42) == "commitlog-00000000000000000042.log")
        #expect(CommitLogSegment.fileName(id: UInt64.max) == "commitlog-18446744073709551615.log")
        for id: UInt64 in [0, 1, 42, UInt64.max] {
            #expect(CommitLogSegment.id(fromFileName: CommitLogSegment.fileName(id: id)) == id)
        }
        for name in ["commitlog-42.log", "commitlog-0000000000000000004x.log", "manifest", "commitlog-00000000000000000042.log.tmp"] {
            #expect(CommitLogSegment.id(fromFileName: name) == nil)
        }
    }

    @Test("segment header golden bytes and checks")
    func segmentHeader() {
        let header = CommitLogSegmentHeader(version: 1, segmentId: 0x0102, firstSequence: 7)
        let bytes = header.encoded()
        #expect(bytes.count == CommitLogSegmentHeader.sizeBytes)
        #expect(Array(bytes[0..<24]) == Array("KVCL".utf8) + [1, 0, 0, 0] + [2, 1, 0, 0, 0, 0, 0, 0] + [7, 0, 0, 0, 0, 0, 0, 0])
        #expect(bytes.withUnsafeBytes(CommitLogSegmentHeader.decode) == .valid(header))
        var damaged = bytes
        damaged[9] ^= 1
        #expect(damaged.withUnsafeBytes(CommitLogSegmentHeader.decode) == .checksumMismatch)
        let mapped = CommitLogSegmentHeader(version: 2, segmentId: 1, firstSequence: 1)
        #expect(mapped.encoded().withUnsafeBytes(CommitLogSegmentHeader.decode) == .valid(mapped))
        let future = CommitLogSegmentHeader(version: 3, segmentId: 1, firstSequence: 1).encoded()
        #expect(future.withUnsafeBytes(CommitLogSegmentHeader.decode) == .unknownVersion(3))
        #expect([UInt8](repeating: 0, count: 28).withUnsafeBytes(CommitLogSegmentHeader.decode) == .checksumMismatch)
    }

    @Test("new segments are written in version 2, whose tails may be zeros; version 1 is still read")
    func versions() {
        #expect(CommitLogFormatVersion.current == .v2)
        #expect(CommitLogFormatVersion.v2.mayEndInZeros)
        #expect(!CommitLogFormatVersion.v1.mayEndInZeros)
    }

    @Test("record header layout and checksum coverage")
    func recordChecksum() {
        let payload: [UInt8] = Array("hello".utf8)
        var record: [UInt8] = []
        CommitLogRecord.appendHeader(payloadChecksum: CRC32C.checksum(payload), payloadSizeBytes: payload.count,
                                     sequence: 9, to: &record)
        record += payload
        #expect(Array(record[4..<16]) == [5, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0])
        let expected = CRC32C.mask(CRC32C.checksum(payload + Array(record[4..<16])))
        #expect(record.withUnsafeBytes(CommitLogRecord.decodeHeader).checksum == expected)
        #expect(record.withUnsafeBytes(CommitLogRecord.isIntact))
        for index in record.indices {  // Every byte is covered.
            var damaged = record
            damaged[index] ^= 0x10
            if index >= 4 && index < 8 { continue }  // A changed length no longer frames the record.
            #expect(!damaged.withUnsafeBytes(CommitLogRecord.isIntact), "byte \(index)")
        }
    }

    @Test("positions order by segment, then offset")
    func positionOrder() {
        #expect(CommitLogPosition(segment: 1, offset: 900) < CommitLogPosition(segment: 2, offset: 28))
        #expect(CommitLogPosition(segment: 2, offset: 28) < CommitLogPosition(segment: 2, offset: 29))
        #expect(CommitLogPosition.zero < CommitLogPosition(segment: 1, offset: 0))
    }
}
