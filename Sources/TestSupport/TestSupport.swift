import Foundation

/// Helpers shared by the test targets: where the repository and the shared data live,
/// running command-line tools (ffmpeg, ffprobe) and scratch folders.
public enum TestPaths {
    /// The repository root (the folder holding Package.swift).
    public static let repoRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// `../shared/data` beside the checkout (CI clones with shared/ beside it);
    /// FACEPIPE_DATA overrides.
    public static let sharedData: URL = {
        if let env = ProcessInfo.processInfo.environment["FACEPIPE_DATA"] { return URL(fileURLWithPath: env) }
        return repoRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    }()

    public static func data(_ relative: String) -> URL { sharedData.appendingPathComponent(relative) }
    public static func repo(_ relative: String) -> URL { repoRoot.appendingPathComponent(relative) }

    /// A fresh scratch folder. All of one test process's scratch folders live under one folder
    /// that is removed when the process exits, so test runs do not pile up in the temp dir.
    public static func scratch(_ name: String) throws -> URL {
        let url = scratchRoot.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private static func scratchRoot(of pid: Int32) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("facepipe-tests-\(pid)")
    }

    // Created once (lazily, thread-safe); the exit hook cannot capture, so it derives the path again.
    private static let scratchRoot: URL = {
        atexit { try? FileManager.default.removeItem(at: TestPaths.scratchRoot(of: getpid())) }
        return scratchRoot(of: getpid())
    }()
}

public struct ToolResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

public enum ToolError: Error, CustomStringConvertible {
    case failed(String, ToolResult)
    public var description: String {
        switch self {
        case .failed(let cmd, let r): return "\(cmd) exited \(r.status): \(r.stderr.suffix(2000))"
        }
    }
}

/// Runs a program (found on PATH, or an absolute path) and collects its output.
/// `directory` is its working folder; `interruptAfter` sends it SIGINT after that many seconds.
@discardableResult
public func runTool(_ program: String, _ arguments: [String], check: Bool = true, stdin: Data? = nil,
                    directory: URL? = nil, interruptAfter: Double? = nil) throws -> ToolResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [program] + arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try? input.fileHandleForWriting.close()
    if let interruptAfter {
        DispatchQueue.global().asyncAfter(deadline: .now() + interruptAfter) { process.interrupt() }
    }
    // Read both pipes concurrently so neither fills up and blocks the child.
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    let result = ToolResult(status: process.terminationStatus,
                            stdout: String(decoding: outData, as: UTF8.self),
                            stderr: String(decoding: errData, as: UTF8.self))
    if check && result.status != 0 {
        throw ToolError.failed(([program] + arguments).joined(separator: " "), result)
    }
    return result
}
