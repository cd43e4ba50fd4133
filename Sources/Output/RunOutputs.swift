#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FacepipeCore
import Foundation

/// The files one run writes: the annotated video and the face events, each opened under its
/// `StagedFile`'s temporary name (local files only; stdout and URLs are written directly) and
/// settled when the run is over. Dropped without `settle`, it removes its temporary files, so
/// a run that fails while it is being set up leaves what the user had untouched.
public final class RunOutputs {
    public let video: MP4Writer?
    public let events: JSONLEventWriter?
    private let videoFile: StagedFile?
    private let eventsFile: StagedFile?
    private var settled = false

    /// - Parameters:
    ///   - videoPath: nil for no video.
    ///   - eventsPath: nil for no events, "-" for stdout.
    ///   - audioSourcePath: the file to copy audio from, as `MP4Writer` takes it.
    public init(videoPath: String?, eventsPath: String?, source: SourceInfo, encoder: VideoEncoderSettings,
                audioSourcePath: String?, fragmented: Bool) throws {
        videoFile = videoPath.flatMap(OutputPreflight.localPath).flatMap(Self.stagingTarget).map { StagedFile(finalPath: $0) }
        eventsFile = eventsPath.flatMap { $0 == "-" ? nil : OutputPreflight.localPath($0) }.flatMap(Self.stagingTarget)
            .map { StagedFile(finalPath: $0) }
        do {
            if let videoPath {
                try Self.createParentFolder(of: videoFile?.finalPath)
                video = try MP4Writer(path: videoPath, source: source, settings: encoder, audioSourcePath: audioSourcePath,
                                      partialPath: videoFile?.partialPath, fragmented: fragmented)
            } else {
                video = nil
            }
            if let eventsPath {
                try Self.createParentFolder(of: eventsFile?.finalPath)
                events = eventsPath == "-"
                    ? JSONLEventWriter(fileDescriptor: STDOUT_FILENO, name: "stdout", closeOnFinish: false)
                    : try JSONLEventWriter(path: eventsPath, partialPath: eventsFile?.partialPath)
            } else {
                events = nil
            }
        } catch {
            videoFile?.discard()
            eventsFile?.discard()
            throw error
        }
    }

    deinit {
        if !settled { discard() }
    }

    /// Once the writers have finished: moves each finalised output onto its name (also after a
    /// stop or a fault: it is playable), or removes it when the run produced no frame and did
    /// not complete (`StagedFile.shouldCommit`). Returns lines for stderr and the first error.
    public func settle(framesWritten: Int, completed: Bool, replacing: Bool) -> (notes: [String], error: Error?) {
        settled = true
        let keep = StagedFile.shouldCommit(framesWritten: framesWritten, completed: completed)
        var notes: [String] = []
        var firstError: Error?
        for (file, finalised) in [(videoFile, video?.finalised ?? false), (eventsFile, events?.finalised ?? false)] {
            guard let file else { continue }
            do {
                if let note = try file.settle(finalised: finalised, keep: keep, replacing: replacing) { notes.append(note) }
            } catch {
                firstError = firstError ?? error
                notes.append("error: \(error)")
            }
        }
        return (notes, firstError)
    }

    /// Removes the temporary files (a run abandoned before it started).
    public func discard() {
        settled = true
        videoFile?.discard()
        eventsFile?.discard()
    }

    /// The file a staged output replaces: nil for a device or FIFO (`/dev/null`), which is written
    /// in place (renaming onto it would replace the device node); a symlink is followed, so the
    /// link stays and the file it points to is replaced, as writing through it would.
    static func stagingTarget(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return path }  // nothing there yet
        guard info.st_mode & S_IFMT == S_IFREG else { return nil }
        return FileIdentity.canonical(path) ?? path
    }

    private static func createParentFolder(of path: String?) throws {
        guard let path else { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
    }
}
