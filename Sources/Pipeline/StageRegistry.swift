import FacepipeCore

/// The stage kinds a program can build, in one place: each kind's name, what it admits when a
/// pipeline file does not say, whether its work marks frames `detected`, and the factory that
/// makes it. `PipelineDescription.makeStages(with:)` turns a file's chain into stages with it;
/// a kind it does not hold is an error naming the file and the key.
public struct StageRegistry {
    public struct Kind {
        public let name: String
        /// Used when the file's stage entry has no `admit:`.
        public let admission: Admission
        /// Frames this stage works on are marked `detected` (the tracker predicts across the
        /// others), and its work is what the summary counts as detections.
        public let marksDetected: Bool
        public let make: (PipelineDescription.StageEntry) throws -> FrameStage

        public init(_ name: String, admission: Admission = .everyFrame, marksDetected: Bool = false,
                    make: @escaping (PipelineDescription.StageEntry) throws -> FrameStage) {
            self.name = name
            self.admission = admission
            self.marksDetected = marksDetected
            self.make = make
        }
    }

    public let kinds: [Kind]

    public init(_ kinds: [Kind]) {
        self.kinds = kinds
    }

    /// In registration order (error messages list them so).
    public var names: [String] { kinds.map(\.name) }

    public func kind(named name: String) -> Kind? {
        kinds.first { $0.name == name }
    }
}
