/// Why an output (annotated video or face events) could not be produced. Every case names the
/// file or stream concerned and, where the OS or FFmpeg gave one, its reason.
enum OutputError: Error, CustomStringConvertible {
    case unknownContainer(path: String)
    case cannotOpen(path: String, reason: String)
    case badSettings(String)
    case encoderFailed(encoder: String, reason: String)
    case frameSizeChanged(path: String, expected: String, got: String)
    case writeFailed(path: String, reason: String)
    case finaliseFailed(path: String, reason: String)
    case alreadyFinished(path: String)
    case eventsUnwritable(destination: String, reason: String)
    case eventsReaderGone(destination: String)
    case outputIsInput(output: String, input: String)
    case outputsCollide(first: String, second: String)
    case outputIsFolder(path: String)
    /// `refusedByFlag`: -n/--no-overwrite was given (else: not allowed, or the question was declined).
    case outputExists(path: String, refusedByFlag: Bool)
    case cannotCommit(path: String, partial: String, reason: String)
    case unsupportedContainer(path: String, container: String, encoder: String, supported: [String])

    public var description: String {
        switch self {
        case .unknownContainer(let path):
            return "cannot tell the container format of output '\(path)' from its name (use .mp4, .mkv or .mov)"
        case .cannotOpen(let path, let reason):
            return "cannot open output '\(path)': \(reason)"
        case .badSettings(let what):
            return "bad video encoder settings: \(what)"
        case .encoderFailed(let encoder, let reason):
            return "video encoder \(encoder) failed: \(reason)"
        case .frameSizeChanged(let path, let expected, let got):
            return "frame size changed from \(expected) to \(got) while writing '\(path)' (the writer keeps the source's size)"
        case .writeFailed(let path, let reason):
            return "cannot write video to '\(path)': \(reason)"
        case .finaliseFailed(let path, let reason):
            return "cannot finalise '\(path)': \(reason) (the file may be incomplete)"
        case .alreadyFinished(let path):
            return "'\(path)' was already finished; no more frames can be written to it"
        case .eventsUnwritable(let destination, let reason):
            return "cannot write face events to \(destination): \(reason)"
        case .eventsReaderGone(let destination):
            return "the reader of the face events on \(destination) went away (broken pipe); no more events can be delivered"
        case .outputIsInput(let output, let input):
            return "output '\(output)' is the input file '\(input)' (the same file under another name); "
                + "refusing to write over the input: choose another output name"
        case .outputsCollide(let first, let second):
            return "outputs '\(first)' and '\(second)' are the same file; give them different names"
        case .outputIsFolder(let path):
            return "output '\(path)' is a folder; give a file name"
        case .outputExists(let path, let refusedByFlag):
            return refusedByFlag
                ? "output '\(path)' already exists and -n/--no-overwrite was given; it is left as it is"
                : "output '\(path)' already exists; it is left as it is (give -y/--overwrite to replace it, or another name)"
        case .cannotCommit(let path, let partial, let reason):
            return "cannot move the finished output into place as '\(path)': \(reason); it is kept as '\(partial)'"
        case .unsupportedContainer(let path, let container, let encoder, let supported):
            return "cannot write '\(path)': the \(container) container cannot hold \(encoder) video; "
                + "with this encoder, use one of: \(supported.joined(separator: ", "))"
                + " (or pick an encoder that suits \(container) with --encoder)"
        }
    }
}
