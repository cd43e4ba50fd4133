import Testing
@testable import Engine

/// Each operator run through a one- or two-layer network and compared with NaiveReference.
/// Shapes include the awkward ones: 1x1 images, 3 and 5 input channels, odd sizes with
/// stride 2, even kernels, grouped convs, 1x1 convs with stride (im2col) and without (direct).
@Suite struct OperatorTests {
    struct ConvCase: CustomStringConvertible {
        var inC: Int, outC: Int, k: Int, s: Int, p: Int, g: Int = 1, relu: Bool = true, h: Int, w: Int
        var description: String { "in\(inC) out\(outC) k\(k) s\(s) p\(p) g\(g) relu\(relu) \(w)x\(h)" }
    }

    static let convCases: [ConvCase] = [
        ConvCase(inC: 3, outC: 8, k: 3, s: 1, p: 1, h: 1, w: 1),              // 1x1 spatial, padded
        ConvCase(inC: 3, outC: 4, k: 1, s: 1, p: 0, relu: false, h: 1, w: 1), // 1x1 spatial, direct
        ConvCase(inC: 3, outC: 16, k: 3, s: 2, p: 1, h: 7, w: 9),             // stride 2, odd input
        ConvCase(inC: 5, outC: 7, k: 5, s: 1, p: 2, h: 6, w: 11),             // 5 channels, 5x5
        ConvCase(inC: 5, outC: 6, k: 3, s: 2, p: 0, relu: false, h: 9, w: 5), // no padding, odd, stride 2
        ConvCase(inC: 3, outC: 5, k: 2, s: 2, p: 0, h: 5, w: 7),              // even kernel
        ConvCase(inC: 5, outC: 9, k: 1, s: 2, p: 0, h: 7, w: 7),              // 1x1 stride 2 (im2col path)
        ConvCase(inC: 6, outC: 4, k: 3, s: 1, p: 1, g: 2, h: 5, w: 8),        // grouped
        ConvCase(inC: 6, outC: 6, k: 3, s: 2, p: 1, g: 6, relu: false, h: 9, w: 9), // depthwise
        ConvCase(inC: 4, outC: 40, k: 7, s: 3, p: 3, h: 13, w: 17),           // big kernel, stride 3
        ConvCase(inC: 16, outC: 32, k: 3, s: 1, p: 1, h: 23, w: 41),          // several column blocks
        ConvCase(inC: 8, outC: 64, k: 3, s: 1, p: 1, h: 5, w: 7),             // few pixels: output channels split too
        ConvCase(inC: 16, outC: 48, k: 1, s: 1, p: 0, h: 40, w: 50),          // direct path, several blocks
    ]

    @Test(arguments: convCases, [1, 3])
    func convMatchesNaiveLoops(_ c: ConvCase, threads: Int) throws {
        var layers = ""
        var source = "image"
        if c.inC != 3 {
            layers += "- {name: pre, op: conv, inputs: [image], out_channels: \(c.inC), kernel: 1, stride: 1, pad: 0}\n"
            source = "pre"
        }
        layers += "- {name: c, op: conv, inputs: [\(source)], out_channels: \(c.outC), kernel: \(c.k), stride: \(c.s), pad: \(c.p), groups: \(c.g), relu: \(c.relu)}\n"
        let model = try TestModels.make(layers, seed: UInt64(c.inC * 1000 + c.outC * 10 + c.k))
        let net = try FP32Network(model: model, inputWidth: c.w, inputHeight: c.h, threads: threads)
        TestModels.runRandom(net)
        let input = try net.output(named: source)
        guard case .conv(let p) = model.layer(named: "c")!.operation else { Issue.record("not a conv"); return }
        let (weight, bias) = try model.convWeights("c")
        let expected = NaiveReference.conv(input.array, input.shape, weight: weight, bias: bias, p)
        let out = try net.output(named: "c")
        #expect(out.shape.count == expected.count)
        #expect(relativeError(out.data, expected) < 1e-5, "\(c)")
    }

    @Test(arguments: [(3, 2, 0, 7, 9), (3, 2, 1, 7, 9), (2, 2, 0, 2, 3), (3, 1, 1, 1, 1), (5, 3, 2, 10, 6), (2, 2, 1, 4, 4)],
          [1, 2])
    func maxpoolMatchesNaiveLoops(_ c: (k: Int, s: Int, p: Int, h: Int, w: Int), threads: Int) throws {
        let model = try TestModels.make("""
            - {name: pre, op: conv, inputs: [image], out_channels: 5, kernel: 1, stride: 1, pad: 0}
            - {name: pool, op: maxpool, inputs: [pre], kernel: \(c.k), stride: \(c.s), pad: \(c.p)}

            """)
        let net = try FP32Network(model: model, inputWidth: c.w, inputHeight: c.h, threads: threads)
        TestModels.runRandom(net)
        let input = try net.output(named: "pre")
        let expected = NaiveReference.maxpool(input.array, input.shape, kernel: c.k, stride: c.s, pad: c.p)
        let out = try net.output(named: "pool")
        #expect(out.shape.count == expected.count)
        #expect(out.array == expected, "\(c)")
    }

    @Test(arguments: [(1, 1), (1, 2), (3, 5), (7, 4), (16, 24)])
    func upsampleMatchesNaiveLoops(_ size: (h: Int, w: Int)) throws {
        let model = try TestModels.make("- {name: up, op: upsample2x, inputs: [image]}\n")
        let net = try FP32Network(model: model, inputWidth: size.w, inputHeight: size.h, threads: 2)
        TestModels.runRandom(net)
        let input = try net.output(named: "image")
        let expected = NaiveReference.upsample2x(input.array, input.shape)
        let out = try net.output(named: "up")
        #expect(out.shape == TensorShape(channels: 3, height: 2 * size.h, width: 2 * size.w))
        #expect(relativeError(out.data, expected) < 1e-6, "\(size)")
    }

    @Test func upsampleOfKnownRowMatchesPyTorchValues() throws {
        // F.interpolate(torch.tensor([[[[0., 1., 4.]]]]), scale_factor=2, mode="bilinear",
        // align_corners=False) gives [0, 0.25, 0.75, 1.75, 3.25, 4] on each of its two rows.
        let model = try TestModels.make("- {name: up, op: upsample2x, inputs: [image]}\n")
        let net = try FP32Network(model: model, inputWidth: 3, inputHeight: 1)
        let input = net.input
        for c in 0..<3 { input[c * 3 + 0] = 0; input[c * 3 + 1] = 1; input[c * 3 + 2] = 4 }
        net.run()
        let out = try net.output(named: "up")
        #expect(Array(out.array[0..<12]) == [0, 0.25, 0.75, 1.75, 3.25, 4, 0, 0.25, 0.75, 1.75, 3.25, 4])
    }

    @Test(arguments: [false, true], [1, 3])
    func addAndConcatMatchNaiveLoops(relu: Bool, threads: Int) throws {
        let model = try TestModels.make("""
            - {name: a, op: conv, inputs: [image], out_channels: 5, kernel: 3, stride: 1, pad: 1}
            - {name: b, op: conv, inputs: [image], out_channels: 5, kernel: 1, stride: 1, pad: 0}
            - {name: sum, op: add, inputs: [a, b], relu: \(relu)}
            - {name: cat, op: concat, inputs: [a, image, b], relu: \(relu)}

            """)
        // Large enough that add is split over threads.
        let net = try FP32Network(model: model, inputWidth: 131, inputHeight: 127, threads: threads)
        TestModels.runRandom(net)
        let a = try net.output(named: "a").array, b = try net.output(named: "b").array
        let image = try net.output(named: "image").array
        let activation: (Float) -> Float = relu ? { max($0, 0) } : { $0 }
        #expect(try net.output(named: "sum").array == zip(a, b).map { activation($0 + $1) })
        #expect(try net.output(named: "cat").array == (a + image + b).map(activation))
        #expect(try net.output(named: "cat").shape == TensorShape(channels: 13, height: 127, width: 131))
    }
}

/// The conv cases above are meant to reach every work split; check that they do, so a
/// change to the blocking rule cannot quietly leave a path untested.
@Suite struct ConvBlockingTests {
    @Test func casesReachEverySplit() {
        func blocking(_ inC: Int, _ outC: Int, k: Int, h: Int, w: Int, threads: Int) -> (cols: Int, blocks: Int, splits: Int) {
            let p = ConvParameters(inChannels: inC, outChannels: outC, kernel: k, stride: 1, pad: k / 2)
            let (cols, blocks, splits) = ConvFP32.blocking(p, outShape: TensorShape(channels: outC, height: h, width: w), threads: threads)
            return (cols, blocks, splits)
        }
        // Single thread: blocks bounded by cache size.
        #expect(blocking(16, 32, k: 3, h: 23, w: 41, threads: 1).blocks == 3)
        #expect(blocking(3, 8, k: 3, h: 1, w: 1, threads: 1) == (1, 1, 1))
        // Three threads: more, smaller blocks; few pixels: channel splits as well.
        #expect(blocking(16, 32, k: 3, h: 23, w: 41, threads: 3).blocks == 6)
        #expect(blocking(8, 64, k: 3, h: 5, w: 7, threads: 3).splits == 2)
        #expect(blocking(16, 48, k: 1, h: 40, w: 50, threads: 3).blocks >= 6)
    }
}
