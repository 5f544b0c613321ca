/// The `writeType` string of write timeouts and failures; any other string breaks the driver.
public enum WriteType: String, Sendable, Hashable, CaseIterable {
    case simple = "SIMPLE"
    case batch = "BATCH"
    case unloggedBatch = "UNLOGGED_BATCH"
    case counter = "COUNTER"
    case batchLog = "BATCH_LOG"
    case cas = "CAS"
    case view = "VIEW"
    case cdc = "CDC"
}
