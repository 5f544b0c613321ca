import Foundation
import KVCore

/// Prints a node's view of the cluster the way `nodetool status` does.
enum StatusPrinter {
    static func render(_ report: NodeStatusReport) -> String {
        var lines: [String] = []
        let byDatacenter = Dictionary(grouping: report.nodes, by: \.datacenter)
        for datacenter in byDatacenter.keys.sorted() {
            let nodes = byDatacenter[datacenter]!.sorted { $0.address.compare($1.address, options: .numeric) == .orderedAscending }
            lines.append("Datacenter: \(datacenter)")
            lines.append(String(repeating: "=", count: 12 + datacenter.count))
            lines.append("Status=Up/Down")
            lines.append("|/ State=Normal/Leaving/Joining/Moving")
            lines.append(row("--", "Address", "Load", "Tokens", "Owns (effective)", "Host ID", "Rack"))
            for node in nodes {
                lines.append(row(node.state, node.address, formatLoad(node.loadBytes), String(node.tokens),
                                 String(format: "%.1f%%", node.owns * 100), node.hostID, node.rack))
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    private static func row(_ state: String, _ address: String, _ load: String, _ tokens: String,
                            _ owns: String, _ hostID: String, _ rack: String) -> String {
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(1, width - text.count)) }
        return pad(state, 3) + pad(address, 16) + pad(load, 12) + pad(tokens, 8) + pad(owns, 18) + pad(hostID, 38) + rack
    }

    static func formatLoad(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.2f %@", value, units[unit])
    }
}
