@testable import LSMStore

extension CommitLogRecord {
    /// Appends the header of a record whose payload has CRC32C `payloadChecksum`: the tests'
    /// way to build records by hand, byte for byte what the writer stores.
    static func appendHeader(payloadChecksum: UInt32, payloadSizeBytes: Int, sequence: UInt64,
                             to bytes: inout [UInt8]) {
        var fields = header(payloadChecksum: payloadChecksum, payloadSizeBytes: payloadSizeBytes, sequence: sequence)
        withUnsafeBytes(of: &fields) { bytes.append(contentsOf: $0) }
    }
}
