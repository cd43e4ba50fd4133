import ArgumentParser
import Capture
import FacepipeCommandLine
import FacepipeCore
import FacepipeKit

/// `facepipe quantize`: calibrate the int8 engine on training pictures and write
/// int8.yaml + int8.safetensors into the model folder, then report how far each layer and
/// the detections are from fp32.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Calibrate and quantise a model for the int8 engine (writes int8.yaml + int8.safetensors).",
        discussion: """
            Example:
              facepipe quantize --model Configs/models/ssh-lite \\
                --calib ../shared/data/train/caltech_webfaces --calib ../shared/data/train/eden_mask_wearing -n 200
            Calibration pictures must be training pictures: eval/ and photos/dlib_faces/ are refused.
            """)

    @OptionGroup var options: QuantizeOptions

    mutating func run() throws {
        FFmpegLog.route(level: .quiet, redaction: CredentialRedaction())  // facepipe's own messages say what failed
        try options.quantization.run(report: { print($0) }, progress: note)
    }
}
