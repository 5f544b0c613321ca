import Coordinator
@testable import kvnode
import Testing

@Suite struct GroupsPerPartitionTests {
    /// Raw rows: [k, c] with k the partition and (k, c) the group.
    static func row(_ k: UInt8, _ c: UInt8) -> [[UInt8]?] { [[k], [c]] }

    @Test func admitsEachPartitionsFirstGroupsOnly() {
        var limiter = GroupsPerPartition(limit: 2, partitionIndices: [0], groupIndices: [0, 1])
        let rows = [Self.row(1, 1), Self.row(1, 1), Self.row(1, 2), Self.row(1, 3), Self.row(2, 5), Self.row(2, 6), Self.row(2, 7)]
        #expect(rows.map { limiter.admits($0) } == [true, true, true, false, true, true, false])
    }

    @Test func resumesCountingInThePartitionAPageEndedIn() {
        var limiter = GroupsPerPartition(limit: 2, partitionIndices: [0], groupIndices: [0, 1],
                                         resumingIn: [[1]], groupsSoFar: 1)
        let admitted = [Self.row(1, 2), Self.row(1, 3), Self.row(2, 1)].map { limiter.admits($0) }
        #expect(admitted == [true, false, true], "counting goes on in partition 1; partition 2 starts again")
    }

    @Test func pagingStateKeepsTheGroupFieldsAndOldStatesStillDecode() throws {
        var state = PagingState(remaining: 7)
        state.position = RowPosition(partitionKey: [1, 2], clustering: [3])
        let old = state.encoded()
        state.groupPartition = [[9], nil]
        state.groupsInPartition = 3
        let decoded = try #require(PagingState(decoding: state.encoded()))
        #expect(decoded == state)
        let decodedOld = try #require(PagingState(decoding: old))
        #expect(decodedOld.groupPartition == nil && decodedOld.remaining == 7)
    }
}
