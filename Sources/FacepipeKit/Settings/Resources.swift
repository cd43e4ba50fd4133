import Foundation

/// Finds the shipped files (Configs/, Pipelines/) whether facepipe runs from the repository
/// root, from elsewhere with FACEPIPE_HOME set, or as .build/<config>/facepipe.
public enum Resources {
    static let home: String? = {
        if let env = ProcessInfo.processInfo.environment["FACEPIPE_HOME"] { return env }
        let fm = FileManager.default
        if fm.fileExists(atPath: "Configs/models") { return fm.currentDirectoryPath }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            if fm.fileExists(atPath: url.appendingPathComponent("Configs/models").path) { return url.path }
            url.deleteLastPathComponent()
        }
        return nil
    }()

    /// A path as given if it exists (or is absolute), else relative to the facepipe home.
    public static func resolve(_ path: String) -> String {
        if path.hasPrefix("/") || FileManager.default.fileExists(atPath: path) { return path }
        if let home { return (home as NSString).appendingPathComponent(path) }
        return path
    }
}
