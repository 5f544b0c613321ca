#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import NIOPosix
import Testing
@testable import kvnode

@Suite struct AdminServerTests {
    /// Sends `text` to the admin server and returns the whole answer (it closes the connection).
    private func exchange(_ text: String, port: Int) throws -> String {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        let bytes = Array(text.utf8)
        try #require(bytes.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) } == bytes.count)
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while case let got = chunk.withUnsafeMutableBytes({ recv(socket, $0.baseAddress, $0.count, 0) }), got > 0 {
            answer += chunk[..<got]
        }
        return String(decoding: answer, as: UTF8.self)
    }

    @Test func routesMethodAndPathAndAnswersWithTheRoutesStatusAndBody() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await AdminServer.start(host: "127.0.0.1", port: 0, group: group, logger: Logger(label: "test")) { request in
            try? await Task.sleep(for: .milliseconds(10))  // answered later, off the event loop
            return request.method == "POST" ? AdminResponse(status: 500, body: "{\"error\":\"\(request.path)\"}")
                                            : AdminResponse(status: 200, body: "{\"path\":\"\(request.path)\"}")
        }
        let port = try #require(server.port)
        let get = try exchange("GET /status HTTP/1.1\r\nHost: x\r\n\r\n", port: port)
        #expect(get.hasPrefix("HTTP/1.1 200 OK\r\n") && get.hasSuffix("\r\n\r\n{\"path\":\"/status\"}"))
        let post = try exchange("POST /flush HTTP/1.1\r\nContent-Length: 0\r\n\r\n", port: port)
        #expect(post.hasPrefix("HTTP/1.1 500 Internal Server Error\r\n") && post.hasSuffix("{\"error\":\"/flush\"}"))
        #expect(try exchange("NONSENSE\r\n\r\n", port: port).hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        await server.close()
        try await group.shutdownGracefully()
    }
}
