/// Parses the bench's durations and rates as a user writes them.
public enum DurationParsing {
    /// Seconds in `10`, `10s`, `500ms`, `2m`, `1h`, `1.5s`; nil when malformed or negative.
    public static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)), number >= 0 else { return nil }
            return number * scale
        }
        guard let number = Double(text), number >= 0 else { return nil }
        return number
    }

    /// Operations per second in `5000` or `5000/s`; nil when malformed or not positive.
    public static func rate(_ text: String) -> Double? {
        let number = text.hasSuffix("/s") ? Double(text.dropLast(2)) : Double(text)
        guard let number, number > 0 else { return nil }
        return number
    }
}
