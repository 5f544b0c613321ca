import Testing

@testable import Messaging

@Suite struct ReconnectBackoffTests {
    @Test func backoffDoublesUpToTheCapAndResets() {
        var backoff = ReconnectBackoff(min: .milliseconds(100), max: .seconds(1))
        let delays = (0..<6).map { _ in backoff.recordFailure() }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        for _ in 0..<100 { _ = backoff.recordFailure() }
        let capped = backoff.recordFailure()
        #expect(capped == .seconds(1))
        backoff.reset()
        let afterReset = backoff.recordFailure()
        #expect(afterReset == .milliseconds(100))
    }
}
