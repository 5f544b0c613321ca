import Gossip
import Testing

@Suite struct PhiAccrualFailureDetectorTests {
    let endpoint = GossipEndpoint(host: "10.0.0.1", port: 7000)

    /// The first whole second of silence after which `detector` convicts `endpoint`.
    func convictionSecond(_ detector: PhiAccrualFailureDetector, lastArrivalMillis: Int64) -> Int {
        var second = 0
        while !detector.isConvicted(endpoint, nowMillis: lastArrivalMillis + Int64(second) * 1000) { second += 1 }
        return second
    }

    @Test func unknownEndpointsHaveNoPhi() {
        let detector = PhiAccrualFailureDetector(configuration: GossipConfiguration())
        #expect(detector.phi(endpoint, nowMillis: 1_000_000) == nil)
        #expect(!detector.isConvicted(endpoint, nowMillis: 1_000_000))
    }

    @Test func convictsAfterNineteenMissedHeartbeatsAtOneSecond() {
        var detector = PhiAccrualFailureDetector(configuration: GossipConfiguration())
        for second in 0..<1100 { detector.report(endpoint, nowMillis: Int64(second) * 1000) }
        let last: Int64 = 1099 * 1000
        // Mean 1000 ms: phi 8 at 8 * ln 10 = 18.42 s of silence.
        #expect(!detector.isConvicted(endpoint, nowMillis: last + 18_000))
        #expect(detector.isConvicted(endpoint, nowMillis: last + 18_500))
        let seconds = convictionSecond(detector, lastArrivalMillis: last)
        print("[phi] 1 s heartbeats, threshold 8: convicted after \(seconds) s of silence (phi 8 at 18.42 s)")
        #expect(seconds == 19)
    }

    @Test func phiRisesAsSilenceGrows() {
        var detector = PhiAccrualFailureDetector(configuration: GossipConfiguration())
        for second in 0..<60 { detector.report(endpoint, nowMillis: Int64(second) * 1000) }
        let phis = (0...30).map { detector.phi(endpoint, nowMillis: 59_000 + Int64($0) * 1000)! }
        #expect(phis.first == 0)
        #expect(zip(phis, phis.dropFirst()).allSatisfy { $0 < $1 })
        // Phi grows linearly: each second adds 1 / (mean * ln 10).
        let mean = detector.window(for: endpoint)!.meanIntervalMs
        #expect(abs(phis[10] - 10_000 / (mean * 2.302_585_092_994_046)) < 1e-9)
    }

    @Test func aNewEndpointIsGivenTheBenefitOfTheDoubt() {
        var detector = PhiAccrualFailureDetector(configuration: GossipConfiguration())
        detector.report(endpoint, nowMillis: 0)
        // Only the assumed 2 s interval: conviction after 8 * ln 10 * 2 s = 36.8 s.
        #expect(convictionSecond(detector, lastArrivalMillis: 0) == 37)
    }

    @Test func thresholdIsConfigurable() {
        var configuration = GossipConfiguration()
        configuration.phiConvictThreshold = 4
        configuration.arrivalWindowCapacity = 10
        var detector = PhiAccrualFailureDetector(configuration: configuration)
        for second in 0..<20 { detector.report(endpoint, nowMillis: Int64(second) * 1000) }
        #expect(detector.threshold == 4)
        #expect(convictionSecond(detector, lastArrivalMillis: 19_000) == 10)   // 4 * ln 10 = 9.2 s
    }

    @Test func fasterHeartbeatsConvictSooner() {
        var detector = PhiAccrualFailureDetector(configuration: GossipConfiguration())
        for index in 0..<2000 { detector.report(endpoint, nowMillis: Int64(index) * 500) }
        #expect(convictionSecond(detector, lastArrivalMillis: 1999 * 500) == 10)   // 18.42 * 0.5 s
    }

    @Test func removeForgetsTheHistory() {
        var detector = PhiAccrualFailureDetector(configuration: GossipConfiguration())
        for second in 0..<10 { detector.report(endpoint, nowMillis: Int64(second) * 1000) }
        detector.remove(endpoint)
        #expect(detector.phi(endpoint, nowMillis: 20_000) == nil)
        detector.report(endpoint, nowMillis: 20_000)
        #expect(detector.window(for: endpoint)?.count == 1)
    }
}
