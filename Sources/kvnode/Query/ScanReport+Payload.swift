import Coordinator
import Foundation
import KVCore

extension ScanReport {
    /// The custom payload entry a response of a pushed-down scan carries (FORMAT.md).
    static let payloadKey = "kv-scan-stats"

    /// The report as the payload's UTF-8 JSON: the sub-ranges done of the total, then each
    /// replica's work for this response, named by `hostName`.
    func payload(naming hostName: (HostID) -> String) -> [UInt8] {
        var nodes: [String: [String: Int]] = [:]
        for (host, statistics) in self.statistics {
            nodes[hostName(host)] = [
                "rows_scanned": statistics.rowsScanned, "rows_matched": statistics.rowsMatched,
                "blocks_skipped": statistics.blocksSkipped, "bytes_read": statistics.bytesRead,
            ]
        }
        let object: [String: Any] = ["ranges_done": rangesDone, "ranges_total": rangesTotal, "nodes": nodes]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { Array($0) } ?? []
    }
}
