import KVCore

/// Runs a throwing call, turning any error into a `StoreError` (file-system failures
/// become `.io`).
@inline(__always)
func wrap(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as StoreError {
        throw error
    } catch let error as FileSystemError {
        throw StoreError.io(error)
    } catch {
        throw StoreError.failed(reason: "\(error)")
    }
}

/// Runs a throwing call that returns a value, turning any error into a `StoreError`.
@inline(__always)
func wrapValue<Value>(_ body: () throws -> Value) throws -> Value {
    var result: Value?
    try wrap { result = try body() }
    return result!
}
