import FacepipeCore

/// Constant-velocity Kalman filter on a box: state [cx, cy, w, h, vcx, vcy, vw, vh],
/// velocities in pixels per second, time steps taken from frame timestamps.
///
/// The motion model, the noise and the measurement are diagonal per coordinate, so the
/// 8x8 covariance never couples two coordinates: it is exactly four independent
/// 2x2 (value, velocity) filters. Keeping it in that form makes it allocation-free
/// and cheap, with the same numbers as the full matrix form.
struct BoxKalmanFilter: Sendable, Equatable {
    /// One coordinate and its velocity, with their 2x2 covariance [[pp, pv], [pv, vv]].
    struct Axis: Sendable, Equatable {
        public var value: Double
        var velocity: Double
        var pp: Double
        var pv: Double
        var vv: Double

        /// x <- F x, P <- F P F' + Q with F = [[1, dt], [0, 1]], Q = diag(qp, qv).
        @inline(__always) mutating func predict(dt: Double, qp: Double, qv: Double) {
            value += velocity * dt
            pp += 2 * pv * dt + vv * dt * dt + qp
            pv += vv * dt
            vv += qv
        }

        /// Standard update with H = [1, 0] and measurement variance r.
        @inline(__always) mutating func update(measured z: Double, r: Double) {
            let s = pp + r
            let kp = pp / s, kv = pv / s
            let innovation = z - value
            value += kp * innovation
            velocity += kv * innovation
            vv -= kv * pv
            pv -= kp * pv
            pp -= kp * pp
        }
    }

    public var cx: Axis
    public var cy: Axis
    public var w: Axis
    public var h: Axis
    public let noise: TrackerConfig.KalmanNoise

    /// Starts at a detected box with zero velocity.
    public init(box: Box, noise: TrackerConfig.KalmanNoise) {
        self.noise = noise
        let bw = Double(max(box.width, 1)), bh = Double(max(box.height, 1))
        let p0 = 2 * noise.measurementNoise, v0 = noise.initialVelocityStd
        func axis(_ value: Double, _ size: Double) -> Axis {
            Axis(value: value, velocity: 0, pp: (p0 * size) * (p0 * size), pv: 0, vv: (v0 * size) * (v0 * size))
        }
        cx = axis(Double(box.centerX), bw); w = axis(bw, bw)
        cy = axis(Double(box.centerY), bh); h = axis(bh, bh)
    }

    /// The current estimate as a box (size kept at least one pixel).
    public var box: Box {
        let bw = max(w.value, 1), bh = max(h.value, 1)
        return Box(x: Float(cx.value - bw / 2), y: Float(cy.value - bh / 2), width: Float(bw), height: Float(bh))
    }

    /// Moves the estimate `dt` seconds ahead. Non-positive steps change nothing.
    mutating func predict(dt: Double) {
        guard dt > 0 else { return }
        let sw = max(w.value, 1), sh = max(h.value, 1)
        let qpw = sq(noise.positionNoise * sw) * dt, qvw = sq(noise.velocityNoise * sw) * dt
        let qph = sq(noise.positionNoise * sh) * dt, qvh = sq(noise.velocityNoise * sh) * dt
        cx.predict(dt: dt, qp: qpw, qv: qvw)
        w.predict(dt: dt, qp: qpw, qv: qvw)
        cy.predict(dt: dt, qp: qph, qv: qvh)
        h.predict(dt: dt, qp: qph, qv: qvh)
        // A shrinking prediction must not turn the box inside out.
        if w.value < 1 { w.value = 1; w.velocity = 0 }
        if h.value < 1 { h.value = 1; h.velocity = 0 }
    }

    /// Corrects the estimate with a detected box; noise scales with the predicted size.
    public mutating func update(box: Box) {
        let rw = sq(noise.measurementNoise * max(w.value, 1))
        let rh = sq(noise.measurementNoise * max(h.value, 1))
        cx.update(measured: Double(box.centerX), r: rw)
        w.update(measured: Double(box.width), r: rw)
        cy.update(measured: Double(box.centerY), r: rh)
        h.update(measured: Double(box.height), r: rh)
    }

    /// Stops the size from drifting while a track coasts unseen (as ByteTrack does).
    mutating func freezeSize() {
        w.velocity = 0
        h.velocity = 0
    }
}

@inline(__always) private func sq(_ x: Double) -> Double { x * x }
