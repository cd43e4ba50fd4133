@testable import Resize
import Testing

@Suite struct ResizeRuleTests {
    @Test(arguments: [
        // (width, height) -> expected with the model's 400/800 limits
        (640, 360, 640, 360),     // already within both limits: unchanged
        (1920, 1080, 711, 400),   // short side decides: 1920 * 400/1080 = 711.1
        (1280, 720, 711, 400),
        (1080, 1920, 400, 711),   // portrait
        (4000, 100, 800, 20),     // long side decides
        (100, 4000, 20, 800),
        (300, 2000, 120, 800),
        (1, 1, 1, 1),             // never enlarged
        (3, 5, 3, 5),
        (400, 800, 400, 800),     // exactly at both limits
        (401, 801, 400, 799),     // 801 * 400/401 = 799.0
        (10000, 1, 800, 1),       // at least one pixel
        (2048, 1536, 533, 400),   // 2048 * 400/1536 = 533.3
    ])
    func modelLimits(_ width: Int, _ height: Int, _ expectedWidth: Int, _ expectedHeight: Int) {
        let size = ResizeRule.outputSize(width: width, height: height, maxShort: 400, maxLong: 800)
        #expect(size.width == expectedWidth && size.height == expectedHeight)
    }

    @Test func otherLimitsComeFromTheModel() {
        #expect(ResizeRule.outputSize(width: 640, height: 360, maxShort: 120, maxLong: 200) == (200, 113))
        #expect(ResizeRule.outputSize(width: 640, height: 480, maxShort: 240, maxLong: 1000) == (320, 240))
        #expect(ResizeRule.outputSize(width: 640, height: 480, maxShort: 640, maxLong: 640) == (640, 480))
    }

    /// Whatever the input, the result obeys both limits, keeps the aspect within rounding,
    /// and never grows.
    @Test func ruleHoldsOverManySizes() {
        for width in stride(from: 1, through: 5000, by: 97) {
            for height in stride(from: 1, through: 5000, by: 89) {
                let (w, h) = ResizeRule.outputSize(width: width, height: height, maxShort: 400, maxLong: 800)
                #expect(min(w, h) <= 400 && max(w, h) <= 800 && w <= width && h <= height && w >= 1 && h >= 1)
                if w > 1 && h > 1 {
                    let aspect = Double(width) / Double(height), kept = Double(w) / Double(h)
                    // One pixel of rounding on either side bounds the aspect change.
                    #expect(abs(kept - aspect) <= aspect * (1 / Double(min(w, h))) + 1e-9)
                }
            }
        }
    }
}
