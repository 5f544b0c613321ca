/// Builds db_bench's keys: `keySizeBytes` bytes whose first min(size, 8) bytes hold the key
/// number big-endian (its low-order bytes when the key is shorter than 8) and whose rest is
/// ASCII '0' padding. So byte order is number order, as in db_bench.
struct KeyEncoder: Sendable {
    let keySizeBytes: Int

    /// The padding byte db_bench uses after the number.
    static let paddingByte = UInt8(ascii: "0")

    /// Writes the key of `number` into `key`, which must hold `keySizeBytes` bytes.
    @inline(__always)
    func encode(_ number: UInt64, into key: inout [UInt8]) {
        precondition(key.count == keySizeBytes, "key buffer of the wrong size")
        let numberBytes = min(keySizeBytes, 8)
        key.withUnsafeMutableBufferPointer { buffer in
            for index in 0..<numberBytes {
                let shift = UInt64((numberBytes - index - 1) * 8)
                buffer[index] = UInt8(truncatingIfNeeded: number >> shift)
            }
            for index in numberBytes..<keySizeBytes {
                buffer[index] = Self.paddingByte
            }
        }
    }

    /// A new key buffer of the right size.
    func makeBuffer() -> [UInt8] { [UInt8](repeating: Self.paddingByte, count: keySizeBytes) }

    /// The key of `number` as a new array.
    func key(_ number: UInt64) -> [UInt8] {
        var key = makeBuffer()
        encode(number, into: &key)
        return key
    }
}
