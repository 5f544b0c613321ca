/// Appends bytes to an order-preserving key, XOR-ing each with `mask` (0x00 for an
/// ascending component, 0xFF for a descending one, which inverts its order).
struct OrderedKeyWriter {
    var bytes: [UInt8] = []
    var mask: UInt8

    init(mask: UInt8) { self.mask = mask }

    mutating func append(_ byte: UInt8) { bytes.append(byte ^ mask) }

    mutating func append<Bytes: Sequence<UInt8>>(contentsOf values: Bytes) {
        for byte in values { bytes.append(byte ^ mask) }
    }
}
