import FacepipeCore

/// A model planned for one input size, fp32 or int8: what a caller that only feeds pictures
/// and reads timings (the engine bench) needs from either, so it can time both the same way.
public protocol Network: AnyObject {
    var inputShape: TensorShape { get }
    /// Per-layer facts in execution order (the same order as `layerNanoseconds`).
    var layers: [LayerInfo] { get }
    /// When true, `run()` records each layer's wall time in `layerNanoseconds`.
    var recordsLayerTimes: Bool { get set }
    /// Wall time of each layer in the last timed run.
    var layerNanoseconds: [UInt64] { get }
    /// Writes a resized picture (at most the planned size) into the input; the rest is padding.
    func setInput(_ image: RGBImage)
    /// Runs every layer in order on the current input.
    func run()
    /// A detector head's output as float CHW after `run()` (fp32: any tensor; int8: the float
    /// outputs the network was planned with).
    func headOutput(named name: String) throws -> TensorView
}
