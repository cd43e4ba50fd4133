import Foundation

/// The pictures `facepipe quantize` calibrates on: folders (every JPEG/PNG/BMP below them, or
/// the pictures a labels.jsonl in them lists) and labels.jsonl files, merged, sorted, then `count`
/// taken at even spacing so every source is represented. Evaluation data is refused: a
/// calibration tuned on the pictures we measure on would flatter the int8 numbers.
enum CalibrationPictures {
    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    static let extensions: Set<String> = ["jpg", "jpeg", "png", "bmp"]

    static func collect(_ locations: [String], count: Int) throws -> [String] {
        var all: [String] = []
        for location in locations {
            let path = URL(fileURLWithPath: location).standardizedFileURL.resolvingSymlinksInPath().path
            if path.contains("/eval/") || path.hasSuffix("/eval") || path.contains("dlib_faces") {
                throw Refused(description: "\(location): evaluation pictures (eval/, photos/dlib_faces/) must not be used "
                    + "for calibration; use training pictures, e.g. data/train/caltech_webfaces")
            }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw Refused(description: "\(location): no such file or folder")
            }
            if isFolder.boolValue {
                let labels = (path as NSString).appendingPathComponent("labels.jsonl")
                all += FileManager.default.fileExists(atPath: labels) ? try fromLabels(labels) : try fromFolder(path)
            } else if path.hasSuffix(".jsonl") {
                all += try fromLabels(path)
            } else {
                throw Refused(description: "\(location): give a folder of pictures or a labels.jsonl")
            }
        }
        all = Array(Set(all)).sorted()
        guard !all.isEmpty else { throw Refused(description: "no pictures found in \(locations.joined(separator: ", "))") }
        guard count < all.count else { return all }
        return (0..<count).map { all[$0 * all.count / count] }
    }

    private static func fromFolder(_ folder: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else {
            throw Refused(description: "\(folder): cannot list the folder")
        }
        var out: [String] = []
        for case let relative as String in walker where extensions.contains((relative as NSString).pathExtension.lowercased()) {
            out.append((folder as NSString).appendingPathComponent(relative))
        }
        return out
    }

    /// `{"image": "images/x.jpg", ...}` per line, relative to the file's folder.
    private static func fromLabels(_ file: String) throws -> [String] {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw Refused(description: "\(file): cannot read the file")
        }
        let folder = (file as NSString).deletingLastPathComponent
        var out: [String] = []
        for (n, line) in text.split(separator: "\n").enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let image = object["image"] as? String else {
                throw Refused(description: "\(file):\(n + 1): not a JSON object with an \"image\" path")
            }
            out.append((folder as NSString).appendingPathComponent(image))
        }
        return out
    }
}
