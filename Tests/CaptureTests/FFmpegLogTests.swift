import Testing
@testable import Capture

/// FFmpeg's log lines as facepipe shows them: the context named, the pointer gone.
@Suite struct FFmpegLogTests {
    @Test func linesAreReworded() {
        #expect(FFmpegLog.reword("[h264 @ 0x55d0c8a0] Invalid NAL unit size.\n") == "ffmpeg (h264): Invalid NAL unit size.")
        #expect(FFmpegLog.reword("[NULL @ 0x7f00] Unable to find a suitable output format\n")
                == "ffmpeg: Unable to find a suitable output format")
        #expect(FFmpegLog.reword("[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1] [h264 @ 0x2] moov atom not found\n")
                == "ffmpeg (mov,mp4,m4a,3gp,3g2,mj2, h264): moov atom not found")
        #expect(FFmpegLog.reword("plain text\n") == "ffmpeg: plain text")
    }
}
