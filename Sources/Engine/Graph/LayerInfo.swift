/// What one layer of a planned network is and does, for reports and benchmarks: the same
/// facts for the fp32 and the int8 network.
public struct LayerInfo: Sendable, Equatable {
    public var name: String
    public var op: String
    public var outputShape: TensorShape
    public var macs: Int
}

extension LayerInfo {
    /// Every layer of `model` at the size `plan` was made for, in execution order.
    static func list(model: ModelFile, plan: GraphPlan) -> [LayerInfo] {
        model.layers.enumerated().map { i, layer in
            LayerInfo(name: layer.name, op: layer.operation.opName, outputShape: plan.outputShapes[i], macs: plan.macs[i])
        }
    }
}
