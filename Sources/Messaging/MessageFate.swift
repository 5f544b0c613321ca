/// What the in-memory network does with one message or answer: loses it, or delivers it
/// after `delay` (random delays reorder messages), `copies` times (duplication).
public struct MessageFate: Sendable, Equatable {
    /// True when the message never arrives.
    public var isLost: Bool
    /// How long it travels, on the network's clock.
    public var delay: Duration
    /// How many times it arrives (at least 1 unless lost); answers arrive once.
    public var copies: Int

    public init(isLost: Bool = false, delay: Duration = .zero, copies: Int = 1) {
        self.isLost = isLost
        self.delay = delay
        self.copies = copies
    }

    /// Delivered at once, once.
    public static let deliver = MessageFate()
    /// Never delivered.
    public static let lost = MessageFate(isLost: true, copies: 0)

    /// Delivered once after `delay`.
    public static func delayed(_ delay: Duration) -> MessageFate { MessageFate(delay: delay) }
}
