import CQL
import NIOCore

extension FrameEncoder {
    /// Appends the frame of `message` on `streamID` to `output`. Uncompressed, the body is
    /// written in place behind its header and the length patched in afterwards, sparing the
    /// body buffer (a malloc, a copy and a free per request) that `encodeRequest` builds;
    /// compressed frames go through `encodeRequest`.
    func appendRequest(_ message: RequestMessage, streamID: Int16, to output: inout ByteBuffer) {
        guard compression == nil else {
            encodeRequest(message, streamID: streamID, into: &output)
            return
        }
        FrameHeader(version: version, isResponse: false, streamID: streamID, opcode: message.opcode).write(into: &output)
        let bodyStart = output.writerIndex
        message.writeBody(into: &output)
        // The header ends with the body's length (a 4-byte int).
        output.setInteger(Int32(output.writerIndex - bodyStart), at: bodyStart - 4)
    }
}
