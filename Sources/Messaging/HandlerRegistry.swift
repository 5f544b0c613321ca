import Synchronization

/// The handlers a transport calls, one per verb. Thread-safe; a lookup takes a lock briefly
/// and the handler runs outside it.
final class HandlerRegistry: Sendable {
    private let handlers = Mutex<[Verb: MessageHandler]>([:])

    /// Installs or (with nil) removes the handler of `verb`.
    func set(_ handler: MessageHandler?, for verb: Verb) {
        handlers.withLock { $0[verb] = handler }
    }

    /// The handler of `verb`, if one is installed.
    func handler(for verb: Verb) -> MessageHandler? {
        handlers.withLock { $0[verb] }
    }

    /// Forgets every handler (at shutdown, to release what they capture).
    func removeAll() {
        handlers.withLock { $0.removeAll() }
    }
}
