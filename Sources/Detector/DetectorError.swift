enum DetectorError: Error, CustomStringConvertible {
    case notRun
    case noDetectorSection(String)
    case unsupportedEngine(String)

    public var description: String {
        switch self {
        case .notRun: return "detector: no network output yet (run() was not called)"
        case .noDetectorSection(let path): return "\(path): the model has no 'detector' section (anchors and NMS settings)"
        case .unsupportedEngine(let why): return why
        }
    }
}
