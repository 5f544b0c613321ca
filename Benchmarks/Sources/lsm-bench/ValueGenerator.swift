/// db_bench's value source: a buffer of at least 1 MiB made of 100-byte pieces, each a
/// random run of `compressionRatio * 100` printable bytes repeated to fill the piece, so a
/// compressor keeps about that fraction; values are consecutive slices of it, wrapping.
///
/// The pieces come from the Park–Miller generator seeded with 301, the generator and seed
/// db_bench uses, so our values are the same bytes as db_bench's.
struct ValueGenerator: Sendable {
    /// The shared, immutable buffer (built once, read by every thread).
    let data: [UInt8]
    let valueSizeBytes: Int

    static let pieceSizeBytes = 100
    static let minimumBufferBytes = 1 << 20

    init(valueSizeBytes: Int, compressionRatio: Double) {
        self.valueSizeBytes = valueSizeBytes
        var random = ParkMillerRandom(seed: 301)
        let targetBytes = max(Self.minimumBufferBytes, valueSizeBytes)
        var data: [UInt8] = []
        data.reserveCapacity(targetBytes + Self.pieceSizeBytes)
        while data.count < targetBytes {
            let rawBytes = max(1, Int(Double(Self.pieceSizeBytes) * compressionRatio))
            let raw = (0..<rawBytes).map { _ in UInt8(ascii: " ") + UInt8(random.uniform(95)) }
            var piece = 0
            while piece < Self.pieceSizeBytes {
                let take = min(rawBytes, Self.pieceSizeBytes - piece)
                data.append(contentsOf: raw[0..<take])
                piece += take
            }
        }
        self.data = data
    }

    /// One thread's position in the buffer; each thread starts at 0, as in db_bench.
    struct Cursor {
        var position = 0
    }

    /// The next value, as a new array (the engine's `Cell` owns its bytes).
    @inline(__always)
    func next(_ cursor: inout Cursor) -> [UInt8] {
        if cursor.position + valueSizeBytes > data.count { cursor.position = 0 }
        let start = cursor.position
        cursor.position += valueSizeBytes
        return Array(data[start..<start + valueSizeBytes])
    }
}

/// The "minimal standard" Lehmer generator (Park and Miller, 1988): state' = state * 16807
/// mod (2^31 - 1). LevelDB and RocksDB use it for test data; we use it only to build the
/// same value bytes.
struct ParkMillerRandom {
    private var state: UInt32
    private static let modulus: UInt64 = 2_147_483_647
    private static let multiplier: UInt64 = 16_807

    init(seed: UInt32) {
        let masked = seed & 0x7fff_ffff
        state = (masked == 0 || UInt64(masked) == Self.modulus) ? 1 : masked
    }

    mutating func next() -> UInt32 {
        state = UInt32(UInt64(state) * Self.multiplier % Self.modulus)
        return state
    }

    /// A number in [0, bound).
    mutating func uniform(_ bound: UInt32) -> UInt32 { next() % bound }
}

/// The per-thread generator of key numbers: SplitMix64, seeded per thread and benchmark.
/// (db_bench uses a Mersenne twister; the distribution, uniform on [0, num), is the same.)
struct KeyRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A number in [0, bound), by modulo as db_bench (the bias is below 2^-40 for our sizes).
    @inline(__always)
    mutating func next(below bound: UInt64) -> UInt64 { next() % bound }
}
