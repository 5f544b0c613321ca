import Testing

@testable import Coordinator

/// Cassandra's `speculative_retry` syntax, as kvnode.yaml's `speculative_retry` takes it.
@Suite struct SpeculativeRetryPolicyTests {
    @Test(arguments: [
        ("NONE", SpeculativeRetryPolicy.none), ("none", .none), (" None ", .none),
        ("50ms", .fixed(.milliseconds(50))), ("50MS", .fixed(.milliseconds(50))), ("0ms", .fixed(.zero)),
        ("2.5ms", .fixed(.microseconds(2500))), ("99p", .percentile(99)), ("99P", .percentile(99)),
        ("99.9p", .percentile(99.9)), ("95PERCENTILE", .percentile(95)), ("50percentile", .percentile(50)),
    ])
    func validValuesParse(text: String, expected: SpeculativeRetryPolicy) throws {
        #expect(try SpeculativeRetryPolicy(parsing: text) == expected)
    }

    @Test(arguments: ["", "99", "ms", "p", "-5ms", "0p", "100p", "150PERCENTILE", "1e3ms", "nanp", "inf ms",
                      "ALWAYS", "99pp", "5.5.5p", "700000ms", ".p", "50 ms"])
    func invalidValuesAreRefusedWithTheirText(text: String) {
        #expect(throws: SpeculativeRetryPolicy.ParseError.self) { try SpeculativeRetryPolicy(parsing: text) }
        do {
            _ = try SpeculativeRetryPolicy(parsing: text)
        } catch {
            #expect(error.description.contains("'\(text)'") || error.description.contains("percentile"))
        }
    }

    @Test func descriptionsUseCassandraSyntaxAndParseBack() throws {
        let policies: [SpeculativeRetryPolicy] = [.none, .fixed(.milliseconds(50)), .fixed(.microseconds(2500)),
                                                  .percentile(99), .percentile(99.9)]
        #expect(policies.map(\.description) == ["NONE", "50ms", "2.5ms", "99p", "99.9p"])
        for policy in policies { #expect(try SpeculativeRetryPolicy(parsing: policy.description) == policy) }
        #expect(SpeculativeRetryPolicy.default == .percentile(99))
    }
}
