/// A node's view of the cluster, as `GET /status` on a node's admin port returns it (JSON)
/// and `kvcli status` prints it (nodetool status's shape).
public struct NodeStatusReport: Codable, Sendable, Equatable {
    public struct Node: Codable, Sendable, Equatable {
        /// Internode address.
        public var address: String
        public var datacenter: String
        public var rack: String
        /// `U` (up) or `D` (down) followed by `N` (normal), `J` (joining), `L` (leaving), `M` (moving).
        public var state: String
        public var loadBytes: Int64
        public var tokens: Int
        /// Fraction of the token space this node replicates (effective ownership), 0...1.
        public var owns: Double
        public var hostID: String
        public var nativeAddress: String
        public var nativePort: Int

        public init(address: String, datacenter: String, rack: String, state: String, loadBytes: Int64, tokens: Int,
                    owns: Double, hostID: String, nativeAddress: String, nativePort: Int) {
            self.address = address
            self.datacenter = datacenter
            self.rack = rack
            self.state = state
            self.loadBytes = loadBytes
            self.tokens = tokens
            self.owns = owns
            self.hostID = hostID
            self.nativeAddress = nativeAddress
            self.nativePort = nativePort
        }
    }

    public var clusterName: String
    /// The reporting node's internode address.
    public var local: String
    public var nodes: [Node]

    public init(clusterName: String, local: String, nodes: [Node]) {
        self.clusterName = clusterName
        self.local = local
        self.nodes = nodes
    }
}
