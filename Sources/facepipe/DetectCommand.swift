import ArgumentParser
import Capture
import FacepipeCore
import FacepipeCommandLine
import FacepipeKit

/// `facepipe detect photo.jpg`: faces in one picture, printed or drawn.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect", abstract: "Detect faces in pictures (any format FFmpeg reads: JPEG, PNG, BMP...).")

    @Argument(help: "Pictures to read.")
    var pictures: [String]

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Print one JSON object per picture instead of a table.")
    var json = false

    @Option(help: "Write the (first) picture with the boxes drawn, as PNG.")
    var draw: String?

    mutating func run() throws {
        FFmpegLog.route(level: .quiet, redaction: CredentialRedaction())  // facepipe's own messages say what failed
        let detection = try PictureDetection(detector: modelOptions.choice.makeDetector())
        for (n, picture) in pictures.enumerated() {
            let found = try detection.detect(picture)
            print(json ? found.json : found.table)
            if n == 0, let draw { try detection.drawLast(found, to: draw) }
        }
    }
}
