import Engine
import FacepipeCore

/// Networks planned per padded input size, made on first use: a video keeps one size and a
/// folder of pictures a few, while planning (buffers, packed weights) is far too costly per
/// frame. Both backends run their pictures through here and read the heads of the last run.
struct PlannedNetworks<Net: Network> {
    private var bySize: [Int: Net] = [:]
    private var current: Net?

    /// Plans the network for this size if it is new (`make`), feeds it the picture, runs it.
    mutating func run(_ image: RGBImage, width: Int, height: Int, make: () throws -> Net) throws {
        let key = width << 32 | height
        let net: Net
        if let planned = bySize[key] {
            net = planned
        } else {
            net = try make()
            bySize[key] = net
        }
        net.setInput(image)
        net.run()
        current = net
    }

    /// A head of the last run, as the detector decodes it.
    func head(_ name: String) throws -> (data: UnsafePointer<Float>, height: Int, width: Int) {
        guard let net = current else { throw DetectorError.notRun }
        let view = try net.headOutput(named: name)
        return (view.data.baseAddress!, view.shape.height, view.shape.width)
    }
}
