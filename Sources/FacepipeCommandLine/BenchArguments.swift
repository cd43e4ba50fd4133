import Benchmarks

/// The comma-separated lists `facepipe bench engine` takes (`--sizes 400x800,200x400`,
/// `--threads 1,2`), checked; an error names the item at fault.
enum BenchArguments {
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    static func sizes(_ text: String) throws -> [BenchSize] {
        let sizes = try text.split(separator: ",").map { item -> BenchSize in
            let parts = item.lowercased().split(separator: "x")
            guard parts.count == 2, let h = Int(parts[0]), let w = Int(parts[1]), h >= 1, w >= 1 else {
                throw Invalid(description: "--sizes: '\(item)' is not HEIGHTxWIDTH (e.g. 400x800)")
            }
            return BenchSize(height: h, width: w)
        }
        guard !sizes.isEmpty else { throw Invalid(description: "--sizes: no size given") }
        return sizes
    }

    static func threads(_ text: String) throws -> [Int] {
        let counts = try text.split(separator: ",").map { item -> Int in
            guard let n = Int(item), n >= 1 else { throw Invalid(description: "--threads: '\(item)' is not a thread count >= 1") }
            return n
        }
        guard !counts.isEmpty else { throw Invalid(description: "--threads: no thread count given") }
        var unique: [Int] = []
        for n in counts where !unique.contains(n) { unique.append(n) }
        return unique
    }
}
