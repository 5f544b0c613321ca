import KVCore

extension CQLDataType? {
    /// The type of the element at `position` of a collection or tuple of this type (a map's
    /// key is 0, its value 1); nil when unknown. The formatters use it to describe nested values.
    func elementType(at position: Int) -> CQLDataType? {
        switch self?.unfrozen {
        case .list(let element), .set(let element): return element
        case .map(let key, let value): return position == 0 ? key : value
        case .tuple(let elements): return position < elements.count ? elements[position] : nil
        default: return nil
        }
    }
}
