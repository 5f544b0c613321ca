import BenchCore
import KVClient
import KVCore

/// `--workload profile-read` or `profile-update`.
struct ProfileWorkload: BenchWorkload {
    let statements: ProfileStatements
    let updates: Bool

    var operationNames: [String] { [updates ? "profile-update" : "profile-read"] }

    func operation(ticket: Int, random: inout SplitMixRandom) -> BenchOperation {
        updates ? statements.updateOperation(ticket: ticket, random: &random)
            : statements.readOperation(ticket: ticket, random: &random)
    }
}
