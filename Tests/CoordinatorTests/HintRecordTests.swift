import KVCore
import Testing

@testable import Coordinator

@Suite struct HintRecordTests {
    @Test func headerLayoutIsLengthThenCreatedAtThenChecksum() {
        let record = HintRecord.encode(payload: [0xAA, 0xBB, 0xCC], createdAtMillis: 0x0102_0304_0506_0708)
        #expect(record.count == 19)
        #expect(Array(record[0..<4]) == [3, 0, 0, 0])
        #expect(Array(record[4..<12]) == [8, 7, 6, 5, 4, 3, 2, 1])
        let checksum = CRC32C.mask(CRC32C.checksum(Array(record[0..<12]) + [0xAA, 0xBB, 0xCC]))
        #expect(record[12..<16].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).littleEndian } == checksum)
        #expect(Array(record[16...]) == [0xAA, 0xBB, 0xCC])
        let header = record.withUnsafeBytes(HintRecord.decodeHeader)
        #expect(header == HintRecord.Header(payloadSizeBytes: 3, createdAtMillis: 0x0102_0304_0506_0708, maskedChecksum: checksum))
    }

    @Test func negativeCreatedAtRoundTrips() {
        let record = HintRecord.encode(payload: [1], createdAtMillis: -5)
        #expect(record.withUnsafeBytes(HintRecord.decodeHeader).createdAtMillis == -5)
    }

    @Test func everySingleBitFlipIsDetected() {
        let record = HintRecord.encode(payload: Array(0..<40), createdAtMillis: 1_700_000_000_000)
        #expect(record.withUnsafeBytes(HintRecord.isIntact))
        for offset in record.indices {
            for bit in 0..<8 {
                var damaged = record
                damaged[offset] ^= UInt8(1 << bit)
                #expect(!damaged.withUnsafeBytes(HintRecord.isIntact), "flip at \(offset) bit \(bit)")
            }
        }
    }
}
