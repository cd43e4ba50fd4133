import Detector
import FacepipeCore
import Foundation
import TestSupport
import Testing

/// Configs/detector.yaml is range-checked like the tracker's settings.
@Suite struct DetectorConfigFileTests {
    @Test(arguments: [
        ("score_threshold: -0.3", "score_threshold: must be in 0...1, found -0.3"),
        ("score_threshold: 1.5", "score_threshold: must be in 0...1, found 1.5"),
        ("nms_iou: 2", "nms_iou: must be in 0...1, found 2.0"),
        ("max_detections: 0", "max_detections: must be at least 1, found 0"),
    ])
    func outOfRangeValuesNameTheFileAndKey(line: String, message: String) throws {
        let folder = try TestPaths.scratch("detector-yaml")
        let file = folder.appendingPathComponent("detector.yaml").path
        try "model: Configs/models/ssh-lite\n\(line)\n".write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try DetectorConfigFile.load(fromFile: file)
            Issue.record("\(line) must be refused")
        } catch {
            #expect("\(error)" == "\(file): \(message)")
        }
    }

    @Test func theShippedFileLoads() throws {
        let settings = try DetectorConfigFile.load(fromFile: TestPaths.repo("Configs/detector.yaml").path)
        #expect(settings.model == "Configs/models/ssh-lite")
    }
}
