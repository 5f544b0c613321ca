import CQL
import KVCore

/// The running state of one aggregate over one group's rows. Memory does not grow with the
/// number of rows: a count, a sum (or running average) and the current extreme value.
struct AggregateAccumulator {
    let function: AggregateFunction
    private var count: Int64 = 0
    /// Integer sums wrap, as Cassandra's fixed-width accumulators do.
    private var integerSum: Int64 = 0
    private var floatingSum: Double = 0
    /// `varint` sums.
    private var wideSum = WideInteger.zero
    /// `decimal` sums, or the running average for `avg` (Cassandra's incremental formula).
    private var decimal = WideDecimal()
    private var extreme: [UInt8]?

    init(_ function: AggregateFunction) {
        self.function = function
    }

    /// Adds one row's value of the argument column (nil for null; ignored by `count(*)`).
    mutating func add(_ value: [UInt8]?) throws(ErrorResponse) {
        if function.kind == .countRows { count += 1; return }
        guard let value else { return }
        switch function.kind {
        case .countRows, .count:
            count += 1
        case .min, .max:
            addExtreme(value)
        case .sum, .avg:
            try addNumber(value)
        }
    }

    private mutating func addExtreme(_ value: [UInt8]) {
        guard let current = extreme else { extreme = value; return }
        let order = function.argumentType.compare(value, current)
        if (function.kind == .min && order < 0) || (function.kind == .max && order > 0) { extreme = value }
    }

    private mutating func addNumber(_ value: [UInt8]) throws(ErrorResponse) {
        let type = function.argumentType
        if type == .varint, !value.isEmpty {
            wideSum = wideSum + WideInteger(twosComplement: value)
            count += 1
        } else if type == .decimal, let number = WideDecimal(serialized: value) {
            guard count < Int64(UInt32.max) else {
                throw ErrorResponse(.invalid, message: "decimal aggregates over more than \(UInt32.max) rows are not supported")
            }
            count += 1
            decimal = try function.kind == .sum ? decimal.adding(number) : decimal.averaging(number, count: UInt32(count))
        } else if let width = NumericValue.integerWidthBytes(type), let number = NumericValue.integer(value, widthBytes: width) {
            integerSum &+= number
            count += 1
        } else if let number = NumericValue.floatingPoint(value, type: type) {
            floatingSum += number
            count += 1
        }
    }

    /// The aggregate's value: counts and sums of no rows are 0, `avg` of no rows is 0 (as in
    /// Cassandra), `min`/`max` of no rows are null.
    func result() -> [UInt8]? {
        let type = function.argumentType
        switch function.kind {
        case .countRows, .count:
            return NumericValue.encode(integer: count, widthBytes: 8)
        case .min, .max:
            return extreme
        case .sum, .avg:
            let divisor = function.kind == .avg ? max(count, 1) : 1
            if type == .decimal { return decimal.serialized }
            if type == .varint { return wideSum.divided(by: UInt32(clamping: divisor)).quotient.twosComplement }
            if let width = NumericValue.integerWidthBytes(type) {
                return NumericValue.encode(integer: integerSum / divisor, widthBytes: width)
            }
            return NumericValue.encode(floatingPoint: floatingSum / Double(divisor), type: type)
        }
    }
}
