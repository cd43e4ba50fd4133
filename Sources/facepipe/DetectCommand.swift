import ArgumentParser
import Capture
import FacepipeCore
import FacepipeCommandLine
import FacepipeKit

/// `facepipe detect photo.jpg`: faces in one picture, printed or drawn.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect", abstract: "Detect faces in pictures (any format FFmpeg reads: JPEG, PNG, BMP...).")

    @OptionGroup var options: DetectOptions

    mutating func run() throws {
        FFmpegLog.route(level: .quiet, redaction: CredentialRedaction())  // facepipe's own messages say what failed
        let detection = try PictureDetection(detector: options.modelOptions.choice.makeDetector())
        for (n, picture) in options.pictures.enumerated() {
            let found = try detection.detect(picture)
            print(options.json ? found.json : found.table)
            if n == 0, let draw = options.draw { try detection.drawLast(found, to: draw) }
        }
    }
}
