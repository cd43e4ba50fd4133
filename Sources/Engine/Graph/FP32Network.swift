import COpenBLAS
import FacepipeCore

/// The fp32 reference network: a model planned for one input size. All activations,
/// packed weights and scratch are allocated here, so `run()` allocates nothing and cannot
/// fail. Every tensor (the input and each layer's output) stays readable by name after a
/// run, at a fixed address: callers may look views up once and reuse them every frame.
///
/// Threads: OpenBLAS is set to one thread and the engine's own pool splits each layer. The
/// pipeline already runs a thread per stage; OpenBLAS's spinning pool would compete with
/// them (and with the int8 path, which uses the same `WorkerPool`), and one pool for both
/// paths keeps the thread count what the caller asked for.
///
/// Not for use from two threads at once (one detector stage owns it).
public final class FP32Network: Network, @unchecked Sendable {
    public let model: ModelFile
    public let plan: GraphPlan
    public let threads: Int
    /// Per-layer facts for reports and benchmarks, in execution order.
    public let layers: [LayerInfo]
    /// When true, `run()` records each layer's wall time in `layerNanoseconds`.
    public var recordsLayerTimes: Bool {
        get { times.enabled }
        set { times.enabled = newValue }
    }
    /// Wall time of each layer in the last timed run (same order as `layers`). A copy:
    /// the network records into its own fixed buffer, so timing allocates nothing either.
    public var layerNanoseconds: [UInt64] { times.values }

    private let pool: WorkerPool
    private let storage: [TensorStorage]          // [0] = input, then one per layer
    private let tensorIndex: [String: Int]          // name -> storage index
    private let operators: [Operator]
    private let scratch: TensorStorage?
    private let times: LayerTimes

    public init(model: ModelFile, inputWidth: Int, inputHeight: Int, threads: Int = 1) throws {
        openblas_set_num_threads(1)
        let plan = try GraphPlan(model: model, inputWidth: inputWidth, inputHeight: inputHeight)
        self.model = model
        self.plan = plan
        self.threads = max(1, threads)
        pool = WorkerPool(threads: self.threads)

        var storage = [TensorStorage(count: plan.inputShape.count)]
        var index = [ModelFile.inputName: 0]
        for (i, layer) in model.layers.enumerated() {
            index[layer.name] = storage.count
            storage.append(TensorStorage(count: plan.outputShapes[i].count))
        }
        var scratchPerWorker = 0
        for (i, layer) in model.layers.enumerated() {
            if case .conv(let p) = layer.operation {
                scratchPerWorker = max(scratchPerWorker,
                                       ConvFP32.scratchFloats(p, outShape: plan.outputShapes[i], threads: self.threads))
            }
        }
        // Round each worker's area to a cache line so workers never share one.
        scratchPerWorker = (scratchPerWorker + 15) / 16 * 16
        let scratch = scratchPerWorker > 0 ? TensorStorage(count: scratchPerWorker * self.threads) : nil

        var operators: [Operator] = []
        for (i, layer) in model.layers.enumerated() {
            let out = storage[index[layer.name]!].pointer
            let outShape = plan.outputShapes[i]
            let ins = layer.inputs.map { (UnsafePointer(storage[index[$0]!].pointer), plan.shape(of: $0)!) }
            switch layer.operation {
            case .conv(let p):
                let (weight, bias) = try model.convWeights(layer.name)
                operators.append(ConvFP32(p, input: ins[0].0, inShape: ins[0].1, output: out, outShape: outShape,
                                          weight: weight, bias: bias, threads: self.threads,
                                          scratch: scratch?.pointer, scratchPerWorker: scratchPerWorker))
            case .maxpool(let p):
                operators.append(MaxPoolFP32(p, input: ins[0].0, inShape: ins[0].1, output: out, outShape: outShape,
                                             threads: self.threads))
            case .upsample2x:
                operators.append(Upsample2xFP32(input: ins[0].0, inShape: ins[0].1, output: out, outShape: outShape,
                                                threads: self.threads))
            case .add(let relu):
                operators.append(AddFP32(ins[0].0, ins[1].0, output: out, count: outShape.count, relu: relu,
                                         threads: self.threads))
            case .concat(let relu):
                operators.append(ConcatFP32(inputs: ins, output: out, relu: relu))
            }
        }
        self.storage = storage
        self.tensorIndex = index
        self.operators = operators
        self.scratch = scratch
        layers = LayerInfo.list(model: model, plan: plan)
        times = LayerTimes(count: operators.count)
    }

    public var inputShape: TensorShape { plan.inputShape }

    /// The normalised picture, NCHW `[1, 3, H, W]`, channels in the model's `input.channels`
    /// order. Write it before each `run()`.
    public var input: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: storage[0].pointer, count: plan.inputShape.count)
    }

    /// Normalises a resized picture (at most the planned size) into `input`, 0 in the padding.
    public func setInput(_ image: RGBImage) {
        precondition(image.width <= inputShape.width && image.height <= inputShape.height, "picture larger than the planned input")
        model.description.input.normalize(image, into: storage[0].pointer, paddedWidth: inputShape.width,
                                          paddedHeight: inputShape.height)
    }

    /// Runs every layer in order on the current input.
    public func run() {
        times.run { operators[$0].run(pool: pool) }
    }

    /// A layer's output (or "image", the input) after the last run.
    public func headOutput(named name: String) throws -> TensorView { try output(named: name) }

    public func output(named name: String) throws -> TensorView {
        guard let i = tensorIndex[name], let shape = plan.shape(of: name) else {
            throw ModelError(.unknownTensor, file: model.yamlPath, subject: "tensor '\(name)'",
                             problem: "no such tensor (the outputs are the layers' names and '\(ModelFile.inputName)')")
        }
        return TensorView(name: name, shape: shape, data: UnsafeBufferPointer(start: storage[i].pointer, count: shape.count))
    }
}
