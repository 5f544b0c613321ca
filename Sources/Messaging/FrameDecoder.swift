import NIOCore

/// The NIO face of `FrameCodec`: cuts a TCP byte stream into `Frame`s. One per channel,
/// used on that channel's event loop only. A bad frame makes `decode` throw; the channel's
/// handler then logs and closes the connection (`ConnectionErrorPolicy`).
struct FrameDecoder: ByteToMessageDecoder {
    /// Each decoded frame goes down the pipeline whole.
    typealias InboundOut = Frame

    /// Applies the format and the size limit.
    let codec: FrameCodec

    /// A decoder refusing frames above `maxFrameSizeBytes`.
    init(maxFrameSizeBytes: Int) {
        codec = FrameCodec(maxFrameSizeBytes: maxFrameSizeBytes)
    }

    /// Emits every whole frame in `buffer`; throws `FrameError` on the first bad one.
    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try codec.decode(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    /// At end of stream: emits what is whole, as `decode` does.
    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A partial frame at end of stream is dropped: its sender is gone.
        try decode(context: context, buffer: &buffer)
    }
}
