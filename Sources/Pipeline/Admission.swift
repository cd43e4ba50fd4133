/// Which frames a stage works on. The others pass through it untouched, in order: skipping is
/// never dropping. Declared per stage in `Pipelines/*.yaml` (`admit:`), else by the stage's
/// kind when it is registered (`StageRegistry`).
public struct Admission: Sendable, Hashable {
    public enum Interval: Sendable, Hashable {
        /// A frame whose index is at least N past the last one worked on.
        case frames(Int)
        /// The run's detection interval: the file's `detect_every`, or `--detect-every`.
        case detectEvery
    }

    public enum Newest: String, Sendable, Hashable, CaseIterable {
        /// Every admitted frame, in order.
        case never
        /// Under the `latest` policy, only the newest frame waiting; the older ones pass on.
        case live
    }

    public var every: Interval
    public var newest: Newest
    /// Also a frame a `scene` stage marked as a camera cut (`VideoFrame.cameraCut`), wherever it
    /// falls in the interval; the interval then counts from it.
    public var cuts: Bool

    public init(every: Interval = .frames(1), newest: Newest = .never, cuts: Bool = false) {
        self.every = every
        self.newest = newest
        self.cuts = cuts
    }

    /// Every frame.
    public static let everyFrame = Admission()
    /// What a detector admits: the run's detection interval, the newest frame when live (the
    /// tracker predicts across the frames it passes over), and the first frame of a new shot.
    public static let detection = Admission(every: .detectEvery, newest: .live, cuts: true)

    /// The interval in frames, given the run's detection interval.
    func interval(detectEvery: Int) -> Int {
        switch every {
        case .frames(let n): return n
        case .detectEvery: return detectEvery
        }
    }
}

extension Admission: Decodable {
    enum CodingKeys: String, CodingKey { case every, newest, cuts }

    /// `admit: {every: 2, newest: live, cuts: true}`; `every` is a whole number 1...1000 or `detect_every`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        newest = try c.decodeChoice(Newest.self, forKey: .newest, default: .never)
        cuts = try c.decodeIfPresent(Bool.self, forKey: .cuts) ?? false
        every = .frames(1)
        guard c.contains(.every) else { return }
        if let n = try? c.decode(Int.self, forKey: .every) {
            try c.check(n, in: 1...1000, forKey: .every)
            every = .frames(n)
            return
        }
        let word = try c.decode(String.self, forKey: .every)
        guard word == "detect_every" else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys.every],
                                                    debugDescription: "expected a whole number 1...1000 or detect_every, found '\(word)'"))
        }
        every = .detectEvery
    }
}
