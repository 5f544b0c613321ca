import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import Messaging

/// Shared set-up for transport tests: loopback only, ephemeral ports, short backoffs, one
/// shared event loop group, and logs captured instead of printed.
enum TestSupport {
    static let loopback = "127.0.0.1"

    /// Limits small enough that tests stay fast.
    static func configuration() -> MessagingConfiguration {
        var configuration = MessagingConfiguration()
        configuration.connectTimeout = .seconds(1)
        configuration.reconnectBackoffMin = .milliseconds(10)
        configuration.reconnectBackoffMax = .milliseconds(50)
        configuration.maxFrameSizeBytes = 1024 * 1024
        // Requests expected to succeed must not time out because CI runs every suite at
        // once on two cores; tests about timeouts set their own short ones.
        for verb in Verb.allNamed { configuration.verbTimeouts[verb] = .seconds(30) }
        configuration.defaultRequestTimeout = .seconds(30)
        return configuration
    }

    /// A transport on 127.0.0.1 (port 0: a free one) on the shared group.
    static func startTransport(
        port: Int = 0, configuration: MessagingConfiguration = configuration(), log: CapturedLog = CapturedLog()
    ) async throws -> NIOTransport {
        try await NIOTransport.start(
            listeningOn: NodeAddress(host: loopback, port: port), configuration: configuration,
            group: MultiThreadedEventLoopGroup.singleton, logger: log.logger)
    }

    /// Runs `body` with `count` fresh transports and shuts them all down afterwards.
    static func withTransports(
        _ count: Int, configuration: MessagingConfiguration = configuration(),
        _ body: ([NIOTransport]) async throws -> Void
    ) async throws {
        var transports: [NIOTransport] = []
        for _ in 0..<count { transports.append(try await startTransport(configuration: configuration)) }
        do {
            try await body(transports)
        } catch {
            for transport in transports { await transport.shutdown() }
            throw error
        }
        for transport in transports { await transport.shutdown() }
    }

    /// Polls `condition` every 10 ms, at most `attempts` times; returns whether it held.
    static func eventually(attempts: Int = 500, _ condition: () -> Bool) async -> Bool {
        for _ in 0..<attempts {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    /// The error `body` throws: nil if it returns; a test failure if not a `MessagingError`.
    static func messagingError(_ body: () async throws -> [UInt8]) async -> MessagingError? {
        do {
            _ = try await body()
            return nil
        } catch let error as MessagingError {
            return error
        } catch {
            Issue.record("not a MessagingError: \(error)")
            return nil
        }
    }
}

/// Log lines kept in memory, so that tests can assert on them and the output stays quiet.
final class CapturedLog: Sendable {
    private let lines = Mutex<[(level: Logger.Level, message: String)]>([])

    /// A logger writing here.
    var logger: Logger {
        Logger(label: "test.messaging") { _ in CapturingLogHandler(log: self) }
    }

    /// Messages logged at `level` or above.
    func messages(atLeast level: Logger.Level) -> [String] {
        lines.withLock { $0.filter { $0.level >= level }.map(\.message) }
    }

    fileprivate func append(_ level: Logger.Level, _ message: String) {
        lines.withLock { $0.append((level, message)) }
    }
}

private struct CapturingLogHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        log.append(event.level, "\(event.message)")
    }
}

/// A counter of handler calls, for one-way delivery tests.
final class Received: Sendable {
    private let payloads = Mutex<[[UInt8]]>([])

    func append(_ payload: [UInt8]) { payloads.withLock { $0.append(payload) } }
    var all: [[UInt8]] { payloads.withLock { $0 } }
    var count: Int { payloads.withLock { $0.count } }
}
