import Foundation

/// The work one node did for a filtered scan, as the server reports it in the
/// `kv-scan-stats` custom payload.
struct NodeScanWork: Decodable, Equatable {
    var rowsScanned: Int64 = 0
    var rowsMatched: Int64 = 0
    var blocksSkipped: Int64 = 0
    var bytesRead: Int64 = 0

    enum CodingKeys: String, CodingKey {
        case rowsScanned = "rows_scanned", rowsMatched = "rows_matched"
        case blocksSkipped = "blocks_skipped", bytesRead = "bytes_read"
    }

    static func + (left: NodeScanWork, right: NodeScanWork) -> NodeScanWork {
        NodeScanWork(rowsScanned: left.rowsScanned + right.rowsScanned, rowsMatched: left.rowsMatched + right.rowsMatched,
                     blocksSkipped: left.blocksSkipped + right.blocksSkipped, bytesRead: left.bytesRead + right.bytesRead)
    }
}

/// The statistics of a whole scan, summed over its pages. Each page's payload gives the
/// per-node work done for that page alone (so it is added up) and how many of the scan's
/// token ranges are finished so far (cumulative, so the latest wins).
struct ScanStatistics {
    /// The payload key the server writes the page's statistics under.
    static let payloadKey = "kv-scan-stats"

    private struct PagePayload: Decodable {
        var rangesTotal: Int?
        var rangesDone: Int?
        var nodes: [String: NodeScanWork]?

        enum CodingKeys: String, CodingKey {
            case rangesTotal = "ranges_total", rangesDone = "ranges_done", nodes
        }
    }

    /// Pages that carried statistics; 0 means the server reported none.
    private(set) var pagesReported = 0
    /// Token sub-ranges of the scan, and how many are finished (nil until reported).
    private(set) var rangesTotal: Int?
    private(set) var rangesDone: Int?
    /// Work per node address, summed over the pages.
    private(set) var nodes: [String: NodeScanWork] = [:]

    /// Whether any page carried statistics.
    var isReported: Bool { pagesReported > 0 }

    /// The work of every node together.
    var total: NodeScanWork { nodes.values.reduce(NodeScanWork(), +) }

    /// Adds one page's payload (the page's `customPayload`). A page without the key changes
    /// nothing; one whose value is not the expected JSON is an error, since the numbers
    /// would otherwise be silently wrong.
    mutating func add(pagePayload payload: [String: [UInt8]]) throws {
        guard let bytes = payload[Self.payloadKey] else { return }
        let page: PagePayload
        do {
            page = try JSONDecoder().decode(PagePayload.self, from: Data(bytes))
        } catch {
            throw SegmentError("the server's \(Self.payloadKey) payload is not the expected JSON: \(error)")
        }
        pagesReported += 1
        if let total = page.rangesTotal { rangesTotal = total }
        if let done = page.rangesDone { rangesDone = done }
        for (address, work) in page.nodes ?? [:] { nodes[address] = (nodes[address] ?? NodeScanWork()) + work }
    }
}
