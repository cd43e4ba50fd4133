import FacepipeCore

/// The pipeline's scene step, ahead of detection: measures how much each picture changed from
/// the previous one (`SceneChangeMeter`) and marks camera cuts at the tracker's `scene_cut`.
/// A detector working on every Nth frame admits the marked frames too (`admit: {cuts: true}`),
/// so a new shot's faces are found on its first frame instead of up to N - 1 frames later
/// (when redacting, they would show until then); the track stage reads the change measured here.
public final class SceneStage: FrameStage {
    public let name = "scene"
    private let config: TrackerConfig
    private var meter = SceneChangeMeter()

    /// `config` is the run's tracker settings: one `scene_cut` decides both what the detector
    /// admits and where the tracker ends its tracks.
    public init(config: TrackerConfig) {
        self.config = config
    }

    public func process(_ frame: VideoFrame) throws {
        frame.sceneChange = meter.measure(frame)
        frame.sceneMeasured = true
        frame.cameraCut = config.isSceneCut(frame.sceneChange)
    }

    public func finish(lastTime: Double, lastFrame: Int) throws {
        meter.reset()
    }
}
