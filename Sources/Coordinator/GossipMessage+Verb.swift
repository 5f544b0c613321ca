import Gossip
import Messaging

extension GossipMessage {
    /// The internode verb this message travels under.
    public var verb: Verb {
        switch self {
        case .syn: .gossipDigestSyn
        case .ack: .gossipDigestAck
        case .ack2: .gossipDigestAck2
        case .shutdown: .gossipShutdown
        }
    }
}
