#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KVCore

/// Asks a node's admin port over plain HTTP/1.1 (blocking, with a timeout).
enum AdminClient {
    static let maxResponseBytes = 4 << 20

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The node's view of the cluster.
    static func status(host: String, port: Int, timeoutMs: Int = 2000) throws -> NodeStatusReport {
        let body = try get("/status", host: host, port: port, timeoutMs: timeoutMs)
        do {
            return try JSONDecoder().decode(NodeStatusReport.self, from: Data(body))
        } catch {
            throw Failure(description: "\(host):\(port) answered something that is not a status report: \(error)")
        }
    }

    /// Asks the node to run a maintenance operation (`/flush`, `/compact`) on every table and
    /// waits for it; returns how many tables it did.
    static func maintain(_ path: String, host: String, port: Int, timeoutMs: Int) throws -> Int {
        let body = try exchange("POST", path, host: host, port: port, timeoutMs: timeoutMs)
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Int],
              object.count == 1, let count = object.values.first else {
            throw Failure(description: "\(host):\(port) answered POST \(path) with \(String(decoding: body, as: UTF8.self))")
        }
        return count
    }

    /// The body of `GET path`, or throws when the node cannot be reached or answers an error.
    static func get(_ path: String, host: String, port: Int, timeoutMs: Int) throws -> [UInt8] {
        try exchange("GET", path, host: host, port: port, timeoutMs: timeoutMs)
    }

    /// The body of the answer to `method path` (no request body), or throws when the node
    /// cannot be reached or answers an error (the error's body included).
    static func exchange(_ method: String, _ path: String, host: String, port: Int, timeoutMs: Int) throws -> [UInt8] {
        let socket = try connect(host: host, port: port, timeoutMs: timeoutMs)
        defer { close(socket) }
        let request = Array("\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else {
            throw Failure(description: "cannot send to \(host):\(port)")
        }
        let response = try readAll(socket, host: host, port: port)
        return try body(of: response, host: host, port: port)
    }

    private static func connect(host: String, port: Int, timeoutMs: Int) throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        var timeout = timeval(tv_sec: timeoutMs / 1000, tv_usec: (timeoutMs % 1000) * 1000)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(socket)
            throw Failure(description: "'\(host)' is not an IPv4 address")
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(socket)
            throw Failure(description: "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))")
        }
        return socket
    }

    private static func readAll(_ socket: Int32, host: String, port: Int) throws -> [UInt8] {
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let got = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if got == 0 { return response }
            guard got > 0 else { throw Failure(description: "no answer from \(host):\(port) (timed out or reset)") }
            response.append(contentsOf: chunk[..<got])
            guard response.count <= maxResponseBytes else { throw Failure(description: "answer from \(host):\(port) too large") }
        }
    }

    private static func body(of response: [UInt8], host: String, port: Int) throws -> [UInt8] {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headEnd = response.firstRange(of: separator) else {
            throw Failure(description: "malformed HTTP answer from \(host):\(port)")
        }
        let statusLine = String(decoding: response[..<headEnd.lowerBound], as: UTF8.self).split(separator: "\r\n").first ?? ""
        guard statusLine.split(separator: " ").dropFirst().first == "200" else {
            let detail = String(decoding: response[headEnd.upperBound...], as: UTF8.self)
            throw Failure(description: "\(host):\(port) answered \(statusLine)" + (detail.isEmpty ? "" : ": \(detail)"))
        }
        return Array(response[headEnd.upperBound...])
    }
}
