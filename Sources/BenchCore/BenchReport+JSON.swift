import Foundation

extension BenchReport {
    /// The report as pretty-printed JSON with snake_case keys. Operation and error-kind
    /// names are lowercase with hyphens, which the key conversion leaves alone.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// A report read back from `jsonData()`'s format.
    public static func decode(_ data: Data) throws -> BenchReport {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(BenchReport.self, from: data)
    }
}
