import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `facepipe` started in the background so a test can signal it mid-run (SIGHUP, SIGTERM,
/// SIGQUIT, SIGKILL) and then collect what it printed and how it exited.
final class BackgroundRun: @unchecked Sendable {
    private let process = Process()
    private let group = DispatchGroup()
    private var out = Data()
    private var err = Data()

    init(_ arguments: [String], directory: URL = TestPaths.repoRoot) throws {
        process.executableURL = URL(fileURLWithPath: FacepipeBinary.path)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        group.enter()
        DispatchQueue.global().async { self.out = outPipe.fileHandleForReading.readDataToEndOfFile(); self.group.leave() }
        group.enter()
        DispatchQueue.global().async { self.err = errPipe.fileHandleForReading.readDataToEndOfFile(); self.group.leave() }
    }

    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    var processID: Int32 { process.processIdentifier }

    /// Polls `condition` every 50 ms for up to `seconds`; true once it holds.
    @discardableResult
    func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            if !process.isRunning { return condition() }
            usleep(50_000)
        }
        return false
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func finish() -> Result {
        group.wait()
        process.waitUntilExit()
        // A process killed by a signal reports the signal number as its status.
        return Result(status: process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus
                                                                               : process.terminationStatus,
                          stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }
}

/// Size of a file in bytes, 0 when it does not exist.
func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
}

/// The files in a folder, sorted.
func folderListing(_ folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
}

