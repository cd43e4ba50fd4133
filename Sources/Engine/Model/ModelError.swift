/// Why a model folder could not be loaded or planned. Every error names the file and the
/// tensor or layer at fault, so a broken export is fixed at the right place.
public struct ModelError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The file is missing or unreadable.
        case unreadable
        /// The file ends before the header or the data it announces.
        case truncated
        /// The safetensors header is not the JSON it should be.
        case badHeader
        /// A tensor's byte range does not fit the file or its dtype/shape.
        case badTensor
        /// A tensor the graph needs is absent.
        case missingTensor
        /// A tensor is present but has the wrong shape or dtype.
        case wrongTensor
        /// A tensor in the file that no layer uses.
        case extraTensor
        /// The graph itself is inconsistent (unknown input, bad parameter, channel mismatch).
        case badGraph
        /// The graph cannot run at the requested input size.
        case badInputSize
        /// A tensor name asked of a network that has no such tensor.
        case unknownTensor
        /// A weight holds NaN or infinity.
        case nonFinite
    }

    public var kind: Kind
    public var file: String
    /// The tensor or layer at fault ("stem1.weight", "layer 'fuse'"), empty when none.
    var subject: String
    public var problem: String

    public init(_ kind: Kind, file: String, subject: String = "", problem: String) {
        self.kind = kind; self.file = file; self.subject = subject; self.problem = problem
    }

    public var description: String {
        subject.isEmpty ? "\(file): \(problem)" : "\(file): \(subject): \(problem)"
    }
}
