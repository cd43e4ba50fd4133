import CFFmpeg
import FacepipeCore
import Foundation

/// Routes FFmpeg's own log lines through facepipe instead of letting libavutil print them raw
/// on stderr ahead of facepipe's messages: only lines at or above the chosen level are shown,
/// reworded as `ffmpeg (h264): ...` without the context pointer, and always with URL credentials
/// removed. The latest error line is kept so a failure can quote it after facepipe's own message.
public enum FFmpegLog {
    /// FFmpeg's level names, quietest first (`--log-level`).
    public enum Level: String, CaseIterable, Sendable {
        case quiet, fatal, error, warning, info, verbose, debug

        var ffmpegValue: Int32 {
            switch self {
            case .quiet: return AV_LOG_QUIET
            case .fatal: return AV_LOG_FATAL
            case .error: return AV_LOG_ERROR
            case .warning: return AV_LOG_WARNING
            case .info: return AV_LOG_INFO
            case .verbose: return AV_LOG_VERBOSE
            case .debug: return AV_LOG_DEBUG
            }
        }
    }

    /// Installs the router: lines up to `level` are shown; `redaction` is applied to every line.
    public static func route(level: Level, redaction: CredentialRedaction) {
        state.withLock { $0 = State(shownUpTo: level.ffmpegValue, redaction: redaction) }
        // Errors are formatted even when not shown, so `lastError` can be quoted.
        av_log_set_level(max(level.ffmpegValue, AV_LOG_ERROR))
        fp_log_route { level, line in
            guard let line else { return }
            FFmpegLog.handle(level: level, text: String(cString: line))
        }
    }

    /// FFmpeg's most recent error line (reworded and redacted), if any.
    public static var lastError: String? { state.withLock { $0.lastError } }

    /// "[h264 @ 0x55d0c8a0] Invalid NAL unit size" -> "ffmpeg (h264): Invalid NAL unit size".
    static func reword(_ line: String) -> String {
        var text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        var context: [String] = []
        while text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let inside = text[text.index(after: text.startIndex)..<close]
            let name = inside.components(separatedBy: " @ ").first ?? String(inside)
            if name != "NULL" && !name.isEmpty { context.append(name) }
            text = String(text[text.index(after: close)...]).trimmingCharacters(in: .whitespaces)
        }
        return context.isEmpty ? "ffmpeg: \(text)" : "ffmpeg (\(context.joined(separator: ", "))): \(text)"
    }

    fileprivate struct State {
        var shownUpTo: Int32 = AV_LOG_QUIET
        var redaction = CredentialRedaction()
        var lastError: String?
        /// A line FFmpeg sends in pieces is collected until its newline.
        var pending = ""
        var pendingLevel: Int32 = AV_LOG_QUIET
    }

    fileprivate static let state = LockedState(State())

    fileprivate static func handle(level: Int32, text: String) {
        let ready: (line: String, show: Bool)? = state.withLock { s in
            s.pending += text
            s.pendingLevel = s.pendingLevel == AV_LOG_QUIET ? level : min(s.pendingLevel, level)
            guard s.pending.hasSuffix("\n") else { return nil }
            let line = reword(s.redaction.redact(s.pending))
            let lineLevel = s.pendingLevel
            s.pending = ""
            s.pendingLevel = AV_LOG_QUIET
            if lineLevel <= AV_LOG_ERROR { s.lastError = line }
            return (line, lineLevel <= s.shownUpTo)
        }
        if let ready, ready.show { Stderr.write(ready.line + "\n") }
    }
}

/// A value behind a lock; FFmpeg logs from any thread (decoder and encoder threads included).
final class LockedState<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

