import NIOCore
import Synchronization

/// The accepted connections of a transport, so that shutdown can close them even when the
/// event loop group is not the transport's to shut down. Thread-safe.
final class ChannelSet: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: Channel] = [:]
        var isClosed = false
    }

    private let state = Mutex(State())

    /// Adds `channel`; false when the set is closed, and the caller must close the channel.
    func insert(_ channel: Channel) -> Bool {
        state.withLock { state in
            guard !state.isClosed else { return false }
            state.channels[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    /// Forgets `channel` (it closed).
    func remove(_ channel: Channel) {
        _ = state.withLock { $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Refuses new channels and closes every one held; returns when all are closed.
    func closeAll() async {
        let open = state.withLock { state in
            state.isClosed = true
            return Array(state.channels.values)
        }
        for channel in open {
            try? await channel.close()
        }
    }
}
