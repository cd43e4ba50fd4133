import Testing
import FacepipeCore
@testable import Tracker

@Suite struct KalmanFilterTests {
    let noise = TrackerConfig.KalmanNoise(positionNoise: 0.1, velocityNoise: 0.5, measurementNoise: 0.05, initialVelocityStd: 1)

    @Test func startsAtTheBoxWithSizeScaledUncertainty() {
        let f = BoxKalmanFilter(box: Box(x: 90, y: 80, width: 20, height: 40), noise: noise)
        #expect(f.cx.value == 100 && f.cy.value == 100 && f.w.value == 20 && f.h.value == 40)
        #expect(f.cx.velocity == 0 && f.h.velocity == 0)
        // (2 * 0.05 * size)^2 and (1 * size)^2, width for x, height for y.
        #expect(abs(f.cx.pp - 4) < 1e-12 && abs(f.cx.vv - 400) < 1e-12)
        #expect(abs(f.cy.pp - 16) < 1e-12 && abs(f.cy.vv - 1600) < 1e-12)
        #expect(f.box == Box(x: 90, y: 80, width: 20, height: 40))
    }

    @Test func predictThenUpdateMatchesHandComputation() {
        var f = BoxKalmanFilter(box: Box(x: 90, y: 80, width: 20, height: 40), noise: noise)
        f.predict(dt: 0.5)
        // x axis, size 20: qp = (0.1*20)^2*0.5 = 2, qv = (0.5*20)^2*0.5 = 50.
        // pp = 4 + 400*0.25 + 2 = 106, pv = 400*0.5 = 200, vv = 400 + 50 = 450.
        #expect(abs(f.cx.pp - 106) < 1e-9 && abs(f.cx.pv - 200) < 1e-9 && abs(f.cx.vv - 450) < 1e-9)
        #expect(f.cx.value == 100)
        // Measured centre 104: r = (0.05*20)^2 = 1, S = 107, gains 106/107 and 200/107.
        f.update(box: Box(x: 94, y: 80, width: 20, height: 40))
        #expect(abs(f.cx.value - (100 + 4.0 * 106 / 107)) < 1e-9)
        #expect(abs(f.cx.velocity - 4.0 * 200 / 107) < 1e-9)
        #expect(abs(f.cx.pp - 106.0 / 107) < 1e-9)
        #expect(abs(f.cx.pv - 200.0 / 107) < 1e-9)
        #expect(abs(f.cx.vv - (450 - 200.0 * 200 / 107)) < 1e-9)
        // y axis unchanged measurement: value stays, covariance shrinks the same way with size 40.
        // pp = 16 + 1600*0.25 + (0.1*40)^2*0.5 = 424, r = 4, S = 428.
        #expect(f.cy.value == 100)
        #expect(abs(f.cy.pp - 424 * 4 / 428.0) < 1e-9)
        // Then a second prediction moves the centre by velocity * dt.
        let v = f.cx.velocity, x = f.cx.value
        f.predict(dt: 0.2)
        #expect(abs(f.cx.value - (x + 0.2 * v)) < 1e-9)
    }

    @Test func nonPositiveStepChangesNothing() {
        var f = BoxKalmanFilter(box: Box(x: 0, y: 0, width: 10, height: 10), noise: noise)
        let before = f
        f.predict(dt: 0)
        f.predict(dt: -0.1)
        #expect(f == before)
    }

    @Test func velocityIsPerSecondWhateverTheFrameSpacing() {
        // A box moving 60 px/s sampled at irregular times (dropped frames) gives 60 px/s.
        var f = BoxKalmanFilter(box: Box(x: 0, y: 50, width: 40, height: 40), noise: noise)
        var last = 0.0
        for t in [0.04, 0.08, 0.2, 0.24, 0.4, 0.44, 0.48, 0.6, 0.8, 0.84, 0.88, 1.0, 1.2, 1.24] {
            f.predict(dt: t - last)
            f.update(box: Box(x: Float(60 * t), y: 50, width: 40, height: 40))
            last = t
        }
        #expect(abs(f.cx.velocity - 60) < 3)
        #expect(abs(f.cy.velocity) < 0.5)
        f.predict(dt: 0.5)
        #expect(abs(f.box.x - Float(60 * 1.74)) < 2)
    }

    @Test func shrinkingSizeNeverTurnsNegative() {
        var f = BoxKalmanFilter(box: Box(x: 0, y: 0, width: 10, height: 10), noise: noise)
        f.w.velocity = -100
        f.predict(dt: 1)
        #expect(f.w.value >= 1 && f.box.width >= 1)
    }
}
