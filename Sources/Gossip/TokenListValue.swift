/// The string encoding of a node's ring tokens in the `tokens` application state: signed
/// decimal Int64 values joined by commas, in the order given (e.g. `-9123,42,7001`).
public enum TokenListValue {
    /// Encodes `tokens`; an empty list is the empty string.
    public static func string(from tokens: [Int64]) -> String {
        tokens.map(String.init).joined(separator: ",")
    }

    /// Decodes a token list; nil when any element is not a decimal Int64 or when there are
    /// more than `maxCount` tokens (a value from a peer is untrusted).
    public static func tokens(from value: String, maxCount: Int = 65_536) -> [Int64]? {
        if value.isEmpty { return [] }
        var tokens: [Int64] = []
        for part in value.split(separator: ",", omittingEmptySubsequences: false) {
            guard tokens.count < maxCount, let token = Int64(part) else { return nil }
            tokens.append(token)
        }
        return tokens
    }
}
