import BenchCore
import KVClient
import KVCore

/// `--workload profiles-load`: inserts rows `keyOffset ..< keyOffset + keyCount` of the
/// dataset (all `--rows` by default), each exactly once, in parallel over every worker.
/// Idempotent: the rows are a function of their number, so a rerun writes the same values.
struct ProfilesLoadWorkload: BenchWorkload {
    let operationNames = ["load"]
    let statements: ProfileStatements

    var fixedOperationCount: Int? { statements.rows.count }

    func operation(ticket: Int, random: inout SplitMixRandom) -> BenchOperation {
        BenchOperation("load", statements.insert, statements.insertValues(statements.rows.offset + ticket))
    }
}
