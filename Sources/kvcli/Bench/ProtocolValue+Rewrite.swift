import CQL

extension Array where Element == ProtocolValue {
    /// Makes the array `count` values long, keeping its storage (and the byte arrays of the
    /// values kept) when it is uniquely referenced.
    mutating func resize(to count: Int) {
        if self.count > count { removeLast(self.count - count) }
        while self.count < count { append(.null) }
    }

    /// Rewrites value `index` as `byteCount` bytes that `write` fills, reusing that value's
    /// byte array when nothing else holds it (a bench worker's array, whose request was
    /// encoded and released before the next is built): no allocation per operation.
    mutating func rewriteBytes(at index: Int, byteCount: Int, _ write: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        var bytes: [UInt8] = []
        if case .bytes(let existing) = self[index] { bytes = existing }
        // Drop the array's own reference so `bytes` is unique and is written in place.
        self[index] = .null
        if bytes.count > byteCount { bytes.removeLast(bytes.count - byteCount) }
        if bytes.count < byteCount { bytes.append(contentsOf: repeatElement(0, count: byteCount - bytes.count)) }
        bytes.withUnsafeMutableBufferPointer { write($0) }
        self[index] = .bytes(bytes)
    }
}
