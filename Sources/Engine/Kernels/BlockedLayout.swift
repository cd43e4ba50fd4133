/// The activation layout every int8 kernel reads and writes: NHWC uint8 with each pixel's
/// channels padded to a multiple of 16 ("channel-blocked"). One layout for conv, 1x1 heads,
/// maxpool, upsample, add and concat means no operator ever repacks activations; 16 is one
/// 16-channel weight block of the conv kernels and one SSE/NEON register of bytes.
/// Padding channels are "don't care": conv weights for them are zero, every other kernel
/// treats channels independently, so their bytes never reach a real channel.
struct BlockedShape: Equatable, Sendable {
    static let channelBlock = 16

    var height: Int
    var width: Int
    var channels: Int

    /// Bytes between consecutive pixels.
    var pixelStride: Int { Self.paddedChannels(channels) }
    var pixelCount: Int { height * width }
    var byteCount: Int { pixelCount * pixelStride }

    static func paddedChannels(_ channels: Int) -> Int {
        (channels + channelBlock - 1) / channelBlock * channelBlock
    }
}
