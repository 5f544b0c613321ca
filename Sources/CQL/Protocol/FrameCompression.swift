/// A body compression algorithm negotiated by STARTUP's `COMPRESSION` option.
public enum FrameCompression: String, Sendable, Hashable, CaseIterable {
    /// `lz4`: `[int]` uncompressed length then a raw LZ4 block (see `LZ4BodyCodec`).
    case lz4

    /// Parses STARTUP's `COMPRESSION` value (case-insensitive). Nil/absent means none.
    /// - Throws: `.unsupportedCompression` for an algorithm we do not offer (e.g. snappy);
    ///   the server answers ERROR 0x000A as Cassandra does.
    public static func negotiate(_ startupOptions: [String: String]) throws(ProtocolError) -> FrameCompression? {
        guard let entry = startupOptions.first(where: { $0.key.uppercased() == "COMPRESSION" }) else {
            return nil
        }
        guard let algorithm = FrameCompression(rawValue: entry.value.lowercased()) else {
            throw .unsupportedCompression(entry.value)
        }
        return algorithm
    }
}
