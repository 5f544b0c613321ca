import Gossip
import Testing

@Suite struct NodeStatusTests {
    @Test(arguments: [NodeStatus.normal, .joining, .leaving, .left(expiryMillis: 1_700_000_259_200_000), .shutdown])
    func roundTripsThroughItsString(_ status: NodeStatus) {
        #expect(NodeStatus(value: status.value) == status)
    }

    @Test func usesCassandrasNames() {
        #expect(NodeStatus.normal.value == "NORMAL")
        #expect(NodeStatus.joining.value == "BOOT")
        #expect(NodeStatus.leaving.value == "LEAVING")
        #expect(NodeStatus.left(expiryMillis: 5).value == "LEFT,5")
        #expect(NodeStatus.shutdown.value == "shutdown")
    }

    @Test(arguments: ["", "normal", "LEFT", "LEFT,", "LEFT,abc", "REMOVING,1", "NORMAL,42"])
    func unknownStringsAreNil(_ value: String) {
        #expect(NodeStatus(value: value) == nil)
    }

    @Test func onlyLeftAndShutdownAreDead() {
        #expect(NodeStatus.left(expiryMillis: 0).isDead && NodeStatus.shutdown.isDead)
        #expect(!NodeStatus.normal.isDead && !NodeStatus.joining.isDead && !NodeStatus.leaving.isDead)
    }
}
