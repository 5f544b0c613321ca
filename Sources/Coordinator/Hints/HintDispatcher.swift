import KVCore
import Messaging

/// Replays stored hints to their targets once they are alive again, over the `hint` verb.
///
/// Hosts are replayed one after another, hints of a host one at a time, oldest first, with
/// `throttle` between two hints (so a returning node is not flooded). A failed delivery stops
/// that host's replay until the next pass; the hints from it on stay stored. Thread-safe; the
/// dispatcher owns no task: run `run()` in a service group and cancel it to stop.
public final class HintDispatcher: Sendable {
    /// The pause between passes of `run()`.
    public static let defaultPassInterval = Duration.seconds(1)

    private let store: HintStore
    private let transport: any Transport
    private let clock: any _Concurrency.Clock<Duration>
    private let isAlive: @Sendable (HostID) -> Bool
    private let address: @Sendable (HostID) -> NodeAddress?
    private let throttle: Duration
    private let passInterval: Duration

    /// - Parameters:
    ///   - clock: what `run()` and the throttle sleep on (a virtual clock in the simulator).
    ///   - isAlive: whether the failure detector sees `host` up; hints go only to live hosts.
    ///   - address: where `host` listens now; nil skips it.
    ///   - throttle: the pause between two hints sent to one host (`.zero`: none).
    public init(store: HintStore, transport: any Transport, clock: any _Concurrency.Clock<Duration> = ContinuousClock(),
                isAlive: @escaping @Sendable (HostID) -> Bool, address: @escaping @Sendable (HostID) -> NodeAddress?,
                throttle: Duration, passInterval: Duration = HintDispatcher.defaultPassInterval) {
        self.store = store
        self.transport = transport
        self.clock = clock
        self.isAlive = isAlive
        self.address = address
        self.throttle = throttle
        self.passInterval = passInterval
    }

    /// Dispatch passes every `passInterval` until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            await dispatchOnce()
            do { try await clock.sleep(for: passInterval) } catch { return }
        }
    }

    /// One pass: replays the hints of every live host that has some. Returns the outcome per
    /// host tried (a report, or the error that stopped it).
    @discardableResult
    public func dispatchOnce() async -> [HostID: Result<HintReplayReport, HintStoreError>] {
        var outcomes: [HostID: Result<HintReplayReport, HintStoreError>] = [:]
        for host in store.hostsWithHints where isAlive(host) {
            guard !Task.isCancelled else { break }
            guard let destination = address(host) else { continue }
            var isFirst = true
            do {
                outcomes[host] = .success(try await store.replay(for: host) { mutation in
                    // Pause before each hint but the first, so a cancelled pause never
                    // follows a delivery it would then make repeat.
                    if !isFirst, throttle > .zero { try await clock.sleep(for: throttle) }
                    isFirst = false
                    _ = try await transport.request(ReplicaMessageCodec.encode(mutation), verb: .hint, to: destination)
                })
            } catch {
                outcomes[host] = .failure(error)
            }
        }
        return outcomes
    }

    /// Installs the replica side of the `hint` verb on `transport`: decodes the mutation and
    /// applies it, answering an empty success, or a failure with the error's description.
    public static func installReceiver(on transport: any Transport, apply: @escaping @Sendable (Mutation) async throws -> Void) {
        transport.setHandler(for: .hint) { message in
            do {
                try await apply(try ReplicaMessageCodec.decodeMutation(message.payload))
                return .success([])
            } catch {
                return .failure("\(error)")
            }
        }
    }
}
