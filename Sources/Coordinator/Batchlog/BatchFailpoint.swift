/// A fault for tests: a logged batch whose coordinator stops between its batchlog write and
/// the end of its mutations, as if the process died there.
///
/// After the batchlog write the coordinator applies only the batch's first
/// `mutationsBeforeHalt` mutations (in batch order, each at the requested level), then calls
/// `halt`. A real node's `halt` ends the process (`_exit`); a unit test's throws, which ends
/// the batch as a crash would: nothing more is applied and the batchlog entries stay, for
/// replay. If `halt` returns, the batch goes on normally.
public struct BatchFailpoint: Sendable {
    public var mutationsBeforeHalt: Int
    public var halt: @Sendable () throws(CoordinatorError) -> Void

    public init(mutationsBeforeHalt: Int, halt: @escaping @Sendable () throws(CoordinatorError) -> Void) {
        self.mutationsBeforeHalt = mutationsBeforeHalt
        self.halt = halt
    }
}
