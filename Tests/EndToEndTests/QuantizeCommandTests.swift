import Foundation
import Testing
import TestSupport

/// `facepipe quantize` end to end: calibration on real training photos into a copy of the shipped
/// model, the int8 engine then usable by `detect`; evaluation data refused.
@Suite(.serialized) struct QuantizeCommandTests {
    static func modelCopy() throws -> String {
        let dir = try TestPaths.scratch("e2e-quantize")
        for f in ["model.yaml", "weights.safetensors"] {
            try FileManager.default.copyItem(atPath: TestPaths.repo("Configs/models/ssh-lite/\(f)").path,
                                             toPath: dir.appendingPathComponent(f).path)
        }
        return dir.path
    }

    @Test func quantisesThenDetectsWithInt8() throws {
        let model = try Self.modelCopy()
        let photo = TestPaths.data("train/eden_mask_wearing/images/eden_00000124.jpg").path
        let before = try FacepipeBinary.run(["detect", "--model", model, "--engine", "int8", photo])
        #expect(before.status != 0)
        #expect(before.stderr.contains("no int8 calibration in \(model)"), "\(before.stderr)")

        let r = try FacepipeBinary.run(["quantize", "--model", model, "--calib", TestPaths.data("train/caltech_webfaces").path,
                                        "--calib", TestPaths.data("train/eden_mask_wearing/labels.jsonl").path,
                                        "-n", "6", "--compare", "2", "--engine-threads", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("calibrated on 6 pictures (minmax)"), "\(r.stderr)")
        for line in ["per-layer error of int8 vs fp32 on 2 calibration pictures", "conv1 ", "m3_reg ", "detections at IoU > 0.8:"] {
            #expect(r.stdout.contains(line), "missing '\(line)' in: \(r.stdout)")
        }
        #expect(FileManager.default.fileExists(atPath: model + "/int8.yaml"))
        #expect(FileManager.default.fileExists(atPath: model + "/int8.safetensors"))
        let yaml = try String(contentsOfFile: model + "/int8.yaml", encoding: .utf8)
        #expect(yaml.contains("method: minmax") && yaml.contains("images: 6"), "\(yaml)")

        let after = try FacepipeBinary.run(["detect", "--model", model, "--engine", "int8", "--json", photo])
        #expect(after.status == 0, "\(after.stderr)")
        #expect(after.stdout.contains("\"faces\":["), "\(after.stdout)")
    }

    @Test(arguments: ["eval/caltech_webfaces", "photos/dlib_faces", "eval/eden_mask_wearing/labels.jsonl"])
    func refusesEvaluationPictures(_ relative: String) throws {
        let model = try Self.modelCopy()
        let r = try FacepipeBinary.run(["quantize", "--model", model, "--calib", TestPaths.data(relative).path, "-n", "2"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("must not be used for calibration"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: model + "/int8.yaml"))
    }
}
