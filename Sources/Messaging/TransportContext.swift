import Logging
import NIOCore
import Synchronization

/// What the parts of one `NIOTransport` share: configuration, the node's own address,
/// handlers, running handler tasks, counters and the logger. Thread-safe; created once per
/// transport and never replaced.
final class TransportContext: Sendable {
    /// Limits and timings.
    let configuration: MessagingConfiguration
    /// Handlers by verb.
    let handlers = HandlerRegistry()
    /// Tasks running inbound handlers.
    let inboundTasks: InboundTaskSet
    /// Loss counters.
    let counters = TransportCounters()
    /// The transport's logger; parts add their own metadata.
    let logger: Logger
    /// Checks frames against `configuration.maxFrameSizeBytes`.
    let codec: FrameCodec
    // Known only once the listener is bound when port 0 was asked for.
    private let boundAddress: Mutex<NodeAddress>

    /// A context for a transport that will listen on `address`.
    init(address: NodeAddress, configuration: MessagingConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        inboundTasks = InboundTaskSet(limit: configuration.maxConcurrentInboundMessages)
        codec = FrameCodec(maxFrameSizeBytes: configuration.maxFrameSizeBytes)
        boundAddress = Mutex(address)
    }

    /// The address the node listens on and writes as the sender of its frames.
    var localAddress: NodeAddress { boundAddress.withLock { $0 } }

    /// Records the port the listener actually bound.
    func setLocalAddress(_ address: NodeAddress) {
        boundAddress.withLock { $0 = address }
    }

    /// The largest payload this node can put in a frame.
    var maxPayloadSizeBytes: Int {
        configuration.maxPayloadSizeBytes(hostLengthBytes: localAddress.host.utf8.count)
    }

    /// A frame of these fields, with `localAddress` as sender, encoded for the socket.
    func encode(kind: FrameKind, verb: Verb, requestID: UInt64, payload: [UInt8]) -> ByteBuffer {
        FrameCodec.encode(Frame(kind: kind, verb: verb, requestID: requestID, sender: localAddress, payload: payload))
    }
}
