/// Why an output (annotated video or face events) could not be produced. Every case names the
/// file or stream concerned and, where the OS or FFmpeg gave one, its reason.
public enum OutputError: Error, CustomStringConvertible {
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
        }
    }
}
