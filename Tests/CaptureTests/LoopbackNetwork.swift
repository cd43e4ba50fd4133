import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal TCP client for the live-stream tests (their free port is TestSupport's
/// `unusedLoopbackPort`): it can send part of a stream and then go silent (what a dead camera
/// looks like).
enum Loopback {
    /// Connects to 127.0.0.1:port, retrying while nobody listens yet; -1 after `seconds`.
    static func connect(port: Int, within seconds: Double) -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if connected == 0 { return fd }
            Glibc.close(fd)
            usleep(50_000)
        }
        return -1
    }

    static func send(_ bytes: Data, on fd: Int32) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let sent = Glibc.send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }
}

/// Hands a value from a background thread to the test.
final class Handoff<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var value: Result<Value, Error>?

    func put(_ result: Result<Value, Error>) {
        lock.lock(); value = result; lock.unlock()
        done.signal()
    }

    /// The value, or nil if none came within `seconds`.
    func take(within seconds: Double) -> Result<Value, Error>? {
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        lock.lock(); defer { lock.unlock() }
        return value
    }
}
