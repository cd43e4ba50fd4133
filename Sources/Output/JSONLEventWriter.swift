#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FacepipeCore

/// Writes face events as JSON Lines (schema v1) to a file or stdout.
///
/// Lines are formatted into one reused buffer and written out in batches, each batch with
/// write(2) calls of whole lines only, so a run that is killed leaves a file ending on a
/// complete line. A batch goes out when `maxLines` lines are waiting, when the oldest waiting
/// line is `maxDelay` old at the next emit, on `flush()` and on `finish()`.
public final class JSONLEventWriter: EventSink {
    public struct FlushPolicy: Sendable, Hashable {
        var maxLines: Int
        var maxDelayMilliseconds: Int
        public init(maxLines: Int = 64, maxDelayMilliseconds: Int = 100) {
            self.maxLines = max(1, maxLines)
            self.maxDelayMilliseconds = max(0, maxDelayMilliseconds)
        }
    }

    /// "stdout" or the file's path, for messages.
    public let destination: String
    public private(set) var eventsEmitted = 0
    /// True once `finish()` wrote every line and closed the file without an error.
    public private(set) var finalised = false
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private let policy: FlushPolicy
    private var buffer: LineBuffer
    private var waitingLines = 0
    private var oldestWaitingAt: UInt64 = 0
    private var failure: OutputError?
    private var finished = false

    /// Writes to the file at `path` (created or truncated), or to stdout when `path` is nil or "-".
    /// With `partialPath` (a `StagedFile`'s temporary name) the bytes go there and `path` names it in messages.
    public convenience init(path: String?, partialPath: String? = nil, policy: FlushPolicy = FlushPolicy()) throws {
        guard let path, path != "-" else {
            self.init(fileDescriptor: STDOUT_FILENO, name: "stdout", closeOnFinish: false, policy: policy)
            return
        }
        let descriptor = open(partialPath ?? path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OutputError.eventsUnwritable(destination: "'\(path)'", reason: String(cString: strerror(errno)))
        }
        self.init(fileDescriptor: descriptor, name: "'\(path)'", closeOnFinish: true, policy: policy)
    }

    /// Writes to an open descriptor (a pipe, a socket); `closeOnFinish` hands it over to the writer.
    public init(fileDescriptor: Int32, name: String, closeOnFinish: Bool, policy: FlushPolicy = FlushPolicy()) {
        // A reader that goes away must give EPIPE (reported as an error), not kill the process.
        signal(SIGPIPE, SIG_IGN)
        descriptor = fileDescriptor
        destination = name
        ownsDescriptor = closeOnFinish
        self.policy = policy
        buffer = LineBuffer(capacity: 64 * 1024)
    }

    deinit { try? finish() }

    public func emit(_ event: FaceEvent) throws {
        if let failure { throw failure }
        if finished { throw OutputError.eventsUnwritable(destination: destination, reason: "the writer was already finished") }
        if !buffer.hasRoomForLine { try writeWaitingLines() }
        let now = monotonicNanoseconds()
        if waitingLines == 0 { oldestWaitingAt = now }
        buffer.appendLine(for: event)
        waitingLines += 1
        eventsEmitted += 1
        if waitingLines >= policy.maxLines || now - oldestWaitingAt >= UInt64(policy.maxDelayMilliseconds) * 1_000_000 {
            try writeWaitingLines()
        }
    }

    public func flush() throws {
        if let failure { throw failure }
        try writeWaitingLines()
    }

    /// Writes what is waiting and closes the file (stdout stays open). A second call does nothing.
    public func finish() throws {
        guard !finished else { return }
        defer {
            finished = true
            if ownsDescriptor { close(descriptor) }
        }
        try flush()
        finalised = true
    }

    private func writeWaitingLines() throws {
        defer { buffer.clear(); waitingLines = 0 }
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, buffer.base + offset, buffer.count - offset)
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                let error = code == EPIPE
                    ? OutputError.eventsReaderGone(destination: destination)
                    : OutputError.eventsUnwritable(destination: destination, reason: String(cString: strerror(code)))
                failure = error
                throw error
            }
            offset += written
        }
    }
}
