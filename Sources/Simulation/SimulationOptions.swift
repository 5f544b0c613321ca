/// What one simulation run does. Every field has a default; the seed decides everything else
/// (fault intensities included), so `seed` alone replays a run.
public struct SimulationOptions: Sendable {
    public var seed: UInt64
    public var nodeCount = 3
    public var replicationFactor = 3
    /// How long clients run while faults are injected (virtual time).
    public var faultDuration = Duration.seconds(20)
    /// How long the healed cluster gets for hints to replay before data is compared.
    public var settleDuration = Duration.seconds(15)
    /// Concurrent clients.
    public var clients = 3
    /// Whether the nemesis injects faults at all (off: the invariants must hold trivially).
    public var injectsFaults = true

    public init(seed: UInt64) { self.seed = seed }
}
