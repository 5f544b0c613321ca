import Dispatch
import Foundation
import KVCore
import LSMStore

/// On-demand maintenance of a node's storage, for the admin port (`POST /flush`,
/// `POST /compact`; `nodetool flush`/`compact` in Cassandra): flushes every table's memtable
/// to SSTables, or merges each table's SSTables into one sorted run.
///
/// The work blocks (it waits for flush and compaction threads), so it runs on a serial
/// dispatch queue of its own, never on an event loop or the cooperative pool: the node keeps
/// serving meanwhile, and two requests run one after the other.
struct StoreMaintenance: Sendable {
    enum Operation: String, Sendable {
        case flush = "flushed"
        case compact = "compacted"
    }

    let store: LSMStore
    private static let queue = DispatchQueue(label: "kvnode.store-maintenance")

    /// Runs `operation` on every table and answers `{"flushed": n}` / `{"compacted": n}`
    /// with the number of tables done, or a 500 whose JSON names the first failure.
    func run(_ operation: Operation) async -> AdminResponse {
        await withCheckedContinuation { continuation in
            Self.queue.async { continuation.resume(returning: runBlocking(operation)) }
        }
    }

    private func runBlocking(_ operation: Operation) -> AdminResponse {
        var done = 0
        for id in store.tableIDs {
            guard let table = store.table(id) else { continue }  // dropped meanwhile
            do {
                switch operation {
                case .flush: try table.flush()
                case .compact: try table.compact()
                }
                done += 1
            } catch {
                // A table dropped while we worked on it is not a failure.
                if store.table(id) == nil { continue }
                return AdminResponse(status: 500, body: Self.json(["error": "table \(id): \(error)"]))
            }
        }
        return AdminResponse(status: 200, body: "{\"\(operation.rawValue)\":\(done)}")
    }

    /// A JSON object of strings, escaped.
    static func json(_ object: [String: String]) -> String {
        let data = (try? JSONEncoder().encode(object)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
