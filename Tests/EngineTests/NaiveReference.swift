import Foundation
@testable import Engine

/// Plain loops, one output element at a time, accumulated in Double: the twin every
/// operator is checked against. Written from FORMAT.md's definitions, not from the operators.
enum NaiveReference {
    static func conv(_ input: [Float], _ s: TensorShape, weight: [Float], bias: [Float], _ p: ConvParameters) -> [Float] {
        let oh = (s.height + 2 * p.pad - p.kernel) / p.stride + 1
        let ow = (s.width + 2 * p.pad - p.kernel) / p.stride + 1
        let cinG = p.inChannels / p.groups, coutG = p.outChannels / p.groups
        var out = [Float](repeating: 0, count: p.outChannels * oh * ow)
        for o in 0..<p.outChannels {
            let g = o / coutG
            for y in 0..<oh {
                for x in 0..<ow {
                    var acc = Double(bias[o])
                    for ci in 0..<cinG {
                        let c = g * cinG + ci
                        for ky in 0..<p.kernel {
                            for kx in 0..<p.kernel {
                                let iy = y * p.stride - p.pad + ky, ix = x * p.stride - p.pad + kx
                                guard iy >= 0, iy < s.height, ix >= 0, ix < s.width else { continue }
                                let wv = weight[((o * cinG + ci) * p.kernel + ky) * p.kernel + kx]
                                acc += Double(wv) * Double(input[(c * s.height + iy) * s.width + ix])
                            }
                        }
                    }
                    out[(o * oh + y) * ow + x] = Float(p.relu ? max(acc, 0) : acc)
                }
            }
        }
        return out
    }

    static func maxpool(_ input: [Float], _ s: TensorShape, kernel: Int, stride: Int, pad: Int) -> [Float] {
        let oh = (s.height + 2 * pad - kernel) / stride + 1
        let ow = (s.width + 2 * pad - kernel) / stride + 1
        var out: [Float] = []
        for c in 0..<s.channels {
            for y in 0..<oh {
                for x in 0..<ow {
                    var best = -Float.infinity
                    for ky in 0..<kernel {
                        for kx in 0..<kernel {
                            let iy = y * stride - pad + ky, ix = x * stride - pad + kx
                            if iy >= 0, iy < s.height, ix >= 0, ix < s.width {
                                best = max(best, input[(c * s.height + iy) * s.width + ix])
                            }
                        }
                    }
                    out.append(best)
                }
            }
        }
        return out
    }

    static func upsample2x(_ input: [Float], _ s: TensorShape) -> [Float] {
        func source(_ d: Int, _ n: Int) -> (Int, Int, Double) {
            let u = max((Double(d) + 0.5) / 2 - 0.5, 0)
            let i0 = Int(u.rounded(.down))
            return (i0, min(i0 + 1, n - 1), u - Double(i0))
        }
        var out: [Float] = []
        for c in 0..<s.channels {
            func at(_ y: Int, _ x: Int) -> Double { Double(input[(c * s.height + y) * s.width + x]) }
            for y in 0..<(2 * s.height) {
                let (y0, y1, fy) = source(y, s.height)
                for x in 0..<(2 * s.width) {
                    let (x0, x1, fx) = source(x, s.width)
                    let v = at(y0, x0) * (1 - fy) * (1 - fx) + at(y0, x1) * (1 - fy) * fx
                          + at(y1, x0) * fy * (1 - fx) + at(y1, x1) * fy * fx
                    out.append(Float(v))
                }
            }
        }
        return out
    }
}

extension TensorView {
    var array: [Float] { Array(data) }
}
