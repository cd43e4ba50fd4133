import Foundation
import FacepipeCore

/// A model folder (model.yaml + weights) loaded and checked: the graph is consistent and
/// every weight the graph needs is present with the right dtype and shape, with nothing
/// left over. Networks for any input size are planned from it.
public struct ModelFile: Sendable {
    /// The name of the normalised input tensor in `inputs:` lists.
    public static let inputName = "image"

    public let description: ModelDescription
    public let layers: [Layer]
    let tensors: SafeTensors
    /// Channels of the network input (3: the picture in `input.channels` order).
    let inputChannels = 3
    /// Where model.yaml was read from, for messages.
    public let yamlPath: String

    /// Loads `<directory>/model.yaml` and the weights file it names.
    public static func load(directory: String) throws -> ModelFile {
        let yamlPath = (directory as NSString).appendingPathComponent("model.yaml")
        let description = try StrictYAML.decode(ModelDescription.self, fromFile: yamlPath)
        let weightsPath = (directory as NSString).appendingPathComponent(description.weights)
        let tensors = try SafeTensors.load(path: weightsPath)
        return try ModelFile(description: description, tensors: tensors, yamlPath: yamlPath)
    }

    public init(description: ModelDescription, tensors: SafeTensors, yamlPath: String) throws {
        self.description = description
        self.tensors = tensors
        self.yamlPath = yamlPath
        try Self.checkHeader(description, yamlPath: yamlPath)
        layers = try Self.checkedLayers(description.layers, inputChannels: inputChannels, yamlPath: yamlPath)
        try Self.checkWeights(layers, tensors: tensors)
        if let detector = description.detector {
            try Self.checkDetector(detector, layers: layers, yamlPath: yamlPath)
        }
    }

    public func layer(named name: String) -> Layer? { layers.first { $0.name == name } }

    /// A conv layer's OIHW weights and bias as Float arrays.
    func convWeights(_ layer: String) throws -> (weight: [Float], bias: [Float]) {
        (try tensors.floats("\(layer).weight"), try tensors.floats("\(layer).bias"))
    }
}
