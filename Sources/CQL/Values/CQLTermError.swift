/// Why a literal cannot become a value of a column's type (answered as Invalid, 0x2200).
public struct CQLTermError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
