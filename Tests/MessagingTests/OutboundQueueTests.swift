import NIOCore
import Testing

@testable import Messaging

@Suite struct OutboundQueueTests {
    private func frame(_ size: Int, id: UInt64? = nil) -> QueuedFrame {
        QueuedFrame(bytes: ByteBuffer(repeating: 0, count: size), requestID: id)
    }

    @Test func boundsByCount() {
        var queue = OutboundQueue(maxCount: 2, maxBytes: 1000)
        let accepted = (0..<3).map { _ in queue.append(frame(10)) }
        #expect(accepted == [true, true, false])
        #expect(queue.count == 2)
    }

    @Test func boundsByBytesAndKeepsOrder() {
        var queue = OutboundQueue(maxCount: 100, maxBytes: 25)
        let accepted = (1...3).map { queue.append(frame(10, id: UInt64($0))) }
        #expect(accepted == [true, true, false])
        #expect(queue.sizeBytes == 20)
        let first = queue.popFirst()
        #expect(first?.requestID == 1)
        #expect(queue.sizeBytes == 10)
        let fits = queue.append(frame(15, id: 4))
        #expect(fits)
        let rest = queue.removeAll()
        #expect(rest.map(\.requestID) == [2, 4])
        #expect(queue.isEmpty && queue.sizeBytes == 0)
    }
}
