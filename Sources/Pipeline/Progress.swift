import FacepipeCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A snapshot of a running pipeline, taken a few times a second (not per frame).
public struct PipelineProgress: Sendable {
    let elapsedSeconds: Double
    let framesRead: Int
    public let framesWritten: Int
    let framesDropped: Int
    /// Stream time of the last frame written.
    let streamSeconds: Double
    /// 0...1 when the source knows its length (frame count or duration), else nil.
    public let fraction: Double?

    public var framesPerSecond: Double { elapsedSeconds > 0 ? Double(framesWritten) / elapsedSeconds : 0 }
    var etaSeconds: Double? {
        guard let f = fraction, f > 0.001 else { return nil }
        return elapsedSeconds * (1 - f) / f
    }
}

/// Receives progress while a pipeline runs (on the thread that called `run`).
public protocol ProgressReporter: AnyObject {
    func report(_ progress: PipelineProgress)
    /// Called once after the last frame.
    func finish(_ progress: PipelineProgress)
}

/// A one-line progress bar redrawn on stderr (stdout carries the event stream). Use
/// `StderrProgressBar.ifTerminal()` to get one only when stderr is a terminal.
public final class StderrProgressBar: ProgressReporter {
    private var drewLine = false

    public init() {}

    public static func ifTerminal() -> StderrProgressBar? { isatty(STDERR_FILENO) != 0 ? StderrProgressBar() : nil }

    public func report(_ progress: PipelineProgress) {
        write("\r" + Self.line(for: progress) + "\u{1B}[K")
        drewLine = true
    }

    public func finish(_ progress: PipelineProgress) {
        if drewLine { write("\r" + Self.line(for: progress) + "\u{1B}[K\n") }
    }

    static func line(for p: PipelineProgress) -> String {
        var text = ""
        if let f = p.fraction {
            let width = 24
            let filled = min(width, Int(f * Double(width)))
            text += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            text += String(format: "%3.0f%% ", f * 100)
        }
        text += String(format: "%d frames  %.1f fps", p.framesWritten, p.framesPerSecond)
        if p.framesDropped > 0 { text += "  \(p.framesDropped) dropped" }
        if let eta = p.etaSeconds { text += "  ETA " + clock(eta) }
        return text
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }

    private func write(_ text: String) {
        Stderr.write(text)
    }
}
