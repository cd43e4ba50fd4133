#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An output file written under a temporary name in its final folder and renamed into place
/// only when it is finalised, so whatever the user had under the final name stays untouched
/// until then (and for good if the run fails before its first frame).
///
/// The temporary name is `<final>.<pid>.part` in the same folder: rename(2) within one folder
/// is atomic, and a run killed with SIGKILL leaves its partial output visible under that name.
public struct StagedFile: Sendable, Hashable {
    let finalPath: String
    let partialPath: String

    public init(finalPath: String, processID: Int32 = getpid()) {
        self.finalPath = finalPath
        partialPath = "\(finalPath).\(processID).part"
    }

    /// Moves the finalised partial file onto the final name. Without `replacing`, an existing
    /// file under the final name (one that appeared during the run) is never replaced.
    func commit(replacing: Bool) throws {
        if replacing {
            guard rename(partialPath, finalPath) == 0 else { throw commitError(errno) }
            return
        }
        // link(2) fails with EEXIST instead of replacing: the no-overwrite promise holds to the end.
        if link(partialPath, finalPath) == 0 {
            unlink(partialPath)
            return
        }
        let code = errno
        if code == EEXIST {
            throw OutputError.cannotCommit(path: finalPath, partial: partialPath,
                                           reason: "a file of that name appeared during the run and is not replaced")
        }
        // File systems without hard links (FAT, some network mounts): fall back to a checked rename.
        guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP else { throw commitError(code) }
        guard access(finalPath, F_OK) != 0 else {
            throw OutputError.cannotCommit(path: finalPath, partial: partialPath,
                                           reason: "a file of that name appeared during the run and is not replaced")
        }
        guard rename(partialPath, finalPath) == 0 else { throw commitError(errno) }
    }

    /// Removes the partial file (a run that produced nothing worth keeping).
    public func discard() {
        unlink(partialPath)
    }

    private func commitError(_ code: Int32) -> OutputError {
        OutputError.cannotCommit(path: finalPath, partial: partialPath, reason: String(cString: strerror(code)))
    }

    /// Ends the staging once the run is over and the writer finished: a finalised file worth
    /// keeping moves into place; one not worth keeping (nothing reached it) is removed; an
    /// unfinished one (its writer failed) stays under its temporary name so what it holds can be
    /// salvaged. Returns a line for the user when the outcome is not the plain one, and throws
    /// when the move itself fails.
    public func settle(finalised: Bool, keep: Bool, replacing: Bool) throws -> String? {
        guard keep else {
            discard()
            return "'\(finalPath)' not written (the run produced no frame); anything already there is untouched"
        }
        guard finalised else {
            return "'\(finalPath)' was not finalised; what was written is kept as '\(partialPath)'"
        }
        try commit(replacing: replacing)
        return nil
    }

    /// Whether finalised outputs replace what was under their final names: yes once a frame has
    /// reached the outputs, or when the run read its input to the end; a run that failed or was
    /// stopped before its first frame leaves everything as it was.
    static func shouldCommit(framesWritten: Int, completed: Bool) -> Bool {
        framesWritten > 0 || completed
    }
}
