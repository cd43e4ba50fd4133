import Foundation

/// How a bench report leaves the program: one JSON document (`--json`, read back by `--load`),
/// a Markdown summary, or the text for people.
public enum BenchReportFormat: Sendable {
    case text, markdown, json

    public func render(_ report: BenchReport) throws -> String {
        switch self {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(report), as: UTF8.self)
        case .markdown: return BenchMarkdown.render(report)
        case .text: return BenchText.render(report)
        }
    }
}

extension BenchReport {
    /// A report saved by `facepipe bench engine --json`.
    public static func load(fromFile path: String) throws -> BenchReport {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw SavedReportError(path: path, problem: "cannot be read (\(error.localizedDescription))")
        }
        do { return try JSONDecoder().decode(BenchReport.self, from: data) } catch {
            throw SavedReportError(path: path, problem: "is not a report written by 'facepipe bench engine --json' (\(error))")
        }
    }
}

/// `--load` names a file that is missing or is not a saved report.
struct SavedReportError: Error, CustomStringConvertible {
    var path: String
    var problem: String
    var description: String { "\(path) \(problem)" }
}
