/// What OPTIONS is answered with.
public enum SupportedOptions {
    /// `CQL_VERSION` ["3.4.5"], `COMPRESSION` ["lz4"], `PROTOCOL_VERSIONS` ["4/v4"].
    /// Only v4 is served, so only v4 is advertised (see FORMAT.md). `COMPRESSION` must be
    /// present, even empty, or the Python driver fails.
    public static let standard: [String: [String]] = [
        "CQL_VERSION": ["3.4.5"],
        "COMPRESSION": ["lz4"],
        "PROTOCOL_VERSIONS": ["4/v4"],
    ]
}
