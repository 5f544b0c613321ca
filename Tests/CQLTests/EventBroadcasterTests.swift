import NIOCore
import Synchronization
import Testing

@testable import CQL

@Suite struct EventBroadcasterTests {
    private static let up = ProtocolEvent.statusChange(.up, ProtocolInet(addressBytes: [127, 0, 0, 2], port: 9042))
    private static let created = ProtocolEvent.schemaChange(SchemaChange(change: .created, target: .keyspace("ks")))

    /// A delivery that records what it is handed.
    private final class Inbox: Sendable {
        let events = Mutex<[ProtocolEvent]>([])
        var deliver: CQLEventBroadcaster.Delivery { { event in self.events.withLock { $0.append(event) } } }
        var received: [ProtocolEvent] { events.withLock { $0 } }
    }

    @Test func broadcastReachesExactlyTheConnectionsRegisteredForTheType() {
        let broadcaster = CQLEventBroadcaster()
        let status = Inbox(), schema = Inbox(), both = Inbox()
        broadcaster.subscribe(connectionID: 1, types: [.statusChange], deliver: status.deliver)
        broadcaster.subscribe(connectionID: 2, types: [.schemaChange], deliver: schema.deliver)
        broadcaster.subscribe(connectionID: 3, types: [.statusChange, .schemaChange], deliver: both.deliver)
        #expect(broadcaster.broadcast(Self.up) == 2)
        #expect(broadcaster.broadcast(Self.created) == 2)
        #expect(status.received == [Self.up])
        #expect(schema.received == [Self.created])
        #expect(both.received == [Self.up, Self.created])
    }

    @Test func unsubscribedAndResubscribedConnections() {
        let broadcaster = CQLEventBroadcaster()
        let inbox = Inbox()
        broadcaster.subscribe(connectionID: 7, types: [.schemaChange], deliver: inbox.deliver)
        broadcaster.subscribe(connectionID: 7, types: [.schemaChange, .statusChange], deliver: inbox.deliver)
        #expect(broadcaster.subscriberCount == 1)
        broadcaster.broadcast(Self.up)
        broadcaster.unsubscribe(connectionID: 7)
        #expect(broadcaster.subscriberCount == 0)
        #expect(broadcaster.broadcast(Self.created) == 0)
        #expect(inbox.received == [Self.up])
    }

    @Test func backlogAdmitsUpToItsLimitAndFreesWrittenBytes() {
        var backlog = CQLEventBacklog(limitBytes: 100)
        let first = [backlog.admit(60), backlog.admit(40), backlog.admit(1)]
        #expect(first == [true, true, false])
        #expect(backlog.pendingBytes == 100)
        backlog.written(60)
        let second = [backlog.admit(50), backlog.admit(11)]
        #expect(second == [true, false])
        #expect(backlog.pendingBytes == 90)
    }

    @Test func eventFramesAreCompressedOnLZ4Connections() throws {
        var machine = ConnectionStateMachine()
        var wire = ByteBuffer()
        let encoder = FrameEncoder(compression: .lz4)
        FrameEncoder().encodeRequest(.startup(options: ["CQL_VERSION": "3.4.5", "COMPRESSION": "lz4"]), streamID: 1, into: &wire)
        encoder.encodeRequest(.register(eventTypes: [.schemaChange]), streamID: 2, into: &wire)
        _ = machine.bytesReceived(wire)
        #expect(machine.registeredEvents == [.schemaChange])
        #expect(machine.eventFrame(Self.up) == nil)
        var pushed = try #require(machine.eventFrame(Self.created))
        #expect(pushed.getInteger(at: pushed.readerIndex + 1, as: UInt8.self) == FrameFlags.compression.rawValue)
        var decoder = FrameDecoder(direction: .responses)
        let frame = try #require(try decoder.decodeFrame(from: &pushed))
        #expect(try ResponseDecoder(compression: .lz4).decode(frame) == DecodedResponse(streamID: -1, message: .event(Self.created)))
    }

    @Test func noEventFramesAfterClose() {
        var machine = ConnectionStateMachine()
        var wire = ByteBuffer()
        FrameEncoder().encodeRequest(.startup(options: ["CQL_VERSION": "3.4.5"]), streamID: 1, into: &wire)
        FrameEncoder().encodeRequest(.register(eventTypes: [.statusChange]), streamID: 2, into: &wire)
        _ = machine.bytesReceived(wire)
        #expect(machine.eventFrame(Self.up) != nil)
        machine.connectionClosed()
        #expect(machine.eventFrame(Self.up) == nil)
    }
}
