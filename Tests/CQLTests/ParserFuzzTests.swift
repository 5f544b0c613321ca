import Testing

@testable import CQL

/// A small deterministic generator (SplitMix64), so failures reproduce from the seed.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// Token texts the fuzzer strings together: keywords, literals and punctuation.
private let vocabulary = [
    "SELECT", "INSERT", "UPDATE", "DELETE", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "INTO", "VALUES", "SET",
    "IF", "EXISTS", "USING", "TTL", "TIMESTAMP", "BEGIN", "BATCH", "APPLY", "CREATE", "TABLE", "KEYSPACE",
    "TYPE", "DROP", "ALTER", "ADD", "WITH", "PRIMARY", "KEY", "LIMIT", "ORDER", "BY", "DESC", "ALLOW",
    "FILTERING", "token", "count", "CAST", "AS", "frozen", "list", "map", "tuple", "int", "text", "NULL",
    "IS", "CONTAINS", "t", "k", "v", "\"Q\"", "'s'", "$$d$$", "1", "-2", "3.5", "NaN", "0xab", "1h",
    "123e4567-e89b-12d3-a456-426614174000", "true", "?", ":m", "(", ")", "[", "]", "{", "}", "<", ">",
    ",", ";", ".", "=", "!=", "<=", ">=", "+", "-", "*", ":", "+=", "--", "/*", "*/", "'", "\"",
]

@Suite struct ParserFuzzTests {
    @Test func randomTokenSequencesNeverTrap() {
        for seed in UInt64(0)..<2_000 {
            var generator = SeededGenerator(state: seed)
            let count = Int.random(in: 0...40, using: &generator)
            let text = (0..<count).map { _ in vocabulary.randomElement(using: &generator)! }.joined(separator: " ")
            _ = try? CQLParser.parseScript(text)
            _ = try? CQLParser.parseWhereExpression(text)
        }
    }

    @Test func randomBytesNeverTrap() {
        for seed in UInt64(0)..<2_000 {
            var generator = SeededGenerator(state: seed &* 7919)
            let count = Int.random(in: 0...80, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? CQLParser.parseScript(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func mutatedValidStatementsNeverTrap() {
        let seeds = [
            "SELECT a, COUNT(*) FROM ks.t WHERE k = 1 AND (c1, c2) > (1, 2) ORDER BY c1 DESC LIMIT 10 ALLOW FILTERING",
            "UPDATE t USING TTL 5 SET m['k'] = 'v', c = c + 1 WHERE k IN (1, 2) IF v = 3",
            "CREATE TABLE t (k int, c text, m map<text, frozen<list<int>>>, PRIMARY KEY ((k), c)) WITH comment = 'x'",
        ]
        for seed in UInt64(0)..<1_500 {
            var generator = SeededGenerator(state: seed)
            var scalars = Array(seeds[Int(seed) % seeds.count].unicodeScalars)
            for _ in 0..<Int.random(in: 1...4, using: &generator) where !scalars.isEmpty {
                let position = Int.random(in: 0..<scalars.count, using: &generator)
                if Bool.random(using: &generator) {
                    scalars.remove(at: position)
                } else {
                    scalars.insert("(),'\"[]{}<>;:-".unicodeScalars.randomElement(using: &generator)!, at: position)
                }
            }
            _ = try? CQLParser.parseStatement(String(String.UnicodeScalarView(scalars)))
        }
    }
}
