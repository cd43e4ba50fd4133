import FacepipeCore

/// A pipeline file (`Pipelines/*.yaml`): the stage chain, ring sizes, policy and default
/// inputs/outputs. The schema is documented in the comments of the files in `Pipelines/`.
/// Read with `PipelineDescription.load(fromFile:)`; unknown keys and bad values are errors
/// that name the file and the key path.
public struct PipelineDescription: Decodable, Sendable, Hashable {
    public enum PolicyChoice: String, Sendable, Hashable, CaseIterable {
        /// `latest` for live sources (cameras, streams), `lossless` for files.
        case auto, lossless, latest
        public var policy: FramePolicy? {
            switch self {
            case .auto: return nil
            case .lossless: return .lossless
            case .latest: return .latest
            }
        }
    }

    public struct StageEntry: Decodable, Sendable, Hashable {
        /// What the stage does: a kind of the `StageRegistry` the stages are made with.
        public var kind: String
        /// Capacity of the ring feeding this stage.
        public var ring: Int
        /// Which frames it works on (`admit:`); nil: what its kind admits when registered.
        public var admission: Admission?
    }

    public struct Outputs: Decodable, Sendable, Hashable {
        /// Write the annotated video (needs an output path).
        public var video: Bool
        /// Write face events as JSON Lines.
        public var events: Bool
        /// Capacity of the ring into the sink writer thread.
        public var ring: Int
    }

    public struct Defaults: Decodable, Sendable, Hashable {
        /// Used when the command line names none; nil means the command line must.
        public var input: String?
        public var output: String?
        /// "-" is stdout.
        public var events: String?
    }

    public var name: String
    public var about: String?
    public var policy: PolicyChoice
    public var detectEvery: Int
    var poolFrames: Int?
    public var stages: [StageEntry]
    public var outputs: Outputs
    public var defaults: Defaults
    /// The file it was read from, for error messages ("<config>" when decoded from text).
    public var file = "<config>"

    public static func load(fromFile path: String) throws -> PipelineDescription {
        var description = try StrictYAML.decode(PipelineDescription.self, fromFile: path)
        description.file = path
        return description
    }

    public static func decode(_ text: String, file: String = "<config>") throws -> PipelineDescription {
        var description = try StrictYAML.decode(PipelineDescription.self, from: text, file: file)
        description.file = file
        return description
    }

    /// Run settings from this description (the command line overrides fields from its flags).
    public var settings: PipelineSettings {
        PipelineSettings(policy: policy.policy, detectEvery: detectEvery, poolFrames: poolFrames, sinkRing: outputs.ring)
    }

    /// Builds the stage chain with the registry's factories, each stage admitting what its
    /// entry declares (else what its kind does). A kind the registry lacks is an error naming
    /// this file and the entry.
    public func makeStages(with registry: StageRegistry) throws -> [PipelineStage] {
        try stages.enumerated().map { index, entry in
            guard let kind = registry.kind(named: entry.kind) else {
                throw UnknownStageError(file: file, index: index, kind: entry.kind, known: registry.names)
            }
            return PipelineStage(try kind.make(entry), admission: entry.admission ?? kind.admission,
                                 marksDetected: kind.marksDetected, inputRing: entry.ring)
        }
    }

    /// Same shape as `StrictYAML.ConfigError`'s message: file, key path, problem.
    struct UnknownStageError: Error, CustomStringConvertible {
        public let file: String
        public let index: Int
        public let kind: String
        public let known: [String]
        public var description: String {
            "\(file): stages[\(index)].kind: unknown stage kind '\(kind)' (known: \(known.joined(separator: ", ")))"
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, about, policy, stages, outputs, defaults
        case detectEvery = "detect_every"
        case poolFrames = "pool_frames"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        about = try c.decodeIfPresent(String.self, forKey: .about)
        policy = try c.decodeChoice(PolicyChoice.self, forKey: .policy, default: .auto)
        detectEvery = try c.decodeIfPresent(Int.self, forKey: .detectEvery) ?? 1
        try c.check(detectEvery, in: 1...1000, forKey: .detectEvery)
        poolFrames = try c.decodeIfPresent(Int.self, forKey: .poolFrames)
        if let poolFrames { try c.check(poolFrames, in: 2...Pipeline.maxRing, forKey: .poolFrames) }
        stages = try c.decode([StageEntry].self, forKey: .stages)
        if stages.isEmpty {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys.stages],
                                                    debugDescription: "needs at least one stage"))
        }
        var seen: Set<String> = []
        for entry in stages where !seen.insert(entry.kind).inserted {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys.stages],
                                                    debugDescription: "stage kind '\(entry.kind)' appears twice"))
        }
        outputs = try c.decode(Outputs.self, forKey: .outputs)
        defaults = try c.decodeIfPresent(Defaults.self, forKey: .defaults) ?? Defaults(input: nil, output: nil, events: nil)
    }
}

extension PipelineDescription.StageEntry {
    enum CodingKeys: String, CodingKey { case kind, ring, admit }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(String.self, forKey: .kind)
        if kind.isEmpty || !kind.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" }) {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys.kind],
                                                    debugDescription: "expected a lowercase name like 'detect', found '\(kind)'"))
        }
        ring = try c.decodeIfPresent(Int.self, forKey: .ring) ?? 4
        try c.check(ring, in: 1...Pipeline.maxRing, forKey: .ring)
        admission = try c.decodeIfPresent(Admission.self, forKey: .admit)
    }
}

extension PipelineDescription.Outputs {
    enum CodingKeys: String, CodingKey { case video, events, ring }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        video = try c.decodeIfPresent(Bool.self, forKey: .video) ?? false
        events = try c.decodeIfPresent(Bool.self, forKey: .events) ?? false
        ring = try c.decodeIfPresent(Int.self, forKey: .ring) ?? 8
        try c.check(ring, in: 1...Pipeline.maxRing, forKey: .ring)
        if !video && !events {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath,
                                                    debugDescription: "enable at least one of 'video' and 'events'"))
        }
    }
}

extension KeyedDecodingContainer {
    func check(_ value: Int, in range: ClosedRange<Int>, forKey key: Key) throws {
        if !range.contains(value) {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath + [key],
                                                    debugDescription: "must be in \(range.lowerBound)...\(range.upperBound), found \(value)"))
        }
    }

    func decodeChoice<T: RawRepresentable & CaseIterable>(_ type: T.Type, forKey key: Key, default value: T) throws -> T
    where T.RawValue == String {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return value }
        guard let choice = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath + [key],
                                                    debugDescription: "expected one of \(allowed), found '\(text)'"))
        }
        return choice
    }
}
