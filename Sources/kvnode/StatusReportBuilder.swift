import Foundation
import Gossip
import KVCore
import Ring

/// Turns gossip's view of the cluster into the JSON `GET /status` answers.
struct StatusReportBuilder {
    let clusterName: String
    let local: GossipEndpoint

    func build(from snapshot: [(endpoint: GossipEndpoint, state: EndpointState, isAlive: Bool)]) -> String {
        let ownership = primaryOwnership(snapshot)
        let nodes = snapshot.compactMap { entry -> NodeStatusReport.Node? in
            guard let status = entry.state.status, !isGone(status) else { return nil }
            let hostID = entry.state[.hostID] ?? ""
            let tokens = entry.state[.tokens].flatMap { TokenListValue.tokens(from: $0) } ?? []
            return NodeStatusReport.Node(
                address: entry.endpoint.host, datacenter: entry.state[.datacenter] ?? "?", rack: entry.state[.rack] ?? "?",
                state: (entry.isAlive ? "U" : "D") + stateLetter(status), loadBytes: Int64(entry.state[.load] ?? "") ?? 0,
                tokens: tokens.count, owns: HostID(uuidString: hostID).flatMap { ownership[$0] } ?? 0,
                hostID: hostID, nativeAddress: entry.state[.nativeAddress] ?? entry.endpoint.host,
                nativePort: Int(entry.state[.nativePort] ?? "") ?? 9042)
        }
        let report = NodeStatusReport(clusterName: clusterName, local: local.host, nodes: nodes)
        let data = (try? JSONEncoder().encode(report)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private func isGone(_ status: NodeStatus) -> Bool {
        if case .left = status { return true }
        return false
    }

    /// N (normal; also a cleanly shut down node, shown as DN), J (joining), L (leaving).
    private func stateLetter(_ status: NodeStatus) -> String {
        switch status {
        case .normal, .shutdown, .left: "N"
        case .joining: "J"
        case .leaving: "L"
        }
    }

    /// Each node's share of the token space (replication factor 1, until keyspaces exist).
    private func primaryOwnership(_ snapshot: [(endpoint: GossipEndpoint, state: EndpointState, isAlive: Bool)]) -> [HostID: Double] {
        let members = snapshot.compactMap { entry -> (node: RingNode, tokens: [Token])? in
            guard let id = entry.state[.hostID].flatMap(HostID.init(uuidString:)),
                  let tokens = entry.state[.tokens].flatMap({ TokenListValue.tokens(from: $0) }), !tokens.isEmpty else { return nil }
            return (RingNode(id: id, datacenter: entry.state[.datacenter] ?? "dc1", rack: entry.state[.rack] ?? "rack1"),
                    tokens.map(Token.init))
        }
        guard let ring = try? TokenRing(members) else { return [:] }
        return Ownership.primary(in: ring)
    }
}
