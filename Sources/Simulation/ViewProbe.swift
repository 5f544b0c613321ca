import Coordinator
import Synchronization

/// Captures the cluster view a coordinator used for one operation, so the simulator checks
/// the operation's outcome against exactly that view. A client sets it as a task-local
/// around its call; the node's view function records into it.
final class ViewProbe: Sendable {
    @TaskLocal static var current: ViewProbe?

    private let recorded = Mutex<ClusterView?>(nil)

    /// The first view handed out during the operation.
    var view: ClusterView? { recorded.withLock { $0 } }

    func record(_ view: ClusterView) {
        recorded.withLock { if $0 == nil { $0 = view } }
    }
}
