import Capture
import FacepipeCore
import Pipeline

/// Live or lossless, decided once for a run: `--live`/`--lossless` when given, else the input's
/// own nature (cameras and streams are live, files are not). The source reads by it (a live one
/// is never waited for), the pipeline's rings follow it unless the file fixes a policy, and the
/// encoder's tuning, the audio copy and the exit status of an input that ends all read it here.
struct RunMode {
    let isLive: Bool
    let policy: FramePolicy

    /// Before the input is opened: what the source is told (nil: it finds out itself).
    static func sourceIsLive(_ flag: RunRequest.SourceMode?) -> Bool? {
        flag.map { $0 == .live }
    }

    /// Once the source is open. The flag wins over the pipeline file's policy, which wins over the input.
    init(flag: RunRequest.SourceMode?, filePolicy: FramePolicy?, source: SourceInfo) {
        isLive = Self.sourceIsLive(flag) ?? source.isLive
        policy = flag.map { $0 == .live ? .latest : .lossless } ?? filePolicy ?? (isLive ? .latest : .lossless)
    }
}
