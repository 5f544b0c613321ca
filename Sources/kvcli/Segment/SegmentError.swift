/// A failure of `kvcli segment` that the user can act on: printed as one line, exit status 1.
struct SegmentError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
