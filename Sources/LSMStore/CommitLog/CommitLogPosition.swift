/// A place in the commit log: a byte offset within a segment. Positions order by segment id,
/// then offset, which is the order records were appended in.
///
/// The engine records, per table, the position up to which it has flushed; records ending at
/// or before it need not be replayed, and segments wholly before every table's position can
/// be discarded.
public struct CommitLogPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The id of the segment (its file name carries the same number).
    public var segment: UInt64
    /// A byte offset within the segment's file.
    public var offset: Int

    /// A position at `offset` bytes into segment `segment`.
    public init(segment: UInt64, offset: Int) {
        self.segment = segment
        self.offset = offset
    }

    /// Before every record of every segment.
    public static let zero = CommitLogPosition(segment: 0, offset: 0)

    public static func < (left: CommitLogPosition, right: CommitLogPosition) -> Bool {
        (left.segment, left.offset) < (right.segment, right.offset)
    }

    public var description: String { "\(segment):\(offset)" }
}
