#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What to do when an output file already exists (ffmpeg's convention).
public enum OverwritePolicy: Sendable, Hashable {
    /// Ask on the terminal; refuse when there is no terminal to ask (ffmpeg's default).
    case ask
    /// Replace it (`-y` / `--overwrite`).
    case always
    /// Never replace it (`-n` / `--no-overwrite`).
    case never
}

/// Checks run before anything is opened, so that no output can destroy what the user had:
/// an output that is the input (same path, a symlink or hard link to it, `dir/../dir/x.mp4`),
/// two outputs that are one file, and existing files the overwrite policy does not allow replacing.
public enum OutputPreflight {
    /// - Parameters:
    ///   - outputs: output file paths ("-" and URLs are skipped).
    ///   - input: the input location; compared only when it is a local file.
    ///   - confirm: asked for each existing output under `.ask`; returns true to replace it.
    public static func check(outputs: [String], input: String?, policy: OverwritePolicy,
                             confirm: (String) -> Bool) throws {
        let files = outputs.filter { $0 != "-" }.compactMap(localPath)
        if let input, let inputPath = localPath(input) {
            for output in files where FileIdentity.same(output, inputPath) {
                throw OutputError.outputIsInput(output: output, input: input)
            }
        }
        for (i, a) in files.enumerated() {
            for b in files[(i + 1)...] where FileIdentity.same(a, b) {
                throw OutputError.outputsCollide(first: a, second: b)
            }
        }
        for output in files {
            var info = stat()
            guard lstat(output, &info) == 0 else { continue }  // nothing there yet
            if info.st_mode & S_IFMT == S_IFDIR { throw OutputError.outputIsFolder(path: output) }
            // A device or FIFO (/dev/null, a named pipe) holds nothing that writing could destroy.
            var target = stat()
            if stat(output, &target) == 0, target.st_mode & S_IFMT != S_IFREG { continue }
            switch policy {
            case .always: continue
            case .never: throw OutputError.outputExists(path: output, refusedByFlag: true)
            case .ask: if !confirm(output) { throw OutputError.outputExists(path: output, refusedByFlag: false) }
            }
        }
    }

    /// The path of a local input ("file:" URLs included), nil for network URLs.
    public static func localPath(_ location: String) -> String? {
        if location.hasPrefix("file://") { return String(location.dropFirst("file://".count)) }
        if location.hasPrefix("file:") { return String(location.dropFirst("file:".count)) }
        return isURL(location) ? nil : location
    }

    static func isURL(_ location: String) -> Bool { location.contains("://") }
}

/// Whether two paths name one file: the same device and inode when both exist (symlinks and
/// hard links included), else the same canonical path (the folder resolved, `..` and links removed).
enum FileIdentity {
    static func same(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        if stat(a, &sa) == 0 && stat(b, &sb) == 0 {
            return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
        }
        guard let ca = canonical(a), let cb = canonical(b) else { return false }
        return ca == cb
    }

    /// realpath of the file if it exists, else realpath of its folder plus its name.
    static func canonical(_ path: String) -> String? {
        if let resolved = realPath(path) { return resolved }
        let folder = (path as NSString).deletingLastPathComponent
        guard let resolvedFolder = realPath(folder.isEmpty ? "." : folder) else { return nil }
        return (resolvedFolder as NSString).appendingPathComponent((path as NSString).lastPathComponent)
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
