/// Networks planned per padded input size, made on first use: a video keeps one size and a
/// folder of pictures a few, while planning (buffers, packed weights) is far too costly per
/// frame. Both backends keep theirs here.
struct PlannedNetworks<Network> {
    private var bySize: [Int: Network] = [:]

    mutating func network(width: Int, height: Int, make: () throws -> Network) rethrows -> Network {
        let key = width << 32 | height
        if let n = bySize[key] { return n }
        let n = try make()
        bySize[key] = n
        return n
    }
}
